"""Data exports: events.json (our full data, versioned schema), events.csv, timeline.json (TimelineJS3).

Everything is serialised with json/csv from dicts built off the model: no text is ever pasted
into a format by hand. Event text shown by other tools (TimelineJS renders HTML) comes from
the theme template exports/event_text.html, autoescaped like every page.

Each event's record or slide is serialised on its own and the file joined from them: the same
bytes as serialising the whole (compact JSON is the items joined by commas), without holding
every record's dicts at once (their many objects set off the collector again and again).
"""

from __future__ import annotations

import csv
import html
import json
import threading
from collections.abc import Callable, Iterable

from site_builder import __version__
from site_builder.model import Event, Excerpt, Source
from site_builder.render.memo import keepable
from site_builder.render.pages import RenderContext
from site_builder.render.pieces import piece

SCHEMA_VERSION = 2  # 2: years before 0001 (ISO 8601 expanded), "ongoing"
SCHEMA_FILE = "events.schema.json"
EVENT_TEXT_TEMPLATE = "exports/event_text.html"

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def event_texts(ctx: RenderContext) -> Callable[[Event, bool], str]:
    """text(event, dated=True): the event's summary and quotations as an HTML fragment with absolute
    links (feeds, TimelineJS), without its date when the reader shows it itself (a TimelineJS slide).
    The template is looked up once for all the events."""
    template = ctx.env.get_template(EVENT_TEXT_TEMPLATE)
    render, site, urls = template.render, ctx.site, ctx.urls
    config = site.config

    def text(event: Event, dated: bool = True) -> str:
        return render(site=site, config=config, urls=urls, event=event, dated=dated).strip()
    return text


