"""No input, however broken or hostile, crashes the tool, loses work or publishes something unsafe.

Each case: a located error (or a harmless, escaped build), exit 1, no traceback, and the
previous build/ byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import EVENT_YAML, SITE_YAML, SiteDir

CORPUS = Path(__file__).parent / "hostile"
CASES = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (?:(?P<line>\d+):(?P<col>\d+) (?P<message>.+)|(?P<harmless>harmless))$")


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The small site, built once for the module; each test bends a copy of it."""
    site = SiteDir(tmp_path_factory.mktemp("built") / "site")
    site.write("site.yaml", SITE_YAML)
    site.source("wire")
    site.event("2025-08-15-talks", EVENT_YAML)
    assert site.cli("build").returncode == 0
    return site


@pytest.fixture
def built_site(built_once, tmp_path):
    site = SiteDir(tmp_path / "site")
    shutil.copytree(built_once.root, site.root, symlinks=True)
    site.previous = digest(site.root / "build")
    return site


def assert_refused(site, name: str, line: int, col: int, message: str) -> None:
    result = site.cli("build")
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    # The error's block: its located line and the indented hint lines after it.
    block = re.search(rf"^\S*{re.escape(name)}:{line}:{col}: error: .*(?:\n  .*)*", result.stderr, re.M)
    assert block and message in block.group(0), f"expected {name}:{line}:{col}: ...{message}... in:\n{result.stderr}"
    assert digest(site.root / "build") == site.previous


class MarkupAudit(HTMLParser):
    """Records every element and attribute the browser would see."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not (attrs.get("src", "").startswith("/")
                                    or attrs.get("type") in ("application/json", "application/ld+json")):
            self.problems.append("<script> that is not ours")
        if tag in ("iframe", "object", "embed", "base", "style"):
            self.problems.append(f"<{tag}>")
        if tag == "img" and not attrs.get("src", "").startswith("/"):
            self.problems.append(f"<img src={attrs.get('src')!r}>")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_corpus_case(built_site, case):
    expect = EXPECT.match(case.read_text(encoding="utf-8").splitlines()[0])
    assert expect, f"{case.name} must start with '# expect: LINE:COL message' or '# expect: harmless'"
    built_site.write(f"content/events/{case.name}", case.read_bytes())
    if expect["harmless"]:
        assert_harmless(built_site, case.stem)
    else:
        assert_refused(built_site, case.name, int(expect["line"]), int(expect["col"]), expect["message"])


def assert_harmless(site, event_id: str) -> None:
    result = site.cli("build")
    assert result.returncode == 0, result.stderr
    for page in [site.root / "build/index.html", site.root / f"build/events/{event_id}/index.html"]:
        html = page.read_text(encoding="utf-8")
        audit = MarkupAudit()
        audit.feed(html)
        assert audit.problems == [], page
        assert 'src="https://evil.example' not in html  # an image becomes a plain http(s) link, never a load
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html


def test_non_utf8_bytes(built_site):
    built_site.write("content/events/latin1.yaml", "title: Caf\xe9 talks\n".encode("latin-1"))
    assert_refused(built_site, "latin1.yaml", 1, 11, "not valid UTF-8")


def test_a_ten_megabyte_file(built_site):
    built_site.write("content/events/huge.yaml", b"title: " + b"x" * (10 * 1024 * 1024) + b"\n")
    assert_refused(built_site, "huge.yaml", 1, 1, "over the limit")


def test_a_ten_megabyte_source(built_site):
    built_site.source("huge-source", text="word " * (2 * 1024 * 1024))
    assert_refused(built_site, "huge-source.md", 1, 1, "over the limit")


def test_a_symlink_pointing_outside_content(built_site, tmp_path):
    secret = tmp_path / "outside.yaml"
    secret.write_text("title: from outside\n")
    (built_site.root / "content/events/link.yaml").symlink_to(secret)
    assert_refused(built_site, "link.yaml", 1, 1, "outside the site folder")


def test_two_files_slugging_to_the_same_id(built_site):
    text = (built_site.root / "content/events/2025-08-15-talks.yaml").read_text()
    built_site.write("content/events/2025-08-15-talks.yml", text)
    assert_refused(built_site, "2025-08-15-talks.yml", 1, 1, "duplicate event id '2025-08-15-talks'")


def test_a_file_name_that_cannot_be_an_id(built_site):
    text = (built_site.root / "content/events/2025-08-15-talks.yaml").read_text()
    built_site.write("content/events/Talks In Alaska.yaml", text)
    assert_refused(built_site, "Talks In Alaska.yaml", 1, 1, "cannot be an event id")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x"])
def test_unsafe_source_urls(built_site, url):
    built_site.source("wire", front=f"title: Wire\npublisher: Wire\npublished: 2025-08-16\nurl: \"{url}\"\n")
    assert_refused(built_site, "wire.md", 5, 6, "is not an http(s) address")


def test_bom_and_crlf_are_read_as_the_editor_meant(built_site):
    path = built_site.root / "content/events/2025-08-15-talks.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = built_site.cli("build")
    assert result.returncode == 0, result.stderr
    assert "Talks in Anchorage" in (built_site.root / "build/index.html").read_text()


def test_a_crlf_file_reports_the_same_line_numbers(built_site):
    built_site.write("content/events/crlf.yaml", b"title: Talks\r\ndate: 2025-02-30\r\n")
    assert_refused(built_site, "crlf.yaml", 2, 7, "not a day of the calendar")


ODD = ("tab\there, line\u2028separator, \u200fRTL mark\u200e, \U0001F5F3\ufe0f, cafe\u0301, zero\ufeffwidth, "
       "private\ue000use")


def test_every_allowed_odd_character_builds_valid_feeds_and_exports(site):
    """Characters content may hold (not controls or non-characters) reach every format intact and valid."""
    import csv
    import io
    import json
    import xml.etree.ElementTree as ET

    import icalendar

    from site_builder.content.yamlsafe import UNSAFE_CHARS

    site.event("2025-08-15-talks", f'title: "Talks: {ODD}"\ndate: 2025-08-15\ntime: "10:00"\nplace: "{ODD}"\n'
                                   f'actors: ["{ODD}"]\ntags: ["{ODD}"]\nsummary: "{ODD}"\nexcerpts:\n'
                                   f'  - source: wire\n    quote: The talks took place\n    note: "{ODD}"\n')
    site.source("wire", front=f'title: "Wire {ODD}"\npublisher: "{ODD}"\npublished: 2025-08-16\n',
                text=f"{ODD}\nANCHORAGE. The talks took place in a trustful atmosphere.\n")
    result = site.cli("build")
    assert result.returncode == 0, result.stderr
    build = site.root / "build"
    feed = ET.parse(build / "feed.xml")  # expat refuses what XML 1.0 does not allow
    assert any("RTL mark" in (el.text or "") for el in feed.iter())
    ET.parse(build / "sitemap.xml")
    for path in build.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    calendar = icalendar.Calendar.from_ical((build / "events.ics").read_bytes())
    assert "\U0001F5F3" in str(calendar.walk("VEVENT")[0]["SUMMARY"])
    rows = list(csv.reader(io.StringIO((build / "events.csv").read_text(encoding="utf-8-sig"))))
    assert any("\u200fRTL mark" in cell for row in rows for cell in row)
    for path in build.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".ics", ".csv", ".txt"):
            assert not UNSAFE_CHARS.search(path.read_text(encoding="utf-8")), path
