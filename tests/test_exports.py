"""events.json, events.csv, timeline.json and events.ics: what other tools read from a built site."""

from __future__ import annotations

import csv
import io
import json
import re

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import jsonschema

from site_builder.build import Options, render
from site_builder.content.load import load_site
from site_builder.render import calendar
from site_builder.render.calendar import events_ics, vevent_properties
from site_builder.render.pages import RenderContext
from site_builder.render.site import static_outputs
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls
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
    assert data["schema_version"] == 2
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
        "start": "2025-06", "end": None, "ongoing": False, "precision": "month", "time": None,
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
    assert slide["text"]["headline"] == "Talks &lt;b&gt;bold&lt;/b&gt;"  # TimelineJS sets headlines as innerHTML


# --- events.ics: the same bytes as the library writing the whole calendar -------------------------

HOSTILE = ["Commas, semicolons; back\\slashes \\N and \\n", "line one\nline two\r\nthree\rfour",
           "\ufeffstarts with a byte order mark", "é" * 80 + "€😀" * 40, "^" * 150, "x" * 74,
           '"quoted" <b>markup</b> & ampersands', "a" * 73 + "\\\\,;" + "b" * 200]


def library_calendar(ctx: RenderContext) -> bytes:
    """events.ics as the library writes it: every VEVENT added property by property, then to_ical."""
    site = ctx.site
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//site-builder//site-builder {calendar.__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", site.config.title)
    if site.config.description:
        cal.add("x-wr-caldesc", site.config.description)
    host = calendar.urlsplit(site.config.base_url).hostname or "localhost"
    vevents = []
    for event in site.events:
        vevent = icalendar.Event()
        for name, value in vevent_properties(ctx, event, host):
            vevent.add(name, value)
        vevents.append(vevent)
    for zone in sorted({v["dtstart"].params.get("TZID") for v in vevents} - {None, "UTC"}):
        cal.add_component(icalendar.Timezone.from_tzid(zone))
    for vevent in vevents:
        cal.add_component(vevent)
    return cal.to_ical()


def plain_context(root) -> RenderContext:
    loaded = load_site(root)
    theme = Theme.for_site(root, loaded.config.theme)
    env = theme.environment()
    return RenderContext(loaded, Urls(loaded, static_outputs(loaded, theme, env)[0]), env)


def test_the_calendar_is_what_the_library_writes_hostile_text_and_every_kind_of_date_included(site):
    odd_label = (site.root / "site.yaml").read_text().replace("label: Other", 'label: "Other; odd, \\\\label"')
    site.write("site.yaml", odd_label)
    title = _yaml('Wire; report, \\ "quoted"')
    # The summaries put "quoted" in quotation marks: the source must hold the word.
    site.source("wire", SOURCE_TEXT + "It was quoted.\n", front=f"title: {title}\npublisher: Wire, Inc.\n"
                "published: 2025-08-16\nurl: https://example.org/wire\n")
    dates = ["date: 2025-08-15\n", "date: 2025-08\n", "date: 2025\n", "date: 2025-08-15\nend: 2025-08-20\n",
             "date: 2025-08-15\ntime: \"11:30\"\ntimezone: America/Anchorage\n",
             "date: 2025-03-30\ntime: \"03:30\"\ntimezone: Europe/Berlin\n",  # just after the gap (02:30 never was)
             "date: 2025-08-15\ntime: \"23:59\"\ntimezone: UTC\n",
             "date: 2025-08-15\ntime: \"00:00\"\ntimezone: Asia/Kathmandu\n"]
    for n, (text, when) in enumerate(zip(HOSTILE, dates)):
        place = f"place: {_yaml(text)}\n" if n % 2 else ""
        site.event(f"2025-08-15-hostile-{n}", (
            f"title: {_yaml(text)}\n{when}{place}lane: {'other' if n % 3 else 'main'}\n"
            f"tags: [{_yaml(text[:20])}, plain]\nsummary: {_yaml(text)}\nexcerpts:\n  - source: wire\n"
            "    quote: The talks took place in a trustful and constructive atmosphere.\n"))
    ctx = plain_context(site.root)
    assert len(ctx.site.events) == len(dates) + 1
    ours = dict(events_ics(ctx))["events.ics"]
    assert ours == library_calendar(ctx)
    zones = [str(tz["tzid"]) for tz in icalendar.Calendar.from_ical(ours).walk("VTIMEZONE")]
    assert zones == ["America/Anchorage", "Asia/Kathmandu", "Europe/Berlin"]


def test_the_calendar_is_what_the_library_writes_for_the_real_site(real_site):
    ctx = plain_context(real_site.root)
    assert dict(events_ics(ctx))["events.ics"] == library_calendar(ctx)


def test_dates_at_the_same_instant_in_different_zones_keep_their_own_lines():
    anchorage = datetime(2025, 8, 15, 11, 30, tzinfo=ZoneInfo("America/Anchorage"))
    moscow = anchorage.astimezone(ZoneInfo("Europe/Moscow"))
    assert anchorage == moscow  # equal, and equal hashes: the cache must still tell them apart
    first = calendar._date_line("dtstart", anchorage, datetime, anchorage.tzinfo)
    second = calendar._date_line("dtstart", moscow, datetime, moscow.tzinfo)
    assert first == ("DTSTART;TZID=America/Anchorage:20250815T113000", "America/Anchorage")
    assert second == ("DTSTART;TZID=Europe/Moscow:20250815T223000", "Europe/Moscow")
    assert calendar._date_line("dtend", anchorage.date() + timedelta(days=1), type(anchorage.date()), None)[0] == \
        "DTEND;VALUE=DATE:20250816"


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar for any text."""
    return json.dumps(text, ensure_ascii=False).replace("\ufeff", "\\ufeff")
