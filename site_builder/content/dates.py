"""Reading dates, times and zones as editors write them: each a real moment, or a DateError."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, UTC
from functools import lru_cache, cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from site_builder.model.dates import MONTHS, PartialDate

# ASCII digits only: `\d` and int() also take "２０２５" and Arabic-Indic digits.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?:([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?")
_ZONE_RE = re.compile(r"UTC|(?:[A-Z][A-Za-z0-9_+-]*/)+[A-Za-z0-9_+-]+")
# Every output writes a four-digit year, and the calendar and the chart reach a few days past an
# event's last day: years before 1000 or after 9998 cannot be published.
MIN_YEAR, MAX_YEAR = 1000, 9998


class DateError(ValueError):
    """A date, time or zone an editor wrote that cannot be a real one."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@lru_cache(maxsize=65536)  # many events share a date; a PartialDate is immutable
def parse_partial_date(text: str) -> PartialDate:
    """`2025`, `2025-06` or `2025-06-02`; never more precise than written."""
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        raise DateError(f"'{text}' is not a date",
                        hint="write YYYY, YYYY-MM or YYYY-MM-DD with the digits 0-9, e.g. 2025-06 for June 2025")
    year, month, day = (int(g) if g else None for g in m.groups())
    check_year(year, text)
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{text}' has no month {month}")
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            last = PartialDate(year, month).last_day().day
            raise DateError(f"'{text}' is not a day of the calendar",
                            hint=f"{MONTHS[month - 1]} {year} has {last} days") from None
    return PartialDate(year, month, day)


def check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"'{text}' is outside the years {MIN_YEAR} to {MAX_YEAR}",
                        hint="site-builder publishes dates from the year 1000 to 9998; check for a typo")


@lru_cache(maxsize=4096)  # a datetime.time is immutable
def parse_time(text: str) -> time:
    """`HH:MM`, or `HH:MM+HH:MM` with the UTC offset (as tzinfo) that says which of a repeated
    hour is meant (local_time)."""
    m = _TIME_RE.fullmatch(text.strip())
    if not m:
        raise DateError(f"'{text}' is not a time",
                        hint="write HH:MM on a 24-hour clock, 00:00 to 23:59, e.g. 14:30")
    hour, minute, sign, off_hours, off_minutes = m.groups()
    if not sign:
        return time(int(hour), int(minute))
    offset = timedelta(hours=int(off_hours), minutes=int(off_minutes))
    return time(int(hour), int(minute), tzinfo=timezone(-offset if sign == "-" else offset))


def local_time(day: date, moment: time, zone: str) -> time:
    """moment as a plain local time on day in zone, its fold set to the hour the offset names.
    DateError when the clocks skipped it (a DST gap), or showed it twice (a fold) and no offset
    says which."""
    tz = parse_timezone(zone)
    plain = moment.replace(tzinfo=None)
    first, second = (datetime.combine(day, plain.replace(fold=f), tz) for f in (0, 1))
    offsets = first.utcoffset(), second.utcoffset()
    after = first.astimezone(UTC).astimezone(tz)  # the same instant, by the clock after the change
    if after.replace(tzinfo=None) != first.replace(tzinfo=None):
        raise DateError(f"{plain:%H:%M} did not exist on {day.isoformat()} in {zone}: the clocks skipped it",
                        hint=f"the clocks went forward that night: {plain:%H:%M} by the old clock was "
                             f"{after:%H:%M} by the new one; write '{after:%H:%M}', or check the time and the zone")
    repeated = offsets[0] != offsets[1]
    choices = (f"'{plain:%H:%M}{_offset(offsets[0])}' (the first) or '{plain:%H:%M}{_offset(offsets[1])}' (the second)"
               if repeated else f"'{plain:%H:%M}' or '{plain:%H:%M}{_offset(offsets[0])}'")
    if moment.tzinfo is not None:
        wanted = moment.utcoffset()
        if wanted not in offsets:
            raise DateError(f"{zone} was not at UTC{_offset(wanted)} at {plain:%H:%M} on {day.isoformat()}",
                            hint=f"write {choices}")
        return plain.replace(fold=offsets.index(wanted))
    if repeated:
        raise DateError(f"{plain:%H:%M} happened twice on {day.isoformat()} in {zone}: the clocks went back",
                        hint=f"say which with its UTC offset: {choices}")
    return plain


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone by its Area/Place name (or UTC): never a path, an abbreviation like EST, or
    the right/ and posix/ variants of the database."""
    try:
        if _ZONE_RE.fullmatch(name) and name.isascii():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    import difflib

    close = difflib.get_close_matches(name, sorted(_zone_names()), n=3, cutoff=0.6)
    hint = "use an IANA zone name such as Europe/Moscow or America/Anchorage"
    if close:
        hint = f"did you mean {' or '.join(close)}?"
    raise DateError(f"unknown time zone '{name}'", hint=hint)


