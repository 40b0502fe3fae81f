"""Lighthouse (mobile defaults, the system Chromium) on the reader's pages issue 17 names: the search
page with results, the embed view, the home page; the curated site or a generated one (--events N).

    .venv/bin/python benchmarks/lighthouse/reader_pages.py [--events N] [--runs 1] [--repo PATH]
"""

# --repo builds with another checkout's site_builder (a "before" figure from main); the site is
# served as home_budget.py serves it (netlify.toml headers, gzip), and its helpers run Lighthouse.

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
PAGES = {"search": "search/?q=Putin", "embed": "embed/", "home": ""}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, help="a generated site of this many events")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout whose site_builder builds")
    parser.add_argument("--pages", default="search,embed,home")
    parser.add_argument("--keep", type=Path, help="also copy the Lighthouse JSON reports here")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(args.repo.resolve()), str(HERE / "benchmarks"), str(HERE / "tests" / "browser")]
    from site_builder.build import Options, build  # first: home_budget puts this checkout first on the path
    from home_budget import ensure_lighthouse, keep_reports, median_run, run_line
    from netlify_server import NetlifyLikeServer

    cli = ensure_lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.repo
        if args.events:
            from generate_site import generate

            source = generate(Path(tmp) / "generated", args.events, max(1, args.events // 20))
        root, reports = Path(tmp) / "site", Path(tmp) / "reports"
        root.mkdir()
        reports.mkdir()
        with NetlifyLikeServer(root, HERE / "netlify.toml") as server:
            build(Options(root=source, out=root, base_url=server.url("")))
            for name in args.pages.split(","):
                run = median_run(cli, server.url(PAGES[name]), args.runs, reports, name)
                print(run_line(name, run, 7), flush=True)
            keep_reports(reports, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
