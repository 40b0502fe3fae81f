"""Partial dates: a date is exactly as precise as the editor wrote it. One sorts after every more
precise date in its period ("June 2025" after "June 30, 2025", before "July 1, 2025"): an event known
only as "in June" happened by the end of June, so it is never listed before one with a known day.
Years are astronomical (1 BCE is 0, 44 BCE is -43), so dates of any age sort as integers."""

from __future__ import annotations

from dataclasses import dataclass
import os
from datetime import date, datetime, time, timedelta, UTC
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# "N years ago" counts back from this year, radiocarbon dating's "Before Present": a fixed present,
# so a date means the same year in every build and sorts exactly against BCE years.
YEARS_AGO_FROM = 1950


# Days before each month in a common year; proleptic Gregorian throughout.
_DAYS_BEFORE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def is_leap(year: int) -> bool:
    """Leap years of the proleptic Gregorian calendar, for astronomical years (1 BCE = 0 is one)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def build_date() -> date:
    """The day the site is built: SOURCE_DATE_EPOCH when set (reproducible builds), else today in
    UTC. Ongoing events run to it and their pages say "as of" it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class PartialDate:
    year: int  # astronomical: 0 is 1 BCE, -43 is 44 BCE; YEARS_AGO_FROM - N for "N years ago"
    month: int | None = None
    day: int | None = None
    years_ago: bool = False  # written "N years ago" (year precision), and shown so

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def sort_key(self) -> tuple[int, int, int]:
        # 13 and 32 put a partial date after everything more precise in its period.
        return (self.year, self.month or 13, self.day or 32)

    # A date is shared by the events written with it (parse_partial_date) and shown many times
    # (in every card, page and export): each form is made once.
    def iso(self) -> str:
        return self._iso

    @cached_property
    def _iso(self) -> str:
        # ISO 8601 with expanded years outside 0000-9999 ("-0043-03-15" is 44 BCE).
        year = f"{self.year:04d}" if self.year >= 0 else f"-{-self.year:04d}"
        parts = [year]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def datetime_attr(self) -> str | None:
        """The form for <time datetime>: None for a date written "years ago" (no ISO form says
        "about 66 million years ago"; an exact year would claim more than the editor wrote)."""
        return None if self.years_ago else self.iso()

    def in_calendar(self) -> bool:
        """Whether first_day()/last_day() exist: the years 1 to 9999 of Python's calendar."""
        return 1 <= self.year <= 9999 and not self.years_ago

    def position(self) -> float:
        """The first instant of the date as a fractional astronomical year, for any year."""
        month, day = self.month or 1, self.day or 1
        day_of_year = _DAYS_BEFORE[month - 1] + (month > 2 and is_leap(self.year)) + day
        return self.year + (day_of_year - 1) / (366 if is_leap(self.year) else 365)

    def end_position(self) -> float:
        """The first instant after the date's period (the next day, month or year)."""
        if self.day:
            length = 366 if is_leap(self.year) else 365
            return self.position() + 1 / length
        if self.month:
            nxt = PartialDate(self.year + (self.month == 12), self.month % 12 + 1)
            return nxt.position()
        return float(self.year + 1)

    def first_iso_day(self) -> str:
        """The first day of the period as ISO 8601 (expanded years before 0000), for any year."""
        return PartialDate(self.year, self.month or 1, self.day or 1).iso()

    def last_iso_day(self) -> str:
        """The last day of the period as ISO 8601, for any year."""
        month = self.month or 12
        return PartialDate(self.year, month, self.day or days_in_month(self.year, month)).iso()

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
            return f"{names[self.month - 1]} {self.day}, {self.year_text()}"
        if self.month:
            return f"{names[self.month - 1]} {self.year_text()}"
        return self.year_text()

    def year_text(self) -> str:
        """The year as readers write it: "610", "44 BCE", "13.8 billion years ago"."""
        if self.years_ago:
            return f"{years_text(self.years_before_present())} years ago"
        return str(self.year) if self.year > 0 else f"{1 - self.year} BCE"

    def years_before_present(self) -> int:
        """How many years before YEARS_AGO_FROM the year is: N of a date written "N years ago"."""
        return YEARS_AGO_FROM - self.year

    def era_text(self) -> str:
        """The year without its era ("44" of "44 BCE"), for a range that names the era once."""
        return str(self.year) if self.year > 0 else str(1 - self.year)

    def __str__(self) -> str:
        return self.iso()


def years_text(count: int) -> str:
    """12000 -> "12,000", 66000000 -> "66 million", 13800000000 -> "13.8 billion"."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if size <= count < (size * 1000 if word == "million" else 10**30):  # never "13,799.63 million"
            amount = Decimal(count) / size
            if amount == amount.quantize(Decimal("0.001")):
                return f"{amount.normalize():f} {word}"
    return f"{count:,}"


@dataclass(frozen=True)
class When:
    """An event's date as written, with its optional local time, zone and end."""

    start: PartialDate
    end: PartialDate | None = None
    time: time | None = None
    zone: str | None = None
    display: str | None = None  # the editor's override of the formatted date
    ongoing: bool = False  # `end: present`: still under way at the build date

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
        if not (self.start.day and self.time and self.zone and self.start.in_calendar()):
            return None
        return datetime.combine(self.start.first_day(), self.time, tzinfo=ZoneInfo(self.zone))

    def instant_utc(self) -> datetime | None:
        moment = self.instant()
        return moment.astimezone(UTC) if moment else None

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
        if self.ongoing:
            return f"since {self.start.format(short)}, ongoing"
        return format_range(self.start, self.end, short) + self.clock()

    def clock(self) -> str:
        """", 14:30 AKDT" after the date of a single timed event, in any language; else ""."""
        if not self.time or self.end:
            return ""
        abbreviation = self.zone_abbreviation()
        return f", {self.time.strftime('%H:%M')}" + (f" {abbreviation}" if abbreviation else "")

    def iso(self) -> str:
        """Machine-readable form for <time datetime>: as precise as written."""
        return self._iso

    @cached_property
    def _iso(self) -> str:
        moment = self.instant()
        return moment.isoformat() if moment else self.start.iso()

    def datetime_attr(self) -> str | None:
        """For <time datetime>: None when the start was written "years ago" (see PartialDate)."""
        return None if self.start.years_ago else self.iso()

    def as_of(self) -> PartialDate:
        """The day an ongoing event is known to be still under way: the build date."""
        day = build_date()
        return PartialDate(day.year, day.month, day.day)


def format_range(start: PartialDate, end: PartialDate | None, short: bool = False) -> str:
    if end is None or end == start:
        return start.format(short)
    if start.precision == end.precision == "year" and start.year <= 0 and end.year <= 0 \
            and not (start.years_ago or end.years_ago):
        return f"{start.era_text()} \u2013 {end.era_text()} BCE"  # "200 – 100 BCE"
    names = SHORT_MONTHS if short else MONTHS
    if start.precision == end.precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{names[start.month - 1]} {start.day}\u2013{end.day}, {start.year_text()}"
        return f"{names[start.month - 1]} {start.day} \u2013 {names[end.month - 1]} {end.day}, {start.year_text()}"
    if start.precision == end.precision == "month" and start.year == end.year:
        return f"{names[start.month - 1]}\u2013{names[end.month - 1]} {start.year_text()}"
    return f"{start.format(short)} \u2013 {end.format(short)}"
