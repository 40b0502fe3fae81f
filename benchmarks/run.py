"""Measure the build, the preview server and the output on synthetic sites of N events.

    .venv/bin/python benchmarks/run.py [--sizes 1000 10000] [--repeat 3]

For each N it generates a site (benchmarks/generate_site.py, fixed seed) and reports:
cold full build (a fresh `site-builder build` process with an empty build cache; with the CPU
time of all its processes, Pagefind's apart, and that CPU time over the cores: the least wall
time any ordering of the work could reach here), the same after a one-event edit with the cache
the previous build left (SITE_BUILDER_CACHE), no-change and one-event-edit rebuilds (the preview
server's Session), save-to-reload in `serve` (file
saved -> livereload's reload message on its websocket), peak memory, output size,
and the home page's compressed weight (HTML + CSS + our own JS; plotly.js apart).
Every figure is measured here, on this machine, when the script runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate_site import generate  # noqa: E402

CHILD_BUILD = """
import json, os, resource, subprocess, sys, time

# The Pagefind processes are the only ones started through subprocess (the render and load workers
# are forked by multiprocessing): each one's CPU time is taken from wait4 when it is reaped.
pagefind_cpu = []

class Reaped(subprocess.Popen):
    def _try_wait(self, wait_flags):  # as Popen's own, with the child's rusage kept
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid == self.pid:
            pagefind_cpu.append(usage.ru_utime + usage.ru_stime)
        return pid, status

subprocess.Popen = Reaped
t0 = time.perf_counter()
from site_builder.cli import main
code = main(["-C", sys.argv[1], "build", "--out", sys.argv[2]])
# Workers and the Pagefind process are children: report the largest of them too.
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0,
                  "peak_mb": own.ru_maxrss / 1024, "child_peak_mb": children.ru_maxrss / 1024,
                  "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
                  "pagefind_cpu_s": sum(pagefind_cpu), "pagefind_runs": len(pagefind_cpu)}))
from site_builder.cli import exit_now
exit_now(code)  # as the command exits (run_child times the whole process too)
"""

CHILD_SESSION = """
import json, resource, sys, time
from pathlib import Path
from site_builder.preview.on_request import AFTER_FIRST_PAGES
from site_builder.preview.session import Session
root = Path(sys.argv[1])
session = Session(root)
# as serve starts: the pages (then served), and on a large site the feeds and exports after them
t0 = time.perf_counter(); session.rebuild(None, AFTER_FIRST_PAGES); first = time.perf_counter() - t0
t0 = time.perf_counter(); session.rebuild(set()); first_rest = time.perf_counter() - t0
nochange = []
for _ in range(3):
    t0 = time.perf_counter(); session.rebuild(); nochange.append(time.perf_counter() - t0)
edits, on_request = [], []
event = sorted((root / "content/events").glob("*.yaml"))[len(list((root / "content/events").glob("*.yaml"))) // 2]
text = event.read_text()
for i in range(3):
    event.write_text(text.replace("title: ", f"title: Edited {i} ", 1))
    t0 = time.perf_counter(); g = session.rebuild({event}); edits.append(time.perf_counter() - t0)
    # the whole-site files the preview makes when first asked for after an edit (on_request.ON_REQUEST)
    served = g.serving()
    t0 = time.perf_counter()
    for name in ("events.ics", "events.json", "events.csv", "timeline.json", "feed.xml", "sitemap.xml",
                 "data/timeline-index.json", "data/timeline-text.json"):
        served.get(name)
    on_request.append(time.perf_counter() - t0)
event.write_text(text)
print(json.dumps({"first": first, "first_rest": first_rest, "nochange": min(nochange), "edit": min(edits),
                  "exports_on_request": min(on_request),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


CORES = _cores()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_child(code: str, *args: str, cache: Path | None = None) -> dict:
    """Run a snippet in a fresh Python; its last line of output is its JSON result. Adds
    tree_peak_mb: the most memory the process and all its children held at once, polled every
    0.1 s as the sum of their proportional set sizes (PSS: a page forked workers share with the
    parent counts once, split between them)."""
    env = dict(os.environ)
    if cache is not None:  # the build cache this run starts from (an empty folder: a cold build)
        env["SITE_BUILDER_CACHE"] = str(cache)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    peak = [0.0]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))
            done.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    stdout, stderr = proc.communicate()
    process_s = time.perf_counter() - started  # from the start of Python to the end of its exit
    done.set()
    poller.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1]) | {"tree_peak_mb": peak[0], "process_s": process_s}


