"""`site-builder import timelinejs`: a TimelineJS timeline (JSON or its sheet as CSV) becomes event files."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest
import yaml

from site_builder.build import Options, render
from site_builder.render.markdown import render_markdown

CSV = """\
Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background
,,,,,,,,,Our old timeline,<p>About it</p>,,,,,title,,
2025,6,,,,,,,,Talks in Istanbul,"<p>Delegations <b>meet</b>.</p><p>See <a href=""https://example.org/a"">the report</a> and <a href=""javascript:alert(1)"">this</a>.</p>",,,,,,Russia–Ukraine,#ffffff
2025,8,15,1:45 PM,2025,8,16,,,Summit in Anchorage,Two days,,,,,,Russia–US,
2025,1,1,,2025,12,31,,,The year of talks,,,,,,era,,
"""  # noqa: E501 - a spreadsheet's rows, as TimelineJS's template exports them


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
    site_yaml = yaml.safe_load((site.root / "site.yaml").read_text(encoding="utf-8"))
    ids = [lane["id"] for lane in site_yaml["lanes"]]
    assert ids[:2] == ["main", "other"] and set(ids[2:]) == {"russia-us", "russia-ukraine", "multilateral"}
    assert "added to site.yaml: 3 lanes\n" in result.stdout
    assert site.cli("check").returncode == 0  # builds without hand edits


def test_imported_events_are_drafts_that_preview_but_need_a_quote_to_publish(site, tmp_path):
    path = tmp_path / "sheet.csv"
    sheet = CSV.replace("Russia–Ukraine", "Main").replace("Russia–US", "Main")
    path.write_text(sheet.replace("2025,1,1,,2025,12,31,,,The year of talks,,,,,,era,,\n", ""), encoding="utf-8")
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
    for reported in ("its background colour #ffffff, dropped", "site's time zone",
                     "added to site.yaml: 2 lanes, 1 era\n"):
        assert reported in result.stdout


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
    assert set(event) == {"title", "date", "summary", "draft", "excerpts"}  # a URL with a line break is none
    assert event["title"] == "Title: with \"quotes\" #hash - and: yaml"
    html = render_markdown(event["summary"])
    assert "<script" not in html and "<a " not in html
    assert event["summary"].count("alert") == 1  # the script's code is dropped, the bracketed text stays
    assert "[not a link](javascript:alert(1))" in html  # shown as the text it was


def test_a_display_date_on_the_start_date_is_kept_too(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [{"text": {"headline": "Talks"},
                                            "start_date": {"year": "2025", "month": "6",
                                                           "display_date": "Early June"}}]}))
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


def _slide(**start) -> dict:
    return {"text": {"headline": "Talks"}, "start_date": start or {"year": 2025}}


MALFORMED = {
    "an object that is not": ("[1, 2]", "a JSON list, not an object"),
    "events that are not a list": ('{"events": {}}', 'no "events" list'),
    "slides that are not objects": ('{"events": [1, "x", null]}', "slide 1: a JSON number"),
    "text where a number goes": (json.dumps({"events": [_slide(year="abc")]}), "year 'abc' is not a whole number"),
    "a month that is not a number": (json.dumps({"events": [_slide(year=2025, month="June")]}), "month 'June'"),
    "an hour that is not a number": (json.dumps({"events": [_slide(year=2025, hour="x")]}), "hour 'x'"),
    "a huge number": ('{"events": [{"text": {"headline": "T"}, "start_date": {"year": 1' + "0" * 30 + '}}]}',
                      "is not a whole number"),
    "a number of ten thousand digits": ('{"events": [{"start_date": {"year": 1' + "0" * 10000 + '}}]}',
                                        "not valid JSON"),
    "NaN": ('{"events": [{"start_date": {"year": NaN}}]}', "NaN is not a number JSON allows"),
    "a month 13": (json.dumps({"events": [_slide(year=2025, month=13)]}), "has no month 13"),
    "February 30": (json.dumps({"events": [_slide(year=2025, month=2, day=30)]}), "not a day of the calendar"),
    "a time 25:99": (json.dumps({"events": [_slide(year=2025, month=2, day=3, hour=25, minute=99)]}), "is not a time"),
    "an end before the start": (json.dumps({"events": [{**_slide(year=2025, month=6),
                                                        "end_date": {"year": 2024, "month": 6}}]}),
                                "ends (2024-06) before it starts"),
    "no headline": ('{"events": [{"start_date": {"year": 2025}}]}', "no headline"),
    "no start date": ('{"events": [{"text": {"headline": "T"}}]}', "no start_date"),
    "text that is not an object": ('{"events": [{"text": "T", "start_date": {"year": 2025}}]}',
                                   "'text' must be an object"),
    "a headline that is a list": ('{"events": [{"text": {"headline": ["T"]}, "start_date": {"year": 2025}}]}',
                                  "'headline' must be text"),
    "nesting a hundred thousand deep": ('{"events": ' + "[" * 100000, "nested too deeply"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_timeline_is_a_plain_error_and_writes_nothing(site, tmp_path, name):
    text, message = MALFORMED[name]
    path = tmp_path / "t.json"
    path.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (site.root / "content/events").iterdir())
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1, result.stdout
    assert f"{path}:1:1: error:" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert sorted(p.name for p in (site.root / "content/events").iterdir()) == before


def test_one_bad_slide_among_good_ones_imports_none_of_them(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [_slide(year=2025, month=6), _slide(year=2025, month=2, day=30)]}))
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1 and "slide 2: '2025-02-30' is not a day" in result.stderr, result.stderr
    assert not (site.root / "content/events/2025-06-talks.yaml").exists()


def test_a_bad_spreadsheet_row_is_located_at_its_line(site, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('Year,Headline,Text\n2025,"Two\nlines",x\n2025-1,Talks,y\n', encoding="utf-8")
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1
    assert f"{path}:4:1: error: slide 2 (row 4): the start date's year '2025-1'" in result.stderr, result.stderr


@pytest.mark.parametrize("case", ["missing", "folder", "not utf-8", "100 MB"])
def test_a_file_that_cannot_be_read_as_a_timeline_is_a_plain_error(site, tmp_path, case):
    path = tmp_path / "t.json"
    if case == "folder":
        path.mkdir()
    elif case == "not utf-8":
        path.write_bytes(b'{"events": [{"text": {"headline": "Caf\xe9"}}]}')
    elif case == "100 MB":
        with open(path, "wb") as file:
            file.truncate(100 * 1024 * 1024)
    result = site.cli("import", "timelinejs", str(path))
    assert result.returncode == 1
    message = {"missing": "no such file", "folder": "a folder, not a file",
               "not utf-8": ":1:39: error: file is not valid UTF-8", "100 MB": "over the limit"}[case]
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_files_are_written_whole_under_a_temporary_name_and_none_is_left(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [_slide(year=2025, month=m) for m in (6, 7)]}))
    assert site.cli("import", "timelinejs", str(path)).returncode == 0
    names = sorted(p.name for p in (site.root / "content/events").iterdir())
    assert names == ["2025-06-talks.yaml", "2025-07-talks.yaml", "2025-08-15-talks.yaml"]


def test_a_file_too_large_to_write_leaves_no_event_of_the_import_behind(site, tmp_path):
    path = tmp_path / "t.json"
    long = {"text": {"headline": "Long", "text": "word " * 400}, "start_date": {"year": 2025, "month": 7}}
    path.write_text(json.dumps({"events": [_slide(year=2025, month=6), long]}))
    result = run_limited(site, 1000, "import", "timelinejs", str(path))
    assert result.returncode == 1 and "nothing was written" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (site.root / "content/events").iterdir()) == ["2025-08-15-talks.yaml"]


def test_a_file_where_the_output_folder_must_go_is_a_plain_error(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [_slide()]}))
    (tmp_path / "taken").write_text("x")
    result = site.cli("import", "timelinejs", str(path), "--out", str(tmp_path / "taken/events"))
    assert result.returncode == 1 and "a file is where a folder must go" in result.stderr, result.stderr


def run_limited(site, max_bytes: int, *args: str) -> subprocess.CompletedProcess:
    """The command in a process that may write files of at most max_bytes (RLIMIT_FSIZE)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run([sys.executable, "-m", "site_builder", "-C", str(site.root), *args],
                          capture_output=True, text=True, preexec_fn=limit)
