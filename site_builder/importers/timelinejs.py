"""Import a TimelineJS timeline (its JSON, or the CSV export of its Google Sheets template) as event
YAML. TimelineJS slides quote nothing, and every event here must: each imported event is a draft with
an empty `excerpts:` list that `site-builder check` points at until an editor adds a quotation."""

# What carries over: headline (or a title cut from the text), text (as Markdown), dates as precise
# as given (BCE and deep time too), time, display date, group (a lane added to site.yaml), unique_id,
# media (image, video, link; quoted media as a source to archive), eras and the title slide (into
# site.yaml). What cannot, and is reported per slide: background colours, seconds, end times.

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from site_builder.content.events import build_event, event_record
from site_builder.errors import ContentError, Diagnostic, Report, printable
from site_builder.htmltext import html_to_text
from site_builder.importers.timelinejs_dates import DateNotKept, date_text
from site_builder.importers.timelinejs_media import Quoted, fetch_image, image_name, media_entry, web_url
from site_builder.importers.timelinejs_read import TimelineReadError, json_type, read_timeline
from site_builder.importers.timelinejs_site import added, era_errors, lane_colors, replace_text, with_additions
from site_builder.importers.timelinejs_text import html_to_markdown, title_from_text
from site_builder.model import Lane, SiteConfig
from site_builder.newfiles import write_files
from site_builder.slugs import slugify

_NUMBER = re.compile(r"^-?[0-9]{1,13}$")
# File names Windows reserves for devices, whatever the extension.
_WINDOWS_NAMES = {"con", "prn", "aux", "nul"} | {f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)}


class SlideError(ValueError):
    """A slide that cannot become an event: a wrong type, a missing field, an impossible value."""


@dataclass
class ImportedEvent:
    id: str
    record: dict
    quoted: list[Quoted] = field(default_factory=list)  # quoted media: sources to archive
    where: str = ""  # "slide 3 (row 4)"
    line: int = 1  # of the slide in the file, where known (a CSV row)


@dataclass
class ImportReport:
    events: list[ImportedEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be carried over, one line each
    lanes: dict[str, str] = field(default_factory=dict)  # lane id -> group label, as found
    title: str = ""  # the title slide's headline and text
    description: str = ""
    eras: list[dict] = field(default_factory=list)  # site.yaml `eras:` items
    site_yaml: bool = False  # site.yaml was added to
    added: list[str] = field(default_factory=list)  # what it gained, in words ("2 lanes", "the title ...")
    written: int = 0  # event files written (not the images and source drafts beside them)
    errors: list[Diagnostic] = field(default_factory=list)  # slides that cannot be events


def convert(data: dict, known_lanes: dict[str, str], path: str = "") -> ImportReport:
    """TimelineJS data -> event records, with everything left behind named in the report, and
    every slide that cannot be an event an error in report.errors."""
    report = ImportReport()
    _title_slide(data.get("title"), report)
    for number, era in enumerate(data.get("eras") or [], start=1):
        try:
            item = _era(era, number, report)
        except (SlideError, DateNotKept) as exc:
            report.errors.append(Diagnostic(path, _line(era), 1, f"era {number}: {exc}"))
            continue
        refused = era_errors(item)
        report.errors += [Diagnostic(path, _line(era), 1, f"era {number}: {d.message}", d.hint) for d in refused]
        if not refused:
            report.eras.append(item)
    taken: set[str] = set()
    for number, slide in enumerate(data.get("events", []), start=1):
        line = _line(slide)
        where = f"slide {number}" + (f" (row {line})" if isinstance(slide, dict) and "_row" in slide else "")
        try:
            event = _convert_slide(slide, where, known_lanes, report)
        except (SlideError, DateNotKept) as exc:
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


def _line(slide) -> int:
    """The line a slide or era starts on: its spreadsheet row, or where its JSON object opens."""
    return (slide.get("_row") or slide.get("_line") or 1) if isinstance(slide, dict) else 1


def _convert_slide(slide, where: str, known_lanes: dict[str, str], report: ImportReport):
    if not isinstance(slide, dict):
        raise SlideError(f"a JSON {json_type(slide)}, not an object with a headline and a start_date")
    text = _object(slide, "text")
    title = " ".join(html_to_text(_text(text, "headline")).split())
    if not title:
        title = title_from_text(_text(text, "text"))
        if not title:
            raise SlideError("no headline (text.headline) and no text to make one of: every event needs a title")
        report.notes.append(f"{where}: no headline; the title {title!r} is cut from its text: check it")
    if slide.get("start_date") is None:
        raise SlideError("no start_date: every event needs a date")
    date, clock = _partial_date(_object(slide, "start_date"), where, "start", report)
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
    group = html_to_text(_text(slide, "group")).strip()  # TimelineJS shows it as HTML
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
    event_id = slugify(_text(slide, "unique_id"))[:100].rstrip("-") if _text(slide, "unique_id").strip() else ""
    if event_id in _WINDOWS_NAMES:  # con.yaml cannot be opened on Windows
        event_id += "-event"
    event_id = event_id or f"{slugify(date)}-{slugify(title)[:60].rstrip('-')}"
    event = ImportedEvent(event_id, record)
    _media(slide, title, where, event, report)
    return event


def _media(slide: dict, title: str, where: str, event: ImportedEvent, report: ImportReport) -> None:
    """The slide's media as `media:`, quoted media as a source to archive; its background image
    as its media when it has none, its background colour noted as dropped."""
    notes: list[str] = []
    media = _object(slide, "media")
    background = slide.get("background") or {}
    if isinstance(background, str):  # the spreadsheet's column: an image URL or a colour
        background = {"url": background} if web_url(background) else {"color": background}
    background = _object({"background": background}, "background")
    if not _text(media, "url").strip() and web_url(_text(background, "url")):
        media = {"url": background["url"]}
        notes.append("its background image is kept as its media")
    elif _text(background, "url").strip():
        notes.append("its background image (it has media of its own), dropped")
    if _text(background, "color").strip():
        notes.append(f"its background colour {_text(background, 'color').strip()[:20]}, dropped")
    if _text(media, "url").strip():
        entry = media_entry(media, title, notes)
        if isinstance(entry, Quoted):
            event.quoted.append(entry)
            notes.append("its quoted media is a source to archive: see the comment in its file")
        elif entry:
            event.record.setdefault("media", []).append(entry)
    report.notes += [f"{where}: {note}" for note in notes]


def _title_slide(slide, report: ImportReport) -> None:
    """The title slide's headline and text: the site's title and description where it has none."""
    if not isinstance(slide, dict):
        return
    text = _object(slide, "text")
    report.title = " ".join(html_to_text(_text(text, "headline")).split())
    report.description = " ".join(html_to_text(_text(text, "text")).split())
    if _text(_object(slide, "media"), "url").strip() or slide.get("background"):
        report.notes.append("the title slide: its media and background, dropped")


def _era(era, number: int, report: ImportReport) -> dict:
    """A TimelineJS era as an item of site.yaml's `eras:`."""
    if not isinstance(era, dict):
        raise SlideError(f"a JSON {json_type(era)}, not an object with a start_date and an end_date")
    label = " ".join(html_to_text(_text(_object(era, "text"), "headline")).split()) or f"Era {number}"
    item: dict = {"label": label}
    for key, which in (("start", "start"), ("end", "end")):
        value = _object(era, f"{which}_date")
        if not value:
            raise SlideError(f"no {which}_date: an era needs both")
        dated = _partial_date(value, f"era {number}", which, report)
        item[key] = dated[0]
    return item


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
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 10 ** 12:  # deep time
        shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)[:40]
        raise SlideError(f"the {which} date's {key} {shown} is not a whole number of a date")
    return value


