"""Load a whole site: site.yaml, sources and events, with every cross-check."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from site_builder.content.events import build_event, event_id, read_event_record
from site_builder.content.fields import SITE_FIELDS, Record, read_record
from site_builder.content.sources import load_source
from site_builder.content.yamlsafe import decode_text, parse_yaml
from site_builder.errors import ContentError, Report
from site_builder.model import Event, Lane, Site, SiteConfig, Source
from site_builder.parallel import ForkedWorkers, worker_count
from site_builder.slugs import is_slug

DEFAULT_LANE = Lane("events", "Events", "#3d5a80")
EVENTS_PER_CHUNK = 500  # files a worker reads per task: small enough to share the work out evenly


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
              steps: FileSteps = FileSteps(), workers: int | None = 1) -> Site:
    """The site model, or ContentError carrying every error found. workers: processes to load
    the events in (None: as many as the site's size is worth; site_builder/parallel.py)."""
    paths = SitePaths(Path(root))
    report = Report()
    config = load_config(paths, report, base_url)
    sources = load_sources(paths, report, steps)
    events = load_events(paths, config, sources, report, steps, workers) if config else []
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
                steps: FileSteps = FileSteps(), workers: int | None = 1) -> list[Event]:
    """workers: processes to read and verify the files in (None: by the site's size)."""
    files = content_files(paths.events, (".yaml", ".yml"), paths.root, report)
    count = worker_count(len(files), workers) if workers != 1 else 1
    if count > 1:
        read = _read_events_forked(files, config, sources, steps, count)
    else:
        read = (_read_event(path, config, sources, steps) for path in files)
    events: dict[str, Event] = {}
    claimed: dict[str, str] = {}
    related_refs = []
    for item in read:
        report.diagnostics.extend(item.errors)
        if item.record is None or item.eid is None:
            continue
        if item.eid in claimed:  # the first file (in path order) keeps the id; the other is not built
            report.at(item.record.loc_of("id"), f"duplicate event id '{item.eid}'",
                      hint=f"also used by {claimed[item.eid]}")
            continue
        claimed[item.eid] = str(item.path)
        related_refs.append((item.record, item.eid))
        event = item.build(report)
        if event is not None:
            events[item.eid] = event
    for record, eid in related_refs:
        for other in record.get("related", ()):
            if other not in claimed:
                close = difflib.get_close_matches(other, claimed, n=1, cutoff=0.6)
                report.at(record.loc_of("related"), f"related event '{other}' does not exist",
                          hint=f"did you mean '{close[0]}'?" if close else "use the id of an event under content/events/")
            elif other == eid:
                report.at(record.loc_of("related"), "an event cannot be related to itself")
    return list(events.values())


@dataclass
class _EventFile:
    """One event file read and named; build(report) verifies it into an Event (or reports why not)."""

    path: Path
    record: Record | None
    eid: str | None
    errors: list  # of reading and naming it
    build: Callable[[Report], Event | None]


def _read_event(path: Path, config: SiteConfig, sources: dict[str, Source], steps: FileSteps) -> _EventFile:
    report = Report()
    record = steps.read_event_record(path, report)
    eid = event_id(path, record, report) if record is not None else None
    return _EventFile(path, record, eid, report.diagnostics,
                      lambda into: steps.build_event(path, record, eid, config, sources, into))


def _read_events_forked(files: list[Path], config: SiteConfig, sources: dict[str, Source], steps: FileSteps,
                        count: int) -> Iterator[_EventFile]:
    """The same files read, named and built by `count` forked workers, in the same order. A worker
    also builds an event whose id turns out to be a duplicate; its verdict is then never used."""

    def read_chunk(chunk: list[Path]) -> list[tuple]:
        done = []
        for path in chunk:
            item = _read_event(path, config, sources, steps)
            built = Report()
            event = item.build(built) if item.eid is not None else None
            done.append((item.path, _kept(item.record), item.eid, item.errors, event, built.diagnostics))
        return done

    size = max(1, min(EVENTS_PER_CHUNK, -(-len(files) // (count * 4))))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    with ForkedWorkers(read_chunk, chunks, count) as workers:
        for done in workers.results(ordered=True):
            for path, record, eid, errors, event, build_errors in done:
                yield _EventFile(path, record, eid, errors, _replay(event, build_errors))


def _kept(record: Record | None) -> Record | None:
    """What the cross-file checks read of a record (its id and related events): less to send back."""
    if record is None:
        return None
    return Record({k: record.values[k] for k in ("id", "related") if k in record.values},
                  {k: record.locs[k] for k in ("id", "related") if k in record.locs}, record.loc)


def _replay(event: Event | None, diagnostics: list) -> Callable[[Report], Event | None]:
    def build(report: Report) -> Event | None:
        report.diagnostics.extend(diagnostics)
        return event
    return build
