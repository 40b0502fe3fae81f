"""CPU seconds of the whole-site files (the renderers no store keeps, and the search records encoded
for Pagefind), each made alone in a forked child of one loaded process: a fresh memo and empty
Markdown caches, as a build after an edit makes them. With --together, the sum of those against
all of them made one after another in one child (as when one worker runs them all).

    .venv/bin/python benchmarks/whole_files.py SITE [--rounds 2] [--together]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

os.environ["SITE_BUILDER_CACHE"] = "off"
from site_builder.build import Options, _load, _theme  # noqa: E402
from site_builder.render import search_index  # noqa: E402
from site_builder.render.memo import Memo  # noqa: E402
from site_builder.render.site import plain_context, renderers, static_outputs  # noqa: E402

WHOLE = ["timeline_data", "atom_feed", "events_ics", "events_json", "events_csv", "timelinejs_json", "sitemap_xml"]
RECORDS = "part_records"  # search_index._part_records: every record encoded for Pagefind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--together", action="store_true")
    args = parser.parse_args()
    options = Options(root=args.site, jobs=1)
    site, _ = _load(options, False, 1)
    theme = _theme(options, site)
    env = theme.environment()
    names, _ = static_outputs(site, theme, env)
    gc.freeze()  # the loaded site out of the collector's sight, as in the build's workers
    by_name = {r.__name__: r for r in renderers()}

    def make(group: list[str]) -> None:
        ctx = plain_context(site, names, env, Memo())
        for name in group:
            if name == RECORDS:
                search_index._part_records(site, "en", search_index.part_count(site))
            else:
                for _ in by_name[name](ctx):
                    pass

    if args.together:
        for _ in range(args.rounds):
            apart = sum(_in_child(make, [name]) for name in WHOLE)
            print(f"apart {apart:.3f} together {_in_child(make, WHOLE):.3f}")
        return
    figures: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name in [*WHOLE, RECORDS]:
            figures.setdefault(name, []).append(_in_child(make, [name]))
    for name, values in figures.items():
        print(f"{name:16s} " + " ".join(f"{v:.3f}" for v in values))
    totals = [sum(values[n] for values in figures.values()) for n in range(args.rounds)]
    print(f"{'total':16s} " + " ".join(f"{v:.3f}" for v in totals))


def _in_child(make, group: list[str]) -> float:
    """CPU seconds of make(group) in a forked child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        start = time.process_time()
        make(group)
        os.write(write, f"{time.process_time() - start:.6f}".encode())
        os._exit(0)
    os.close(write)
    answer = os.read(read, 64)
    os.waitpid(pid, 0)
    os.close(read)
    return float(answer)


if __name__ == "__main__":
    sys.exit(main())
