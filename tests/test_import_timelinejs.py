"""`site-builder import timelinejs`: a TimelineJS timeline (JSON or its sheet as CSV) becomes event files."""

from __future__ import annotations

import json

import yaml

from site_builder.build import Options, render
from site_builder.render.markdown import render_markdown

CSV = """\
Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background
,,,,,,,,,Our old timeline,<p>About it</p>,,,,,title,,
2025,6,,,,,,,,Talks in Istanbul,"<p>Delegations <b>meet</b>.</p><p>See <a href=""https://example.org/a"">the report</a> and <a href=""javascript:alert(1)"">this</a>.</p>",https://example.org/photo.jpg,AP,,,,Russia–Ukraine,#ffffff
2025,8,15,1:45 PM,2025,8,16,,,Summit in Anchorage,Two days,,,,,,Russia–US,
2025,1,1,,2025,12,31,,,The year of talks,,,,,,era,,
"""


def imported(site, name: str) -> dict:
    return yaml.safe_load((site.root / "content" / "events" / f"{name}.yaml").read_text(encoding="utf-8"))


def test_our_own_timeline_json_comes_back_with_dates_lanes_and_ids(real_site, site, tmp_path):
    exported = render(Options(root=real_site.root))[1]["timeline.json"]
    path = tmp_path / "timeline.json"
    path.write_bytes(exported)
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 15 events" in result.stdout
    talks = imported(site, "2025-06-istanbul-direct-talks")
    assert talks["title"] == "Direct Russian–Ukrainian talks in Istanbul"
    assert talks["date"] == "2025-06" and talks["display_date"] == "June 2025"
    assert talks["lane"] == "russia-ukraine"
    assert talks["draft"] is True and talks["excerpts"] == []
    assert "Istanbul" in talks["summary"]
    assert "add these lanes to site.yaml" in result.stdout and "id: russia-us" in result.stdout
    assert "the title slide" in result.stdout


def test_imported_events_are_drafts_that_preview_but_need_a_quote_to_publish(site, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(CSV.replace("Russia–Ukraine", "Main").replace("Russia–US", "Main"), encoding="utf-8")
    assert site.cli("import", "timelinejs", str(path)).returncode == 0
    # Drafts without a quote yet: the site still checks, and previews them with --drafts.
    assert site.cli("check").returncode == 0
    assert site.cli("build", "--drafts").returncode == 0
    assert (site.root / "build/events/2025-06-talks-in-istanbul/index.html").is_file()

    # Published without a quote: refused, pointing at the excerpts.
    event = site.root / "content" / "events" / "2025-06-talks-in-istanbul.yaml"
    original = event.read_text(encoding="utf-8")
    event.write_text(original.replace("draft: true\n", ""), encoding="utf-8")
    check = site.cli("check")
    assert check.returncode == 1
    flagged = {line.split(":")[0] for line in check.stderr.splitlines() if ": error: " in line}
    assert flagged == {"content/events/2025-06-talks-in-istanbul.yaml"}
    assert "'excerpts' needs at least 1 item(s)" in check.stderr

    # An editor quotes the archived source and publishes: the event is a real one.
    event.write_text(original.replace("draft: true\n", "").replace(
        "excerpts: []\n", "excerpts:\n  - source: wire\n    quote: The talks took place in a trustful and "
                          "constructive atmosphere.\n"), encoding="utf-8")
    assert site.cli("check").returncode == 0


def test_the_spreadsheet_export_carries_times_ranges_groups_and_text(site, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(CSV, encoding="utf-8")
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 2 events" in result.stdout
    summit = imported(site, "2025-08-15-summit-in-anchorage")
    assert summit["date"] == "2025-08-15" and summit["time"] == "13:45" and summit["end"] == "2025-08-16"
    assert summit["lane"] == "russia-us"
    talks = imported(site, "2025-06-talks-in-istanbul")
    assert talks["summary"] == "Delegations **meet**.\n\nSee [the report](https://example.org/a) and this."
    source = (site.root / "content" / "events" / "2025-06-talks-in-istanbul.yaml").read_text(encoding="utf-8")
    assert "# The slide's media, a source to archive? https://example.org/photo.jpg" in source
    for left_behind in ("the title slide", "1 era(s)", "media https://example.org/photo.jpg", "its background",
                        "site's time zone"):
        assert left_behind in result.stdout


def test_hostile_text_stays_text_and_cannot_escape_the_yaml_or_its_comments(site, tmp_path):
    timeline = {"events": [{
        "unique_id": "Bad ID!",
        "start_date": {"year": "2025", "month": "8", "day": "15"},
        "text": {"headline": "Title: with \"quotes\" #hash\n- and: yaml </script>",
                 "text": "<script>alert(1)</script><p>[not a link](javascript:alert(1))</p>"},
        "media": {"url": "https://example.org/x\nevil: true"},
    }]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(timeline), encoding="utf-8")
    assert site.cli("import", "timelinejs", str(path)).returncode == 0
    event = imported(site, "bad-id")
    assert set(event) == {"title", "date", "summary", "draft", "excerpts"}
    assert event["title"] == "Title: with \"quotes\" #hash - and: yaml"
    html = render_markdown(event["summary"])
    assert "<script" not in html and "<a " not in html
    assert event["summary"].count("alert") == 1  # the script's code is dropped, the bracketed text stays
    assert "[not a link](javascript:alert(1))" in html  # shown as the text it was


def test_a_display_date_on_the_start_date_is_kept_too(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [{"text": {"headline": "Talks"},
                                            "start_date": {"year": "2025", "month": "6", "display_date": "Early June"}}]}))
    assert site.cli("import", "timelinejs", str(path)).returncode == 0
    assert imported(site, "2025-06-talks")["display_date"] == "Early June"


def test_existing_event_files_are_never_overwritten(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [{"unique_id": "2025-08-15-talks", "text": {"headline": "New"},
                                            "start_date": {"year": 2025}}]}), encoding="utf-8")
    before = (site.root / "content/events/2025-08-15-talks.yaml").read_bytes()
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 0
    assert "imported 0 events" in result.stdout and "kept as it was" in result.stdout
    assert (site.root / "content/events/2025-08-15-talks.yaml").read_bytes() == before


def test_a_file_that_is_not_a_timeline_is_a_located_error(site, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"events": [\n  {"text": }\n]}', encoding="utf-8")
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1
    assert f"{path}:2:" in result.stderr and "not valid JSON" in result.stderr
    path.write_text("Name,Date\nx,y\n", encoding="utf-8")
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1 and "not a TimelineJS spreadsheet" in result.stderr
