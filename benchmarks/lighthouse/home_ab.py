"""The home page of a generated site built by two checkouts, measured in turn (A B A B): Lighthouse
mobile (performance, TBT) and, in Chromium desktop, the long tasks from the reader's first
interaction until the chart is drawn and the filters' data is in.

    .venv/bin/python benchmarks/lighthouse/home_ab.py --a ../main --b . [--events 10000] [--runs 3]
        [--no-interaction] [--keep DIR]
"""

# Each checkout builds the same generated site (generate_site.py, seed 1, N/20 sources) in a process
# of its own; both are served as home_budget.py serves a site (netlify.toml headers, gzip). Turns
# alternate because this VM's speed drifts over minutes: only figures taken side by side compare.

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(HERE / "benchmarks"), str(HERE / "tests" / "browser")]

BUILD = """import sys; from pathlib import Path
from site_builder.build import Options, build
build(Options(root=Path(sys.argv[1]), out=Path(sys.argv[2]), base_url='http://127.0.0.1/'))"""

FIRST_INTERACTION = """() => new Promise(resolve => {
    window.__long = [];
    new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(Math.round(e.duration))))
      .observe({type: 'longtask'});
    document.getElementById('chart').addEventListener('chart:ready', () => resolve(performance.now() - t0));
    var t0 = performance.now();
    window.dispatchEvent(new PointerEvent('pointermove'));
})"""


def first_interaction(url: str) -> tuple[float, list[int]]:
    from playwright.sync_api import sync_playwright

    from home_budget import CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url, wait_until="load")
        ready = page.evaluate(FIRST_INTERACTION)
        page.wait_for_timeout(500)  # the filters' data arrives about then, and the chart redraws
        long_tasks = page.evaluate("window.__long")
        browser.close()
    return ready, long_tasks


def main_thread(report: Path) -> str:
    """Lighthouse's main-thread time by kind (simulated throttling), the largest first."""
    items = json.loads(report.read_text(encoding="utf-8"))["audits"]["mainthread-work-breakdown"]["details"]["items"]
    return ", ".join(f"{i['groupLabel']} {i['duration']:.0f}" for i in sorted(items, key=lambda i: -i["duration"])[:3])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="the checkout measured first in each turn")
    parser.add_argument("--b", type=Path, required=True)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-interaction", action="store_true", help="Lighthouse only")
    parser.add_argument("--keep", type=Path, help="also copy the Lighthouse JSON reports here")
    args = parser.parse_args(argv)
    from generate_site import generate
    from home_budget import ensure_lighthouse, keep_reports, lighthouse
    from netlify_server import NetlifyLikeServer

    cli = ensure_lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        source = generate(Path(tmp) / "generated", args.events, max(1, args.events // 20))
        sites = {}
        for name, repo in (("A", args.a), ("B", args.b)):
            sites[name] = Path(tmp) / name
            env = dict(os.environ, PYTHONPATH=str(repo.resolve()))
            subprocess.run([sys.executable, "-c", BUILD, str(source), str(sites[name])], env=env, cwd=repo, check=True)
        reports = Path(tmp) / "reports"
        reports.mkdir()
        servers = {name: NetlifyLikeServer(root, HERE / "netlify.toml").start() for name, root in sites.items()}
        for run in range(args.runs):
            for name, server in servers.items():
                report = reports / f"{name}-{run}.json"
                r = lighthouse(cli, server.url(""), report)
                print(f"{name} Lighthouse: performance {r['scores']['performance']}, TBT {r['tbt']:.0f} ms, "
                      f"LCP {r['lcp']:.0f} ms, CLS {r['cls']:.3f}; main thread {main_thread(report)}; "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
        keep_reports(reports, args.keep)
        for _ in range(0 if args.no_interaction else args.runs):
            for name, server in servers.items():
                ready, long_tasks = first_interaction(server.url(""))
                print(f"{name} first interaction: chart ready {ready:.0f} ms, long tasks {json.dumps(long_tasks)}, "
                      f"longest {max(long_tasks or [0])} ms; load {os.getloadavg()[0]:.1f}", flush=True)
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
