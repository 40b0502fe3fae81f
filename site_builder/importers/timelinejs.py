"""Import a TimelineJS timeline (its JSON, or the CSV export of its Google Sheets template) as event
YAML. TimelineJS slides quote nothing, and every event here must: each imported event is a draft with
an empty `excerpts:` list that `site-builder check` points at until an editor adds a quotation."""

# What carries over: headline, text (as Markdown: paragraphs, emphasis, http(s) links), start and
# end dates as precise as given, time, display date, group (as the lane), unique_id (as the id).
# What cannot, and is reported: media (its link is kept in the file as a source to archive),
# backgrounds, eras, the title slide, seconds, end times, dates before year 1.

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from site_builder.content.events import build_event, event_record
from site_builder.errors import ContentError, Diagnostic, Report, printable
from site_builder.htmltext import html_to_text
from site_builder.importers.timelinejs_read import TimelineReadError, json_type, read_timeline
from site_builder.model import Lane, SiteConfig
from site_builder.newfiles import write_files
from site_builder.slugs import slugify

_NUMBER = re.compile(r"^-?[0-9]{1,9}$")


class SlideError(ValueError):
    """A slide that cannot become an event: a wrong type, a missing field, an impossible value."""


@dataclass
class ImportedEvent:
    id: str
    record: dict
    media_url: str | None = None
    where: str = ""  # "slide 3 (row 4)"
    line: int = 1  # of the slide in the file, where known (a CSV row)


@dataclass
class ImportReport:
    events: list[ImportedEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be carried over, one line each
    lanes: dict[str, str] = field(default_factory=dict)  # lane id -> group label, as found
    errors: list[Diagnostic] = field(default_factory=list)  # slides that cannot be events


def convert(data: dict, known_lanes: dict[str, str], path: str = "") -> ImportReport:
    """TimelineJS data -> event records, with everything left behind named in the report, and
    every slide that cannot be an event an error in report.errors."""
    report = ImportReport()
    if data.get("title"):
        report.notes.append("the title slide: put its headline and text in site.yaml (title, description)")
    if data.get("eras"):
        eras = len(data["eras"]) if isinstance(data["eras"], list) else 1
        report.notes.append(f"{eras} era(s): this site has no eras; lanes and tags group events")
    taken: set[str] = set()
    for number, slide in enumerate(data.get("events", []), start=1):
        line = slide.get("_row", 1) if isinstance(slide, dict) else 1
        where = f"slide {number}" + (f" (row {line})" if line > 1 else "")
        try:
            event = _convert_slide(slide, where, known_lanes, report)
        except SlideError as exc:
            report.errors.append(Diagnostic(path, line, 1, f"{where}: {exc}"))
            continue
        if event is None:
            continue
        event.where, event.line = where, line
        base, n = event.id, 2
        while event.id in taken:
            event.id = f"{base}-{n}"
            n += 1
        taken.add(event.id)
        report.events.append(event)
    return report


def _convert_slide(slide, where: str, known_lanes: dict[str, str], report: ImportReport):
    if not isinstance(slide, dict):
        raise SlideError(f"a JSON {json_type(slide)}, not an object with a headline and a start_date")
    text = _object(slide, "text")
    title = html_to_text(_text(text, "headline")).strip()
    if not title:
        raise SlideError("no headline (text.headline): every event needs a title")
    if slide.get("start_date") is None:
        raise SlideError("no start_date: every event needs a date")
    start = _partial_date(_object(slide, "start_date"), where, "start", report)
    if start is None:
        return None
    date, clock = start
    record: dict = {"title": title, "date": date}
    end = _partial_date(_object(slide, "end_date"), where, "end", report) if slide.get("end_date") else None
    if end:
        record["end"] = end[0]
        if end[1]:
            report.notes.append(f"{where}: the end time {end[1]} (only the end day is kept)")
    if clock:
        if date.count("-") == 2:
            record["time"] = clock
            if not any(n.startswith("times are") for n in report.notes):
                report.notes.append("times are taken as local times in the site's time zone "
                                    "(TimelineJS has none); add `timezone:` where that is wrong")
        else:
            report.notes.append(f"{where}: a time without a full date ({clock})")
    shown = _text(slide, "display_date") or _text(_object(slide, "start_date"), "display_date")
    if shown.strip():  # the slide's own, else the start date's (TimelineJS allows both)
        record["display_date"] = html_to_text(shown).strip()
    group = _text(slide, "group").strip()
    if group:
        lane = _lane_id(group, known_lanes)
        record["lane"] = lane
        if lane not in known_lanes:
            report.lanes.setdefault(lane, group)
    summary = html_to_markdown(_text(text, "text"))
    if summary:
        record["summary"] = summary
    record["draft"] = True
    record["excerpts"] = []
    media_url = _text(_object(slide, "media"), "url").strip()
    if media_url:
        report.notes.append(f"{where}: media {media_url[:80]} (kept in the file as a source to archive)")
    if slide.get("background"):
        report.notes.append(f"{where}: its background")
    event_id = slugify(_text(slide, "unique_id"))[:100].rstrip("-") if _text(slide, "unique_id").strip() else ""
    event_id = event_id or f"{date}-{slugify(title)[:60].rstrip('-')}"
    return ImportedEvent(event_id, record, media_url if media_url.startswith(("http://", "https://")) else None)


def _object(parent: dict, key: str) -> dict:
    """parent[key] when it is an object; {} when it is missing."""
    value = parent.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise SlideError(f"'{key}' must be an object, not a JSON {json_type(value)}")
    return value


def _text(parent: dict, key: str) -> str:
    """parent[key] as text: a string or a number; "" when it is missing."""
    value = parent.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise SlideError(f"'{key}' must be text, not a JSON {json_type(value)}")


def _whole(parent: dict, key: str, which: str) -> int | None:
    """parent[key] as a whole number (TimelineJS writes them as numbers or as text)."""
    value = parent.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if _NUMBER.match(value):
            value = int(value)
    if value is None or value == "":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 10 ** 9:
        shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)[:40]
        raise SlideError(f"the {which} date's {key} {shown} is not a whole number of a date")
    return value


