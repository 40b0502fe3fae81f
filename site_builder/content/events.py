"""Event files: one YAML mapping per file, turned into model events with verified excerpts."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from site_builder.content.archived import character_differences, cited_selector, visible_text
from site_builder.content.dates import DateError, local_time
from site_builder.model.dates import PartialDate, When, build_date
from site_builder.content.closest import closest_passage
from site_builder.content.excerpts import WORK, locate_quote
from site_builder.content.fields import EVENT_FIELDS, Record, read_record
from site_builder.content.media import event_media
from site_builder.content.placeholders import is_placeholder_excerpt, placeholders_in
from site_builder.content.quoted_prose import check_event_prose
from site_builder.content.yamlsafe import decode_text, parse_yaml, read_content
from site_builder.errors import Report
from site_builder.model import Event, Excerpt, Source, SiteConfig
from site_builder.slugs import MAX_ID_LENGTH, id_hint, is_slug, slugify


def read_event_record(path: str | Path, report: Report) -> Record | None:
    path = os.fspath(path)
    data = read_content(path, report)
    return event_record(data, path, report) if data is not None else None


def event_record(data: bytes, path: str, report: Report) -> Record | None:
    """The record of an event file's bytes (read_event_record, for a caller that has them)."""
    text = decode_text(data, path, report)
    if text is None:
        return None
    return read_record(parse_yaml(text, path, report), EVENT_FIELDS, report, "the event")


def event_id(path: str | Path, record: Record, report: Report) -> str | None:
    if "id" in record.values:
        return record.values["id"]
    stem, suffix = _stem_and_suffix(os.path.basename(path))
    if is_slug(stem):
        return stem
    hint = id_hint(stem) if len(stem) > MAX_ID_LENGTH else f"rename the file to '{slugify(stem)}{suffix}'"
    report.error(os.fspath(path), 1, 1, f"the file name '{stem}' cannot be an event id",
                 hint=f"{hint}, or add an `id:` field")
    return None


def _stem_and_suffix(name: str) -> tuple[str, str]:
    """Path(name).stem and .suffix, without making a Path."""
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


def build_event(path: str | Path, record: Record, eid: str, config: SiteConfig,
                sources: dict[str, Source], report: Report) -> Event | None:
    diagnostics_before = len(report.diagnostics)
    values = record.values
    start, end = values.get("date"), values.get("end")
    ongoing = end == "present"
    end = None if ongoing else end
    check_end(start, end, record, report)
    if ongoing:
        check_begun(start, record, report)
    time = values.get("time")
    if time and start and not start.day:
        report.at(record.loc_of("time"), "a time needs a full date (YYYY-MM-DD)",
                  hint=f"'{start.iso()}' is only as precise as the {start.precision}")
    zone = values.get("timezone") or (config.timezone if time else None)
    if time and start and start.day and start.in_calendar():
        try:
            time = local_time(start.first_day(), time, zone)
        except DateError as exc:
            report.at(record.loc_of("time"), str(exc), exc.hint)
    lane_ids = [lane.id for lane in config.lanes]
    lane = values.get("lane") or lane_ids[0]
    if lane not in lane_ids:
        report.at(record.loc_of("lane"), f"unknown lane '{lane}'", hint=f"lanes in site.yaml: {', '.join(lane_ids)}")
    hints = [HINTS_PER_FILE]  # the misquote hints this file may still search for (misquote_hint)
    excerpts = [verify_excerpt(eid, n, item, sources, report, hints)
                for n, item in enumerate(values.get("excerpts", ()), start=1) if not is_placeholder_excerpt(item)]
    if not values.get("draft"):  # new's samples left in: a draft lists them (drafts.draft_needs)
        report.diagnostics += placeholders_in(record)
    check_event_prose(path, record, sources, report)
    media = event_media(os.fspath(path), values.get("media", ()), report)
    sourced = values.get("excerpts") or values.get("draft")  # a draft may have no excerpt yet
    failed = any(d.severity == "error" for d in report.diagnostics[diagnostics_before:])
    if failed or not start or "title" not in values or not sourced:
        return None
    return Event(
        id=eid,
        title=values["title"],
        when=When(start, end, time, zone, values.get("display_date"), ongoing),
        place=values.get("place"),
        lane=lane,
        actors=values.get("actors", ()),
        tags=values.get("tags", ()),
        summary=values.get("summary", ""),
        excerpts=tuple(excerpts),
        related=values.get("related", ()),
        draft=values.get("draft", False),
        path=os.fspath(path),
        order=values.get("order", 0),
        media=media,
        short_title=values.get("short_title"),
    )


