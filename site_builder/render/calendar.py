"""events.ics: the events as an iCalendar (RFC 5545) file, written by the `icalendar` library.

How dates become calendar entries (documented in the README, "Exports and feeds"):
- a day (or a range of days) is an all-day entry over exactly those days;
- a day with a time is a timed entry at that local time in the event's zone (VTIMEZONE included),
  with no end: the sources date a moment, not a duration;
- a month or a year (the day is not known) is an all-day entry spanning the whole period, marked
  transparent (it does not block time) and with the known precision in its title, e.g.
  "Istanbul direct talks (June 2025)", so no reader takes the first day for the date;
- an ongoing event is an all-day entry from its date to the build date, transparent, its title
  saying so ("since June 2025, ongoing");
- an event before the year 1 (BCE, years ago) or ending in 9999 is left out: iCalendar dates are
  the years 1 to 9999, and an all-day entry ends the day after its last.

The file is the bytes `Calendar.to_ical()` writes for the calendar holding every VEVENT, made
faster (tests/test_exports.py compares the two):
- each VEVENT's lines are made on their own and joined;
- the library still types and escapes every value (vText, vUri, vCategory, vDDDTypes), orders the
  properties (canonical order) and writes the VTIMEZONEs (from_tzid); what is skipped is its
  per-line bookkeeping: a value without parameters becomes "NAME:value" directly, and a date's
  line (DTSTART;TZID=...:...) is the library's own, kept per value;
- lines are folded here (the library's per-character folding took most of the time).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, UTC
from functools import lru_cache, cache
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import Contentline
from icalendar.parser_tools import to_unicode

from site_builder import __version__
from site_builder.model import Event
from site_builder.model.dates import When, build_date
from site_builder.render.feeds import event_updated
from site_builder.render.memo import keepable
from site_builder.render.pages import RenderContext
from site_builder.render.pieces import piece
from site_builder.render.i18n import Language, language_of, words

CALENDAR_FILE = "events.ics"


def events_ics(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site = ctx.site
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//site-builder//site-builder {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")  # a published calendar to subscribe to, not an invitation
    cal.add("x-wr-calname", site.config.title)
    if site.config.description:
        cal.add("x-wr-caldesc", site.config.description)
    vevents = [piece(ctx, _vevent, event)  # (folded lines, TZID of DTSTART)
               for event in site.events if fits_calendar(event.when)]
    # The calendar's lines: BEGIN, its properties, then the components (the zones' definitions
    # first, in order of name: the library's add_missing_timezones walks every property again and
    # adds them in set order, which changed between runs), then END.
    head = [line for line in cal.content_lines() if line]
    end = head.pop()
    zones = sorted({zone for _, zone in vevents} - {None, "UTC"})
    parts = [_fold_lines(head), *map(timezone_lines, zones), *(lines for lines, _ in vevents), _fold_lines([end])]
    yield CALENDAR_FILE, b"".join(parts)


@keepable
def _vevent(ctx: RenderContext, event: Event) -> tuple[bytes, str | None]:
    """vevent_lines of the event, for the site's host."""
    return vevent_lines(ctx, event, _host(ctx.site.config.base_url))


@lru_cache(maxsize=16)
def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def calendar_bytes(cal: icalendar.Calendar) -> bytes:
    """The same bytes as `cal.to_ical()`, folded here: the library's per-character folding is most
    of the time of a big calendar."""
    return _fold_lines(line for line in cal.content_lines() if line)


def _fold_lines(lines: Iterable[str]) -> bytes:
    return b"".join(fold_line(line.encode("utf-8")) + b"\r\n" for line in lines)


def fold_line(line: bytes, limit: int = 75) -> bytes:
    """RFC 5545 folding as icalendar does it: pieces of at most limit - 1 octets, never inside a
    UTF-8 character nor right after a backslash or caret (an escape stays whole), joined by CRLF
    and a space."""
    if len(line) < limit:
        return line
    pieces, start = [], 0
    while len(line) - start >= limit:
        cut = start + limit - 1
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: the character started before
            cut -= 1
        if cut - start > 1 and line[cut - 1] in b"\\^":
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


@lru_cache(maxsize=64)
def timezone_lines(tzid: str) -> bytes:
    """The zone's VTIMEZONE as the library writes it (from_tzid is slow and its docs say to cache
    it; the zone database does not change while the program runs)."""
    return calendar_bytes(icalendar.Timezone.from_tzid(tzid))


