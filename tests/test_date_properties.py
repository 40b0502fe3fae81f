"""Properties of partial dates, times and zones, over the whole supported calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, UTC

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
def test_text_with_a_character_other_than_ascii_digits_and_dashes_is_never_a_date(text):
    if all(c in "0123456789-" for c in text.strip()):
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
