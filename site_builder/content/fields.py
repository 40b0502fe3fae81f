"""Field definitions of every content file, and the one reader that checks them: the same
definitions drive loading, the error hints and the JSON Schema editors get."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from site_builder.content import dates
from site_builder.content.yamlsafe import _NULLS, KIND_NAMES, Mapping, Node, Scalar, Sequence
from site_builder.errors import Location, Report
from site_builder.slugs import id_hint, is_slug

INVALID = object()  # a value that failed its check (the error is already reported)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    help: str
    required: bool = False
    fields: tuple[Field, ...] = ()  # for kind "records"
    min_items: int = 0
    unless: str | None = None  # a bool field that, when true, waives required and min_items


@dataclass
class Record:
    """A mapping whose fields passed their checks; locs says where each value was written."""

    values: dict[str, Any]
    locs: dict[str, Location]
    loc: Location

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def loc_of(self, name: str) -> Location:
        return self.locs.get(name, self.loc)


EXCERPT_FIELDS = (
    Field("source", "id", "Id of the archived source under content/sources/.", required=True),
    Field("quote", "text", "The words exactly as the source has them; `...` or `[...]` marks an elision.",
          required=True),
    Field("note", "text", "Optional editor's note shown with the excerpt."),
)

MEDIA_FIELDS = (
    Field("kind", "line", "image, video or link.", required=True),
    Field("src", "line", "A file under content/media/ (media/photo.jpg) or an http(s) address.", required=True),
    Field("alt", "text", "What the image shows, for readers who cannot see it (required for images)."),
    Field("caption", "text", "Shown under the figure; Markdown inline."),
    Field("credit", "line", "Who made it, e.g. AP Photo / Jane Doe."),
    Field("link", "url", "Where the original is, http(s) only."),
    Field("poster", "line", "A video's still image under content/media/, shown until it is played."),
)

EVENT_FIELDS = (
    Field("id", "id", "Permanent id used in the event's URL; defaults to the file name."),
    Field("title", "line", "Neutral headline of the event.", required=True),
    Field("short_title", "line", "A few words for the event's label on the chart; defaults to the title, cut short."),
    Field("date", "date", "YYYY, YYYY-MM or YYYY-MM-DD, '44 BCE' or '66 million years ago': as precise "
          "as the sources support.", required=True),
    Field("end", "end", "When a long event ended, in any form date takes; or 'present' while it is ongoing."),
    Field("display_date", "line", "Overrides how the date is shown, e.g. 'Mid-June 2025'."),
    Field("time", "time", "Local start time, HH:MM on a 24-hour clock (needs a full date)."),
    Field("timezone", "timezone", "IANA zone of the place, e.g. America/Anchorage; defaults to the site's."),
    Field("place", "line", "Where it happened."),
    Field("lane", "id", "Lane (row of the timeline) from site.yaml; defaults to the first lane."),
    Field("actors", "lines", "People or bodies involved."),
    Field("tags", "lines", "Topics for filtering."),
    Field("summary", "text", "Markdown summary in neutral wording; claims belong to who made them."),
    Field("excerpts", "records", "Verbatim quotes from archived sources backing the event "
          "(a draft may have none yet).", required=True, fields=EXCERPT_FIELDS, min_items=1, unless="draft"),
    Field("media", "records", "Images, videos and links shown with the event.", fields=MEDIA_FIELDS),
    Field("related", "ids", "Ids of related events."),
    Field("order", "int", "Orders events that share a date: lower first (default 0)."),
    Field("draft", "bool", "true keeps the event out of the published build."),
)

SOURCE_FIELDS = (
    Field("id", "id", "Permanent id; defaults to the file name.", required=False),
    Field("title", "line", "Headline of the archived article.", required=True),
    Field("title_supplied", "bool", "true when the editor wrote the title because the article has no headline."),
    Field("publisher", "line", "Who published it.", required=True),
    Field("published", "datetime", "Publication date (YYYY-MM-DD) or date and time with offset.", required=True),
    Field("url", "url", "Address of the original, http(s) only."),
    Field("language", "line", "Language of the text, e.g. en."),
    Field("author", "line", "Author, when known."),
    Field("format", "line", "How the text is read: text (default, exactly as written) or markdown "
          "(a clipped page: quotes match the words without the markup)."),
)

LANE_FIELDS = (
    Field("id", "id", "Lane id used by events.", required=True),
    Field("label", "line", "Label shown to readers.", required=True),
    Field("color", "color", "Colour as #rrggbb.", required=True),
)

ERA_FIELDS = (
    Field("label", "line", "Name of the era, shown on its band and in the list.", required=True),
    Field("start", "date", "First day of the era, in any form an event's date takes.", required=True),
    Field("end", "end", "Last day of the era, in any form an event's date takes; or 'present' (the build's day).",
          required=True),
    Field("color", "color", "Colour of its band as #rrggbb; a default palette otherwise."),
)

SITE_FIELDS = (
    Field("title", "line", "Site title.", required=True),
    Field("description", "text", "One or two sentences for the home page and search engines."),
    Field("base_url", "url", "Absolute address the site is published at, e.g. https://example.org/timeline/."),
    Field("language", "line", "Language of the site, e.g. en."),
    Field("timezone", "timezone", "Default IANA zone for event times."),
    Field("theme", "id", "Theme folder under themes/ (default: default)."),
    Field("lanes", "records", "Ordered rows of the timeline.", fields=LANE_FIELDS, min_items=1),
    Field("web_editor", "id", "Publish the web editor at /admin/ with this backend: git-gateway or github."),
    Field("web_editor_repo", "line", "The GitHub repository the github backend edits, as owner/name."),
    Field("web_editor_branch", "line", "The branch the web editor commits to (default: main)."),
    Field("strings", "strings", "Interface strings worded your way, by their English text: \"Search\": Find."),
    Field("eras", "records", "Named stretches of time, drawn as bands behind the chart.", fields=ERA_FIELDS),
    Field("start_at", "line", "Where the home page opens: first (default), latest, or a date (YYYY, YYYY-MM, "
          "YYYY-MM-DD)."),
)


def read_record(node: Node | None, fields: tuple[Field, ...], report: Report, what: str) -> Record | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        report.at(node.loc, f"{what} must be {KIND_NAMES[Mapping]}, not {KIND_NAMES[type(node)]}",
                  hint="write one `name: value` per line")
        return None
    known = _known(fields)
    values: dict[str, Any] = {}
    locs: dict[str, Location] = {}
    record = Record(values, locs, node.loc)
    for key, (key_loc, value) in node.items.items():
        entry = known.get(key)
        if entry is None:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            report.at(key_loc, f"unknown field '{key}' in {what}", hint)
            continue
        if value.__class__ is Scalar and value.plain and value.text in _NULLS:  # value.is_null
            continue
        spec, convert = entry
        converted = convert(value, spec, report)
        if converted is not INVALID:
            values[key] = converted
            locs[key] = value.loc
    for spec in fields:
        if spec.unless and record.values.get(spec.unless) is True:
            continue
        if spec.required and spec.name not in record.values and not _reported_at(report, node, spec):
            report.at(node.loc, f"{what} is missing the required field '{spec.name}'", hint=spec.help)
        elif spec.unless and spec.min_items and len(record.values.get(spec.name, ())) < spec.min_items:
            hint = f"{spec.help} Or mark the event `{spec.unless}: true` until it has one."
            report.at(record.loc_of(spec.name), f"'{spec.name}' needs at least {spec.min_items} item(s)", hint)
    return record


_KNOWN: dict[int, tuple[tuple[Field, ...], dict]] = {}


def _known(fields: tuple[Field, ...]) -> dict[str, tuple[Field, Callable]]:
    """Each field by name, with its converter: worked out once per tuple of fields (held by the
    cache, so that its id stays its own), not for every record read."""
    hit = _KNOWN.get(id(fields))
    if hit is None or hit[0] is not fields:
        hit = _KNOWN[id(fields)] = (fields, {f.name: (f, CONVERTERS[f.kind]) for f in fields})
    return hit[1]


def _reported_at(report: Report, node: Mapping, spec: Field) -> bool:
    """A required field that was written but invalid already has its own error."""
    entry = node.items.get(spec.name)
    return entry is not None and not (isinstance(entry[1], Scalar) and entry[1].is_null)


def _scalar(node: Node, spec: Field, report: Report) -> str | object:
    if not isinstance(node, Scalar):
        report.at(node.loc, f"'{spec.name}' must be {KIND_NAMES[Scalar]}, not {KIND_NAMES[type(node)]}",
                  hint=spec.help)
        return INVALID
    return node.text


def _text(node, spec, report):
    text = _scalar(node, spec, report)
    if text is INVALID:
        return INVALID
    if not text.strip():
        report.at(node.loc, f"'{spec.name}' is empty", hint=spec.help)
        return INVALID
    return text


def _line(node, spec, report):
    text = _text(node, spec, report)
    if text is INVALID:
        return INVALID
    return " ".join(text.split())


def _id(node, spec, report):
    text = _text(node, spec, report)
    if text is INVALID:
        return INVALID
    if not is_slug(text):
        shown = text.replace("\n", "\\n").replace("\t", "\\t")  # a trailing newline, made visible
        report.at(node.loc, f"'{shown}' is not a valid id", hint=id_hint(text))
        return INVALID
    return text


def _list(convert: Callable) -> Callable:
    def read(node, spec, report):
        items = [node] if isinstance(node, Scalar) else node.items if isinstance(node, Sequence) else None
        if items is None:
            report.at(node.loc, f"'{spec.name}' must be a list", hint=spec.help)
            return INVALID
        values = [convert(item, spec, report) for item in items]
        return INVALID if INVALID in values else tuple(values)
    return read


def _records(node, spec, report):
    if not isinstance(node, Sequence):
        report.at(node.loc, f"'{spec.name}' must be a list, each item starting with '- '", hint=spec.help)
        return INVALID
    if len(node.items) < spec.min_items and not spec.unless:  # with `unless`, read_record decides
        report.at(node.loc, f"'{spec.name}' needs at least {spec.min_items} item(s)", hint=spec.help)
        return INVALID
    records = [read_record(item, spec.fields, report, f"each item of '{spec.name}'") for item in node.items]
    return tuple(r for r in records if r is not None)


def _strings(node, spec, report):
    """A mapping of text to text: (key, value, line, column) for each entry."""
    if not isinstance(node, Mapping):
        report.at(node.loc, f"'{spec.name}' must be {KIND_NAMES[Mapping]}, not {KIND_NAMES[type(node)]}",
                  hint="write one `\"English text\": your text` per line")
        return INVALID
    entries = []
    for key, (key_loc, value) in node.items.items():
        text = _text(value, Field(key, "text", spec.help), report)
        if text is not INVALID:
            entries.append((key, text, key_loc.line, key_loc.column))
    return tuple(entries)


def _parsed(parse: Callable) -> Callable:
    def read(node, spec, report):
        text = _text(node, spec, report)
        if text is INVALID:
            return INVALID
        try:
            return parse(text.strip())
        except dates.DateError as exc:
            report.at(node.loc, str(exc), exc.hint or spec.help)
            return INVALID
    return read


def _timezone_name(text: str) -> str:
    dates.parse_timezone(text)
    return text


def _bool(node, spec, report):
    text = _scalar(node, spec, report)
    if text is INVALID:
        return INVALID
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    report.at(node.loc, f"'{spec.name}' must be true or false, not '{text}'")
    return INVALID


def _int(node, spec, report):
    text = _scalar(node, spec, report)
    if text is INVALID:
        return INVALID
    if not re.fullmatch(r"-?[0-9]{1,6}", text.strip()):
        report.at(node.loc, f"'{spec.name}' must be a whole number, not '{text}'")
        return INVALID
    return int(text)


def _url(node, spec, report):
    text = _text(node, spec, report)
    if text is INVALID:
        return INVALID
    text = text.strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        report.at(node.loc, f"'{text}' is not an http(s) address",
                  hint="only http:// and https:// links are published")
        return INVALID
    return text


def _color(node, spec, report):
    text = _text(node, spec, report)
    if text is INVALID:
        return INVALID
    if not re.match(r"^#[0-9a-fA-F]{6}$", text.strip()):
        report.at(node.loc, f"'{text}' is not a colour", hint="write #rrggbb, e.g. #1f6feb")
        return INVALID
    return text.strip().lower()


_PUBLISHED_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
                           r"(?:Z|[+-][0-9]{2}:[0-9]{2})")


def parse_published(text: str):
    """A date as precise as written, or a full ISO date-time with its offset."""
    from datetime import datetime

    if "T" in text or " " in text:
        try:
            if not _PUBLISHED_RE.fullmatch(text):
                raise ValueError(text)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise dates.DateError(f"'{text}' is not a date-time",
                                  hint="write 2025-08-16 or 2025-08-16T10:30+03:00") from None
        dates.check_published_year(moment.year, text)
        return dates.PartialDate(moment.year, moment.month, moment.day), moment
    day = dates.parse_partial_date(text)
    dates.check_published_year(day.year, text)
    return day, None


def base_url_problem(text: str) -> str | None:
    """Why text cannot be the address a site is published at, or None: an http(s) address with a
    host, and no credentials, query, fragment, white space or other character a URL cannot hold."""
    from urllib.parse import urlsplit

    if re.search(r"[\s\x00-\x1f\x7f-\x9f\"<>\\^`{|}]", text):
        return "has white space, a control character or a character an address cannot hold"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number
    except ValueError:
        return "is not a valid address"
    if parts.scheme.lower() not in ("http", "https"):
        return "is not an http(s) address"
    if not parts.hostname:
        return "has no host name"
    if parts.username is not None or parts.password is not None:
        return "has a user name or password in it, which would be published"
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        return "has a query (?...) or fragment (#...), which the site's links cannot carry"
    return None


CONVERTERS: dict[str, Callable] = {
    "text": _text,
    "line": _line,
    "id": _id,
    "lines": _list(_line),
    "ids": _list(_id),
    "records": _records,
    "date": _parsed(dates.parse_partial_date),
    "end": _parsed(dates.parse_end),
    "time": _parsed(dates.parse_time),
    "timezone": _parsed(_timezone_name),
    "datetime": _parsed(parse_published),
    "bool": _bool,
    "int": _int,
    "url": _url,
    "color": _color,
    "strings": _strings,
}