def _lane_id(group: str, known_lanes: dict[str, str]) -> str:
    """The lane whose label the group is, else a new id from it ("Russia–US" -> russia-us)."""
    for lane_id, label in known_lanes.items():
        if label.casefold() == group.casefold():
            return lane_id
    return slugify(re.sub(r"[\u2010-\u2015\u2212/]", " ", group))


def _partial_date(value: dict, where: str, which: str, report: ImportReport) -> tuple[str, str | None]:
    """(the date as written in an event, HH:MM or None). Whether it is a real day and a real time
    is the loader's to say (import_timelinejs checks every event)."""
    year = _whole(value, "year", which)
    if year is None:
        raise SlideError(f"the {which} date has no year")
    month = _whole(value, "month", which)
    day = _whole(value, "day", which) if month else None
    date, note = date_text(year, month, day)
    if note:
        report.notes.append(f"{where}: {note}")
    clock = None
    hour = _whole(value, "hour", which)
    if hour is not None:
        clock = f"{hour:02d}:{_whole(value, 'minute', which) or 0:02d}"
        if _whole(value, "second", which):
            report.notes.append(f"{where}: seconds of the {which} time")
    if value.get("_bad_time"):
        report.notes.append(f"{where}: an unreadable {which} time {value['_bad_time']!r}")
    return date, clock


