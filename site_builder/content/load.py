"""Load a whole site: site.yaml, sources and events, with every cross-check."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from site_builder.content.events import build_event, event_id, read_event_record
from site_builder.content.fields import SITE_FIELDS, read_record
from site_builder.content.sources import load_source
from site_builder.content.yamlsafe import decode_text, parse_yaml
from site_builder.errors import ContentError, Report
from site_builder.model import Event, Lane, Site, SiteConfig, Source
from site_builder.slugs import is_slug

DEFAULT_LANE = Lane("events", "Events", "#3d5a80")


@dataclass(frozen=True)
class SitePaths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "site.yaml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def events(self) -> Path:
        return self.content / "events"

    @property
    def sources(self) -> Path:
        return self.content / "sources"


@dataclass(frozen=True)
class FileSteps:
    """The per-file work of loading. `serve` passes memoized versions (site_builder/incremental.py)
    so that a save re-reads and re-verifies only what changed; the cross-file checks stay here."""

    load_source: Callable = load_source
    read_event_record: Callable = read_event_record
    build_event: Callable = build_event


def load_site(root: Path, include_drafts: bool = False, base_url: str | None = None,
              steps: FileSteps = FileSteps()) -> Site:
    """The site model, or ContentError carrying every error found."""
    paths = SitePaths(Path(root))
    report = Report()
    config = load_config(paths, report, base_url)
    sources = load_sources(paths, report, steps)
    events = load_events(paths, config, sources, report, steps) if config else []
    if report:
        raise ContentError(report.errors)
    visible = tuple(sorted((e for e in events if include_drafts or not e.draft), key=Event.sort_key))
    return Site(config, visible, tuple(sorted(sources.values(), key=lambda s: s.id)))


def load_config(paths: SitePaths, report: Report, base_url: str | None) -> SiteConfig | None:
    if not paths.config.is_file():
        report.error(str(paths.config), 1, 1, "no site.yaml here",
                     hint="run site-builder in a site's folder, pass --site DIR, or create one with `site-builder new site DIR`")
        return None
    text = decode_text(paths.config.read_bytes(), str(paths.config), report)
    record = read_record(parse_yaml(text, str(paths.config), report) if text is not None else None,
                         SITE_FIELDS, report, "site.yaml")
    if record is None or "title" not in record.values:
        return None
    lanes = tuple(Lane(r.values["id"], r.values["label"], r.values["color"])
                  for r in record.get("lanes", ()) if {"id", "label", "color"} <= r.values.keys())
    seen: set[str] = set()
    for r in record.get("lanes", ()):
        lane_id = r.values.get("id")
        if lane_id in seen:
            report.at(r.loc_of("id"), f"duplicate lane '{lane_id}'")
        seen.add(lane_id)
    url = base_url or record.get("base_url", "http://localhost:8000/")
    return SiteConfig(
        title=record.values["title"],
        description=record.get("description", ""),
        base_url=url if url.endswith("/") else url + "/",
        language=record.get("language", "en"),
        timezone=record.get("timezone", "UTC"),
        lanes=lanes or (DEFAULT_LANE,),
        theme=record.get("theme", "default"),
    )


def content_files(folder: Path, suffixes: tuple[str, ...], root: Path, report: Report) -> list[Path]:
    """Files under folder, refusing links that lead outside the site.

    Only links are resolved: a plain file reached without following links is inside the
    site when its folder is (resolving all 10,000 event files took 0.6 s of every rebuild).
    """
    if not folder.is_dir():
        return []
    found = []
    limit = root.resolve()
    folder_inside = folder.resolve().is_relative_to(limit)
    for name, is_link, is_file in sorted(_walk(str(folder)), key=lambda entry: entry[0].split(os.sep)):
        path = Path(name)
        if path.suffix not in suffixes or path.name.startswith("."):
            continue
        if folder_inside and not is_link:
            if is_file:
                found.append(path)
            continue
        real = path.resolve()
        if not real.is_relative_to(limit):
            report.error(str(path), 1, 1, "this file links to a place outside the site folder",
                         hint="copy the file into content/ instead of linking to it")
            continue
        if real.is_file():
            found.append(path)
    return found


def _walk(folder: str):
    """(path, is a link, is a file) of everything under folder, not following linked folders (as rglob)."""
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    yield entry.path, entry.is_symlink(), entry.is_file(follow_symlinks=False)


def load_sources(paths: SitePaths, report: Report, steps: FileSteps = FileSteps()) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path in content_files(paths.sources, (".md", ".txt"), paths.root, report):
        source = steps.load_source(path, report)
        if source is None:
            continue
        if not is_slug(source.id):
            report.error(str(path), 1, 1, f"'{source.id}' cannot be a source id",
                         hint="name the file with lowercase letters, digits and dashes, or add an `id:` field")
        elif source.id in sources:
            report.error(str(path), 1, 1, f"duplicate source id '{source.id}'",
                         hint=f"also used by {sources[source.id].path}")
        else:
            sources[source.id] = source
    return sources


def load_events(paths: SitePaths, config: SiteConfig, sources: dict[str, Source], report: Report,
                steps: FileSteps = FileSteps()) -> list[Event]:
    events: dict[str, Event] = {}
    claimed: dict[str, str] = {}
    related_refs = []
    for path in content_files(paths.events, (".yaml", ".yml"), paths.root, report):
        record = steps.read_event_record(path, report)
        if record is None:
            continue
        eid = event_id(path, record, report)
        if eid is None:
            continue
        if eid in claimed:
            loc = record.loc_of("id")
            report.at(loc, f"duplicate event id '{eid}'", hint=f"also used by {claimed[eid]}")
            continue
        claimed[eid] = str(path)
        related_refs.append((record, eid))
        event = steps.build_event(path, record, eid, config, sources, report)
        if event is not None:
            events[eid] = event
    for record, eid in related_refs:
        for other in record.get("related", ()):
            if other not in claimed:
                close = difflib.get_close_matches(other, claimed, n=1, cutoff=0.6)
                report.at(record.loc_of("related"), f"related event '{other}' does not exist",
                          hint=f"did you mean '{close[0]}'?" if close else "use the id of an event under content/events/")
            elif other == eid:
                report.at(record.loc_of("related"), "an event cannot be related to itself")
    return list(events.values())
