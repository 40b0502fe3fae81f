"""Reading dates, times and zones as editors write them: each a real moment, or a DateError."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, UTC
from decimal import Decimal
from functools import lru_cache, cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from site_builder.model.dates import YEARS_AGO_FROM, PartialDate, days_in_month

# ASCII digits only: `\d` and int() also take "２０２５" and Arabic-Indic digits.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_BCE_RE = re.compile(r"([0-9]+)(?:-([0-9]{2})(?:-([0-9]{2}))?)?\s+(?:BCE|BC)", re.IGNORECASE)
_AGO_RE = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:\.[0-9]+)?)(?:\s+(million|billion))?\s+years?\s+ago",
                     re.IGNORECASE)
_AMOUNT_RE = re.compile(r"[0-9][0-9.,]*\s+(?:(?:million|billion)(?:\s+years?)?|years?)", re.IGNORECASE)
_ERA_FIRST_RE = re.compile(r"(?:BCE|BC|B\.C\.(?:E\.)?)\s*([0-9]+)", re.IGNORECASE)
_DOTTED_RE = re.compile(r"([0-9]+)\s*B\.C\.(?:E\.)?", re.IGNORECASE)
_CE_RE = re.compile(r"(?:(?:AD|A\.D\.)\s*([0-9]+)|([0-9]+)\s*(?:CE|AD|A\.D\.|C\.E\.))", re.IGNORECASE)
# "13,8 billion years ago": a decimal comma (ru, de, fr), not a thousands separator.
_DECIMAL_COMMA_RE = re.compile(r"([0-9]+),([0-9]{1,2})(\s+(?:million|billion)(?:\s+years?(?:\s+ago)?)?"
                               r"|\s+years?(?:\s+ago)?)", re.IGNORECASE)
ONGOING_WORDS = ("present", "ongoing")
MIN_YEARS_AGO = 10_000  # nearer than this, a year (BCE or CE) says it exactly
MAX_YEARS_AGO = 10**12
DATE_FORMS = ("YYYY, YYYY-MM or YYYY-MM-DD with the digits 0-9 (years 0001 to 9999), '44 BCE', "
              "'0044-03-15 BCE' or '66 million years ago'")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?:([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?")
_ZONE_RE = re.compile(r"UTC|(?:[A-Z][A-Za-z0-9_+-]*/)+[A-Za-z0-9_+-]+")
# Years written YYYY; before 0001 an era ("44 BCE") or "years ago" says it.
MIN_YEAR, MAX_YEAR = 1, 9999


class DateError(ValueError):
    """A date, time or zone an editor wrote that cannot be a real one."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@lru_cache(maxsize=65536)  # many events share a date; a PartialDate is immutable
def parse_partial_date(text: str) -> PartialDate:
    """`2025`, `2025-06`, `2025-06-02`, `44 BCE`, `0044-03-15 BCE` or `66 million years ago`;
    never more precise than written."""
    written = " ".join(text.split())
    m = _DATE_RE.fullmatch(written)
    if m:
        return _calendar_date(text, *m.groups(), bce=False)
    m = _BCE_RE.fullmatch(written)
    if m:
        return _calendar_date(text, *m.groups(), bce=True)
    m = _AGO_RE.fullmatch(written)
    if m:
        return _years_ago(text, *m.groups())
    raise DateError(f"'{text}' is not a date", hint=near_miss_hint(written))


def _calendar_date(text: str, year_text: str, month_text: str | None, day_text: str | None,
                   bce: bool) -> PartialDate:
    number = int(year_text)
    month, day = (int(g) if g else None for g in (month_text, day_text))
    if bce and not 1 <= number <= 9999:
        raise DateError(f"'{text}' is outside the years 1 to 9999 BCE", hint=_before_9999_bce_hint(number))
    if not bce:
        check_year(number, text)
    year = 1 - number if bce else number  # astronomical: 1 BCE is the year 0
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{text}' has no month {month}")
    if day is not None and not 1 <= day <= days_in_month(year, month):
        shown = PartialDate(year, month).format()
        raise DateError(f"'{text}' is not a day of the calendar",
                        hint=f"{shown} has {days_in_month(year, month)} days")
    return PartialDate(year, month, day)