def event_yaml(event: ImportedEvent, origin: str) -> str:
    """The event file: the editor's instructions as comments, then the fields (media before the
    draft mark and the excerpts), then the quotations the slide had, for when their source is archived."""
    lines = [f"# Imported from TimelineJS ({_one_line(origin)}) by `site-builder import timelinejs`.",
             "# Before it can be published, quote at least one archived source under `excerpts:`",
             "# (archive the article as content/sources/<id>.md, then `source: <id>` and `quote: ...`),",
             "# and remove `draft: true`."]
    record = {k: v for k, v in event.record.items() if k not in ("draft", "excerpts")}
    record.update(draft=True, excerpts=[])
    body = yaml.dump(record, Dumper=_EventDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    for n, quoted in enumerate(event.quoted, start=1):
        source = quote_source_id(event, n)
        body += (f"# The slide quoted {_one_line(quoted.publisher) or 'someone'}; a quote is not an archive.\n"
                 f"# Archive the original as content/sources/{source}.md (see its .md.draft), then:\n"
                 f"#  - source: {source}\n")
        if quoted.text:
            body += f"#    quote: {_one_line(quoted.text)}\n"
    return "\n".join(lines) + "\n" + body


def quote_source_id(event: ImportedEvent, number: int) -> str:
    return f"{event.id[:90]}-quote" + (f"-{number}" if number > 1 else "")


def source_draft(event: ImportedEvent, quoted: Quoted, source_id: str) -> str:
    """A source the slide quoted, for the editor to archive: front matter without a date or text,
    under a name the loader does not read (`.md.draft`) until it is archived and renamed `.md`."""
    fields = {"id": source_id, "title": event.record["title"], "publisher": quoted.publisher or "?"}
    if quoted.url:
        fields["url"] = quoted.url
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=10**6)
    return ("---\n# Quoted by a TimelineJS slide; a quote is not an archive. Find the original, fill in\n"
            "# `published:` (YYYY-MM-DD) and the publisher, paste its text as published below the\n"
            f"# closing line, then rename this file {source_id}.md.\n" + front + "published:\n---\n"
            + (f"\n(The slide's quotation, to find in the original: {_one_line(quoted.text)})\n"
               if quoted.text else ""))


class _EventDumper(yaml.SafeDumper):
    """Multi-line text as a literal block (`summary: |`), as an editor would write it."""


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_EventDumper.add_representer(str, _represent_str)


def _one_line(text: str) -> str:
    """Text for a comment line: one line, and nothing YAML refuses in a comment (control characters)."""
    return printable(" ".join(text.split()))


def site_additions(text: str, report: ImportReport, config: SiteConfig) -> str:
    """site.yaml's text with what the import brings: new lanes (palette colours), the eras, and
    the title slide where the site has no title or description yet."""
    colors = lane_colors(len(report.lanes), {lane.color.lower() for lane in config.lanes})
    lanes = [{"id": lane, "label": label, "color": color}
             for (lane, label), color in zip(report.lanes.items(), colors)]
    return with_additions(text, report.title, report.description, lanes, report.eras)


def import_timelinejs(path: Path, out_dir: Path, config: SiteConfig, root: Path | None = None,
                      fetch=fetch_image) -> tuple[ImportReport, list[Path], list[Path]]:
    """Write one YAML file per slide into out_dir, the images it could download into
    content/media/, a draft per quoted source into content/sources/, all or none, never over a
    file that exists; then add lanes, eras and the title to site.yaml (under root). Returns
    (report, written, kept); ContentError when a slide cannot be an event the loader accepts,
    newfiles.WriteError when the files cannot be written."""
    try:
        data = read_timeline(path)
    except TimelineReadError as exc:
        raise ContentError([Diagnostic(str(path), exc.line, exc.column, str(exc))]) from None
    report = convert(data, {lane.id: lane.label for lane in config.lanes}, str(path))
    files: dict[Path, str | bytes] = {out_dir / f"{event.id}.yaml": event_yaml(event, path.name)
                                      for event in report.events}
    errors = report.errors + _refused_by_loader(report, files, config, str(path))
    if errors:
        raise ContentError(sorted(errors))
    content = (root or out_dir.parent.parent) / "content"
    images = _download_images(report, content / "media", fetch)
    files = {out_dir / f"{event.id}.yaml": event_yaml(event, path.name) for event in report.events}
    files.update(images)
    for event in report.events:
        for n, quoted in enumerate(event.quoted, start=1):
            source = quote_source_id(event, n)
            files[content / "sources" / f"{source}.md.draft"] = source_draft(event, quoted, source)
    written, kept = write_files(files)
    events = {out_dir / f"{event.id}.yaml" for event in report.events}
    report.written = sum(path in events for path in written)
    if root is not None:
        site_yaml = root / "site.yaml"
        before = site_yaml.read_text(encoding="utf-8")
        after = site_additions(before, report, config)
        if after != before:
            replace_text(site_yaml, before, after)
            report.site_yaml = True
            report.added = added(before, after, len(report.lanes), len(report.eras))
        if not (yaml.safe_load(after) or {}).get("title"):
            report.notes.append("site.yaml has no title, and the timeline no title slide to give it one: add one")
    return report, written, kept


def _download_images(report: ImportReport, folder: Path, fetch) -> dict[Path, bytes]:
    """Each remote image that can be downloaded, as its file; its entry then names the file.
    One that cannot keeps its URL (a linked figure), with a note saying why."""
    taken = {p.name.casefold() for p in folder.iterdir()} if folder.is_dir() else set()
    images: dict[Path, bytes] = {}
    for event in report.events:
        for entry in event.record.get("media", []):
            if entry["kind"] != "image" or not web_url(entry["src"]):
                continue
            got = fetch(entry["src"])
            if isinstance(got, str):
                report.notes.append(f"{event.where}: image {entry['src'][:80]} {got}: kept as a linked figure")
                continue
            name = image_name(entry["src"], got[1], taken)
            images[folder / name] = got[0]
            entry.setdefault("link", entry["src"])
            entry["src"] = f"media/{name}"
    return images


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
