"""The whole-site files a build after an edit makes, each in a forked child of one loaded process (as
a build's worker makes it): as main makes them (the page store's context, a plain memo) and with the
kept pieces (speed/pieces.py), in turn; CPU seconds of each child. With --cold the pieces' rows are
emptied before each kept run: what a cold build pays to make and keep them.

    .venv/bin/python benchmarks/kept_pieces.py SITE [--rounds 3] [--cold]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="kept-pieces-"))
    os.environ["SITE_BUILDER_CACHE"] = str(cache)
    try:
        run(args.site, args.rounds, args.cold, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def run(root: Path, rounds: int, cold: bool, cache: Path) -> None:
    from site_builder.build import Options, _load, _theme
    from site_builder.render import calendar, exports, search_index
    from site_builder.render.memo import Memo
    from site_builder.render.pages import timeline_data
    from site_builder.render.site import static_outputs
    from site_builder.render.urls import Urls
    from site_builder.speed.page_store import StoredContext, StoredPages

    site, _ = _load(Options(root=root), include_drafts=False, jobs=1)
    theme = _theme(Options(root=root), site)
    env = theme.environment()
    assets, _ = static_outputs(site, theme, env)
    pages = StoredPages.for_build(root, site, theme, False, None)
    pages.prepare()
    parts = search_index.part_count(site)
    files = {"events_ics": calendar.events_ics, "events_json": exports.events_json,
             "events_csv": exports.events_csv, "timelinejs_json": exports.timelinejs_json,
             "timeline_data": timeline_data, "search records": None}

    def make(name: str, kept: bool) -> None:
        if name == "search records":
            memo = pages.search_memo(prepared=True) if kept else None
            search_index._part_records(site, site.config.language, parts, memo)
            return
        if kept:
            ctx = pages.context(assets, env)
        else:
            ctx = StoredContext(pages.view, Urls(pages.view, dict(assets)), env, 0, 1, Memo(), pages=pages)
        for _ in files[name](ctx):
            pass
        if kept:
            pages.pieces.flush()

    def child(name: str, kept: bool) -> str:
        if kept and cold:
            with sqlite3.connect(cache / "pages.sqlite3") as connection:
                connection.execute("DELETE FROM pieces")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            started = time.process_time()
            make(name, kept)
            os.write(write, f"{time.process_time() - started:.3f}".encode())
            os._exit(0)
        os.close(write)
        out = os.read(read, 100).decode()
        os.waitpid(pid, 0)
        os.close(read)
        return out

    for name in files:  # the store filled, as by a cold build
        child(name, True)
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    results: dict[str, tuple[list[str], list[str]]] = {name: ([], []) for name in files}
    for _ in range(rounds):
        for name in files:
            results[name][0].append(child(name, False))
            results[name][1].append(child(name, True))
    print("| file | as main makes it | kept pieces |\n| --- | --- | --- |")
    for name, (plain, kept) in results.items():
        print(f"| {name} | {', '.join(plain)} | {', '.join(kept)} |")
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