def _lane_id(group: str, known_lanes: dict[str, str]) -> str:
    """The lane whose label the group is, else a new id from it ("Russia–US" -> russia-us)."""
    for lane_id, label in known_lanes.items():
        if label.casefold() == group.casefold():
            return lane_id
    return slugify(re.sub(r"[\u2010-\u2015\u2212/]", " ", group))


def _partial_date(value: dict, where: str, which: str, report: ImportReport) -> tuple[str, str | None] | None:
    """(YYYY[-MM[-DD]], HH:MM or None); None, with a note, for a year before 1. Whether it is a
    real day and a real time is the loader's to say (import_timelinejs checks every event)."""
    year = _whole(value, "year", which)
    if year is None:
        raise SlideError(f"the {which} date has no year")
    month = _whole(value, "month", which)
    day = _whole(value, "day", which) if month else None
    if year < 1:
        report.notes.append(f"{where}: skipped, the {which} year {year} (dates before year 1 are not supported)")
        return None
    date = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    clock = None
    hour = _whole(value, "hour", which)
    if hour is not None:
        clock = f"{hour:02d}:{_whole(value, 'minute', which) or 0:02d}"
        if _whole(value, "second", which):
            report.notes.append(f"{where}: seconds of the {which} time")
    if value.get("_bad_time"):
        report.notes.append(f"{where}: an unreadable {which} time {value['_bad_time']!r}")
    return date, clock


class _Markdown(HTMLParser):
    """TimelineJS text is HTML: keep paragraphs, emphasis and web links; drop the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.hidden = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("p", "div", "li") and self.out:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            ok = href.startswith(("http://", "https://"))
            self.links.append(href if ok else None)
            if ok:
                self.out.append("[")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", data))


def html_to_markdown(html: str) -> str:
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    paragraphs = ["\n".join(" ".join(line.split()) for line in p.split("\n")).strip()
                  for p in "".join(parser.out).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def event_yaml(event: ImportedEvent, origin: str) -> str:
    """The event file: the editor's instructions as comments, then the fields."""
    lines = [f"# Imported from TimelineJS ({_one_line(origin)}) by `site-builder import timelinejs`.",
             "# Before it can be published, quote at least one archived source under `excerpts:`",
             "# (archive the article as content/sources/<id>.md, then `source: <id>` and `quote: ...`),",
             "# and remove `draft: true`."]
    if event.media_url:
        lines.append(f"# The slide's media, a source to archive? {_one_line(event.media_url)}")
    body = yaml.dump(event.record, Dumper=_EventDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return "\n".join(lines) + "\n" + body


class _EventDumper(yaml.SafeDumper):
    """Multi-line text as a literal block (`summary: |`), as an editor would write it."""


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_EventDumper.add_representer(str, _represent_str)


def _one_line(text: str) -> str:
    """Text for a comment line: one line, and nothing YAML refuses in a comment (control characters)."""
    return printable(" ".join(text.split()))


def lanes_yaml(lanes: dict[str, str]) -> str:
    """The site.yaml lines that declare the lanes the import introduced."""
    items = [{"id": lane, "label": label, "color": "#666666"} for lane, label in lanes.items()]
    return yaml.safe_dump({"lanes": items}, sort_keys=False, allow_unicode=True)


def import_timelinejs(path: Path, out_dir: Path, config: SiteConfig) -> tuple[ImportReport, list[Path], list[Path]]:
    """Write one YAML file per slide into out_dir, all or none, never over a file that exists.
    Returns (report, written, kept); ContentError when a slide cannot be an event the loader
    accepts, newfiles.WriteError when the files cannot be written."""
    try:
        data = read_timeline(path)
    except TimelineReadError as exc:
        raise ContentError([Diagnostic(str(path), exc.line, exc.column, str(exc))]) from None
    report = convert(data, {lane.id: lane.label for lane in config.lanes}, str(path))
    files = {out_dir / f"{event.id}.yaml": event_yaml(event, path.name) for event in report.events}
    errors = report.errors + _refused_by_loader(report, files, config, str(path))
    if errors:
        raise ContentError(sorted(errors))
    written, kept = write_files(files)
    return report, written, kept


def _refused_by_loader(report: ImportReport, files: dict[Path, str], config: SiteConfig, path: str) -> list[Diagnostic]:
    """What the loader would say of each file, as an error of its slide: an impossible day or
    time, an end before the start, an id that cannot be one."""
    lanes = config.lanes + tuple(Lane(lane, label, "#666666") for lane, label in report.lanes.items())
    config = dataclasses.replace(config, lanes=lanes)
    errors = []
    for event, (target, text) in zip(report.events, files.items()):
        found = Report()
        record = event_record(text.encode("utf-8"), str(target), found)
        if record is not None:
            build_event(str(target), record, event.id, config, {}, found)
        errors += [Diagnostic(path, event.line, 1, f"{event.where}: {d.message}", d.hint) for d in found.errors]
    return errors
