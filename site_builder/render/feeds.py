"""feed.xml: an Atom (RFC 4287) feed of the events, newest first, serialised with ElementTree. Its
times come from the content, never the clock, so readers do not see every rebuild as an update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, UTC
from collections.abc import Iterable
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from site_builder.model import Event, Site
from site_builder.model.dates import build_date
from site_builder.render.exports import event_texts
from site_builder.render.pages import RenderContext
from site_builder.render.i18n import language_of

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
FEED_SIZE = 50  # newest events in the feed; the full record is in events.json


def event_published(site: Site, event: Event) -> datetime:
    """The event's exact instant when known; else the last second of the day, month or year it is
    known to within (it certainly happened by then), as the site's own order has it, or the build date
    for an ongoing one. An event outside the feed's years (BCE, years ago, 9999) was published with
    its latest source."""
    instant = event.when.instant()
    if instant:
        return instant.astimezone(UTC)
    start = event.when.start
    if not (start.in_calendar() and start.year < 9999):
        return max((_source_published(site, x.source_id) for x in event.excerpts), default=_EARLIEST)
    zone = ZoneInfo(event.when.zone or site.config.timezone)
    known_by = datetime.combine(event.when.start.last_day(), time(23, 59, 59), zone).astimezone(UTC)
    if event.when.ongoing:  # under way at the build, so begun by then: never dated after the build
        return min(known_by, datetime.combine(build_date(), time(0), UTC))
    return known_by


_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # a draft without sources, in a preview


def event_updated(site: Site, event: Event) -> datetime:
    """The newest of the event's date and the publication of every source it quotes."""
    moments = [event_published(site, event)]
    moments += [_source_published(site, excerpt.source_id) for excerpt in event.excerpts]
    return max(moments)


def _source_published(site: Site, source_id: str) -> datetime:
    source = site.sources_by_id[source_id]
    if source.published_at:
        return source.published_at.astimezone(UTC)
    day = source.published.first_day()
    return datetime.combine(day, time(0), ZoneInfo(site.config.timezone)).astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    moment = moment.astimezone(UTC)  # (strftime's %Y writes the year 610 as "610")
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


def atom_feed(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site, urls = ctx.site, ctx.urls
    config = site.config
    events = list(reversed(site.events))[:FEED_SIZE]  # site.events is chronological
    texts = event_texts(ctx)
    entries = [_entry(ctx, event, texts(event)) for event in events]

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": config.language})
    _sub(feed, "id", urls.absolute(urls.home()))
    _sub(feed, "title", config.title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    _sub(feed, "updated", _rfc3339(max((entry.updated for entry in entries),
                                       default=datetime(1970, 1, 1, tzinfo=UTC))))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=urls.absolute(urls.page(FEED_FILE)))
    _sub(feed, "link", rel="alternate", type="text/html", href=urls.absolute(urls.home()))
    author = _sub(feed, "author")
    _sub(author, "name", config.title)
    _sub(author, "uri", urls.absolute(urls.home()))
    _sub(feed, "generator", "site-builder")

    for values in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", values.url)
        _sub(entry, "title", values.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=values.url)
        _sub(entry, "published", _rfc3339(values.published))
        _sub(entry, "updated", _rfc3339(values.updated))
        for term, label in values.categories:
            if label is None:
                _sub(entry, "category", term=term)
            else:
                _sub(entry, "category", term=term, label=label)
        # The HTML travels as escaped text (type="html"): ElementTree does the escaping.
        _sub(entry, "content", values.content, type="html")

    ET.indent(feed)
    yield FEED_FILE, ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


@dataclass(frozen=True)
class _Entry:
    url: str
    title: str
    published: datetime
    updated: datetime
    categories: tuple[tuple[str, str | None], ...]  # (term, label): the lane's, then the tags
    content: str  # HTML


def _entry(ctx: RenderContext, event: Event, content: str) -> _Entry:
    site, urls = ctx.site, ctx.urls
    lane = site.lanes_by_id[event.lane]
    return _Entry(urls.absolute(urls.event(event)), f"{language_of(ctx.env).when(event.when)}: {event.title}",
                  event_published(site, event), event_updated(site, event),
                  ((lane.id, lane.label), *((tag, None) for tag in event.tags)), content)


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element
