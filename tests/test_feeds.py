"""feed.xml (Atom) and events.ics (iCalendar): what feed readers and calendars subscribe to."""

from __future__ import annotations

from datetime import date, datetime
from xml.etree import ElementTree as ET

import feedparser
import icalendar

from site_builder.build import Options, render
from tests.conftest import SOURCE_TEXT

ATOM = "{http://www.w3.org/2005/Atom}"


def outputs(site_dir, **options) -> dict[str, bytes]:
    return render(Options(root=site_dir.root, **options))[1]


# --- Atom ----------------------------------------------------------------------------------------

def test_feed_parses_cleanly_in_a_feed_reader_newest_event_first(real_site):
    feed = feedparser.parse(outputs(real_site)["feed.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Ukraine war diplomacy, 2025"
    assert len(feed.entries) == 15
    site, _ = render(Options(root=real_site.root))
    expected = [f"https://ukraine-diplomacy-2025.netlify.app/events/{e.id}/" for e in reversed(site.events)]
    assert [e.id for e in feed.entries] == expected
    assert expected[-1].endswith("/2025-06-istanbul-direct-talks/")
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        "https://ukraine-diplomacy-2025.netlify.app/feed.xml"]


def test_feed_entries_carry_the_quotations_and_link_to_the_passages(real_site):
    feed = feedparser.parse(outputs(real_site)["feed.xml"])
    summit = next(e for e in feed.entries if e.id.endswith("/2025-08-15-anchorage-summit/"))
    assert summit.title == "August 15, 2025: Putin and Trump hold summit talks in Anchorage, Alaska"
    html = summit.content[0].value
    assert "lasted over three hours" in html
    assert "/sources/tass-2025-08-16-putin-alaska-takeaways/#excerpt-2025-08-15-anchorage-summit-1" in html
    assert {t.term for t in summit.tags} == {"russia-us", "summit"}


def test_feed_content_with_markup_and_ampersands_stays_well_formed_text(site):
    site.event("2025-08-15-talks", """\
title: "Q&A: <script>alert(1)</script>"
date: 2025-08-15
lane: main
summary: "Tom & Jerry </content></entry> <b>not bold</b>"
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    raw = outputs(site)["feed.xml"]
    root = ET.fromstring(raw)  # raises if the content broke the XML
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "August 15, 2025: Q&A: <script>alert(1)</script>"
    content = entry.find(f"{ATOM}content").text
    assert "Tom &amp; Jerry &lt;/content&gt;&lt;/entry&gt; &lt;b&gt;not bold&lt;/b&gt;" in content


def test_feed_timestamps_come_from_the_content_so_rebuilds_are_not_updates(real_site):
    assert outputs(real_site)["feed.xml"] == outputs(real_site)["feed.xml"]
    root = ET.fromstring(outputs(real_site)["feed.xml"])
    # The newest event: the state of the talks as of Sept. 1, known to the day and given no zone
    # (so the site's, UTC), so "by the end of Sept. 1" in UTC.
    assert root.find(f"{ATOM}updated").text == "2025-09-01T23:59:59Z"
    talks = next(e for e in root.iter(f"{ATOM}entry") if e.find(f"{ATOM}id").text.endswith("istanbul-direct-talks/"))
    assert talks.find(f"{ATOM}published").text == "2025-06-30T20:59:59Z"  # June 2025: by the end of June


# --- iCalendar -----------------------------------------------------------------------------------

def calendar_events(files) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(files["events.ics"])
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_calendar_has_one_entry_per_event_with_stable_uids(real_site):
    events = calendar_events(outputs(real_site))
    assert len(events) == 15
    summit = events["2025-08-15-anchorage-summit"]
    assert str(summit["uid"]) == "2025-08-15-anchorage-summit@ukraine-diplomacy-2025.netlify.app"
    assert str(summit["url"]) == "https://ukraine-diplomacy-2025.netlify.app/events/2025-08-15-anchorage-summit/"
    assert str(summit["location"]) == "Anchorage, Alaska, United States"


def test_a_day_is_an_all_day_entry_ending_the_next_day(real_site):
    summit = calendar_events(outputs(real_site))["2025-08-15-anchorage-summit"]
    assert summit.decoded("dtstart") == date(2025, 8, 15)
    assert not isinstance(summit.decoded("dtstart"), datetime)
    assert summit.decoded("dtend") == date(2025, 8, 16)  # exclusive, per RFC 5545


def test_a_month_spans_the_month_transparently_and_says_its_precision(real_site):
    talks = calendar_events(outputs(real_site))["2025-06-istanbul-direct-talks"]
    assert talks.decoded("dtstart") == date(2025, 6, 1)
    assert talks.decoded("dtend") == date(2025, 7, 1)
    assert str(talks["transp"]) == "TRANSPARENT"
    assert str(talks["summary"]) == "Direct Russian–Ukrainian talks in Istanbul (June 2025)"


def test_a_timed_event_is_at_its_local_time_in_its_zone_with_the_zone_defined(site):
    site.source("wire", SOURCE_TEXT + "They were late.\n")  # the title's quoted word
    site.event("2025-08-15-talks", """\
title: Talks, begin; "late"
date: 2025-08-15
time: "11:30"
timezone: America/Anchorage
lane: main
summary: Commas, semicolons; and back\\slashes survive.
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    raw = outputs(site)["events.ics"]
    assert b"DTSTART;TZID=America/Anchorage:20250815T113000" in raw
    cal = icalendar.Calendar.from_ical(raw)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/Anchorage"]
    event = cal.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.utcoffset().total_seconds() == -8 * 3600  # AKDT
    assert start.astimezone().isoformat().startswith("2025-08-15T19:30") or start.hour == 11
    assert str(event["summary"]) == 'Talks, begin; "late"'
    assert "Commas, semicolons; and back\\slashes survive." in str(event["description"])
    assert "dtend" not in event  # a moment, not a duration


def test_feed_entries_have_what_atom_requires(real_site):
    root = ET.fromstring(outputs(real_site)["feed.xml"])
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    for entry in root.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "content"):
            assert (entry.find(f"{ATOM}{name}").text or "").strip(), name
        alternate = [link for link in entry.iter(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("https://")


def test_calendar_lines_follow_rfc_5545_folding_and_line_endings(real_site):
    raw = outputs(real_site)["events.ics"]
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    assert b"\n" not in b"".join(lines)  # no bare line feeds
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["method"]) == "PUBLISH" and str(cal["version"]) == "2.0"
    assert all("dtstamp" in e and "uid" in e for e in cal.walk("VEVENT"))


def test_zone_definitions_come_in_order_of_name_so_rebuilds_are_byte_identical(site):
    # Python's set order of strings changes between runs; the zones used to come in that order.
    zones = ["Europe/Kyiv", "America/New_York", "Asia/Shanghai", "Europe/Moscow"]
    for i, zone in enumerate(zones):
        site.event(f"2025-08-1{i}-talks", f"""\
title: Talks {i}
date: 2025-08-1{i}
time: "11:30"
timezone: {zone}
lane: main
summary: Talks.
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    cal = icalendar.Calendar.from_ical(outputs(site)["events.ics"])
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == sorted(zones)
    assert cal.get_missing_tzids() == set()


def test_calendar_folding_matches_the_icalendar_library_byte_for_byte():
    # events.ics folds the library's content lines itself (the library's folding is slow);
    # the result must be exactly what the library writes, escapes and multi-byte characters included.
    from site_builder.render.calendar import calendar_bytes

    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    for i, text in enumerate(["a" * 73 + "\\\\,;" + "b" * 200, "é" * 80 + "€😀" * 40, "^" * 150,
                              "x" * 74, "x" * 75, "word " * 60 + "\nnext line; with, escapes"]):
        event = icalendar.Event()
        event.add("uid", f"{i}@example.org")
        event.add("summary", text)
        event.add("description", text[::-1])
        event.add("categories", [text[:90], "tag"])
        cal.add_component(event)
    assert calendar_bytes(cal) == cal.to_ical()


def test_calendar_description_quotes_the_source_words_as_written_markup_and_entities_included(site):
    # The description is plain text: a quote's "&amp;", "<b>" and quotation marks reach the calendar
    # exactly as the source has them, inside the site's marks, parts joined by " […] ".
    site.source("wire", SOURCE_TEXT + 'Aides wrote "Tom &amp; Jerry" in <b>bold</b> & left early.\n')
    site.event("2025-08-15-talks", """\
title: Talks
date: 2025-08-15
lane: main
summary: Aides left.
excerpts:
  - source: wire
    quote: Aides wrote "Tom &amp; Jerry" in <b>bold</b> [...] left early.
""")
    cal = icalendar.Calendar.from_ical(outputs(site)["events.ics"])
    description = str(cal.walk("VEVENT")[0]["description"])
    assert '“Aides wrote "Tom &amp; Jerry" in <b>bold</b> […] left early.”' in description.split("\n")


def test_a_quotation_in_plain_text_is_the_quoted_html_read_back_in_every_language():
    from site_builder.render.calendar import quoted_text
    from site_builder.render.i18n import Language

    for code in ("en", "fr", "de", "ar"):
        language = Language(code)
        for parts in [("Tom & Jerry", "<i>not</i> &amp; so"), ('"marked at the start', "and the end»"), ("",)]:
            assert quoted_text(language, parts) == str(language.quoted(parts).unescape()), (code, parts)
