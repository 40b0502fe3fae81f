"""Shared fixtures for tests in a real browser: the real content, built and served like production.

Every browser test runs Debian's Chromium (never Playwright's download) against the site built
from this repository's content/, served on 127.0.0.1 with the headers of the real netlify.toml
and gzip. Any console error, uncaught exception, CSP violation or failed sub-resource fails the test.

Fixtures (session-wide unless noted):

- ``chromium_executable`` -> str: path to the system Chromium (SITE_BUILDER_CHROMIUM, else
  /usr/bin/chromium, else `chromium` on PATH). Missing means the test FAILS, loudly; it never skips.
- ``browser`` -> playwright Browser launched from that executable (headless, --no-sandbox ...).
- ``built_site`` -> Path: the repository's site built into a temporary folder (drafts excluded).
- ``site_server`` -> NetlifyLikeServer serving ``built_site``; ``site_server.url("events/x/")``
  gives an absolute URL, ``site_server.origin`` the http://127.0.0.1:<port> part,
  ``site_server.requests`` every path requested so far.
- ``serve_site`` -> function(folder) -> NetlifyLikeServer: serve another built folder the same
  way (stopped at the end of the session).
- ``problems`` (per test) -> Problems: what the monitored pages reported (``.console_errors``,
  ``.csp_violations``, ``.page_errors``, ``.failed_requests``). A test that provokes a problem
  on purpose asserts on it and then calls ``problems.clear()``.
- ``new_page`` (per test) -> function(**context_options) -> Page: a monitored page in a fresh
  context; options go to ``browser.new_context`` (viewport, color_scheme, java_script_enabled,
  reduced_motion, ...). Default viewport 1280x900.
- ``page`` (per test) -> a monitored desktop Page (``new_page()``).
- ``phone_page`` (per test) -> a monitored 390x844 Page with touch and a mobile user agent.
- ``axe`` -> function(page, **options) -> list of violations: runs axe-core (node_modules, via
  `npm ci`) for WCAG 2.0/2.1 A and AA on the current document.
- ``artifacts_dir`` -> Path: test-artifacts/ at the repository root (screenshots go here).

At the end of each test the fixtures fail it if ``problems`` is not empty.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netlify_server import NetlifyLikeServer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0.0.0 Mobile Safari/537.36")

# Reported by the page itself when the browser refuses something under the Content-Security-Policy.
# (Chromium also logs "Refused to ..." console errors; both are recorded.)
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations = window.__cspViolations || [];
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                ' at ' + e.sourceFile + ':' + e.lineNumber);
}, true);
"""


def find_chromium() -> str | None:
    for candidate in (os.environ.get("SITE_BUILDER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail("Chromium not found: the browser tests need Debian's `chromium` package "
                    "(bash scripts/test installs it) or SITE_BUILDER_CHROMIUM=/path/to/chromium",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable, shared_playwright):
    browser = shared_playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS,
                                                headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    from site_builder.build import Options, build

    out = tmp_path_factory.mktemp("site") / "build"
    build(Options(root=REPO, out=out))
    return out


@pytest.fixture(scope="session")
def serve_site():
    servers: list[NetlifyLikeServer] = []

    def serve(folder: Path) -> NetlifyLikeServer:
        server = NetlifyLikeServer(folder, REPO / "netlify.toml").start()
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def site_server(built_site, serve_site) -> NetlifyLikeServer:
    return serve_site(built_site)


@dataclass
class Problems:
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.console_errors or self.csp_violations or self.page_errors or self.failed_requests)

    def clear(self) -> None:
        for items in (self.console_errors, self.csp_violations, self.page_errors, self.failed_requests):
            items.clear()

    def report(self) -> str:
        lines = []
        for name in ("csp_violations", "console_errors", "page_errors", "failed_requests"):
            lines += [f"{name.replace('_', ' ')}: {item}" for item in getattr(self, name)]
        return "\n".join(lines)

    def watch(self, page) -> None:
        def on_console(msg):
            text = msg.text
            # "Failed to load resource" duplicates a bad response, judged in on_response.
            if msg.type == "error" and not text.startswith("Failed to load resource"):
                (self.csp_violations if "Content Security Policy" in text or text.startswith("CSP violation")
                 else self.console_errors).append(f"{text} ({msg.location.get('url', '')})")

        def on_response(response):
            # A missing stylesheet, script or image is a bug; a 404 *document* may be what a test asked for.
            if response.status >= 400 and response.request.resource_type != "document":
                self.failed_requests.append(f"{response.status} {response.url}")

        def on_request_failed(request):
            if request.failure and "ERR_ABORTED" not in request.failure:
                self.failed_requests.append(f"{request.failure} {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)


@pytest.fixture
def problems():
    found = Problems()
    yield found
    if found:
        pytest.fail("the browser reported problems:\n" + found.report(), pytrace=False)


@pytest.fixture
def new_page(browser, problems):
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, user_agent=PHONE_UA)


@pytest.fixture(scope="session")
def axe():
    source_file = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not source_file.is_file():
        pytest.fail(f"{source_file} is missing: run `npm ci` at the repository root (bash scripts/test does)",
                    pytrace=False)
    source = source_file.read_text(encoding="utf-8")

    def run(page, **options) -> list[dict]:
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(source)
        options.setdefault("runOnly", {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        result = page.evaluate("options => axe.run(document, options)", options)
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]

    return run


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    folder = REPO / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
