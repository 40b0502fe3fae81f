from datetime import datetime, timedelta, UTC

import pytest

from site_builder.content.dates import DateError, parse_partial_date, parse_time, parse_timezone

from site_builder.model.dates import PartialDate, When


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
    assert when.instant_utc() == datetime(2025, 8, 15, 23, 0, tzinfo=UTC)
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


@pytest.mark.parametrize("month, last", [(1, 31), (2, 28), (4, 30), (11, 30), (12, 31)])
def test_a_month_ends_on_its_last_day_december_included(month, last):
    assert parse_partial_date(f"2025-{month:02d}").last_day() == datetime(2025, month, last).date()


def test_a_year_runs_from_january_first_to_december_31st():
    year = parse_partial_date("2025")
    assert (year.first_day().isoformat(), year.last_day().isoformat()) == ("2025-01-01", "2025-12-31")
    assert parse_partial_date("2024-02").last_day().day == 29


@pytest.mark.parametrize("text", ["２０２５", "٢٠٢٥-08-15", "2025-0８", "10000", "0000", "2025-08-15\n1", "٤٤ BCE"])
def test_only_ascii_digits_in_the_supported_years_are_dates(text):
    with pytest.raises(DateError):
        parse_partial_date(text)


def test_the_supported_years_are_0001_to_9999_and_before_them_bce():
    assert parse_partial_date("0001").year == 1 and parse_partial_date("9999-12-31").day == 31
    assert parse_partial_date("1 BCE").year == 0 and parse_partial_date("9999 BCE").year == -9998


def test_a_time_may_carry_the_offset_that_says_which_repeated_hour():
    from site_builder.content.dates import local_time

    fold_day = parse_partial_date("2025-10-26").first_day()
    assert local_time(fold_day, parse_time("02:30+02:00"), "Europe/Berlin").fold == 0
    assert local_time(fold_day, parse_time("02:30+01:00"), "Europe/Berlin").fold == 1
    assert local_time(fold_day, parse_time("12:00+01:00"), "Europe/Berlin").fold == 0
    with pytest.raises(DateError, match="was not at UTC\\+03:00"):
        local_time(fold_day, parse_time("02:30+03:00"), "Europe/Berlin")
    with pytest.raises(DateError, match="happened twice"):
        local_time(fold_day, parse_time("02:30"), "Europe/Berlin")
    with pytest.raises(DateError, match="did not exist"):
        local_time(parse_partial_date("2025-03-30").first_day(), parse_time("02:00"), "Europe/Berlin")
    assert parse_time("10:00-05:30").utcoffset().total_seconds() == -(5 * 3600 + 1800)
    assert local_time(fold_day, parse_time("03:00"), "Europe/Berlin").fold == 0


def test_a_when_formats_its_time_with_the_zone_of_its_fold():
    day = parse_partial_date("2025-10-26")
    first = When(day, time=parse_time("02:30"), zone="Europe/Berlin")
    second = When(day, time=parse_time("02:30").replace(fold=1), zone="Europe/Berlin")
    assert (first.format(), second.format()) == ("October 26, 2025, 02:30 CEST", "October 26, 2025, 02:30 CET")
    assert second.instant_utc() - first.instant_utc() == timedelta(hours=1)


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "Etc/GMT+5", "America/Argentina/Buenos_Aires"])
def test_zone_names_are_area_slash_place_or_utc(name):
    assert parse_timezone(name).key == name


@pytest.mark.parametrize("name", ["right/UTC", "posix/Europe/Berlin", "../etc/passwd", "/etc/localtime", "EST",
                                  "Europe", "Europe/Ber\x00lin", "Europe/Berlin\n", ""])
def test_names_that_are_not_zones_are_refused(name):
    with pytest.raises(DateError):
        parse_timezone(name)


def test_formats_name_each_month_and_the_precision():
    assert parse_partial_date("2025-12-01").format(short=True) == "Dec 1, 2025"
    assert parse_partial_date("2025-01").format(short=True) == "Jan 2025"
    assert str(parse_partial_date("2025-01-09")) == "2025-01-09"


def test_an_untimed_day_sorts_after_the_timed_events_of_that_day():
    day = parse_partial_date("2025-08-15")
    assert When(day).sort_key() > When(day, time=parse_time("23:59"), zone="UTC").sort_key()
    assert When(day, time=parse_time("00:00"), zone="UTC").sort_key()[3] == 0


def test_february_30_names_the_month_and_its_length_in_the_hint():
    with pytest.raises(DateError) as err:
        parse_partial_date("2025-02-30")
    assert err.value.hint == "February 2025 has 28 days"