HINTS_PER_FILE = 10  # misquotes of one file whose hint searches the sources


def check_end(start, end, record: Record, report: Report) -> None:
    """An end is not before the start. Each is as precise as its sources: "June 2025 to 2025"
    ends within 2025, so the two need not share a precision."""
    if not (start and end):
        return
    if end.end_position() <= start.position():
        report.at(record.loc_of("end"), f"the event ends ({_as_written(end)}) before it starts "
                  f"({_as_written(start)})", hint="swap date and end, or fix the typo")


def check_begun(start, record: Record, report: Report) -> None:
    """An ongoing event ("end: present") has begun by the build date, else its page would say
    "since December 9999, ongoing"."""
    today = build_date()
    if start and start.position() >= PartialDate(today.year, today.month, today.day).end_position():
        report.at(record.loc_of("date"), f"the event is ongoing (end: present) but starts on "
                  f"{_as_written(start)}, after the build date {today.isoformat()}",
                  hint="fix the date, or give an end date instead of 'present'")


def _as_written(day) -> str:
    return day.iso() if day.year >= 1 else day.format()


def verify_excerpt(eid: str, number: int, item: Record, sources: dict[str, Source], report: Report,
                   hints: list[int] | None = None) -> Excerpt | None:
    """The excerpt, its quote located in its source; or None, the error reported. `hints`: how many
    more misquotes of this file get a searched hint (each search costs time; a file of hundreds of
    misquotes must not hold the build up)."""
    source_id, quote = item.values.get("source"), item.values.get("quote")
    if source_id is None or quote is None:
        return None
    source = sources.get(source_id)
    if source is None:
        close = difflib.get_close_matches(source_id, sources, n=1, cutoff=0.5)
        known = ", ".join(sorted(sources)) or "none yet"
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"known sources: {known}"
        report.at(item.loc_of("source"), f"unknown source '{source_id}'", hint)
        return None
    if source.failed:
        return None  # the source file's own errors are reported; nothing to verify against
    spans = locate_quote(quote, visible_text(source).text)  # the words readers read, not markup
    if spans is None:
        if hints is None or hints[0] > 0:
            hint = misquote_hint(quote, source, sources)
            if hints is not None:
                hints[0] -= 1
        else:
            hint = (f"not searched for its closest passage: this file has more than {HINTS_PER_FILE} "
                    "misquotes; fix those above first")
        report.at(item.loc_of("quote"), f"the quote is not in source '{source_id}'", hint)
        return None
    selector = cited_selector(spans, source)
    return Excerpt(eid, number, source_id, quote, item.values.get("note"), selector)


def misquote_hint(quote: str, source: Source, sources: Mapping[str, Source]) -> str:
    """Where the quote is, when another source has it word for word; otherwise the cited source's
    closest passage and how the quote differs from it."""
    elsewhere = cited_elsewhere(quote, source, sources)
    if elsewhere is not None:
        return (f"this quote is in source '{elsewhere.id}' ({Path(elsewhere.path).name} line "
                f"{cited_selector(locate_quote(quote, visible_text(elsewhere).text), elsewhere).line}): "
                "cite that source")
    shown = visible_text(source)
    near = closest_passage(quote, shown.text)
    if near is None:
        return f"no passage of {Path(source.path).name} shares words with it; is it the right source?"
    line = source.line_of(shown.archived_span(near.start, near.end)[0])
    lines = [f"closest passage, {Path(source.path).name} line {line}: \"{near.passage}\""]
    lines += near.differences or character_differences(quote, near.matched, source)
    return "\n".join(lines)


def cited_elsewhere(quote: str, cited: Source, sources: Mapping[str, Source]) -> Source | None:
    """The first other source of the site that has the quote, by the rules that verify it; all
    the searches share one budget, so a hostile quote costs no more than one search."""
    work = [WORK]
    for other in sources.values():
        if other is not cited and not other.failed and work[0] > 0:
            if locate_quote(quote, visible_text(other).text, work) is not None:
                return other
    return None
