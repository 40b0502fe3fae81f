"""Partial dates: a date is exactly as precise as the editor wrote it. One sorts after every more
precise date in its period ("June 2025" after "June 30, 2025", before "July 1, 2025"): an event known
only as "in June" happened by the end of June, so it is never listed before one with a known day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from functools import cached_property
from zoneinfo import ZoneInfo

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


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
    # (in every card, page and export): each form is made once.
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