def fits_calendar(when: When) -> bool:
    """Whether iCalendar can hold the event: its days from the year 1 to the day before 9999 ends."""
    return when.start.in_calendar() and (when.end or when.start).year < 9999


def vevent_properties(ctx: RenderContext, event: Event, host: str) -> list[tuple[str, object]]:
    """The VEVENT's properties as (name, value) for `icalendar.Event.add`, in the order added."""
    when = event.when
    props: list[tuple[str, object]] = [("uid", f"{event.id}@{host}"), ("dtstamp", event_updated(ctx.site, event))]
    instant = when.instant()
    title = event.title
    if instant and not when.end and not when.ongoing:
        props.append(("dtstart", instant))
    else:
        last = (when.end or when.start).last_day()
        if when.ongoing:  # runs to the build date, not to the end of the month or year it began in
            last = max(when.start.first_day(), build_date())
        props.append(("dtstart", when.start.first_day()))
        props.append(("dtend", last + timedelta(days=1)))  # DTEND of an all-day entry is exclusive
        if when.start.precision != "day" or when.ongoing:
            title = f"{event.title} ({language_of(ctx.env).when(when)})"
            props.append(("transp", "TRANSPARENT"))
    props.append(("summary", title))
    props.append(("description", _plain_description(ctx, event)))
    if event.place:
        props.append(("location", event.place))
    props.append(("url", ctx.urls.absolute(ctx.urls.event(event))))
    props.append(("categories", [ctx.site.lanes_by_id[event.lane].label, *event.tags]))
    return props


def vevent_lines(ctx: RenderContext, event: Event, host: str) -> tuple[bytes, str | None]:
    """The event's VEVENT, folded, as `Calendar.to_ical()` writes it, and the TZID of its DTSTART."""
    lines: dict[str, str] = {}
    zone = None
    for name, value in vevent_properties(ctx, event, host):
        if name == "dtstamp" and type(value) is datetime and value.tzinfo is UTC:
            lines["DTSTAMP"] = _utc_stamp_line(value)  # (a different moment for nearly every event)
        elif name in _DATES:
            lines[name.upper()], tzid = _date_line(name, value, type(value), getattr(value, "tzinfo", None))
            if name == "dtstart":
                zone = tzid
        elif name == "categories":
            lines["CATEGORIES"] = _categories_line(tuple(value))
        elif name in _REPEATED:
            lines[name.upper()] = _repeated_line(name, value)
        else:
            lines[name.upper()] = _typed_line(name, value)
    order = _property_order(tuple(lines))
    return _fold_lines([_BEGIN, *(lines[name] for name in order), _END]), zone


_DATES = frozenset({"dtstamp", "dtstart", "dtend"})
_REPEATED = frozenset({"location", "transp"})  # values many events share
_BEGIN, _END = (line for line in icalendar.Event().content_lines() if line)  # BEGIN:VEVENT, END:VEVENT


def _typed_line(name: str, value) -> str:
    """The content line of a property whose type does not depend on the value, as `add` then
    `to_ical` write it. Text and URIs are escaped here without the library's value objects, but for
    a value starting with a byte order mark (the library's decoding drops it)."""
    kind = _property_type(name)
    if type(value) is str and not value.startswith("\ufeff"):
        if kind is icalendar.vText:
            return f"{name.upper()}:{text_escape(value)}"
        if kind is icalendar.vUri and "\r" not in value and "\n" not in value:  # (the library refuses those)
            return f"{name.upper()}:{value}"
    typed = kind(value)
    if typed.params:
        return Contentline.from_parts(name.upper(), typed.params, typed)
    return f"{name.upper()}:{to_unicode(typed.to_ical())}"


@lru_cache(maxsize=4096)
def _repeated_line(name: str, value: str) -> str:
    return _typed_line(name, value)


def _categories_line(items: tuple[str, ...]) -> str:
    """`_typed_line("categories", items)`: vCategory joins its items' vText values with commas;
    each item's (a lane, a tag: few distinct) is escaped once."""
    return "CATEGORIES:" + to_unicode(b",".join([_text_bytes(item) for item in items]))


@lru_cache(maxsize=4096)
def _text_bytes(text: str) -> bytes:
    return icalendar.vText(text).to_ical()


