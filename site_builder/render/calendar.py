"""events.ics: the events as an iCalendar (RFC 5545) file, written by the `icalendar` library.

How dates become calendar entries (documented in the README, "Exports and feeds"):
- a day (or a range of days) is an all-day entry over exactly those days;
- a day with a time is a timed entry at that local time in the event's zone (VTIMEZONE included),
  with no end: the sources date a moment, not a duration;
- a month or a year (the day is not known) is an all-day entry spanning the whole period, marked
  transparent (it does not block time) and with the known precision in its title, e.g.
  "Istanbul direct talks (June 2025)", so no reader takes the first day for the date.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Iterable
from urllib.parse import urlsplit

import icalendar

from site_builder import __version__
from site_builder.model import Event
from site_builder.render.feeds import event_updated
from site_builder.render.pages import RenderContext

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
    host = urlsplit(site.config.base_url).hostname or "localhost"
    vevents = [_vevent(ctx, event, host) for event in site.events]
    # The zones' definitions come first, in order of name. (The library's add_missing_timezones
    # walks every property again and adds them in set order, which changed between runs.)
    zones = {vevent["dtstart"].params.get("TZID") for vevent in vevents} - {None, "UTC"}
    for zone in sorted(zones):
        cal.add_component(icalendar.Timezone.from_tzid(zone))
    for vevent in vevents:
        cal.add_component(vevent)
    yield CALENDAR_FILE, calendar_bytes(cal)


def calendar_bytes(cal: icalendar.Calendar) -> bytes:
    """The same bytes as `cal.to_ical()`: the library builds and escapes every content line, and
    the lines are folded here, because its per-character folding took most of the time of a big
    calendar (7 of 8.5 s for 10,000 events)."""
    return b"".join(fold_line(line.encode("utf-8")) + b"\r\n" for line in cal.content_lines() if line)


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


def _vevent(ctx: RenderContext, event: Event, host: str) -> icalendar.Event:
    when = event.when
    vevent = icalendar.Event()
    _add_typed(vevent, "uid", f"{event.id}@{host}")
    vevent.add("dtstamp", event_updated(ctx.site, event))
    instant = when.instant()
    title = event.title
    if instant and not when.end:
        vevent.add("dtstart", instant)
    else:
        last = (when.end or when.start).last_day()
        vevent.add("dtstart", when.start.first_day())
        vevent.add("dtend", last + timedelta(days=1))  # DTEND of an all-day entry is exclusive
        if when.start.precision != "day":
            title = f"{event.title} ({when.format()})"
            _add_typed(vevent, "transp", "TRANSPARENT")
    _add_typed(vevent, "summary", title)
    _add_typed(vevent, "description", _plain_description(ctx, event))
    if event.place:
        _add_typed(vevent, "location", event.place)
    _add_typed(vevent, "url", ctx.urls.absolute(ctx.urls.event(event)))
    _add_typed(vevent, "categories", [ctx.site.lanes_by_id[event.lane].label, *event.tags])
    return vevent


def _add_typed(vevent: icalendar.Event, name: str, value) -> None:
    """vevent.add(name, value) for a property whose type does not depend on the value (text, URI,
    categories): the value comes already in the library's type for that property, which spares
    `add` inferring it for every event (a third of its time). Dates still go through `add`."""
    vevent.add(name, _property_type(name)(value))


@lru_cache(maxsize=None)
def _property_type(name: str) -> type:
    return icalendar.Event.types_factory.for_property(name)


def _plain_description(ctx: RenderContext, event: Event) -> str:
    """Calendars show DESCRIPTION as plain text: the summary as written, then each quotation and its source."""
    lines = [f"Date: {event.when.format()}"]
    if event.summary:
        lines += ["", event.summary.strip()]
    for excerpt in event.excerpts:
        source = ctx.site.sources_by_id[excerpt.source_id]
        lines += ["", "“" + " […] ".join(excerpt.selector.quoted) + "”",
                  f"— {source.publisher}, {source.published.format(short=True)}: {source.title}",
                  ctx.urls.absolute(ctx.urls.excerpt(excerpt))]
    return "\n".join(lines)