def _json_text(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_with_lists(data: dict, lists: dict[str, list[bytes]]) -> bytes:
    """_json_bytes(data) where data[key] is the list of the items serialised in lists[key]: the
    keys in data's order, each value serialised, the lists' items joined by commas in one join."""
    parts = [b"{"]
    for n, (key, value) in enumerate(data.items()):
        name = (b"," if n else b"") + _json_text(key).encode("utf-8") + b":"
        if key in lists:
            items = lists[key]
            parts.append(name + b"[")
            if items:
                separated = [b","] * (2 * len(items) - 1)
                separated[::2] = items
                parts += separated
            parts.append(b"]")
        else:
            parts.append(name + _json_text(value).encode("utf-8"))
    parts.append(b"}\n")
    return b"".join(parts)


def _json_bytes(data, readable: bool = False) -> bytes:
    """Compact JSON for the data files (with `indent`, json falls back to its much slower pure-Python
    encoder); `readable` for a file people read."""
    if readable:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


# --- events.json --------------------------------------------------------------------------------

def events_json(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site, urls = ctx.site, ctx.urls
    config = site.config
    data = {
        "$schema": urls.absolute(urls.page(SCHEMA_FILE)),
        "schema_version": SCHEMA_VERSION,
        "generator": f"site-builder {__version__}",
        "site": {"title": config.title, "description": config.description,
                 "url": config.base_url, "language": config.language, "timezone": config.timezone},
        "lanes": [{"id": lane.id, "label": lane.label, "color": lane.color} for lane in config.lanes],
        "events": None,
        "sources": None,
    }
    events = [piece(ctx, _event_record_json, event) for event in site.events]
    sources = [_source_record_json(ctx, source) for source in site.sources]
    yield "events.json", _json_with_lists(data, {"events": events, "sources": sources})
    yield SCHEMA_FILE, _json_bytes(EVENTS_SCHEMA, readable=True)  # read by people writing readers


@keepable
def _event_record_json(ctx: RenderContext, event: Event) -> bytes:
    return _json_text(_event_record(ctx, event)).encode("utf-8")


def _source_record_json(ctx: RenderContext, source: Source) -> bytes:
    return _json_text(_source_record(ctx, source)).encode("utf-8")


def _event_record(ctx: RenderContext, event: Event) -> dict:
    when = event.when
    instant = when.instant()
    return {
        "id": event.id,
        "url": ctx.urls.absolute(ctx.urls.event(event)),
        "title": event.title,
        "date": {
            "start": when.start.iso(),
            "end": when.end.iso() if when.end else None,
            "ongoing": when.ongoing,
            "precision": when.start.precision,
            "time": when.time.strftime("%H:%M") if when.time else None,
            "timezone": when.zone,
            "instant": instant.isoformat() if instant else None,
            "display": when.format(),
        },
        "place": event.place,
        "lane": event.lane,
        "actors": list(event.actors),
        "tags": list(event.tags),
        "summary": event.summary,
        "related": list(event.related),
        "draft": event.draft,
        "excerpts": [_excerpt_record(ctx, x) for x in event.excerpts],
    }


def _excerpt_record(ctx: RenderContext, excerpt: Excerpt) -> dict:
    sel = excerpt.selector
    return {
        "number": excerpt.number,
        "source": excerpt.source_id,
        "quote": excerpt.quote,
        "note": excerpt.note,
        "url": ctx.urls.absolute(ctx.urls.excerpt(excerpt)),
        "original_url": ctx.urls.original(excerpt),
        "start": sel.start,
        "end": sel.end,
        "parts": [{"start": s, "end": e, "text": text} for (s, e), text in zip(sel.parts, sel.quoted)],
        "line": sel.line,
        # W3C Web Annotation selector, so annotation tools can anchor the quote in the source text.
        "selector": {"type": "TextQuoteSelector", "exact": sel.exact, "prefix": sel.prefix, "suffix": sel.suffix},
    }


def _source_record(ctx: RenderContext, source: Source) -> dict:
    return {
        "id": source.id,
        "url": ctx.urls.absolute(ctx.urls.source(source.id)),
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.iso(),
        "published_at": source.published_at.isoformat() if source.published_at else None,
        "original_url": source.url,
        "language": source.language,
        "author": source.author,
        "format": source.format,  # how `text` reads: "markdown" (offsets count its markup) or "text"
        "text": source.text,
    }


_NULLABLE_STRING = {"type": ["string", "null"]}
# ISO 8601, with expanded years before 0000: "-0043-03-15" is March 15, 44 BCE (astronomical year
# -43); a date written "66 million years ago" is its astronomical year counted from 1950 (radiocarbon's
# "Before Present"), "-65998050"; its display says "66 million years ago".
_PARTIAL_DATE = {"type": "string", "pattern": r"^(\d{4}|-\d{4,})(-\d{2}(-\d{2})?)?$"}

# The published contract of events.json. Raise SCHEMA_VERSION on any change that could break a reader.
EVENTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "site-builder events.json",
    "description": "A sourced timeline: events, each quoting archived sources at verified positions.",
    "type": "object",
    "required": ["schema_version", "site", "lanes", "events", "sources"],
    "properties": {
        "$schema": {"type": "string"},
        "schema_version": {"const": SCHEMA_VERSION},
        "generator": {"type": "string"},
        "site": {
            "type": "object",
            "required": ["title", "url", "language", "timezone"],
            "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                           "url": {"type": "string", "format": "uri"}, "language": {"type": "string"},
                           "timezone": {"type": "string"}},
        },
        "lanes": {"type": "array", "items": {
            "type": "object", "required": ["id", "label", "color"],
            "properties": {"id": {"type": "string"}, "label": {"type": "string"}, "color": {"type": "string"}}}},
        "events": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "url", "title", "date", "lane", "actors", "tags", "summary", "excerpts"],
            "properties": {
                "id": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "date": {
                    "type": "object",
                    "required": ["start", "end", "ongoing", "precision", "time", "timezone", "instant",
                                 "display"],
                    "properties": {
                        "start": _PARTIAL_DATE,
                        "end": {"anyOf": [_PARTIAL_DATE, {"type": "null"}]},
                        "ongoing": {"type": "boolean", "description": "still under way: end is null"},
                        "precision": {"enum": ["year", "month", "day"]},
                        "time": {"type": ["string", "null"], "pattern": r"^\d{2}:\d{2}$"},
                        "timezone": _NULLABLE_STRING,
                        "instant": {"type": ["string", "null"], "format": "date-time"},
                        "display": {"type": "string"},
                    },
                },
                "place": _NULLABLE_STRING,
                "lane": {"type": "string"},
                "actors": {"type": "array", "items": {"type": "string"}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "summary": {"type": "string", "description": "Markdown"},
                "related": {"type": "array", "items": {"type": "string"}},
                "draft": {"type": "boolean"},
                "excerpts": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "required": ["number", "source", "quote", "url", "start", "end", "parts", "selector"],
                    "properties": {
                        "number": {"type": "integer", "minimum": 1},
                        "source": {"type": "string"},
                        "quote": {"type": "string"},
                        "note": _NULLABLE_STRING,
                        "url": {"type": "string", "format": "uri"},
                        "original_url": _NULLABLE_STRING,
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                        "parts": {"type": "array", "minItems": 1, "items": {
                            "type": "object", "required": ["start", "end", "text"],
                            "properties": {"start": {"type": "integer"}, "end": {"type": "integer"},
                                           "text": {"type": "string"}}}},
                        "line": {"type": "integer", "minimum": 1},
                        "selector": {"type": "object", "required": ["type", "exact", "prefix", "suffix"],
                                     "properties": {"type": {"const": "TextQuoteSelector"}}},
                    },
                }},
            },
        }},
        "sources": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "url", "title", "publisher", "published", "language", "text"],
            "properties": {
                "id": {"type": "string"}, "url": {"type": "string", "format": "uri"},
                "title": {"type": "string"}, "publisher": {"type": "string"},
                "published": _PARTIAL_DATE, "published_at": {"type": ["string", "null"], "format": "date-time"},
                "original_url": _NULLABLE_STRING, "language": {"type": "string"},
                "author": _NULLABLE_STRING, "text": {"type": "string"},
                "format": {"enum": ["text", "markdown"]},
            },
        }},
    },
}


