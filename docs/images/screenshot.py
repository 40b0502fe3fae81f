"""Remake docs/images/home.png: the built site's home page, first screen, 1280 px, light scheme.
Served on a loopback port, taken by Playwright in the system Chromium (SITE_BUILDER_CHROMIUM, else /usr/bin/chromium).

    .venv/bin/site-builder build && .venv/bin/python docs/images/screenshot.py [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1280, 1100


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the terminal for errors
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "build", help="the built site (default build/)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("home.png"))
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site}/index.html not found: run site-builder build first")

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox"],
            )
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme="light")
            page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="networkidle")
            page.screenshot(path=str(args.out))  # the first screen only, so the PNG stays small
            browser.close()
    finally:
        server.shutdown()
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
