"""Partial dates: a date is exactly as precise as the editor wrote it.

Sort rule: a partial date sorts *after* every more precise date inside its period.
"June 2025" comes after "June 30, 2025" and before "July 1, 2025"; "2025" comes
after every dated 2025 event. An event known only as "in June" is certain to have
happened by the end of June, so the list never shows it earlier than an event
with a known day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

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


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def sort_key(self) -> tuple[int, int, int]:
        # 13 and 32 put a partial date after everything more precise in its period.
        return (self.year, self.month or 13, self.day or 32)

    # A date is shared by the events written with it (parse_partial_date) and shown many times
    # (10,000 events: 167,000 formats and 49,000 ISO forms a build): each form is made once.
    def iso(self) -> str:
        return self._iso

    @cached_property
    def _iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.day:
            return self.first_day()
        if self.month:
            nxt = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(self.year, 12, 31)

    def format(self, short: bool = False) -> str:
        return self._short if short else self._long

    @cached_property
    def _long(self) -> str:
        return self._formatted(MONTHS)

    @cached_property
    def _short(self) -> str:
        return self._formatted(SHORT_MONTHS)

    def _formatted(self, names: list[str]) -> str:
        if self.day:
            return f"{names[self.month - 1]} {self.day}, {self.year}"
        if self.month:
            return f"{names[self.month - 1]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.iso()


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
            raise DateError(f"'{text}' is not a day of the calendar",
                            hint=f"{MONTHS[month - 1]} {year} has {PartialDate(year, month).last_day().day} days")
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
    after = first.astimezone(timezone.utc).astimezone(tz)  # the same instant, by the clock after the change
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


@lru_cache(maxsize=None)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=None)
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


@dataclass(frozen=True)
class When:
    """An event's date as written, with its optional local time, zone and end."""

    start: PartialDate
    end: PartialDate | None = None
    time: time | None = None
    zone: str | None = None
    display: str | None = None  # the editor's override of the formatted date

    def sort_key(self) -> tuple:
        # Within a day, timed events come in order of their instant; untimed ones after them.
        instant = self.instant()
        return (*self.start.sort_key(), 0 if instant else 1, instant.timestamp() if instant else 0)

    # An event's date is shown on its page, in its cards and in every export: each form is made
    # once (a datetime is immutable, so the one instant can be handed out each time).
    def instant(self) -> datetime | None:
        """The exact moment, when a day, a time and a zone are all known."""
        return self._instant

    @cached_property
    def _instant(self) -> datetime | None:
        if not (self.start.day and self.time and self.zone):
            return None
        return datetime.combine(self.start.first_day(), self.time, tzinfo=ZoneInfo(self.zone))

    def instant_utc(self) -> datetime | None:
        moment = self.instant()
        return moment.astimezone(timezone.utc) if moment else None

    def local_date_in(self, zone: str) -> date | None:
        moment = self.instant()
        return moment.astimezone(ZoneInfo(zone)).date() if moment else None

    def zone_abbreviation(self) -> str | None:
        moment = self.instant()
        return moment.tzname() if moment else None

    def format(self, short: bool = False) -> str:
        return self._short if short else self._long

    @cached_property
    def _long(self) -> str:
        return self._formatted(False)

    @cached_property
    def _short(self) -> str:
        return self._formatted(True)

    def _formatted(self, short: bool) -> str:
        if self.display:
            return self.display
        text = format_range(self.start, self.end, short)
        if self.time and not self.end:
            text += f", {self.time.strftime('%H:%M')}"
            abbr = self.zone_abbreviation()
            if abbr:
                text += f" {abbr}"
        return text

    def iso(self) -> str:
        """Machine-readable form for <time datetime>: as precise as written."""
        return self._iso

    @cached_property
    def _iso(self) -> str:
        moment = self.instant()
        return moment.isoformat() if moment else self.start.iso()


def format_range(start: PartialDate, end: PartialDate | None, short: bool = False) -> str:
    if end is None or end == start:
        return start.format(short)
    names = SHORT_MONTHS if short else MONTHS
    if start.precision == end.precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{names[start.month - 1]} {start.day}\u2013{end.day}, {start.year}"
        return f"{names[start.month - 1]} {start.day} \u2013 {names[end.month - 1]} {end.day}, {start.year}"
    if start.precision == end.precision == "month" and start.year == end.year:
        return f"{names[start.month - 1]}\u2013{names[end.month - 1]} {start.year}"
    return f"{start.format(short)} \u2013 {end.format(short)}"