# --- events.csv ---------------------------------------------------------------------------------

CSV_COLUMNS = ["id", "start", "end", "precision", "time", "timezone", "date", "title", "place", "lane",
               "actors", "tags", "summary", "sources", "excerpts", "url"]


def spreadsheet_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula: a leading apostrophe makes it text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def events_csv(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    rows = [piece(ctx, _csv_row, event) for event in ctx.site.events]
    # The byte order mark tells Excel the file is UTF-8 (it guesses a legacy code page otherwise).
    yield "events.csv", "\ufeff".encode("utf-8") + _csv_line(CSV_COLUMNS) + b"".join(rows)


def _csv_line(cells: list[str]) -> bytes:
    """One CSV record, RFC 4180 (a writer writes each row with one call of write)."""
    line = _CSV_LINE.__dict__.get("writer")
    if line is None:
        line = _CSV_LINE.writer = _CsvLine()
    return line.row(cells)


class _CsvLine:
    def __init__(self) -> None:
        self.text = ""
        self._writer = csv.writer(self, lineterminator="\r\n")

    def write(self, text: str) -> None:
        self.text = text

    def row(self, cells: list[str]) -> bytes:
        self._writer.writerow(cells)
        return self.text.encode("utf-8")


_CSV_LINE = threading.local()


@keepable
def _csv_row(ctx: RenderContext, event: Event) -> bytes:
    when = event.when
    row = [
        event.id, when.start.iso(), when.end.iso() if when.end else "present" if when.ongoing else "",
        when.start.precision,
        when.time.strftime("%H:%M") if when.time else "", when.zone or "", when.format(), event.title,
        event.place or "", ctx.site.lanes_by_id[event.lane].label, "; ".join(event.actors),
        "; ".join(event.tags), event.summary,
        "; ".join(dict.fromkeys(x.source_id for x in event.excerpts)), str(len(event.excerpts)),
        ctx.urls.absolute(ctx.urls.event(event)),
    ]
    return _csv_line([spreadsheet_safe(cell) for cell in row])


# --- timeline.json (TimelineJS3) ----------------------------------------------------------------

def timelinejs_json(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site = ctx.site
    config = site.config
    data = {
        "title": {"text": {"headline": _text(config.title), "text": _text(config.description)},
                  "unique_id": "title"},
        "events": None,
    }
    eras = [{"start_date": _timelinejs_date(era.start), "end_date": _timelinejs_date(era.end),
             "text": {"headline": _text(era.label)}} for era in getattr(config, "eras", ())]
    if eras:
        data["eras"] = eras
    slides = [piece(ctx, _timelinejs_slide, event) for event in site.events]
    yield "timeline.json", _json_with_lists(data, {"events": slides})


@keepable
def _timelinejs_slide(ctx: RenderContext, event: Event) -> bytes:
    """The event's slide, serialised (the slide's text template and the lanes' labels looked up
    once for all the slides)."""
    texts = ctx.memo.value(event_texts, ctx)
    lanes = ctx.memo.value(_timelinejs_lanes, ctx.site.config)
    return _json_text(_timelinejs_event(ctx, event, texts, lanes)).encode("utf-8")


def _timelinejs_lanes(config) -> dict[str, str]:
    return {lane.id: _text(lane.label) for lane in config.lanes}


def _timelinejs_event(ctx: RenderContext, event: Event, texts: Callable[[Event, bool], str],
                      lanes: dict[str, str]) -> dict:
    when = event.when
    start = _timelinejs_date(when.start)
    if when.time:  # local time at the event's zone; TimelineJS has no zones, the display date says which
        start["hour"] = str(when.time.hour)
        start["minute"] = str(when.time.minute)
    item = {
        "unique_id": event.id,
        "start_date": start,
        "text": {"headline": _text(event.title), "text": texts(event, False)},
        "group": lanes[event.lane],
    }
    media = getattr(event, "media", ())  # TimelineJS shows one medium a slide: the first
    if media:
        item["media"] = _timelinejs_media(ctx, media[0])
    if when.end and when.end != when.start:
        item["end_date"] = _timelinejs_date(when.end)
    # TimelineJS would print "June 1, 2025" for a bare month; say exactly what we know instead.
    if when.display or when.start.precision != "day" or when.time or item.get("end_date") or when.ongoing \
            or when.start.year < 1:
        item["display_date"] = _text(when.format())
    return item


def _timelinejs_media(ctx: RenderContext, media) -> dict:
    """A media entry as TimelineJS's media object; a local file by its absolute URL as written
    (media/x.jpg), which the media renderer must publish too (TimelineJS resizes it itself)."""
    src = media.src
    if not src.startswith(("http://", "https://")):
        src = ctx.urls.absolute(ctx.urls.page(src))
    item = {"url": src}
    for key in ("caption", "credit", "alt", "link"):
        if getattr(media, key, None):
            value = getattr(media, key)
            item[key] = _text(value) if key in ("caption", "credit") else value
    return item


def _text(value: str) -> str:
    """Plain text as TimelineJS needs it: it sets headlines, groups, dates, captions and credits
    as innerHTML, so a title "<img src=...>" would load (alt and link are attributes: left as is)."""
    return html.escape(value, quote=False)


def _timelinejs_date(date) -> dict:
    # TimelineJS writes 44 BCE as -44 (its label on the absolute year); ours is astronomical (-43).
    # "N years ago" is -N there (its cosmology example's -13800000000), which the importer reads back.
    if getattr(date, "years_ago", False):
        year = -date.years_before_present()
    else:
        year = date.year if date.year >= 1 else date.year - 1
    parts = {"year": str(year)}
    if date.month:
        parts["month"] = str(date.month)
    if date.day:
        parts["day"] = str(date.day)
    if date.precision != "day":
        parts["display_date"] = _text(date.format())
    return parts
