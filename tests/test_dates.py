from datetime import datetime, timezone

import pytest

from site_builder.content.dates import DateError, PartialDate, When, parse_partial_date, parse_time, parse_timezone


@pytest.mark.parametrize("text, precision, shown", [
    ("2025", "year", "2025"),
    ("2025-06", "month", "June 2025"),
    ("2025-06-02", "day", "June 2, 2025"),
])
def test_a_date_is_exactly_as_precise_as_written(text, precision, shown):
    date = parse_partial_date(text)
    assert date.precision == precision
    assert date.format() == shown
    assert date.iso() == text


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13", "2025-00", "25-06-02", "June 2025", "2025/06/02", ""])
def test_impossible_or_malformed_dates_are_refused(text):
    with pytest.raises(DateError):
        parse_partial_date(text)


def test_february_30_names_the_days_the_month_has():
    with pytest.raises(DateError) as err:
        parse_partial_date("2025-02-30")
    assert "28 days" in err.value.hint


def test_month_precision_sorts_after_the_days_of_its_month_and_before_the_next_month():
    dates = [parse_partial_date(t) for t in ["2025-07-01", "2025-06", "2025-06-30", "2025-06-02", "2025"]]
    ordered = [d.iso() for d in sorted(dates, key=PartialDate.sort_key)]
    assert ordered == ["2025-06-02", "2025-06-30", "2025-06", "2025-07-01", "2025"]


def test_year_precision_sorts_after_every_dated_event_of_that_year():
    assert parse_partial_date("2025").sort_key() > parse_partial_date("2025-12-31").sort_key()
    assert parse_partial_date("2025").sort_key() < parse_partial_date("2026-01").sort_key()


def test_anchorage_local_date_is_already_the_next_day_in_moscow():
    # A 15:00 start in Anchorage on Aug 15 (AKDT, UTC-8) is 02:00 on Aug 16 in Moscow.
    when = When(parse_partial_date("2025-08-15"), time=parse_time("15:00"), zone="America/Anchorage")
    assert when.start.format() == "August 15, 2025"
    assert when.instant_utc() == datetime(2025, 8, 15, 23, 0, tzinfo=timezone.utc)
    assert str(when.local_date_in("Europe/Moscow")) == "2025-08-16"
    assert when.format() == "August 15, 2025, 15:00 AKDT"


def test_an_event_without_time_has_no_instant():
    when = When(parse_partial_date("2025-08-15"), zone="America/Anchorage")
    assert when.instant() is None
    assert when.iso() == "2025-08-15"


def test_timed_events_sort_by_instant_and_before_untimed_ones_of_the_same_day():
    day = parse_partial_date("2025-08-15")
    early_far_west = When(day, time=parse_time("09:00"), zone="America/Anchorage")  # 17:00 UTC
    late_utc = When(day, time=parse_time("12:00"), zone="UTC")  # 12:00 UTC
    untimed = When(day)
    ordered = sorted([untimed, early_far_west, late_utc], key=When.sort_key)
    assert ordered == [late_utc, early_far_west, untimed]


@pytest.mark.parametrize("start, end, shown", [
    ("2025-06-02", "2025-06-03", "June 2\u20133, 2025"),
    ("2025-06-30", "2025-07-02", "June 30 \u2013 July 2, 2025"),
    ("2025-06", "2025-08", "June\u2013August 2025"),
    ("2024-12", "2025-01-05", "December 2024 \u2013 January 5, 2025"),
])
def test_ranges_are_shown_compactly_at_their_precision(start, end, shown):
    assert When(parse_partial_date(start), parse_partial_date(end)).format() == shown


def test_display_date_overrides_the_formatted_date():
    assert When(parse_partial_date("2025-08"), display="After Aug. 15, 2025").format() == "After Aug. 15, 2025"


def test_times_are_24_hour_hh_mm():
    assert parse_time("23:59").hour == 23
    for bad in ("24:00", "7:30", "07:60", "noon"):
        with pytest.raises(DateError):
            parse_time(bad)


def test_unknown_time_zone_suggests_the_closest_name():
    with pytest.raises(DateError) as err:
        parse_timezone("Europe/Moskow")
    assert "Europe/Moscow" in err.value.hint
