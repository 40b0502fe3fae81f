"""Measure the home page of the curated site against its performance budgets.
Exit status 1 when a budget is missed; the budgets and what each measure is: benchmarks/README.md.

    .venv/bin/python benchmarks/home_budget.py [--runs 3] [--no-lighthouse] [--events N]
"""

# Builds content/ (or, with --events N, a generated site) into a temporary folder and serves it on
# 127.0.0.1 exactly as the browser tests do (netlify.toml headers, gzip). Reports the compressed bytes
# of the home HTML, CSS and own JS (plotly.js apart: it loads once the reader interacts), what blocks
# rendering, whether the list is in the HTML, how soon the chart answers a first interaction, and
# Lighthouse's scores and LCP (default mobile settings, the system Chromium) next to a TimelineJS page
# of the same events (not for --events). Lighthouse is installed on first use into
# benchmarks/lighthouse/ (its own package.json and lockfile), so the test install stays small.

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO))

from netlify_server import NetlifyLikeServer  # noqa: E402

LIGHTHOUSE_DIR = REPO / "benchmarks" / "lighthouse"
TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
BYTES_BUDGET = 50 * 1024
LARGE_BYTES_BUDGET = 250 * 1024  # --events: a large site's home page, before plotly.js
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM = os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium")


# ---- what the home page asks for ------------------------------------------------------------

class _HeadScan(HTMLParser):
    """Stylesheets, scripts (and whether they block the parser), in document order."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []
        self.inline_scripts = 0
        self.text = []
        self.noscript = 0  # inside <noscript>: fetched only when scripts are off

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.noscript -= 1

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "noscript":
            self.noscript += 1
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and not self.noscript:
            self.stylesheets.append(a["href"])
        if tag == "script":
            kind = a.get("type", "text/javascript")
            if "src" in a:
                blocking = not ("defer" in a or "async" in a or kind == "module")
                self.scripts.append({"src": a["src"], "blocking": blocking})
            elif kind not in ("application/json", "application/ld+json"):
                self.inline_scripts += 1

    def handle_data(self, data):
        self.text.append(data)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def page_weight(root: Path) -> dict:
    html = (root / "index.html").read_bytes()
    scan = _HeadScan()
    scan.feed(html.decode("utf-8"))
    rows = [("index.html", gz(html))]
    for href in scan.stylesheets:
        rows.append((href, gz((root / href.lstrip("/")).read_bytes())))
    own_js = [s for s in scan.scripts if "plotly" not in s["src"]]
    for script in own_js:
        rows.append((script["src"], gz((root / script["src"].lstrip("/")).read_bytes())))
    plotly = next(root.glob("assets/js/plotly.min.*.js"))
    chart = (root / "index.html").read_text(encoding="utf-8")
    return {
        "rows": rows,
        "total": sum(size for _, size in rows),
        "plotly": (plotly.stat().st_size, gz(plotly.read_bytes())),
        "plotly_referenced_by_html": plotly.name in chart and "data-plotly-src" in chart,
        "blocking": scan.stylesheets + [s["src"] for s in scan.scripts if s["blocking"]],
        "blocking_scripts": [s["src"] for s in scan.scripts if s["blocking"]],
        "inline_scripts": scan.inline_scripts,
        "text": " ".join(" ".join(scan.text).split()),
    }


# ---- the chart after the first interaction (real Chromium, no throttling) --------------------

def chart_timing(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url, wait_until="load")
        before = any("plotly" in u for u in requested)
        cards = page.locator(".event-card").count()
        page.evaluate("""() => { window.__longTasks = [];
            new PerformanceObserver(l => l.getEntries().forEach(e => window.__longTasks.push(e.duration)))
              .observe({type: 'longtask'}); }""")
        start = page.evaluate("""() => new Promise(resolve => {
            document.getElementById('chart').addEventListener('chart:ready', () => resolve(performance.now()));
            window.__t0 = performance.now();
            window.dispatchEvent(new PointerEvent('pointermove'));
        })""")
        elapsed = start - page.evaluate("window.__t0")
        long_tasks = page.evaluate("window.__longTasks")
        browser.close()
    return {"plotly_before_interaction": before, "cards_at_load": cards,
            "interaction_to_chart_ms": elapsed, "long_tasks_ms": long_tasks}


# ---- the TimelineJS baseline ----------------------------------------------------------------

BASELINE_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} (TimelineJS)</title>
<meta name="description" content="The same events in Knight Lab TimelineJS, for comparison.">
<link rel="stylesheet" href="timeline.css">
</head>
<body>
<main><div id="timeline-embed"></div></main>
<script src="timeline.js"></script>
<script src="init.js"></script>
</body>
</html>
"""
# TimelineJS's documented embed: a container, its script, and `new TL.Timeline(id, data URL)`.
BASELINE_INIT = """window.timeline = new TL.Timeline('timeline-embed', '/timeline.json', {hash_bookmark: false});\n"""
BASELINE_CSS = """html, body, main, #timeline-embed { height: 100%; margin: 0; }\n"""


