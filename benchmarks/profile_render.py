"""Where a cold render's time goes, on the site of benchmarks/against_hugo.py: cProfile of
build.render (load, verify and render in this one process), with Markdown's share apart.

    .venv/bin/python benchmarks/profile_render.py [--events 10000] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from against_hugo import SOURCES, YEARS  # noqa: E402
from generate_site import generate  # noqa: E402

# the functions whose cumulative time is reported apart, as a share of the whole
PARTS = {"load (content, excerpts verified)": "build.py:_load",
         "render_site": "render_site",
         "Markdown (render_markdown)": "render_markdown",
         "Markdown's plain text (markdown_text)": "markdown_text",
         "markdown-it itself (MarkdownIt.render)": "main.py:render"}


def cumulative(stats: pstats.Stats, name: str) -> float:
    """The cumulative seconds of the functions matching `file:function` (or function), outermost only."""
    file_part, _, function = name.rpartition(":")
    return sum(row[3] for (path, _, fn), row in stats.stats.items()
               if fn == function and path.endswith(file_part or path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    from site_builder.build import Options, render

    with tempfile.TemporaryDirectory(prefix="site-builder-profile-") as tmp:
        site = generate(Path(tmp) / "site", args.events, SOURCES, years=YEARS, excerpts=(1, 1), markdown=True)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.runcall(render, Options(root=site, out=Path(tmp) / "out", jobs=1))
        wall = time.perf_counter() - started
    stats = pstats.Stats(profile)
    whole = cumulative(stats, "build.py:render")
    print(f"build.render under cProfile: {wall:.2f} s wall, {whole:.2f} s profiled")
    for label, name in PARTS.items():
        seconds = cumulative(stats, name)
        print(f"  {label}: {seconds:.2f} s ({seconds / whole:.0%})")
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
