"""`site-builder new`: commented templates that pass the loader once the editor fills them in."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.content.fields import EVENT_FIELDS

from .conftest import EVENT_YAML

SCHEMA_LINE = "# yaml-language-server: $schema=../../build/schema/event.schema.json"


def test_new_event_is_named_by_date_and_title_and_explains_every_field(site):
    result = site.cli("new", "event", "Talks resume in Geneva", "--date", "2025-09-03", "--lane", "other",
                      "--source", "wire")
    assert result.returncode == 0, result.stderr
    path = site.root / "content/events/2025-09-03-talks-resume-in-geneva.yaml"
    text = path.read_text()
    assert text.splitlines()[0] == SCHEMA_LINE
    for spec in EVENT_FIELDS:
        assert f"# {spec.help}" in text, spec.name
    assert 'title: "Talks resume in Geneva"' in text
    assert "lane: other" in text and "- source: wire" in text and "draft: true" in text


def test_new_event_once_its_quote_is_filled_in_builds_as_a_draft(site):
    site.cli("new", "event", "Talks resume", "--date", "2025-09", "--source", "wire")
    path = site.root / "content/events/2025-09-talks-resume.yaml"
    path.write_text(path.read_text().replace("Paste the words here exactly as the source has them.",
                                             "Putin suggested their next meeting be held in Moscow"))
    assert site.cli("check").returncode == 0
    assert site.cli("build").returncode == 0
    assert not (site.root / "build/events/2025-09-talks-resume").exists()
    assert site.cli("build", "--drafts").returncode == 0
    assert (site.root / "build/events/2025-09-talks-resume/index.html").is_file()


def test_new_event_left_unfilled_fails_check_with_a_located_error(site):
    site.cli("new", "event", "Talks resume", "--date", "2025-09-03")
    path = site.root / "content/events/2025-09-03-talks-resume.yaml"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    result = site.cli("check")
    assert result.returncode == 1
    assert "2025-09-03-talks-resume.yaml:" in result.stderr and "source: this is the placeholder" in result.stderr


def test_new_event_refuses_to_overwrite_an_existing_file(site):
    assert site.cli("new", "event", "Talks", "--date", "2025-09-03").returncode == 0
    path = site.root / "content/events/2025-09-03-talks.yaml"
    path.write_text("edited by hand\n")
    result = site.cli("new", "event", "Talks", "--date", "2025-09-03")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert path.read_text() == "edited by hand\n"


def test_new_event_rejects_an_impossible_date_or_unknown_lane(site):
    result = site.cli("new", "event", "Talks", "--date", "2025-02-30")
    assert result.returncode == 1 and "--date" in result.stderr
    result = site.cli("new", "event", "Talks", "--date", "2025-02-03", "--lane", "nope")
    assert result.returncode == 1 and "unknown lane 'nope'" in result.stderr and "main, other" in result.stderr
    assert not list((site.root / "content/events").glob("2025-02-*"))


def test_new_source_writes_front_matter_and_waits_for_the_archived_text(site):
    result = site.cli("new", "source", "--id", "agency-2025-09-03", "--title", 'Talks "resume"',
                      "--publisher", "Agency", "--published", "2025-09-03T10:30+02:00", "--url", "https://example.org/a")
    assert result.returncode == 0, result.stderr
    path = site.root / "content/sources/agency-2025-09-03.md"
    text = path.read_text()
    assert text.startswith("---\n# yaml-language-server: $schema=../../build/schema/source.schema.json\n")
    assert 'title: "Talks \\"resume\\""' in text
    check = site.cli("check")
    assert "agency-2025-09-03.md:" in check.stderr and "the source has no archived text" in check.stderr
    path.write_text(text + "GENEVA, September 3. The talks resumed on Wednesday.\n")
    assert site.cli("check").returncode == 0


def test_new_source_refuses_to_overwrite_and_checks_its_arguments(site):
    args = ["--title", "T", "--publisher", "P", "--published", "2025-09-03"]
    assert site.cli("new", "source", "--id", "wire", *args).returncode == 1  # the fixture's source exists
    assert "already exists" in site.cli("new", "source", "--id", "wire", *args).stderr
    assert "cannot be a source id" in site.cli("new", "source", "--id", "Not An Id", *args).stderr
    bad_url = site.cli("new", "source", "--id", "x", *args, "--url", "javascript:alert(1)")
    assert bad_url.returncode == 1 and "http(s)" in bad_url.stderr


def test_new_site_builds_out_of_the_box(tmp_path: Path, site):
    folder = tmp_path / "fresh"
    result = site.cli("new", "site", str(folder), "--title", "Bridges")
    assert result.returncode == 0, result.stderr
    built = site.cli("-C", str(folder), "build")
    assert built.returncode == 0, built.stderr
    assert "1 event, 1 source, 2 excerpts verified" in built.stdout
    assert "Bridges" in (folder / "build/index.html").read_text()
    assert (folder / ".gitignore").read_text().startswith("/build/")


def test_new_site_refuses_a_folder_that_is_not_empty(tmp_path: Path, site):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = site.cli("new", "site", str(folder))
    assert result.returncode == 1 and "not empty" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def events_named(site) -> list[str]:
    return sorted(p.name for p in (site.root / "content/events").iterdir())


@pytest.mark.parametrize("args, message", [
    (["T\x1b]0;pwned\x07", "--date", "2025-09"], "title: 'T\\x1b]0;pwned\\x07' holds a control"),
    (["\u202eevil", "--date", "2025-09"], "title: '\\u202eevil' holds a control"),
    (["Two\nlines", "--date", "2025-09"], "title: 'Two\\x0alines' holds a control"),
    ([" ", "--date", "2025-09"], "title: 'title' is empty"),
    (["T", "--date", "2025-9"], "--date: '2025-9' is not a date"),
    (["T", "--date", "2025", "--source", "Not_An_Id"], "--source: 'Not_An_Id' is not a valid id"),
    (["T", "--date", "2025", "--source", "no-such-source"],
     "--source: unknown source 'no-such-source'; known sources: wire"),
    (["T", "--date", "2025", "--lane", "\x1b[2J"], "--lane: '\\x1b[2J' holds a control"),
])
def test_new_event_refuses_what_the_loader_would_refuse(site, args, message):
    before = events_named(site)
    result = site.cli("new", "event", *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert events_named(site) == before


def test_new_event_refuses_an_id_another_file_already_uses(site):
    site.event("renamed", "id: 2025-09-03-talks\n" + EVENT_YAML)
    result = site.cli("new", "event", "Talks", "--date", "2025-09-03")
    assert result.returncode == 1 and "the event id '2025-09-03-talks' is taken by" in result.stderr, result.stderr
    assert not (site.root / "content/events/2025-09-03-talks.yaml").exists()


@pytest.mark.parametrize("option, value, message", [
    ("--title", "A\x1b[2J", "--title: 'A\\x1b[2J' holds a control"),
    ("--publisher", "", "--publisher: 'publisher' is empty"),
    ("--published", "2025-02-30", "--published: '2025-02-30' is not a day of the calendar"),
    ("--url", "http://", "--url: 'http://' is not an http(s) address"),
    ("--url", "https://example.org/\x1b", "holds a control"),
])
def test_new_source_refuses_what_the_loader_would_refuse(site, option, value, message):
    args = {"--title": "T", "--publisher": "P", "--published": "2025-09-03"}
    args[option] = value
    result = site.cli("new", "source", "--id", "memo", *[x for pair in args.items() for x in pair])
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not (site.root / "content/sources/memo.md").exists()


def test_new_source_writes_the_date_as_the_loader_reads_it(site):
    args = ["--title", "T", "--publisher", "P", "--published", " 2025-09-03 "]
    assert site.cli("new", "source", "--id", "memo", *args).returncode == 0
    assert "published: 2025-09-03\n" in (site.root / "content/sources/memo.md").read_text()


def test_new_source_refuses_an_id_a_source_file_declares(site):
    site.source("other-file", front="id: memo\ntitle: T\npublisher: P\npublished: 2025-08-16\n")
    result = site.cli("new", "source", "--id", "memo", "--title", "T", "--publisher", "P", "--published", "2025")
    assert result.returncode == 1 and "a source 'memo' already exists" in result.stderr, result.stderr


def test_new_site_refuses_a_file_and_a_title_the_loader_would_refuse(tmp_path: Path, site):
    (tmp_path / "file").write_text("x")
    result = site.cli("new", "site", str(tmp_path / "file"))
    assert result.returncode == 1 and "is a file" in result.stderr, result.stderr
    result = site.cli("new", "site", str(tmp_path / "fresh"), "--title", "a\u2028b")
    assert result.returncode == 1 and "--title: 'a\\u2028b' holds a control" in result.stderr, result.stderr
    assert not (tmp_path / "fresh").exists()


def test_new_writes_nothing_half_when_the_disk_refuses(site, tmp_path):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    for args in (["new", "event", "Talks", "--date", "2025-09"], ["new", "site", str(tmp_path / "fresh")]):
        result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(site.root), *args],
                                capture_output=True, text=True, preexec_fn=limit)
        assert result.returncode == 1 and "nothing was written" in result.stderr, result.stderr
    assert events_named(site) == ["2025-08-15-talks.yaml"]
    assert not (tmp_path / "fresh").exists()


def test_new_says_plainly_when_a_file_is_where_a_folder_must_go(site):
    (site.root / "content/sources/wire.md").unlink()
    (site.root / "content/sources").rmdir()
    (site.root / "content/sources").write_text("not a folder")
    result = site.cli("new", "source", "--id", "memo", "--title", "T", "--publisher", "P", "--published", "2025")
    assert result.returncode == 1 and "a file is where a folder must go" in result.stderr, result.stderr


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_writes_files_with_the_mode_the_umask_gives(tmp_path: Path, site, umask, mode):
    """Not mkstemp's 0600: a site's files must be readable as any other file the editor makes."""
    before = os.umask(umask)
    try:
        assert site.cli("new", "site", str(tmp_path / "fresh")).returncode == 0
        site.root = tmp_path / "fresh"
        assert site.cli("new", "event", "Bridge closes", "--date", "2025-03-01").returncode == 0
    finally:
        os.umask(before)
    files = [p for p in (tmp_path / "fresh").rglob("*") if p.is_file()]
    assert len(files) > 10 and {p.stat().st_mode & 0o777 for p in files} == {mode}
