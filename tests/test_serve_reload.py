"""The preview in a real browser (Debian's Chromium): saves reload the page by themselves."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from .conftest import EVENT_YAML
from .test_serve import EVENT_PAGE, ServeProcess

# Debian's Chromium, as the other browser tests use it (Playwright's own download does not run here).
CHROMIUM = os.environ.get("SITE_BUILDER_CHROMIUM") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file()
                                                        else shutil.which("chromium") or "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-dev-shm-usage"]
WAIT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def chromium(shared_playwright):
    assert Path(CHROMIUM).is_file(), "Debian's chromium is needed (scripts/test installs it)"
    browser = shared_playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def preview(site):
    server = ServeProcess(site.root)
    yield server
    server.stop()


class LivePage:
    """A page that knows when livereload's socket has registered it for reloads."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page()
        self.registrations = 0
        self.page.on("websocket", lambda ws: ws.on("framesent", self._sent))
        self.page.goto(url)
        self.wait_registered(1)

    def _sent(self, payload) -> None:
        if '"command":"info"' in str(payload).replace(" ", ""):
            self.registrations += 1

    def wait_registered(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_MS / 1000
        while self.registrations < count:
            assert time.monotonic() < deadline, "livereload never connected"
            self.page.wait_for_timeout(20)

    def wait_for_heading(self, text: str) -> None:
        self.page.wait_for_function("t => ((document.querySelector('h1') || {}).textContent || '').includes(t)",
                                    arg=text, timeout=WAIT_MS)


def test_a_save_reloads_the_open_page(site, preview, chromium):
    live = LivePage(chromium, preview.url + EVENT_PAGE)
    live.page.evaluate("window.notReloaded = true")
    saved = time.perf_counter()
    site.event("2025-08-15-talks", EVENT_YAML.replace("Talks in Anchorage", "Summit in Anchorage"))
    live.wait_for_heading("Summit in Anchorage")
    print(f"save to reloaded page: {time.perf_counter() - saved:.2f} s")
    assert live.page.evaluate("window.notReloaded") is None  # the browser reloaded; we did not navigate


def test_two_saves_one_second_apart_both_reach_the_browser(site, preview, chromium):
    live = LivePage(chromium, preview.url + EVENT_PAGE)
    site.event("2025-08-15-talks", EVENT_YAML.replace("Talks in Anchorage", "First edit"))
    live.wait_for_heading("First edit")
    live.wait_registered(2)  # the reloaded page is listening again
    time.sleep(1.0)  # the second save a second after the first: livereload alone would drop it
    site.event("2025-08-15-talks", EVENT_YAML.replace("Talks in Anchorage", "Second edit"))
    live.wait_for_heading("Second edit")


def test_a_mistake_shows_in_the_open_page_and_fixing_it_brings_the_page_back(site, preview, chromium):
    live = LivePage(chromium, preview.url + EVENT_PAGE)
    site.event("2025-08-15-talks", EVENT_YAML.replace("lane: main", "lane: mian"))
    live.wait_for_heading("1 error in the content")
    location = live.page.locator(".location").first.text_content()
    assert location == "content/events/2025-08-15-talks.yaml:5:7"
    assert live.page.locator(".line.at mark").first.text_content() == "m"
    assert "lanes in site.yaml: main, other" in live.page.locator(".hint").first.text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    live.page.screenshot(path=str(ARTIFACTS / "serve-error-page.png"), full_page=True)
    live.wait_registered(2)
    site.event("2025-08-15-talks", EVENT_YAML)
    live.wait_for_heading("Talks in Anchorage")