def test_a_repeated_hour_hint_gives_both_offsets_in_order_and_utc_is_plus_zero():
    from site_builder.content.dates import local_time

    with pytest.raises(DateError) as err:
        local_time(parse_partial_date("2025-11-02").first_day(), parse_time("01:30"), "America/New_York")
    assert err.value.hint.endswith("'01:30-04:00' (the first) or '01:30-05:00' (the second)")
    with pytest.raises(DateError) as err:
        local_time(parse_partial_date("2025-08-15").first_day(), parse_time("10:00+01:00"), "UTC")
    assert str(err.value) == "UTC was not at UTC+01:00 at 10:00 on 2025-08-15"
    assert err.value.hint == "write '10:00' or '10:00+00:00'"


def test_an_unknown_zone_hint_offers_at_most_three_names():
    with pytest.raises(DateError) as err:
        parse_timezone("America/Argentina/X")
    assert err.value.hint.count(" or ") == 2


def test_dates_and_whens_are_frozen_values():
    from dataclasses import FrozenInstanceError

    day = parse_partial_date("2025-08-15")
    when = When(day, time=parse_time("10:00"), zone="UTC")
    assert len({day, parse_partial_date("2025-08-15")}) == 1
    assert len({when, When(day, time=parse_time("10:00"), zone="UTC")}) == 1
    with pytest.raises(FrozenInstanceError):
        day.year = 2026
    with pytest.raises(FrozenInstanceError):
        when.zone = "Europe/Berlin"


def test_a_when_formats_short_and_a_timed_range_without_its_time():
    from site_builder.model.dates import format_range

    day = parse_partial_date("2025-08-15")
    assert When(day, time=parse_time("10:00"), zone="UTC").format(short=True) == "Aug 15, 2025, 10:00 UTC"
    two_days = When(day, parse_partial_date("2025-08-16"), time=parse_time("10:00"), zone="UTC")
    assert two_days.format() == "August 15\u201316, 2025"
    new_year = format_range(parse_partial_date("2024-12"), parse_partial_date("2025-01"))
    assert new_year == "December 2024 \u2013 January 2025"
    assert format_range(parse_partial_date("2024-12-31"), parse_partial_date("2025-01-01")) == \
        "December 31, 2024 \u2013 January 1, 2025"
    assert format_range(day, day) == "August 15, 2025"


def test_every_month_is_written_with_its_english_name_long_and_short():
    long = [parse_partial_date(f"2025-{m:02d}").format() for m in range(1, 13)]
    short = [parse_partial_date(f"2025-{m:02d}-01").format(short=True) for m in range(1, 13)]
    assert long == [f"{name} 2025" for name in ("January", "February", "March", "April", "May", "June", "July",
                                                 "August", "September", "October", "November", "December")]
    assert short == [f"{name} 1, 2025" for name in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                                    "Aug", "Sep", "Oct", "Nov", "Dec")]


def test_a_skipped_time_names_the_same_moment_by_the_new_clock():
    from site_builder.content.dates import local_time

    with pytest.raises(DateError) as refused:
        local_time(parse_partial_date("2025-03-30").first_day(), parse_time("02:30"), "Europe/Berlin")
    assert str(refused.value) == "02:30 did not exist on 2025-03-30 in Europe/Berlin: the clocks skipped it"
    assert refused.value.hint.startswith("the clocks went forward that night: 02:30 by the old clock was "
                                         "03:30 by the new one; write '03:30'")


@pytest.mark.parametrize("text, hint", [
    ("2025-6", "write YYYY, YYYY-MM or YYYY-MM-DD with the digits 0-9"),
    ("0000", "there is no year 0: write '1 BCE'"),
])
def test_a_date_error_says_how_to_write_it(text, hint):
    with pytest.raises(DateError) as refused:
        parse_partial_date(text)
    assert str(refused.value) and refused.value.hint.startswith(hint)


def test_a_time_or_zone_error_says_how_to_write_it():
    with pytest.raises(DateError) as bad_time:
        parse_time("25:00")
    assert bad_time.value.hint.startswith("write HH:MM on a 24-hour clock")
    with pytest.raises(DateError) as bad_zone:
        parse_timezone("Nowhere/Qqqqqqq")
    assert str(bad_zone.value) == "unknown time zone 'Nowhere/Qqqqqqq'"
    assert bad_zone.value.hint == "use an IANA zone name such as Europe/Moscow or America/Anchorage"
