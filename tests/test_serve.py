"""`site-builder serve`: the real preview server on a free loopback port, driven by editing files."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import EVENT_YAML

TIMEOUT = 15  # seconds; generous for a shared 2-core machine, never a timing assertion


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`site-builder serve` in a subprocess; its terminal output is collected line by line."""

    def __init__(self, root: Path, *args: str, wait: bool = True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "-C", str(root), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root)
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()
        self.wait_for_output("serving " if wait else "building ")

    def _collect(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_output(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + TIMEOUT
        while self.output.count(text) < count:
            if self.proc.poll() is not None and self.output.count(text) < count:
                raise AssertionError(f"serve exited ({self.proc.returncode}):\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} (x{count}) in serve's output:\n{self.output}")
            time.sleep(0.05)

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_until(self, path: str, predicate) -> tuple[int, str]:
        """Poll a page until the predicate holds for (status, body); the last answer otherwise."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            status, body = self.get(path)
            if predicate(status, body) or time.monotonic() > deadline:
                return status, body
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def serve():
    started: list[ServeProcess] = []

    def start(root: Path, *args: str, wait: bool = True) -> ServeProcess:
        server = ServeProcess(root, *args, wait=wait)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


EVENT_PAGE = "events/2025-08-15-talks/"


def test_serves_the_site_from_memory_on_loopback_with_the_reload_script(site, serve):
    server = serve(site.root)
    assert f"serving http://127.0.0.1:{server.port}/" in server.output
    status, body = server.get(EVENT_PAGE)
    assert status == 200 and "Talks in Anchorage" in body
    assert "livereload.js" in body
    assert not (site.root / "build").exists()  # serve writes nothing into the site


def test_a_folder_asked_for_without_its_slash_is_redirected_to_it(site, serve):
    server = serve(site.root)
    request = urllib.request.Request(server.url + EVENT_PAGE.rstrip("/"), method="HEAD")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=TIMEOUT)
    assert answer.value.code == 301 and answer.value.headers["Location"] == "/" + EVENT_PAGE
    status, body = server.get(EVENT_PAGE.rstrip("/"))  # followed, as a browser does
    assert status == 200 and "Talks in Anchorage" in body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_browser_asking_for_gzip_gets_pages_with_the_reload_script_and_exports_gzipped(site, serve):
    import gzip

    server = serve(site.root)
    answers = {}
    for path in (EVENT_PAGE, "events.json"):
        request = urllib.request.Request(server.url + path, headers={"Accept-Encoding": "gzip, deflate, br"})
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answers[path] = response.headers.get("Content-Encoding"), response.read()
    assert answers[EVENT_PAGE][0] is None and b"livereload.js" in answers[EVENT_PAGE][1]
    assert answers["events.json"][0] == "gzip"
    assert gzip.decompress(answers["events.json"][1]).decode("utf-8") == server.get("events.json")[1]


def test_links_in_the_preview_point_at_the_preview_not_the_published_site(site, serve):
    server = serve(site.root)
    _, body = server.get(EVENT_PAGE)
    assert f'href="http://127.0.0.1:{server.port}/{EVENT_PAGE}"' in body  # the canonical link
    assert "https://example.org/" + EVENT_PAGE not in body


def test_a_saved_edit_appears_without_restarting(site, serve):
    server = serve(site.root)
    site.event("2025-08-15-talks", EVENT_YAML.replace("Talks in Anchorage", "Summit in Anchorage"))
    status, body = server.wait_until(EVENT_PAGE, lambda s, b: "Summit in Anchorage" in b)
    assert status == 200 and "Summit in Anchorage" in body
    assert "Talks in Anchorage" not in server.get("")[1]


def test_a_mistake_shows_in_the_browser_at_its_line_and_goes_away_when_fixed(site, serve):
    server = serve(site.root)
    bad = EVENT_YAML.replace("date: 2025-08-15", "date: 2025-08-32")
    site.event("2025-08-15-talks", bad)
    status, body = server.wait_until(EVENT_PAGE, lambda s, b: s == 500)
    assert status == 500
    assert "content/events/2025-08-15-talks.yaml:2:7" in body
    assert '<span class="number">2</span>date: <mark title="column 7">2</mark>025-08-32</span>' in body
    assert "&#39;2025-08-32&#39; is not a day of the calendar" in body and "August 2025 has 31 days" in body
    # The last good page is one link away, and other pages show the error too.
    assert f'href="/{EVENT_PAGE}?last-good"' in body
    assert "Talks in Anchorage" in server.get(EVENT_PAGE + "?last-good")[1]
    assert server.get("")[0] == 500

    site.event("2025-08-15-talks", EVENT_YAML)
    status, body = server.wait_until(EVENT_PAGE, lambda s, b: s == 200)
    assert status == 200 and "Talks in Anchorage" in body
    server.wait_for_output("fixed: the content builds again")


def test_every_error_is_shown_with_its_hint_and_printed_once_without_a_traceback(site, serve):
    server = serve(site.root)
    site.event("2025-08-15-talks", EVENT_YAML.replace("lane: main", "lane: mian")
               .replace("The talks took place", "The talks took places"))
    _, body = server.wait_until(EVENT_PAGE, lambda s, b: s == 500)
    assert "2 errors in the content" in body
    assert "unknown lane &#39;mian&#39;" in body and "lanes in site.yaml: main, other" in body
    assert "the quote is not in source &#39;wire&#39;" in body and "closest passage" in body
    server.wait_for_output("2 errors; the browser shows them")
    (site.root / "content/events/notes.txt").write_text("not content, but a change")  # same errors again
    server.wait_for_output("still the same 2 errors as above")
    assert server.output.count("unknown lane 'mian'") == 1
    assert "Traceback" not in server.output


def test_the_error_page_escapes_what_the_content_contains(site, serve):
    server = serve(site.root)
    site.event("2025-08-15-talks", EVENT_YAML.replace("title: Talks in Anchorage",
                                                     'title: <script>alert("x")</script>: {{ 7*7 }}'))
    _, body = server.wait_until(EVENT_PAGE, lambda s, b: s == 500)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert "{{ 7*7 }}" in body and "49" not in body


def test_a_broken_template_is_an_error_page_too_and_serving_goes_on(site, serve):
    server = serve(site.root)
    site.write("templates/event.html", '{% extends "base.html" %}{% block main %}{{ event.title }{% endblock %}')
    status, body = server.wait_until(EVENT_PAGE, lambda s, b: s == 500)
    assert status == 500 and "templates/event.html:1:" in body and "template error" in body
    (site.root / "templates/event.html").unlink()
    assert server.wait_until(EVENT_PAGE, lambda s, b: s == 200)[0] == 200


def test_a_site_that_never_built_still_serves_the_error_page(site, serve):
    site.write("site.yaml", "title: [unclosed\n")
    server = serve(site.root)
    status, body = server.get("")
    assert status == 500 and "site.yaml:" in body and "Show the last good" not in body
    assert server.get("anything/at/all")[0] == 500


def test_a_burst_of_saves_gives_one_rebuild(site, serve):
    server = serve(site.root)
    for n in range(10):  # like a git checkout: many files at once
        site.event(f"2025-08-{n + 10:02d}-talks-{n}", EVENT_YAML.replace("Talks in Anchorage", f"Talks {n}"))
    server.wait_for_output("rebuilt in")
    assert server.wait_until("events/2025-08-19-talks-9/", lambda s, b: s == 200)[0] == 200
    time.sleep(0.6)  # room for a second rebuild, which must not come
    rebuilds = [line for line in server.lines if line.startswith("rebuilt in")]
    assert len(rebuilds) == 1, server.output
    assert "10 events verified" in rebuilds[0]


def test_drafts_appear_only_with_the_drafts_flag_and_are_marked(site, serve):
    site.event("2025-08-16-draft", EVENT_YAML.replace("Talks in Anchorage", "Unconfirmed talks") + "draft: true\n")
    without = serve(site.root)
    assert without.get("events/2025-08-16-draft/")[0] == 404
    assert "Unconfirmed talks" not in without.get("")[1]
    with_drafts = serve(site.root, "--drafts")
    assert "(drafts shown)" in with_drafts.output
    status, body = with_drafts.get("events/2025-08-16-draft/")
    assert status == 200 and "Unconfirmed talks" in body and 'class="draft-badge"' in body


def test_serving_goes_on_during_a_rebuild_and_never_shows_a_half_built_site(site, serve):
    for n in range(400):  # enough pages that re-rendering all of them takes a while
        site.event(f"2025-08-15-talks-{n:03d}", EVENT_YAML)
    server = serve(site.root)
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace("Test timeline", "Renamed timeline"))
    during = []
    while "rebuilt in" not in server.output:
        status, home = server.get("")
        event_status, event = server.get("events/2025-08-15-talks-399/")
        if "rebuilt in" not in server.output:
            during.append((status, home, event_status, event))
    assert during, "no request was answered while the site was rebuilding"
    for status, home, event_status, event in during:
        assert status == event_status == 200
        assert ("Test timeline" in home) != ("Renamed timeline" in home)
        assert ("Test timeline" in event) != ("Renamed timeline" in event)
    assert "Renamed timeline" in server.get("")[1]


def test_a_save_during_the_first_build_is_not_lost(site, serve):
    for n in range(1200):  # a first build that takes a second or more, however fast the renderers get
        site.event(f"2025-08-15-talks-{n:04d}", EVENT_YAML)
    server = serve(site.root, wait=False)
    server.wait_for_output("building ")
    time.sleep(0.3)  # site.yaml is the first file read: by now the build has read it and moved on
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace("Test timeline", "Saved while building"))
    assert "serving " not in server.output  # the save really came during the first build
    server.wait_for_output("serving ")
    _, body = server.wait_until(EVENT_PAGE, lambda s, b: "Saved while building" in b)
    assert "Saved while building" in body, server.output


def test_a_taken_port_is_a_clear_message_not_a_traceback(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = site.cli_process("serve", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is taken" in result.stderr
    assert f"try --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_on_a_large_site_the_pages_come_first_and_a_feed_asked_for_meanwhile_waits_for_it(tmp_path, serve):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_site import generate

    from site_builder.preview.session import AFTER_FIRST_PAGES_FROM_EVENTS

    root = generate(tmp_path / "large", AFTER_FIRST_PAGES_FROM_EVENTS, 25)
    server = serve(root)
    assert "; the feeds, exports and sitemap follow" in server.output
    status, body = server.get("events.ics")  # at once: during the second step, or after it
    assert status == 200 and body.startswith("BEGIN:VCALENDAR")
    assert body.count("BEGIN:VEVENT") == AFTER_FIRST_PAGES_FROM_EVENTS
    server.wait_for_output("made the feeds, exports and sitemap in ")
    assert server.get("sitemap.xml")[0] == 200