def add_timelinejs_baseline(root: Path, title: str) -> str:
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        sys.exit(f"{TIMELINEJS} is missing: run `npm ci` at the repository root")
    if not (root / "timeline.json").is_file():
        sys.exit("the build has no timeline.json (TimelineJS data) to show")
    folder = root / "baseline" / "timelinejs"
    folder.mkdir(parents=True)
    shutil.copy(TIMELINEJS / "js" / "timeline.js", folder / "timeline.js")
    css = (TIMELINEJS / "css" / "timeline.css").read_text(encoding="utf-8")
    (folder / "timeline.css").write_text(css + BASELINE_CSS, encoding="utf-8")
    (folder / "init.js").write_text(BASELINE_INIT, encoding="utf-8")
    (folder / "index.html").write_text(BASELINE_HTML.format(title=title), encoding="utf-8")
    return "baseline/timelinejs/"


# ---- Lighthouse -------------------------------------------------------------------------------

def ensure_lighthouse() -> Path:
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        print("installing lighthouse into benchmarks/lighthouse/ ...", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True)
    return cli


def lighthouse(cli: Path, url: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run(
        ["node", str(cli), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        env=env, check=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "scores": {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "render_blocking": [i["url"] for i in audits["render-blocking-resources"].get("details", {}).get("items", [])],
        "failed": sorted(a["id"] for a in audits.values()
                         if a.get("score") is not None and a["score"] < 1
                         and a.get("scoreDisplayMode") in ("binary", "numeric")
                         and any(a["id"] in [r["id"] for r in report["categories"][c]["auditRefs"] if r["weight"] > 0]
                                 for c in CATEGORIES)),
    }


def median_run(cli: Path, url: str, runs: int, folder: Path, name: str) -> dict:
    results = [lighthouse(cli, url, folder / f"{name}-{n}.json") for n in range(runs)]
    results.sort(key=lambda r: r["lcp"])
    return results[len(results) // 2]  # the run with the median LCP, as Lighthouse's own docs advise


def run_line(name: str, run: dict, width: int = 8) -> str:
    """One page's median run on one line: its scores, LCP, TBT, CLS, and what it did not pass."""
    scores = " ".join(f"{c} {run['scores'][c]}" for c in CATEGORIES)
    return (f"{name:{width}} {scores}; LCP {run['lcp']:.0f} ms, TBT {run['tbt']:.0f} ms, CLS {run['cls']:.3f}, "
            f"{run['bytes'] / 1024:.0f} KB" + (f"; not passed: {', '.join(run['failed'])}" if run["failed"] else ""))


def keep_reports(reports: Path, keep: Path | None) -> None:
    """Copy Lighthouse's JSON reports to `keep` (--keep), when given."""
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        for report in reports.iterdir():
            shutil.copy(report, keep / report.name)


# ---- main -----------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median-LCP run is reported")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the byte, blocking and chart measures")
    parser.add_argument("--keep", type=Path, help="also copy the Lighthouse JSON reports here")
    parser.add_argument("--events", type=int, help="measure a generated site of this many events instead")
    args = parser.parse_args(argv)

    from site_builder.build import Options, build

    missed = []
    budget = LARGE_BYTES_BUDGET if args.events else BYTES_BUDGET
    with tempfile.TemporaryDirectory() as tmp:
        source = REPO
        if args.events:
            sys.path.insert(0, str(REPO / "benchmarks"))
            from generate_site import generate

            source = generate(Path(tmp) / "generated", args.events, max(1, args.events // 20))
        root = Path(tmp) / "site"
        root.mkdir()
        with NetlifyLikeServer(root, REPO / "netlify.toml") as server:
            # Built for the address it is served from, as production is (canonical URLs and all).
            result = build(Options(root=source, out=root, base_url=server.url("")))
            weight = page_weight(root)
            kind = "a generated site" if args.events else "the curated site"
            print(f"Home page of {kind} ({len(result.site.events)} events), served gzip on {server.origin}\n")
            print("Bytes (gzip) of HTML + CSS + the site's own JS:")
            for name, size in weight["rows"]:
                print(f"  {size / 1024:7.1f} KB  {name}")
            ok = weight["total"] <= budget
            print(f"  {weight['total'] / 1024:7.1f} KB  total   budget {budget // 1024} KB  {'OK' if ok else 'OVER'}")
            missed += [] if ok else ["bytes"]
            raw, packed = weight["plotly"]
            print(f"  (plotly.js: {raw / 1024 / 1024:.1f} MB, {packed / 1024 / 1024:.2f} MB gzip, "
                  "fetched only after the reader's first interaction)")

            blocking_ok = not weight["blocking_scripts"] and weight["inline_scripts"] == 0
            print(f"\nRender-blocking: {', '.join(weight['blocking']) or 'nothing'}  "
                  f"(budget: CSS only)  {'OK' if blocking_ok else 'FAIL'}")
            missed += [] if blocking_ok else ["render-blocking"]

            first = result.site.events[0].title if result.site.events else ""
            in_html = first in weight["text"]
            if args.events:  # a large site lists its latest period: its last event is on the page
                from site_builder.render.archive import build_archive

                in_html = build_archive(result.site).latest.groups[-1][2][-1].title in weight["text"]
            listed = (root / "index.html").read_text(encoding="utf-8").count('<article class="event-card')
            timing = chart_timing(server.url(""))
            print(f"First paint: the event list is in the HTML ({timing['cards_at_load']} cards before any script "
                  f"is needed, {listed} listed): {'OK' if in_html and timing['cards_at_load'] == listed else 'FAIL'}")
            missed += [] if in_html else ["first-paint"]
            early = "yes (FAIL)" if timing["plotly_before_interaction"] else "no"
            print(f"Chart: plotly.js requested before interaction: {early}; "
                  f"interactive {timing['interaction_to_chart_ms']:.0f} ms after the first interaction "
                  f"(unthrottled loopback; longest main-thread task {max(timing['long_tasks_ms'] or [0]):.0f} ms)")
            missed += ["chart-deferred"] if timing["plotly_before_interaction"] else []

            if args.no_lighthouse:
                return report_missed(missed)
            cli = ensure_lighthouse()
            reports = Path(tmp) / "reports"
            reports.mkdir()
            print(f"\nLighthouse (mobile defaults, system Chromium), median of {args.runs} run(s):")
            ours = median_run(cli, server.url(""), args.runs, reports, "home")
            if args.events:
                print("  " + ", ".join(f"{c} {ours['scores'][c]}" for c in CATEGORIES) +
                      f"; LCP {ours['lcp']:.0f} ms, total blocking time {ours['tbt']:.0f} ms")
                perfect = all(ours["scores"][c] == 100 for c in CATEGORIES)
                return report_missed(missed + ([] if perfect else ["lighthouse"]))
            baseline = add_timelinejs_baseline(root, result.site.config.title)
            theirs = median_run(cli, server.url(baseline), args.runs, reports, "timelinejs")
            keep_reports(reports, args.keep)
            print(f"  {'':24}{'this site':>12}{'TimelineJS':>12}")
            for c in CATEGORIES:
                print(f"  {c:24}{ours['scores'][c]:>12}{theirs['scores'][c]:>12}")
            for key, label in (("fcp", "first contentful paint"), ("lcp", "largest contentful paint"),
                               ("tbt", "total blocking time")):
                print(f"  {label:24}{ours[key]:>9.0f} ms{theirs[key]:>9.0f} ms")
            print(f"  {'layout shift':24}{ours['cls']:>12.3f}{theirs['cls']:>12.3f}")
            print(f"  {'bytes transferred':24}{ours['bytes'] / 1024:>9.0f} KB{theirs['bytes'] / 1024:>9.0f} KB")
            if ours["failed"]:
                print(f"  audits not passed on this site: {', '.join(ours['failed'])}")
            perfect = all(ours["scores"][c] == 100 for c in CATEGORIES)
            faster = ours["lcp"] <= theirs["lcp"]
            print(f"\n  scores 100/100/100/100: {'OK' if perfect else 'MISSED'}; "
                  f"LCP {ours['lcp']:.0f} ms vs TimelineJS {theirs['lcp']:.0f} ms: {'OK' if faster else 'SLOWER'}")
            missed += ([] if perfect else ["lighthouse"]) + ([] if faster else ["lcp"])
    return report_missed(missed)


def report_missed(missed: list[str]) -> int:
    print("\nAll budgets met." if not missed else f"\nBudgets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
