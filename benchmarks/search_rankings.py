"""Compare the search results of a large site's index written in parts (merged in the browser) with
one index of it all, running the same queries through Pagefind's JavaScript (benchmarks/README.md).

    .venv/bin/python benchmarks/search_rankings.py [--events 10000] [--queries 24]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from generate_site import generate  # noqa: E402

os.environ["SITE_BUILDER_CACHE"] = "off"  # both indexes made here, none kept

from site_builder.render import search_index as search  # noqa: E402
from site_builder.content.load import load_site  # noqa: E402

SEARCH = """async ([bundle, parts, queries]) => {
  const pf = await import(bundle);
  await pf.options({ baseUrl: "/" });
  await pf.init();
  await Promise.all(parts.map((part) => pf.mergeIndex(part, { baseUrl: "/" })));
  const found = [];
  for (const query of queries) {
    const result = await pf.search(query);
    const top = await Promise.all(result.results.slice(0, 10).map((r) => r.data()));
    found.push({ count: result.results.length, top: top.map((d) => d.url) });
  }
  return found;
}"""


def queries(site, count: int, seed: int = 1) -> dict[str, list[str]]:
    rng = random.Random(seed)
    events = rng.sample(site.events, count * 2)
    quoted = {(x.source_id, x.selector.start) for e in site.events for x in e.excerpts}
    passages = []
    for source in rng.sample(site.sources, min(len(site.sources), count * 3)):
        for start, end in search.paragraph_spans(source.text):
            if not any(s == source.id and start <= at < end for s, at in quoted):
                words = source.text[start:end].split()
                if len(words) >= 12:
                    at = rng.randrange(len(words) - 4)
                    passages.append(" ".join(words[at:at + 4]))
                break
    return {
        "event title": [e.title for e in events[:count]],
        "summary opening": [" ".join(e.summary.split()[:6]) for e in events[count:]],
        "passage words": passages[:count],
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=24, help="of each kind")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="site-builder-rankings-") as tmp:
        work = Path(tmp)
        site = load_site(generate(work / "site", args.events, max(1, args.events // 20)))
        parts = search.part_count(site)
        search.write_index(work / "split" / search.BUNDLE_DIR, site)
        search.MAX_PART_RECORDS = search.MAX_PART_CHARS = 10**12  # one index of everything
        search.write_index(work / "single" / search.BUNDLE_DIR, site)
        asked = queries(site, args.queries)
        flat = [q for kind in asked.values() for q in kind]
        server, origin = serve(work)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium)
                page = browser.new_page()
                page.goto(f"{origin}/")
                results = {}
                for name, n in (("split", parts), ("single", 1)):
                    merged = [f"/{name}/{d}/" for d in search.part_dirs(n)[1:]]
                    results[name] = page.evaluate(SEARCH, [f"/{name}/{search.BUNDLE_DIR}/pagefind.js", merged, flat])
                browser.close()
        finally:
            server.shutdown()
    print(f"{args.events:,} events: {parts} parts against one index, {len(flat)} queries")
    at = 0
    report = {}
    for kind, kind_queries in asked.items():
        split, single = results["split"][at:at + len(kind_queries)], results["single"][at:at + len(kind_queries)]
        at += len(kind_queries)
        same_count = sum(a["count"] == b["count"] for a, b in zip(split, single))
        same_first = sum(a["top"][:1] == b["top"][:1] for a, b in zip(split, single))
        overlap = [len(set(a["top"]) & set(b["top"])) / max(1, len(b["top"])) for a, b in zip(split, single)]
        found = sum(bool(b["count"]) for b in single)
        report[kind] = {"queries": len(kind_queries), "found_by_one_index": found, "same_count": same_count,
                        "same_first": same_first, "top10_overlap": round(sum(overlap) / len(overlap), 3)}
        print(f"  {kind}: {len(kind_queries)} queries, results in one index for {found}; same count {same_count}, "
              f"same first result {same_first}, overlap of the first ten {sum(overlap) / len(overlap):.0%}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