def tree_pss_mb(root: int) -> float:
    """Sum of PSS (MB) of a process and its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def home_weight(out: Path) -> dict:
    html = (out / "index.html").read_bytes()
    own = [html]
    plotly = 0
    for ref in re.findall(rb'(?:href|src)="/([^"]+\.(?:css|js))"', html):
        data = (out / ref.decode()).read_bytes()
        if b"plotly" in ref:
            plotly += len(gzip.compress(data, 6))
        else:
            own.append(data)
    return {"home_gz_kb": sum(len(gzip.compress(d, 6)) for d in own) / 1024, "plotly_gz_kb": plotly / 1024,
            "home_html_kb": len(html) / 1024}


def save_to_reload(site: Path, repeat: int) -> float | None:
    """Seconds from saving an event file to livereload telling the browser to reload."""
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "site_builder", "-C", str(site), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"serve exited:\n{server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        event = sorted((site / "content/events").glob("*.yaml"))[0]
        original = event.read_text()

        async def measure() -> list[float]:
            ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            await ws.write_message(json.dumps({"command": "hello", "protocols": [
                "http://livereload.com/protocols/official-7"]}))
            await ws.read_message()  # hello back
            # livereload only sends reloads to clients that have told it their page (as livereload.js does).
            await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
            times = []
            for i in range(repeat):
                time.sleep(1.2)
                saved = time.perf_counter()
                event.write_text(original.replace("title: ", f"title: Saved {i} ", 1))
                while True:
                    message = json.loads(await ws.read_message())
                    if message.get("command") == "reload":
                        times.append(time.perf_counter() - saved)
                        break
            ws.close()
            return times

        times = IOLoop.current().run_sync(measure, timeout=600)
        event.write_text(original)
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def empty_folder(work: Path, name: str) -> Path:
    folder = work / name
    folder.mkdir()
    return folder


def warm_edit_build(site: Path, out: Path, cache: Path, i: int) -> dict:
    """A `build` after one event's title changed, with the cache a build of the site before the
    edit left: what a deploy costs when its build cache is kept (netlify.toml)."""
    events = sorted((site / "content/events").glob("*.yaml"))
    event = events[len(events) // 3]
    text = event.read_text()
    assert run_child(CHILD_BUILD, str(site), str(out), cache=cache)["code"] == 0
    try:
        event.write_text(text.replace("title: ", f"title: Revised {i} ", 1))
        result = run_child(CHILD_BUILD, str(site), str(out), cache=cache)
        assert result["code"] == 0
        return result
    finally:
        event.write_text(text)


def bench(n: int, repeat: int, work: Path) -> dict:
    site = generate(work / f"site-{n}", n, max(1, n // 20))
    out = work / f"out-{n}"
    cold = [run_child(CHILD_BUILD, str(site), str(out), cache=empty_folder(work, f"cache-{n}-cold-{i}"))
            for i in range(repeat)]
    assert all(c["code"] == 0 for c in cold)
    warm = [warm_edit_build(site, out, empty_folder(work, f"cache-{n}-warm-{i}"), i) for i in range(repeat)]
    session = run_child(CHILD_SESSION, str(site))
    fastest = min(cold, key=lambda c: c["seconds"])
    files = [p for p in out.rglob("*") if p.is_file()]
    result = {
        "events": n,
        "cold_build_s": fastest["seconds"],
        "cold_build_process_s": min(c["process_s"] for c in cold),
        # CPU of every process of the fastest cold build, and Pagefind's part of it: on this many
        # cores no build can take less wall time than its CPU time shared over all of them
        "cold_build_cpu_s": fastest["cpu_s"],
        "cold_build_pagefind_cpu_s": fastest["pagefind_cpu_s"],
        "cold_build_floor_s": fastest["cpu_s"] / CORES,
        "cold_build_peak_mb": max(c["peak_mb"] for c in cold),
        "cold_build_child_peak_mb": max(c["child_peak_mb"] for c in cold),
        "cold_build_tree_peak_mb": max(c["tree_peak_mb"] for c in cold),
        "warm_edit_build_s": min(w["seconds"] for w in warm),
        "warm_edit_build_process_s": min(w["process_s"] for w in warm),
        "warm_edit_build_tree_peak_mb": max(w["tree_peak_mb"] for w in warm),
        "session_first_s": session["first"],
        "session_first_rest_s": session["first_rest"],
        "nochange_rebuild_s": session["nochange"],
        "one_edit_rebuild_s": session["edit"],
        "exports_on_request_s": session["exports_on_request"],
        "session_peak_mb": session["peak_mb"],
        "session_tree_peak_mb": session["tree_peak_mb"],
        "save_to_reload_s": save_to_reload(site, repeat),
        "output_mb": sum(p.stat().st_size for p in files) / 1024 / 1024,
        "output_files": len(files),
        **home_weight(out),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}; load average before: {os.getloadavg()[0]:.2f}")
    results = []
    with tempfile.TemporaryDirectory(prefix="site-builder-bench-") as tmp:
        for n in args.sizes:
            results.append(bench(n, args.repeat, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    rows = [("cold full build (s)", "cold_build_s"),
            ("the whole process, Python's start to its exit (s)", "cold_build_process_s"),
            ("its CPU time, every process (s)", "cold_build_cpu_s"),
            ("of which Pagefind's (s)", "cold_build_pagefind_cpu_s"),
            (f"that CPU time over {CORES} cores: the least wall time possible (s)", "cold_build_floor_s"),
            ("build after a one-event edit, cache kept (s)", "warm_edit_build_s"),
            ("the whole process (s)", "warm_edit_build_process_s"),
            ("peak memory, build (MB)", "cold_build_peak_mb"),
            ("largest child process, build (MB)", "cold_build_child_peak_mb"),
            ("all build processes at once, PSS (MB)", "cold_build_tree_peak_mb"),
            ("serve's start: its first build, until the pages are served (s)", "session_first_s"),
            ("then the feeds, exports and sitemap (s)", "session_first_rest_s"),
            ("no-change rebuild, serve (s)", "nochange_rebuild_s"),
            ("one-event edit rebuild, serve (s)", "one_edit_rebuild_s"),
            ("then every export and data file, on request (s)", "exports_on_request_s"),
            ("save to reload, serve (s)", "save_to_reload_s"), ("peak memory, serve (MB)", "session_peak_mb"),
            ("output (MB / files)", None), ("home page, HTML+CSS+JS gzip (KB)", "home_gz_kb"),
            ("plotly.js gzip (KB, loaded after)", "plotly_gz_kb")]
    print("\n| measure | " + " | ".join(f"{r['events']:,} events" for r in results) + " |")
    print("| --- | " + " | ".join("---" for _ in results) + " |")
    for label, key in rows:
        cells = [f"{r['output_mb']:.1f} / {r['output_files']:,}" if key is None else
                 ("n/a" if r[key] is None else f"{r[key]:.2f}" if r[key] < 100 else f"{r[key]:.0f}") for r in results]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\n{machine}; load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
