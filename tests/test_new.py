"""`site-builder new`: commented templates that pass the loader once the editor fills them in."""

from __future__ import annotations

from pathlib import Path

from site_builder.content.fields import EVENT_FIELDS

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
    result = site.cli("check")
    assert result.returncode == 1
    assert "2025-09-03-talks-resume.yaml:" in result.stderr and "unknown source" in result.stderr


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
    assert "1 events, 1 sources, 2 excerpts verified" in built.stdout
    assert "Bridges" in (folder / "build/index.html").read_text()
    assert (folder / ".gitignore").read_text().startswith("/build/")


def test_new_site_refuses_a_folder_that_is_not_empty(tmp_path: Path, site):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = site.cli("new", "site", str(folder))
    assert result.returncode == 1 and "not empty" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
