"""Deep time, BCE and ongoing events through every output: a site with the Big Bang, a BCE day,
the year 610 and an event still under way builds, and each page, feed and export says so rightly."""

from __future__ import annotations

import csv
import io
import json
import re

import feedparser
import icalendar
import jsonschema
import pytest

from site_builder.build import Options, render
from site_builder.content.dates import DateError, parse_end, parse_partial_date
from site_builder.model.dates import When, build_date, format_range
from tests.conftest import EVENT_YAML

QUOTE = """excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
"""


@pytest.fixture
def deep_site(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 UTC
    site.event("big-bang", f"title: The universe begins\ndate: 13.8 billion years ago\n{QUOTE}")
    site.event("chicxulub", f"title: An asteroid strikes\ndate: 66 million years ago\nlane: other\n{QUOTE}")
    site.event("ides", f"title: Caesar is killed\ndate: 0044-03-15 BCE\n{QUOTE}")
    site.event("hijra", f"title: Revelation begins\ndate: 0610\nend: 0632-06\n{QUOTE}")
    site.event("talks-continue", f"title: Talks continue\ndate: 2025-06-02\ntime: '10:00'\nend: present\n{QUOTE}")
    site.event("truce-holds", f"title: A truce holds\ndate: 2025-07-01\nend: ongoing\n{QUOTE}")
    return site


def outputs(site_dir) -> dict[str, bytes]:
    return render(Options(root=site_dir.root))[1]


# --- reading and writing dates -------------------------------------------------------------------

@pytest.mark.parametrize("text, shown, iso", [
    ("0610", "610", "0610"),
    ("0610-06", "June 610", "0610-06"),
    ("44 BCE", "44 BCE", "-0043"),
    ("0044-03-15 BCE", "March 15, 44 BCE", "-0043-03-15"),
    ("0001 BC", "1 BCE", "0000"),
    ("13.8 billion years ago", "13.8 billion years ago", None),
    ("66 million years ago", "66 million years ago", None),
    ("2.5 million years ago", "2.5 million years ago", None),
    ("12,000 years ago", "12,000 years ago", None),
    ("12000 years ago", "12,000 years ago", None),
])
def test_every_date_form_reads_and_shows_as_a_reader_expects(text, shown, iso):
    day = parse_partial_date(text)
    assert day.format() == shown
    assert day.datetime_attr() == iso


def test_years_are_astronomical_and_years_ago_exact():
    assert parse_partial_date("44 BCE").year == -43
    assert parse_partial_date("13.8 billion years ago").year == 1950 - 13_800_000_000
    assert parse_partial_date("12,000 years ago").precision == "year"


def test_years_ago_count_back_from_1950_so_they_sort_against_bce_years():
    # 9999 BCE is 11,948 years before 1950: before "11,000 years ago", not after "10,000 years ago".
    written = ["10,000 years ago", "9999 BCE", "11,000 years ago", "8052 BCE"]
    ordered = sorted(written, key=lambda text: parse_partial_date(text).sort_key())
    assert ordered == ["9999 BCE", "11,000 years ago", "8052 BCE", "10,000 years ago"]
    assert parse_partial_date("12,000 years ago").year == -10_050
    assert parse_partial_date("12,000 years ago").format() == "12,000 years ago"


def test_years_ago_are_shown_as_written_in_every_language():
    from site_builder.render.i18n import Language

    assert Language("de").date(parse_partial_date("12,000 years ago")) == "vor 12.000 Jahren"


@pytest.mark.parametrize("text, hint", [
    ("-44", "'44 BCE'"),
    ("13.8 billion", "'13.8 billion years ago'"),
    ("BC 44", "the era after the year: '44 BCE'"),
    ("44 B.C.", "'44 BCE'"),
    ("AD 610", "'0610'"),
    ("610", "four digits: '0610'"),
    ("66 million years", "'66 million years ago'"),
    ("present", "`end: present`"),
    ("13,8 billion years ago", "with a point, not a comma: '13.8 billion years ago'"),
    ("2,5 million years", "'2.5 million years ago'"),
    ("99999", "years after 9999 are not supported; for deep time write 'N years ago'"),
    ("10000 BCE", "10000 BCE is '11,949 years ago'"),
    ("-12000", "12000 BCE is '13,949 years ago'"),
    ("5000 years ago", "5,000 years before 1950 is '3051 BCE'"),
])
def test_near_misses_say_what_to_write(text, hint):
    with pytest.raises(DateError) as refused:
        parse_partial_date(text)
    assert hint in refused.value.hint


def test_present_and_ongoing_are_ends_only():
    assert parse_end("present") == parse_end("Ongoing") == "present"
    assert parse_end("0044 BCE") == parse_partial_date("44 BCE")


@pytest.mark.parametrize("start, end, shown", [
    ("200 BCE", "100 BCE", "200 \u2013 100 BCE"),
    ("0044-03-15 BCE", "0044-03-17 BCE", "March 15\u201317, 44 BCE"),
    ("66 million years ago", "12,000 years ago", "66 million years ago \u2013 12,000 years ago"),
    ("44 BCE", "0014", "44 BCE \u2013 14"),
])
def test_ranges_name_the_era_once_where_they_can(start, end, shown):
    assert format_range(parse_partial_date(start), parse_partial_date(end)) == shown


def test_an_ongoing_event_is_shown_since_its_date():
    assert When(parse_partial_date("2025-06"), ongoing=True).format() == "since June 2025, ongoing"


def test_position_is_the_fractional_astronomical_year_of_the_first_instant():
    assert parse_partial_date("2025").position() == 2025.0
    assert parse_partial_date("2025-07-02").position() == 2025 + 182 / 365
    assert parse_partial_date("0001-03-01 BCE").position() == 0 + 60 / 366  # 1 BCE is a leap year
    assert parse_partial_date("13.8 billion years ago").position() == 1950 - 13_800_000_000


def test_the_build_date_is_source_date_epoch_when_set(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert build_date().isoformat() == "2026-01-01"


# --- the event file --------------------------------------------------------------------------------

def test_an_end_less_precise_than_its_date_is_accepted(site):
    site.event("2025-08-15-talks", EVENT_YAML.replace("date: 2025-08-15", "date: 2025-06\nend: 2025"))
    assert site.cli("check").returncode == 0


def test_an_end_before_a_bce_date_is_a_located_error(site):
    site.event("2025-08-15-talks", EVENT_YAML.replace("date: 2025-08-15", "date: 44 BCE\nend: 0100 BCE"))
    result = site.cli("check")
    assert result.returncode != 0
    assert "2025-08-15-talks.yaml:3:6: error: the event ends (100 BCE) before it starts (44 BCE)" in result.stderr


def test_end_present_on_a_draft_is_fine(site):
    site.event("draft", "title: Still going\ndate: 2025-06\nend: present\ndraft: true\n")
    assert site.cli("check").returncode == 0


# --- every output of a site with deep time ---------------------------------------------------------

def test_pages_write_each_date_as_readers_expect(deep_site):
    files = outputs(deep_site)
    big_bang = files["events/big-bang/index.html"].decode()
    assert "13.8 billion years ago</time>" in big_bang and "datetime=\"-13800000000\"" not in big_bang
    ides = files["events/ides/index.html"].decode()
    assert '<time datetime="-0043-03-15">March 15, 44 BCE</time>' in ides
    assert "610 \u2013 June 632</time>" in files["events/hijra/index.html"].decode()
    ongoing = files["events/talks-continue/index.html"].decode()
    assert "since June 2, 2025, ongoing</time>" in ongoing
    assert 'Ongoing, as of <time datetime="2026-01-01">January 1, 2026</time>' in ongoing
    home = files["index.html"].decode()
    assert home.index("13.8 billion years ago") < home.index("66 million years ago") < home.index("44 BCE")


def test_ics_leaves_out_what_it_cannot_hold_and_runs_an_ongoing_event_to_the_build_date(deep_site):
    cal = icalendar.Calendar.from_ical(outputs(deep_site)["events.ics"])
    entries = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert set(entries) == {"2025-08-15-talks", "hijra", "talks-continue", "truce-holds"}
    ongoing = entries["talks-continue"]
    assert ongoing.decoded("dtstart").isoformat() == "2025-06-02"
    assert ongoing.decoded("dtend").isoformat() == "2026-01-02"
    assert "ongoing" in str(ongoing["summary"])
    assert entries["hijra"].decoded("dtstart").isoformat() == "0610-01-01"


def test_feed_stays_valid_atom_with_deep_time_entries(deep_site):
    data = outputs(deep_site)["feed.xml"]
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 7
    stamps = re.findall(rb"<(?:updated|published)>([^<]+)<", data)
    assert stamps and all(re.fullmatch(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", s) for s in stamps)
    assert b"<published>0610-12-31T23:59:59Z</published>" in data


def test_exports_hold_expanded_years_and_ongoing(deep_site):
    files = outputs(deep_site)
    data, schema = json.loads(files["events.json"]), json.loads(files["events.schema.json"])
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    dates = {e["id"]: e["date"] for e in data["events"]}
    assert dates["ides"]["start"] == "-0043-03-15"
    assert dates["big-bang"]["start"] == "-13799998050"  # astronomical, counted from 1950
    assert dates["talks-continue"]["ongoing"] is True and dates["talks-continue"]["end"] is None
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(files["events.csv"].decode("utf-8-sig")))}
    assert rows["talks-continue"]["end"] == "present"
    assert rows["big-bang"]["date"] == "13.8 billion years ago"
    slides = {s["unique_id"]: s for s in json.loads(files["timeline.json"])["events"]}
    # TimelineJS writes 44 BCE as the year -44 (its era label negates the year; no year 0).
    assert slides["ides"]["start_date"]["year"] == "-44"
    assert slides["big-bang"]["start_date"]["year"] == "-13800000000"  # TimelineJS: N years ago is -N
    assert slides["ides"]["display_date"] == "March 15, 44 BCE"
    assert slides["talks-continue"]["display_date"] == "since June 2, 2025, ongoing"
    assert slides["truce-holds"]["display_date"] == "since July 1, 2025, ongoing"


def test_structured_data_and_sitemap_stay_valid(deep_site):
    files = outputs(deep_site)
    big_bang = files["events/big-bang/index.html"].decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', big_bang, re.S).group(1))
    event = ld if ld.get("@type") == "Event" else next(x for x in ld.get("@graph", [ld]) if x["@type"] == "Event")
    assert "startDate" not in event
    assert b"/events/big-bang/" in files["sitemap.xml"]


def test_years_ago_use_million_or_billion_only_when_that_reads_exactly():
    from site_builder.model.dates import years_text

    assert years_text(13_800_000_000) == "13.8 billion"
    assert years_text(66_000_000) == "66 million"
    assert years_text(13_799_630_000) == "13,799,630,000"  # not "13799.63 million"
    assert years_text(12_000) == "12,000"


@pytest.fixture
def under_way(site, monkeypatch):
    """Two ongoing events known to the year and to the month, built on 2025-12-06."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")  # 2025-12-06 UTC
    site.event("blockade", f"title: A blockade holds\ndate: 2025\nend: ongoing\n{QUOTE}")
    site.event("strike", f"title: A strike goes on\ndate: 2025-11\nend: present\n{QUOTE}")
    return site


def test_feed_never_dates_an_ongoing_event_after_the_build_date(under_way):
    data = outputs(under_way)["feed.xml"]
    feed = feedparser.parse(data)
    published = {e.link.rstrip("/").rsplit("/", 1)[-1]: e.published for e in feed.entries}
    assert published["blockade"] == "2025-12-06T00:00:00Z"  # not the end of 2025
    assert published["strike"] == "2025-11-30T23:59:59Z"  # its month ended before the build
    assert feed.feed.updated == "2025-12-06T00:00:00Z"


def test_ics_runs_an_ongoing_event_to_the_build_date_whatever_its_precision(under_way):
    cal = icalendar.Calendar.from_ical(outputs(under_way)["events.ics"])
    entries = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert entries["blockade"].decoded("dtstart").isoformat() == "2025-01-01"
    assert entries["blockade"].decoded("dtend").isoformat() == "2025-12-07"  # DTEND is exclusive
    assert entries["strike"].decoded("dtend").isoformat() == "2025-12-07"
