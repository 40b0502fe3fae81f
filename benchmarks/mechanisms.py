"""Measure whether each speed mechanism of site-builder pays: the same work with it and without it.

Its switches patch the modules as they were at commit 0d2c7d4 (before the code moved into
content/, render/, speed/ and preview/): run it from a checkout of that commit, or update them.

    .venv/bin/python benchmarks/mechanisms.py [--only cold edit ...] [--pairs 3] [--json FILE]

Every run is a fresh Python child (cwd: this checkout, so it imports this checkout's site_builder)
in which the mechanism is switched off by monkeypatching before the work starts; nothing under
site_builder/ is edited. The variants of an entry are interleaved (A B A B ...), and each run's
wall time and CPU time (user + sys of the child and of every process it started, forked workers,
Pagefind, and the background deletion of an old output folder: this process is their subreaper)
are kept. The table gives the median and the range of each.

Sites: benchmarks/generate_site.py at 10,000 events / 500 sources (and 1,000 / 50 where a
mechanism matters for small sites), as benchmarks/run.py makes them.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate_site import generate  # noqa: E402

# --- the child -------------------------------------------------------------------------------

# argv: task, patch (Python code run first), then the task's arguments. Prints one JSON line.
CHILD = r'''
import json, os, resource, sys, time
task, patch, args = sys.argv[1], sys.argv[2], sys.argv[3:]

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

timers = {}
def timed(module, name, label):
    """module.name, timing each call into timers[label] (wall, CPU)."""
    original = getattr(module, name)
    def wrapper(*a, **k):
        w, c = time.perf_counter(), cpu()
        try:
            return original(*a, **k)
        finally:
            t = timers.setdefault(label, [0.0, 0.0])
            t[0] += time.perf_counter() - w
            t[1] += cpu() - c
    setattr(module, name, wrapper)

import contextlib
def noop_context(*a, **k):
    return contextlib.nullcontext()

t0 = time.perf_counter()
exec(patch)
result = {}
if task in ("build", "check"):
    import site_builder.build as build_module, site_builder.manifest as manifest
    timed(build_module, "load_site", "load")
    timed(manifest, "inputs", "manifest")
    timed(manifest, "up_to_date", "manifest")
    timed(manifest, "record", "manifest")
    from site_builder.cli import main
    code = main(["-C", args[0], task, *args[1:]])
    assert code == 0, code
elif task == "render":  # load and render the whole site in this one process
    from pathlib import Path
    import site_builder.build as build_module
    timed(build_module, "load_site", "load")
    from site_builder.build import Options, render
    w, c = time.perf_counter(), cpu()
    site, files = render(Options(root=Path(args[0])))
    timers["render"] = [time.perf_counter() - w - timers["load"][0], cpu() - c - timers["load"][1]]
    result["files"] = len(files)
elif task == "session":  # as benchmarks/run.py's CHILD_SESSION; args: root, "trusted" or "stat"
    from pathlib import Path
    from site_builder.incremental import LATER, Session
    root, trusted = Path(args[0]), args[1] == "trusted"
    session = Session(root)
    def lap(label, f):
        w, c = time.perf_counter(), cpu()
        out = f()
        timers.setdefault(label, []).append([time.perf_counter() - w, cpu() - c])
        return out
    lap("first", lambda: session.rebuild(None, LATER))
    lap("first_rest", lambda: session.rebuild(set()))
    for _ in range(3):
        lap("nochange", lambda: session.rebuild())
    events = sorted((root / "content/events").glob("*.yaml"))
    event = events[len(events) // 2]
    text = event.read_text()
    names = ("events.ics", "events.json", "events.csv", "timeline.json", "feed.xml", "sitemap.xml",
             "data/timeline-index.json", "data/timeline-text.json")
    try:
        for i in range(3):
            event.write_text(text.replace("title: ", f"title: Edited {i} ", 1))
            g = lap("edit", lambda: session.rebuild({event} if trusted else None))
            served = g.serving()
            lap("exports", lambda: [served.get(name) for name in names])
    finally:
        event.write_text(text)
    # the median of the repeated laps (3 of each)
    timers = {k: sorted(v)[len(v) // 2] if len(v) > 1 else v[0] for k, v in timers.items()}
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result.update(timers=timers, seconds=time.perf_counter() - t0)
print(json.dumps(result), flush=True)
from site_builder.cli import exit_now
exit_now(0)
'''

# --- the switches: Python run in the child before the work -----------------------------------

OFF = {
    "render_single": "import site_builder.build as b; b.worker_count = lambda n, j=None: 1",
    "load_single": "import site_builder.content.load as l; l.worker_count = lambda n, j=None: 1",
    "load_cache_off": "from site_builder.content.load_cache import LoadCache; LoadCache.default = classmethod(lambda cls: None)",
    "part_cache_off": "from site_builder.search import PartCache; PartCache.default = classmethod(lambda cls: None)",
    "collector_paused_off": "import site_builder.content.load as l; l._collector_paused = noop_context",
    "model_frozen_off": "import site_builder.render.site as s; s._model_frozen = noop_context",
    "fork_freeze_off": ("import site_builder.parallel as p, types, gc; "
                        "p.gc = types.SimpleNamespace(freeze=lambda: None, unfreeze=lambda: None)"),
    # --- the Jinja shortcuts (8): each back to Jinja's own ---
    "codegen_off": ("import jinja2.compiler\nfrom site_builder.render.jinja_env import ThemeEnvironment as T\n"
                    "T.code_generator_class = jinja2.compiler.CodeGenerator"),
    "calls_off": "import jinja2.runtime\nfrom site_builder.render.jinja_env import ThemeEnvironment as T\nT.context_class = jinja2.runtime.Context",
    "dict_off": "from site_builder.render.jinja_env import ThemeEnvironment as T\ndel T.get_template, T.make_globals",
    "exit_now_off": "import site_builder.cli as c; c.exit_now = lambda code: sys.exit(code)",
    # --- the memos (9) ---
    "per_object_off": "import site_builder.memo as m; m.PerObject.__call__ = lambda self, obj: self._make(obj)",
    "one_slot_off": ("import site_builder.render.pages as p\n"
                     "class Never(list):\n    def __setitem__(self, key, value): pass\n"
                     "p._timeline_kept, p._facets_kept = Never(), Never()"),
    # --- the preview (10) ---
    "carry_indexes_off": "import site_builder.content.load as l; l.carry_indexes = lambda site, previous: None",
    "in_order_off": ("import site_builder.content.load as l\n"
                     "from site_builder.model import Event\n"
                     "l._in_order = lambda events, drafts, memo: tuple(sorted((e for e in events if drafts or not e.draft), key=Event.sort_key))"),
    "pieces_off": "import site_builder.render.pieces as p; p.PieceRun.keep = property(lambda self: False, lambda self, v: None)",
    "pack_off": ("import site_builder.packed as p, site_builder.incremental as i\n"
                 "i.pack = p.pack = lambda data, zdict=None: data\n"
                 "p.Dictionaries.pack = lambda self, template, data: data"),
    "deferred_off": "import site_builder.incremental as i; i.DEFERRED = frozenset(); i.LATER = frozenset()",
    "cards_off": ("import site_builder.incremental as i\n"
                  "from site_builder.render.pages import RenderContext\n"
                  "i._CachingContext.card = RenderContext.card\n"
                  "i._CachingContext.render_keyed = RenderContext.render_keyed"),
}


def patch(*names: str) -> str:
    return "\n".join(OFF[n] for n in names)


# --- the entries -----------------------------------------------------------------------------
# An entry: what is timed (task), the variants (name -> (patch, extra CLI args, environment)), and
# the preparation of each run. The first variant is the code as it is ("with").

def cli_build(out: Path, *extra: str) -> list[str]:
    return ["--out", str(out), *extra]


ENTRIES = {}


def entry(name: str, mechanism: str, timed: str, size: int):
    def register(f):
        ENTRIES[name] = dict(mechanism=mechanism, timed=timed, size=size, run=f)
        return f
    return register


class Bench:
    """The state of one entry's runs: its site, folders, and the runs' results."""

    def __init__(self, work: Path, site: Path, name: str):
        self.work, self.site, self.name = work, site, name
        self.n = 0

    def folder(self, label: str) -> Path:
        self.n += 1
        path = self.work / f"{self.name}-{label}-{self.n}"
        path.mkdir(parents=True)
        return path


def run_child(task: str, code: str, args: list[str], env: dict | None = None) -> dict:
    """One child: its result, its wall time (Python's start to its exit), its CPU time and that of
    every process it started, and the time until its orphans (a background delete) were done."""
    environment = dict(os.environ) | (env or {})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, task, code, *args], cwd=REPO, env=environment,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    settle = reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({task}, {code!r}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result | {"wall": wall, "cpu": cpu, "settle": settle}


def reap_orphans(limit: float = 300) -> float:
    """Wait for the processes the child left behind (they are ours: subreaper); seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.05)
    return time.perf_counter() - started


