"""Where a `build` of the issue-17 site spends its time: wall and CPU seconds (this process and its
children) of loading, rendering and the search index, for a cold build and then a build after a
one-event edit. The floor under the cold build: what each phase costs with the others gone.

    .venv/bin/python benchmarks/build_phases.py [--events 10000] [--site DIR] [--rounds 2]
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from against_hugo import SOURCES, YEARS  # noqa: E402
from generate_site import generate  # noqa: E402


def clock() -> tuple[float, float]:
    """(wall, CPU of this process and of its children that have ended)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(phases: dict, label: str, function):
    """function, adding its wall and CPU seconds to phases[label] at each call."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu = clock()
        try:
            return function(*args, **kwargs)
        finally:
            end_wall, end_cpu = clock()
            spent = phases.setdefault(label, [0.0, 0.0])
            spent[0] += end_wall - wall
            spent[1] += end_cpu - cpu
    return wrapper


def one_build(site: Path, out: Path) -> dict:
    import site_builder.build as build
    import site_builder.speed.beside as beside
    import site_builder.speed.forked_render as forked_render

    phases: dict = {}
    patched = [(build, "_load", "load"), (forked_render, "render_into", "render (pages, in workers)"),
               (beside.Beside, "result", "search index, after the render")]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    for owner, name, label in patched:
        setattr(owner, name, timed(phases, label, getattr(owner, name)))
    try:
        wall, cpu = clock()
        build.build(build.Options(root=site, out=out))
        end_wall, end_cpu = clock()
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
    return {"whole build": [end_wall - wall, end_cpu - cpu], **phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--site", type=Path, help="an existing site (default: the issue's, generated)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-builder-phases-") as tmp:
        work = Path(tmp)
        site = args.site or generate(work / "site", args.events, SOURCES, years=YEARS, excerpts=(1, 1), markdown=True)
        events = sorted((site / "content/events").glob("*.yaml"))
        event = events[len(events) // 2]
        original = event.read_text(encoding="utf-8")
        try:
            for round_ in range(args.rounds):
                cache = work / f"cache-{round_}"
                os.environ["SITE_BUILDER_CACHE"] = str(cache)
                out = work / f"out-{round_}"
                for kind in ("cold", "after an edit"):
                    if kind != "cold":
                        event.write_text(re.sub(r"^title: .*$", f"title: Edited {time.time()}", event.read_text(
                            encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
                    print(f"round {round_ + 1}, {kind} (load average {os.getloadavg()[0]:.1f}):")
                    for label, (wall, cpu) in one_build(site, out).items():
                        print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
                shutil.rmtree(cache, ignore_errors=True)
        finally:
            event.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    main()
