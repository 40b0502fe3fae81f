"""events.json, events.csv and timeline.json: what other tools read from a built site."""

from __future__ import annotations

import csv
import io
import json
import re

import jsonschema

from site_builder.build import Options, render
from tests.conftest import SOURCE_TEXT


def outputs(site_dir, **options) -> dict[str, bytes]:
    return render(Options(root=site_dir.root, **options))[1]


def load_json(files, name):
    return json.loads(files[name].decode("utf-8"))


# --- events.json ---------------------------------------------------------------------------------

def test_events_json_validates_against_the_schema_published_beside_it(real_site):
    files = outputs(real_site)
    data, schema = load_json(files, "events.json"), load_json(files, "events.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["schema_version"] == 1
    assert data["$schema"] == "https://ukraine-diplomacy-2025.netlify.app/events.schema.json"
    assert len(data["events"]) == 15 and len(data["sources"]) == 2


def test_events_json_positions_point_at_the_quoted_words_in_the_source_text(real_site):
    data = load_json(outputs(real_site), "events.json")
    texts = {s["id"]: s["text"] for s in data["sources"]}
    markdown = {s["id"] for s in data["sources"] if s["format"] == "markdown"}
    checked = across_markup = 0
    for event in data["events"]:
        for excerpt in event["excerpts"]:
            text = texts[excerpt["source"]]
            # Offsets index the archived text; the selector's words are the visible ones, which
            # for a Markdown source are the archived characters without their markup.
            shown = visible if excerpt["source"] in markdown else (lambda archived: archived)
            archived = text[excerpt["start"]:excerpt["end"]]
            assert shown(archived) == excerpt["selector"]["exact"]
            across_markup += archived != excerpt["selector"]["exact"]
            for part in excerpt["parts"]:
                assert " ".join(shown(text[part["start"]:part["end"]]).split()) == part["text"]
            checked += 1
    assert checked == 33 and across_markup == 1


def visible(archived: str) -> str:
    """The Markdown the curated sources use ([link](#), **strong**) without its marks."""
    return re.sub(r"\]\([^)]*\)|\[|\*\*", "", archived)


def test_events_json_lists_events_in_the_site_order_with_dates_as_precise_as_written(real_site):
    events = load_json(outputs(real_site), "events.json")["events"]
    by_id = {e["id"]: e for e in events}
    assert events[0]["id"] == "2025-06-istanbul-direct-talks"
    assert by_id["2025-06-istanbul-direct-talks"]["date"] | {} == {
        "start": "2025-06", "end": None, "precision": "month", "time": None,
        "timezone": "Europe/Istanbul", "instant": None, "display": "June 2025"}


def test_events_json_schema_rejects_an_excerpt_without_positions(real_site):
    files = outputs(real_site)
    data, schema = load_json(files, "events.json"), load_json(files, "events.schema.json")
    del data["events"][0]["excerpts"][0]["start"]
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        assert "'start' is a required property" in exc.message
    else:
        raise AssertionError("the schema accepted an excerpt with no start offset")


# --- events.csv ----------------------------------------------------------------------------------

def read_csv(files) -> list[dict[str, str]]:
    raw = files["events.csv"]
    assert raw.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte order mark, so spreadsheets read the accents right"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_event_with_a_header(real_site):
    rows = read_csv(outputs(real_site))
    assert len(rows) == 15
    first = rows[0]
    assert first["id"] == "2025-06-istanbul-direct-talks"
    assert first["date"] == "June 2025" and first["precision"] == "month"
    assert first["lane"] == "Russia–Ukraine"
    assert first["url"] == "https://ukraine-diplomacy-2025.netlify.app/events/2025-06-istanbul-direct-talks/"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(site):
    # Words in quotation marks must be in a cited source: the source holds them.
    site.source("wire", SOURCE_TEXT + 'It read =HYPERLINK("http://evil.example","click"), a "quote".\n')
    site.event("2025-08-15-talks", """\
title: '=HYPERLINK("http://evil.example","click")'
date: 2025-08-15
place: "+1 Main St"
actors: ["@SUM(A1)", "-2+3", "Plain Name"]
lane: main
summary: "=1+1, with a comma and a \\"quote\\""
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    row = read_csv(outputs(site))[0]
    assert row["title"] == "'" + '=HYPERLINK("http://evil.example","click")'
    assert row["place"] == "'+1 Main St"
    assert row["actors"] == "'@SUM(A1); -2+3; Plain Name"
    assert row["summary"] == "'=1+1, with a comma and a \"quote\""


# --- timeline.json (TimelineJS3) -----------------------------------------------------------------

def test_timelinejs_has_a_title_slide_and_one_slide_per_event(real_site):
    data = load_json(outputs(real_site), "timeline.json")
    assert data["title"]["text"]["headline"] == "Ukraine war diplomacy, 2025"
    slides = {e["unique_id"]: e for e in data["events"]}
    assert len(slides) == 15
    summit = slides["2025-08-15-anchorage-summit"]
    assert summit["start_date"] == {"year": "2025", "month": "8", "day": "15"}
    assert summit["group"] == "Russia–US"
    assert summit["text"]["headline"] == "Putin and Trump hold summit talks in Anchorage, Alaska"
    assert "lasted over three hours" in summit["text"]["text"]
    assert "display_date" not in summit  # a plain day: TimelineJS formats it itself


def test_timelinejs_partial_dates_say_exactly_what_is_known(real_site):
    slides = {e["unique_id"]: e for e in load_json(outputs(real_site), "timeline.json")["events"]}
    talks = slides["2025-06-istanbul-direct-talks"]
    assert talks["start_date"] == {"year": "2025", "month": "6", "display_date": "June 2025"}
    assert talks["display_date"] == "June 2025"


def test_timelinejs_slide_text_is_escaped_html_with_absolute_links(site):
    site.event("2025-08-15-talks", """\
title: Talks <b>bold</b>
date: 2025-08-15
lane: main
summary: "<script>alert(1)</script> and [a link](https://example.org/x)"
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    slide = load_json(outputs(site), "timeline.json")["events"][0]
    text = slide["text"]["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert '<a href="https://example.org/x"' in text
    assert 'href="https://example.org/sources/wire/#excerpt-2025-08-15-talks-1"' in text
    assert slide["text"]["headline"] == "Talks <b>bold</b>"  # JSON string; TimelineJS escapes headlines