def _years_ago(text: str, amount: str, scale: str | None) -> PartialDate:
    count = Decimal(amount.replace(",", "")) * {None: 1, "million": 10**6, "billion": 10**9}[
        scale and scale.lower()]
    if count != count.to_integral_value():
        raise DateError(f"'{text}' is not a whole number of years",
                        hint="write fewer decimals, e.g. '2.5 million years ago'")
    if count < MIN_YEARS_AGO:
        year = PartialDate(YEARS_AGO_FROM - int(count))
        written = f"{year.year:04d}" if year.year >= 1 else f"{1 - year.year} BCE"
        raise DateError(f"'{text}' is nearer than {MIN_YEARS_AGO:,} years ago",
                        hint=f"write the year instead: {int(count):,} years before {YEARS_AGO_FROM} is '{written}'")
    if count > MAX_YEARS_AGO:
        raise DateError(f"'{text}' is further back than {MAX_YEARS_AGO // 10**9:,} billion years ago",
                        hint="check for a typo: the universe is about 13.8 billion years old")
    return PartialDate(YEARS_AGO_FROM - int(count), years_ago=True)


def _before_9999_bce_hint(number: int) -> str:
    """Further back than 9999 BCE, deep time says it: N BCE is N + 1949 years before 1950."""
    if number == 0:
        return "there is no year 0: 1 BCE comes right before 0001"
    ago = PartialDate(1 - number).years_before_present()
    return f"before 9999 BCE, write years ago, counted from {YEARS_AGO_FROM}: {number} BCE is '{ago:,} years ago'"


def near_miss_hint(text: str) -> str:
    """What the editor most likely meant by a date site-builder cannot read."""
    if re.fullmatch(r"-[0-9]+(?:-[0-9]{2}){0,2}", text):
        number = int(text[1:].split("-")[0])
        if number > 9999:
            return _before_9999_bce_hint(number)
        return f"write the year before 1 with its era: '{text[1:].lstrip('0') or '1'} BCE'"
    if re.fullmatch(r"[0-9]{5,}(?:-[0-9]{2}){0,2}", text):
        return "years after 9999 are not supported; for deep time write 'N years ago', e.g. '12,000 years ago'"
    m = _DECIMAL_COMMA_RE.fullmatch(text)
    if m:
        scale = re.sub(r"\s+years?(?:\s+ago)?$", "", m.group(3), flags=re.IGNORECASE)
        fixed = f"{m.group(1)}.{m.group(2)}{scale} years ago"
        return f"write the decimal with a point, not a comma: '{fixed}'"
    m = _ERA_FIRST_RE.fullmatch(text) or _DOTTED_RE.fullmatch(text)
    if m:
        return f"write the era after the year: '{int(m.group(1))} BCE'"
    m = _CE_RE.fullmatch(text)
    if m:
        return f"write years of our era with four digits and no era: '{int(m.group(1) or m.group(2)):04d}'"
    if re.fullmatch(r"[0-9]{1,3}", text):
        return f"write the year with four digits: '{int(text):04d}' (or '{int(text)} BCE' before the year 1)"
    if _AMOUNT_RE.fullmatch(text):
        return f"write deep time as '{text} years ago'" if not text.lower().endswith(("year", "years")) \
            else f"write '{text} ago'"
    if text.lower() in ONGOING_WORDS:
        return "'present' can only be an end: write it as `end: present`"
    return f"write {DATE_FORMS}; e.g. 2025-06 for June 2025"


def parse_end(text: str) -> PartialDate | str:
    """An end: a date, or `present`/`ongoing` (returned as "present") for an event under way."""
    if text.strip().lower() in ONGOING_WORDS:
        return "present"
    return parse_partial_date(text)


def check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        hint = ("there is no year 0: write '1 BCE' for the year before 0001" if year == 0 else
                f"site-builder publishes years {MIN_YEAR:04d} to {MAX_YEAR}; check for a typo")
        raise DateError(f"'{text}' is outside the years {MIN_YEAR:04d} to {MAX_YEAR}", hint=hint)


def check_published_year(year: int, text: str) -> None:
    """A source was published in the years 1000 to 9998: its date reaches feeds and exports as a
    real moment in any zone, which Python's calendar holds only well inside its years 1 to 9999."""
    if not 1000 <= year <= 9998:
        raise DateError(f"'{text}' is outside the years 1000 to 9998",
                        hint="a source's publication date is when it was published; check for a typo")


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


