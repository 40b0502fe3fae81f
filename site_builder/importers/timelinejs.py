"""Import a TimelineJS timeline (its JSON, or the CSV export of its Google Sheets template) as event YAML.

What carries over: headline, text (as Markdown: paragraphs, emphasis, http(s) links), start and
end dates as precise as given, time, display date, group (as the lane), unique_id (as the id).
What cannot, and is reported: media (its link is kept in the file as a source to archive),
backgrounds, eras, the title slide, seconds, end times, dates before year 1. TimelineJS slides
quote nothing, and every event here must, so each imported event is a draft with an empty
`excerpts:` list that `site-builder check` points at until an editor adds a verified quotation.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from site_builder.htmltext import html_to_text
from site_builder.slugs import slugify

CSV_COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
               "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
               "Background")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$")


class TimelineReadError(ValueError):
    """The file is not a TimelineJS timeline we can read (with where, when known)."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


@dataclass
class ImportedEvent:
    id: str
    record: dict
    media_url: str | None = None


@dataclass
class ImportReport:
    events: list[ImportedEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be carried over, one line each
    lanes: dict[str, str] = field(default_factory=dict)  # lane id -> group label, as found


def read_timeline(path: Path) -> dict:
    """A TimelineJS JSON object from a .json file or the template's CSV export."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TimelineReadError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise TimelineReadError("not a TimelineJS timeline: no \"events\" list")
        return data
    return timeline_from_csv(text)


def timeline_from_csv(text: str) -> dict:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if not rows or not {"Year", "Headline"} <= set(rows[0]):
        raise TimelineReadError("not a TimelineJS spreadsheet: the header needs at least Year and Headline "
                           f"(template columns: {', '.join(CSV_COLUMNS)})")
    data: dict = {"events": [], "eras": []}
    for number, row in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        slide = {"text": {"headline": row.get("Headline", ""), "text": row.get("Text", "")}, "_row": number}
        start = _csv_date(row, "Year", "Month", "Day", "Time")
        if start:
            slide["start_date"] = start
        end = _csv_date(row, "End Year", "End Month", "End Day", "End Time")
        if end:
            slide["end_date"] = end
        for key, column in (("display_date", "Display Date"), ("group", "Group"), ("background", "Background")):
            if row.get(column):
                slide[key] = row[column]
        if row.get("Media"):
            slide["media"] = {"url": row["Media"], "credit": row.get("Media Credit", ""),
                              "caption": row.get("Media Caption", "")}
        kind = row.get("Type", "").lower()
        if kind == "title":
            data["title"] = slide
        elif kind == "era":
            data["eras"].append(slide)
        else:
            data["events"].append(slide)
    return data


def _csv_date(row: dict, year: str, month: str, day: str, time: str) -> dict | None:
    if not row.get(year):
        return None
    date = {"year": row[year]}
    if row.get(month):
        date["month"] = row[month]
    if row.get(day):
        date["day"] = row[day]
    m = _TIME.match(row.get(time, ""))
    if m:
        hour = int(m.group(1))
        if m.group(4):  # 12-hour clock
            hour = hour % 12 + (12 if m.group(4).lower() == "pm" else 0)
        date.update(hour=str(hour), minute=m.group(2))
        if m.group(3):
            date["second"] = m.group(3)
    elif row.get(time):
        date["_bad_time"] = row[time]
    return date


def convert(data: dict, known_lanes: dict[str, str]) -> ImportReport:
    """TimelineJS data -> event records, with everything left behind named in the report."""
    report = ImportReport()
    if data.get("title"):
        report.notes.append("the title slide: put its headline and text in site.yaml (title, description)")
    if data.get("eras"):
        report.notes.append(f"{len(data['eras'])} era(s): this site has no eras; lanes and tags group events")
    taken: set[str] = set()
    for number, slide in enumerate(data.get("events", []), start=1):
        where = f"slide {number}" + (f" (row {slide['_row']})" if "_row" in slide else "")
        event = _convert_slide(slide, where, known_lanes, report)
        if event is None:
            continue
        base, n = event.id, 2
        while event.id in taken:
            event.id = f"{base}-{n}"
            n += 1
        taken.add(event.id)
        report.events.append(event)
    return report


def _convert_slide(slide: dict, where: str, known_lanes: dict[str, str], report: ImportReport):
    text = slide.get("text") or {}
    title = html_to_text(str(text.get("headline") or "")).strip()
    start = _partial_date(slide.get("start_date"), where, "start", report)
    if not title or start is None:
        report.notes.append(f"{where}: skipped, it has no headline or no usable start date")
        return None
    date, clock = start
    record: dict = {"title": title, "date": date}
    end = _partial_date(slide.get("end_date"), where, "end", report) if slide.get("end_date") else None
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
    shown = slide.get("display_date") or (slide.get("start_date") or {}).get("display_date")
    if shown:  # the slide's own, else the start date's (TimelineJS allows both)
        record["display_date"] = html_to_text(str(shown)).strip()
    group = str(slide.get("group") or "").strip()
    if group:
        lane = _lane_id(group, known_lanes)
        record["lane"] = lane
        if lane not in known_lanes:
            report.lanes.setdefault(lane, group)
    summary = html_to_markdown(str(text.get("text") or ""))
    if summary:
        record["summary"] = summary
    record["draft"] = True
    record["excerpts"] = []
    media = slide.get("media") or {}
    media_url = str(media.get("url") or "").strip()
    if media_url:
        report.notes.append(f"{where}: media {media_url[:80]} (kept in the file as a source to archive)")
    if slide.get("background"):
        report.notes.append(f"{where}: its background")
    event_id = str(slide.get("unique_id") or "").strip()
    event_id = slugify(event_id) if event_id else f"{date}-{slugify(title)[:60].rstrip('-')}"
    return ImportedEvent(event_id, record, media_url if media_url.startswith(("http://", "https://")) else None)


def _lane_id(group: str, known_lanes: dict[str, str]) -> str:
    """The lane whose label the group is, else a new id from it ("Russia–US" -> russia-us)."""
    for lane_id, label in known_lanes.items():
        if label.casefold() == group.casefold():
            return lane_id
    return slugify(re.sub(r"[\u2010-\u2015\u2212/]", " ", group))


def _partial_date(value, where: str, which: str, report: ImportReport) -> tuple[str, str | None] | None:
    if not isinstance(value, dict):
        return None
    try:
        year = int(str(value.get("year", "")).strip())
        month = int(str(value["month"]).strip()) if str(value.get("month") or "").strip() else None
        day = int(str(value["day"]).strip()) if month and str(value.get("day") or "").strip() else None
    except ValueError:
        report.notes.append(f"{where}: an unreadable {which} date {value!r}")
        return None
    if not 1 <= year <= 9999:
        report.notes.append(f"{where}: the {which} year {year} (dates before year 1 are not supported)")
        return None
    date = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    clock = None
    if str(value.get("hour") or "").strip():
        clock = f"{int(value['hour']):02d}:{int(value.get('minute') or 0):02d}"
        if str(value.get("second") or "0").strip() not in ("", "0", "00"):
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
    return " ".join(text.split())


def lanes_yaml(lanes: dict[str, str]) -> str:
    """The site.yaml lines that declare the lanes the import introduced."""
    items = [{"id": lane, "label": label, "color": "#666666"} for lane, label in lanes.items()]
    return yaml.safe_dump({"lanes": items}, sort_keys=False, allow_unicode=True)


def import_timelinejs(path: Path, out_dir: Path, known_lanes: dict[str, str]) -> tuple[ImportReport, list[Path], list[Path]]:
    """Write one YAML file per slide into out_dir; never overwrite. Returns (report, written, skipped)."""
    report = convert(read_timeline(path), known_lanes)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    for event in report.events:
        target = out_dir / f"{event.id}.yaml"
        if target.exists():
            skipped.append(target)
            continue
        target.write_text(event_yaml(event, path.name), encoding="utf-8")
        written.append(target)
    return report, written, skipped
