"""`site-builder serve`'s start alone, timed as against_hugo.py times it: process start until the
home page and one event page answer 200, with an empty cache folder; --repo times another checkout.

    .venv/bin/python benchmarks/serve_start.py SITE [--repeat 2] [--repo ../main]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from against_hugo import get
from run import REPO, free_port


def serve_start(site: Path, repo: Path, page: str) -> float:
    """Seconds from starting serve (the code of `repo`) until `/` and `page` are served."""
    port = free_port()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SITE_BUILDER_CACHE=cache, PYTHONPATH=str(repo))
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "site_builder", "-C", str(site), "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=repo, env=env)
        try:
            while True:
                try:
                    get(f"http://127.0.0.1:{port}/")
                    get(f"http://127.0.0.1:{port}{page}")
                    return time.perf_counter() - started
                except OSError:
                    if server.poll() is not None:
                        raise SystemExit(f"serve exited:\n{server.stderr.read().decode()[-2000:]}") from None
                    time.sleep(0.05)
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to run (default: this one)")
    args = parser.parse_args()
    events = sorted((args.site / "content" / "events").rglob("*.yaml"))
    page = f"/events/{events[len(events) // 2].stem}/"  # as against_hugo.py: an event in the middle
    for _ in range(args.repeat):
        print(f"{args.repo.resolve()}: {serve_start(args.site.resolve(), args.repo.resolve(), page):.2f} s", flush=True)


if __name__ == "__main__":
    main()