def text_escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar's vText does it (in the same order)."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _utc_stamp_line(moment: datetime) -> str:
    """DTSTAMP's line as the library writes a UTC datetime (vDatetime.to_ical)."""
    return (f"DTSTAMP:{moment.year:04}{moment.month:02}{moment.day:02}"
            f"T{moment.hour:02}{moment.minute:02}{moment.second:02}Z")


@cache
def _property_type(name: str) -> type:
    return icalendar.Event.types_factory.for_property(name)


def _date_line(name: str, value, kind: type, tzinfo) -> tuple[str, str | None]:
    """The line `add(name, value)` makes (DTSTART;VALUE=DATE:20250815, ...) and its TZID. The part
    before the value depends only on the property, the value's type and its zone: the library makes
    the first line of each such shape, the next ones reuse it (_date_shape says which cannot)."""
    key = (name, kind, tzinfo)
    shape = _date_shapes.get(key, _UNKNOWN)
    if shape is _UNKNOWN:
        shape = _date_shapes[key] = _date_shape(name, value, kind, tzinfo)
    if shape is None:
        return _library_date_line(name, value, kind, tzinfo)
    return shape[0] + _date_text(value, kind, shape[2]), shape[1]


_AS_GIVEN = frozenset({"dtstart", "dtend"})  # written as given (Component.add makes DTSTAMP, CREATED... UTC)
_UNKNOWN = object()
# (name, type, zone) -> (line up to the value, TZID, UTC), or None
_date_shapes: dict[tuple, tuple[str, str | None, bool] | None] = {}


def _date_shape(name: str, value, kind: type, tzinfo) -> tuple[str, str | None, bool] | None:
    """(line up to the value, TZID, written in UTC); None, the library's way every time, for a property
    it may convert to UTC (DTSTAMP: vevent_lines writes UTC ones itself), a zone whose name may depend
    on the date (not ZoneInfo nor a fixed offset), or a line not ending with the value as written here."""
    if name not in _AS_GIVEN or kind not in (date, datetime):
        return None
    if not (tzinfo is None or type(tzinfo) in (timezone, ZoneInfo)):
        return None
    line, tzid = _library_date_line(name, value, kind, tzinfo)
    for utc in (False, True):
        text = _date_text(value, kind, utc)
        if line.endswith(":" + text):
            return line[:-len(text)], tzid, utc
    return None


def _date_text(value, kind: type, utc: bool) -> str:
    """vDate.to_ical and vDatetime.to_ical, as text."""
    if kind is date:
        return f"{value.year:04}{value.month:02}{value.day:02}"
    return (f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"
            + ("Z" if utc else ""))


@lru_cache(maxsize=16384)
def _library_date_line(name: str, value, kind: type, tzinfo) -> tuple[str, str | None]:
    """The line and TZID the library makes for the value. The type and zone are part of the key:
    aware datetimes at the same instant compare equal whatever their zone."""
    vevent = icalendar.Event()
    vevent.add(name, value)
    typed = vevent[name]
    return Contentline.from_parts(name.upper(), typed.params, typed), typed.params.get("TZID")


@lru_cache(maxsize=64)
def _property_order(names: tuple[str, ...]) -> list[str]:
    """The order `to_ical` writes a VEVENT's properties in: its canonical order, then by name."""
    return canonsort_keys(names, icalendar.Event.canonical_order)


def _plain_description(ctx: RenderContext, event: Event) -> str:
    """Calendars show DESCRIPTION as plain text: the summary as written, then each quotation and its source."""
    language = language_of(ctx.env)
    lines = [words(ctx.env).gettext("Date: %(date)s") % {"date": language.when(event.when)}]
    if event.summary:
        lines += ["", event.summary.strip()]
    for excerpt in event.excerpts:
        source = ctx.site.sources_by_id[excerpt.source_id]
        lines += ["", quoted_text(language, excerpt.selector.quoted),
                  f"— {source.publisher}, {language.date(source.published, short=True)}: {source.title}",
                  ctx.urls.absolute(ctx.urls.excerpt(excerpt))]
    return "\n".join(lines)


def quoted_text(language: Language, parts: tuple[str, ...]) -> str:
    """`language.quoted(parts)` as plain text, as its unescape() gives it: the parts as written
    inside the language's marks, without making the HTML and reading it back."""
    start, end = language.quote_marks(parts)
    return start + " […] ".join(parts) + end
