"""Properties of partial dates, times and zones, over the whole supported calendar."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.dates import (MAX_YEAR, MIN_YEAR, DateError, local_time, parse_partial_date, parse_time,
                                         parse_timezone)
from site_builder.model.dates import PartialDate, When

days = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))
precisions = st.sampled_from(["year", "month", "day"])
ZONES = ["UTC", "Europe/Berlin", "America/Anchorage", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago"]


def partial(day: date, precision: str) -> PartialDate:
    return PartialDate(day.year, day.month if precision != "year" else None, day.day if precision == "day" else None)


@given(days, precisions)
def test_a_partial_date_reads_back_from_its_iso_form(day, precision):
    written = partial(day, precision)
    assert parse_partial_date(written.iso()) == written
    assert written.precision == precision


@given(days, precisions)
def test_a_partial_date_spans_exactly_its_period(day, precision):
    period = partial(day, precision)
    first, last = period.first_day(), period.last_day()
    assert first <= day <= last
    assert partial(first, precision) == period == partial(last, precision)
    if last < date(MAX_YEAR, 12, 31):
        assert partial(last + timedelta(days=1), precision) != period
    if first > date(MIN_YEAR, 1, 1):
        assert partial(first - timedelta(days=1), precision) != period


@given(days, days, st.sampled_from([("year", "month"), ("year", "day"), ("month", "day")]))
def test_a_partial_date_sorts_after_everything_more_precise_inside_it_and_before_what_follows(day, other, pair):
    coarse, fine = pair
    period, finer = partial(day, coarse), partial(other, fine)
    inside = period.first_day() <= other <= period.last_day()
    assert (finer.sort_key() < period.sort_key()) == (inside or other < period.first_day())


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_minute_of_the_day_is_a_time(hour, minute):
    assert parse_time(f"{hour:02d}:{minute:02d}") == time(hour, minute)


@given(st.text(min_size=1, max_size=12))
def test_text_with_a_character_outside_the_date_forms_is_never_a_date(text):
    if all(c in "0123456789-,. BCbcEeYyAaRrSsGgOoMmIiLlNn" for c in text.strip()):
        return
    try:
        parse_partial_date(text)
    except DateError:
        return
    raise AssertionError(f"{text!r} was taken for a date")


@settings(max_examples=300)
@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2037, 12, 31)), st.integers(0, 23), st.integers(0, 59),
       st.sampled_from(ZONES))
def test_a_local_time_is_refused_or_names_one_instant_that_reads_back(day, hour, minute, zone):
    try:
        moment = local_time(day, time(hour, minute), zone)
    except DateError:
        return
    instant = When(PartialDate(day.year, day.month, day.day), time=moment, zone=zone).instant()
    back = instant.astimezone(UTC).astimezone(parse_timezone(zone))
    assert (back.date(), back.hour, back.minute, back.fold) == (day, hour, minute, moment.fold)


@given(days, st.integers(0, 23), st.sampled_from(ZONES))
def test_every_supported_timed_day_has_an_instant_in_utc(day, hour, zone):
    try:
        moment = local_time(day, time(hour, 0), zone)
    except DateError:
        return
    when = When(PartialDate(day.year, day.month, day.day), time=moment, zone=zone)
    assert abs(when.instant_utc() - datetime.combine(day, time(hour), UTC)) < timedelta(hours=15)


# --- every form: CE, BCE and years ago ------------------------------------------------------------

BEFORE_PRESENT = 1950  # "N years ago" counts back from radiocarbon's fixed present


@st.composite
def written_dates(draw) -> tuple[str, PartialDate]:
    """A date as an editor writes it, in any form, and the date it must read as (its year
    astronomical: 1 BCE is 0, and N years ago is 1950 - N)."""
    form = draw(st.sampled_from(["ce", "bce", "ago"]))
    if form == "ago":
        count = draw(st.one_of(st.integers(10_000, 10**7), st.integers(1, 13_800).map(lambda n: n * 10**6)))
        scale = draw(st.sampled_from(["", " million", " billion"]))
        size = {"": 1, " million": 10**6, " billion": 10**9}[scale]
        if count % size == 0 and count // size:
            amount = f"{count // size:,}" if draw(st.booleans()) else str(count // size)
            return f"{amount}{scale} years ago", PartialDate(BEFORE_PRESENT - count, years_ago=True)
        return f"{count:,} years ago", PartialDate(BEFORE_PRESENT - count, years_ago=True)
    day = partial(draw(days), draw(precisions))
    if form == "ce":
        return day.iso(), day
    era = draw(st.sampled_from(["BCE", "BC"]))
    if (day.month, day.day) == (2, 29) and not calendar.isleap(1 - day.year):  # 2000 BCE (-1999) has no 29th
        day = PartialDate(day.year, 2, 28)
    return f"{day.iso()} {era}", PartialDate(1 - day.year, day.month, day.day)


@given(written_dates())
def test_every_form_reads_as_the_date_it_names(written):
    text, expected = written
    assert parse_partial_date(text) == expected


@given(written_dates(), written_dates())
def test_dates_of_every_form_sort_by_integers_in_time_order(a, b):
    # When each happened comes from the test's own reading (a[1], b[1]), not from the parser's.
    first, second = parse_partial_date(a[0]), parse_partial_date(b[0])
    if a[1].end_position() <= b[1].position():  # all of first comes before second begins
        assert first.sort_key() < second.sort_key()
    if a[1].precision == b[1].precision and a[1].position() < b[1].position():
        assert first.sort_key() < second.sort_key()


@st.composite
def near_deep_time(draw) -> tuple[str, float, float]:
    """A BCE year or a years-ago date where they meet (12,000 to 8,000 years before 1950), with the
    span of time it names as astronomical years."""
    if draw(st.booleans()):
        count = draw(st.integers(10_000, 12_000))
        return f"{count:,} years ago", BEFORE_PRESENT - count, BEFORE_PRESENT - count + 1
    number = draw(st.integers(6_000, 9_999))
    return f"{number} BCE", 1 - number, 2 - number


@given(near_deep_time(), near_deep_time())
def test_years_ago_and_bce_years_where_they_meet_sort_by_time(a, b):
    if a[2] <= b[1]:
        assert parse_partial_date(a[0]).sort_key() < parse_partial_date(b[0]).sort_key()


@given(days, precisions)
def test_position_is_the_fraction_of_the_year_gone_at_the_first_day(day, precision):
    period = partial(day, precision)
    first = period.first_day()
    length = (date(first.year, 12, 31) - date(first.year, 1, 1)).days + 1
    assert period.position() == first.year + (first - date(first.year, 1, 1)).days / length


@given(written_dates())
def test_every_date_is_shown_without_zero_padding_and_with_its_era(written):
    shown = parse_partial_date(written[0]).format()
    assert not shown.startswith("0") and " 0" not in shown
    assert shown.endswith((" BCE", " years ago")) == (written[0].endswith(("BCE", "BC", "ago")))


def test_a_bce_leap_day_is_one_of_its_astronomical_year():
    """1 BCE is year 0: 2001 BCE (-2000) has a 29 February, 2000 BCE (-1999) has none."""
    assert parse_partial_date("2001-02-29 BCE") == PartialDate(-2000, 2, 29)
    with pytest.raises(DateError):
        parse_partial_date("2000-02-29 BCE")