def edit(site: Path, i: int) -> tuple[Path, str]:
    events = sorted((site / "content/events").glob("*.yaml"))
    event = events[len(events) // 3]
    text = event.read_text()
    event.write_text(text.replace("title: ", f"title: Revised {i} ", 1))
    return event, text


def cold(b: Bench, variants: dict) -> dict:
    """A cold `build --force`: a new output folder, an empty cache folder."""
    def one(variant: str, i: int) -> dict:
        code, env, *extra = variants[variant]
        cache = b.folder("cache")
        out = b.work / f"{b.name}-out-{b.n}"
        return run_child("build", code, [str(b.site), "--force", "--out", str(out), *extra],
                         {"SITE_BUILDER_CACHE": str(cache)} | env)
    return one


@entry("cold", "1 forked render; 3 load cache, 4 part cache (their cost)", "cold build --force, empty cache", 10000)
def cold_entry(b: Bench):
    return cold(b, {"with": ("", {}), "render_single": (patch("render_single"), {}),
                    "load_cache_off": (patch("load_cache_off"), {}), "part_cache_off": (patch("part_cache_off"), {})})


@entry("cold-1000", "1 forked render (small site)", "cold build --force, empty cache", 1000)
def cold_small(b: Bench):
    return cold(b, {"with": ("", {}), "render_single": (patch("render_single"), {}),
                    "jobs_1": ("", {}, "--jobs", "1")})


def _check(b: Bench):
    variants = {"with": "", "load_single": patch("load_single")}

    def one(variant: str, i: int) -> dict:
        return run_child("check", variants[variant], [str(b.site)], {"SITE_BUILDER_CACHE": "off"})
    return one


entry("check", "2 forked loading", "check, SITE_BUILDER_CACHE=off", 10000)(_check)
entry("check-1000", "2 forked loading (small site)", "check, SITE_BUILDER_CACHE=off", 1000)(_check)


@entry("edit", "3 load cache, 4 part cache", "build after a one-event edit, cache kept", 10000)
def edit_entry(b: Bench):
    cache, out = b.folder("cache"), b.work / f"{b.name}-out"
    run_child("build", "", [str(b.site), "--out", str(out)], {"SITE_BUILDER_CACHE": str(cache)})  # primes
    variants = {"with": ("", {}), "load_cache_off": (patch("load_cache_off"), {}),
                "part_cache_off": (patch("part_cache_off"), {}), "cache_off": ("", {"SITE_BUILDER_CACHE": "off"})}

    def one(variant: str, i: int) -> dict:
        code, env = variants[variant]
        event, text = edit(b.site, b.n)
        b.n += 1
        try:
            return run_child("build", code, [str(b.site), "--out", str(out)],
                             {"SITE_BUILDER_CACHE": str(cache)} | env)
        finally:
            event.write_text(text)
    return one


@entry("again", "5 manifest skip; 6 spare folder", "second build, nothing changed, into the same build/", 10000)
def again_entry(b: Bench):
    cache, out = b.folder("cache"), b.work / f"{b.name}-out"
    env = {"SITE_BUILDER_CACHE": str(cache)}
    build = lambda *extra, code="": run_child("build", code, [str(b.site), "--out", str(out), *extra], env)
    build()  # primes the cache and build/

    def one(variant: str, i: int) -> dict:
        if variant == "spare":  # a spare to write over: the previous build kept one
            build("--force")
            return build("--force")
        if variant == "skip":  # the manifest says nothing changed
            return build()
        return build("--force", "--no-spare")  # variant "no_spare"
    return one


ENTRIES["again"]["variants"] = ("spare", "skip", "no_spare")


def _render(names_by_variant: dict):
    def make(b: Bench):
        def one(variant: str, i: int) -> dict:
            return run_child("render", names_by_variant[variant], [str(b.site)], {"SITE_BUILDER_CACHE": "off"})
        return one
    return make


entry("gc", "7 collector tricks", "load and render in one process", 10000)(_render({
    "with": "", "collector_paused_off": patch("collector_paused_off"), "model_frozen_off": patch("model_frozen_off"),
    "exit_now_off": patch("exit_now_off")}))


entry("jinja", "8 Jinja shortcuts", "load and render in one process", 10000)(_render({
    "with": "", "codegen_off": patch("codegen_off"), "calls_off": patch("calls_off"), "dict_off": patch("dict_off"),
    "all_three_off": patch("codegen_off", "calls_off", "dict_off")}))

entry("memo", "9 per-object memos, one-slot caches", "load and render in one process", 10000)(_render({
    "with": "", "per_object_off": patch("per_object_off"), "one_slot_off": patch("one_slot_off")}))


@entry("fork-freeze", "7 gc.freeze in ForkedWorkers", "cold build --force, empty cache", 10000)
def fork_freeze(b: Bench):
    return cold(b, {"with": ("", {}), "fork_freeze_off": (patch("fork_freeze_off"), {})})


def _session(variants: dict):
    def make(b: Bench):
        def one(variant: str, i: int) -> dict:
            code, mode = variants[variant]
            return run_child("session", code, [str(b.site), mode], {"SITE_BUILDER_CACHE": "off"})
        return one
    return make


entry("session", "10 the preview's machinery", "incremental.Session: first build, rebuilds", 10000)(_session({
    "with": ("", "trusted"),
    "carry_indexes_off": (patch("carry_indexes_off"), "trusted"),
    "in_order_off": (patch("in_order_off"), "trusted"),
    "trusted_off": ("", "stat"),
    "pieces_off": (patch("pieces_off"), "trusted"),
    "pack_off": (patch("pack_off"), "trusted"),
    "deferred_off": (patch("deferred_off"), "trusted"),
    "cards_off": (patch("cards_off"), "trusted"),
}))

entry("session-memo", "9 memos in the preview", "incremental.Session: first build, rebuilds", 10000)(_session({
    "with": ("", "trusted"), "per_object_off": (patch("per_object_off"), "trusted"),
    "one_slot_off": (patch("one_slot_off"), "trusted")}))


# --- running and reporting -------------------------------------------------------------------

def become_subreaper() -> None:
    """Orphans of the children (a build's background delete) become ours, to wait for and count."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def variants_of(name: str, one) -> tuple[str, ...]:
    if "variants" in ENTRIES[name]:
        return ENTRIES[name]["variants"]
    return tuple(one.__closure__ and _variant_names(one) or ())


def _variant_names(one) -> tuple[str, ...]:
    for cell in one.__closure__:
        if isinstance(cell.cell_contents, dict):
            return tuple(cell.cell_contents)
    return ()


def summary(runs: list[dict], key) -> dict:
    values = [key(r) for r in runs]
    values = [v for v in values if v is not None]
    if not values:
        return {}
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(name: str, pairs: int, work: Path, sites: dict) -> dict:
    spec = ENTRIES[name]
    size = spec["size"]
    if size not in sites:
        sites[size] = generate(work / f"site-{size}", size, max(1, size // 20))
    b = Bench(work, sites[size], name)
    one = spec["run"](b)
    variants = variants_of(name, one)
    runs: dict[str, list] = {v: [] for v in variants}
    for i in range(pairs):
        for variant in variants:
            result = one(variant, i)
            runs[variant].append(result)
            print(f"  {name} {variant} #{i + 1}: wall {result['wall']:.2f} s, cpu {result['cpu']:.2f} s, "
                  f"settle {result['settle']:.2f} s, {json.dumps(result.get('timers'))}", flush=True)
    shutil.rmtree(work / "x", ignore_errors=True)
    return {"entry": name, "mechanism": spec["mechanism"], "timed": spec["timed"], "size": size, "runs": runs}


def table(results: list[dict]) -> str:
    rows = ["| entry | variant | wall s median [range] | CPU s median [range] | parts (wall s median) |",
            "| --- | --- | --- | --- | --- |"]
    for r in results:
        for variant, runs in r["runs"].items():
            w, c = summary(runs, lambda x: x["wall"]), summary(runs, lambda x: x["cpu"])
            timers = runs[0].get("timers") or {}
            parts = []
            for label in timers:
                s = summary(runs, lambda x: (x["timers"].get(label) or [None])[0])
                if s:
                    parts.append(f"{label} {s['median']:.2f} [{s['min']:.2f}-{s['max']:.2f}]")
            settle = summary(runs, lambda x: x["settle"])
            if settle and settle["max"] > 0.3:
                parts.append(f"background delete after exit {settle['median']:.2f}")
            if runs[0].get("peak_mb"):
                parts.append(f"peak {statistics.median(x['peak_mb'] for x in runs):.0f} MB")
            rows.append(f"| {r['entry']} ({r['size']:,}) | {variant} | {w['median']:.2f} [{w['min']:.2f}-{w['max']:.2f}] "
                        f"| {c['median']:.2f} [{c['min']:.2f}-{c['max']:.2f}] | {'; '.join(parts)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(ENTRIES), default=list(ENTRIES))
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="add the results to this file (kept between invocations)")
    parser.add_argument("--table", action="store_true", help="print the table of --json's results and exit")
    args = parser.parse_args()
    kept = json.loads(args.json.read_text()) if args.json and args.json.exists() else {"results": []}
    if args.table:
        print(table(kept["results"]))
        return
    become_subreaper()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}; load average before: {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="site-builder-mechanisms-", dir=os.environ.get("MECH_TMP")) as tmp:
        sites: dict[int, Path] = {}
        for name in args.only:
            load = os.getloadavg()[0]
            result = measure(name, args.pairs, Path(tmp), sites)
            result |= {"machine": machine, "load_before": load, "load_after": os.getloadavg()[0],
                       "when": time.strftime("%Y-%m-%d %H:%M:%S")}
            results.append(result)
            if args.json:
                kept["results"] = [r for r in kept["results"] if r["entry"] != name] + [result]
                args.json.write_text(json.dumps(kept, indent=1))
            print(table([result]), flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
