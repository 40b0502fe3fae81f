"""Load a whole site: site.yaml, sources and events, with every cross-check. Files are read through
one seam, a Reader (see Reader); the checks across files (an id used twice, a related event that does
not exist) run here on its outcomes, whoever made them."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from collections.abc import Iterable

from site_builder.content.eras import read_eras, read_start_at
from site_builder.content.events import build_event, event_id, read_event_record
from site_builder.content.fields import SITE_FIELDS, Record, base_url_problem, read_record
from site_builder.content.sources import failed_source, load_source
from site_builder.content.yamlsafe import UNSAFE_CHARS, char_name, decode_text, parse_yaml, read_content
from site_builder.errors import ContentError, Diagnostic, Report
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


class EventOutcome(NamedTuple):
    """What reading one event file gave, before the checks across files."""

    path: str
    record: Record | None  # at least what those checks read of it (checked_fields)
    id: str | None  # None when there is no record, or when the file's name cannot be an id
    errors: list[Diagnostic]  # of reading and naming it
    event: Event | None
    event_errors: list[Diagnostic]  # of building it: reported only if its id is not a duplicate


class Reader:
    """How load_site reads the files (one EventOutcome per event file, in path order): here, in this
    process, one after the other. Subclasses (the build's forked workers, speed/forked_load.py; the
    preview's memory of the last load, preview/load_steps.py) must give the same outcomes."""

    def load_source(self, path: Path, report: Report) -> Source | None:
        return load_source(path, report)

    def read_events(self, paths: SitePaths, config: SiteConfig, sources: dict[str, Source],
                    report: Report) -> Iterable[EventOutcome]:
        """An outcome for each event file, in path order; errors of finding the files go to report."""
        return (read_event(path, config, sources) for path in event_files(paths, report))


READER = Reader()


def read_event(path: str, config: SiteConfig, sources: dict[str, Source]) -> EventOutcome:
    """One event file read, named and built."""
    report = Report()
    return event_outcome(path, read_event_record(path, report), report, config, sources)


def event_outcome(path: str, record: Record | None, report: Report, config: SiteConfig,
                  sources: dict[str, Source]) -> EventOutcome:
    """The outcome of a record already read (report: the errors of reading it): named, then built."""
    eid = event_id(path, record, report) if record is not None else None
    built = Report()
    event = build_event(path, record, eid, config, sources, built) if eid is not None else None
    return EventOutcome(path, record, eid, report.diagnostics, event, built.diagnostics)


def checked_fields(record: Record | None) -> Record | None:
    """What the checks across files read of a record (its id and related events): what a reader
    that keeps or sends outcomes needs to keep of the record."""
    if record is None:
        return None
    return Record({k: record.values[k] for k in ("id", "related") if k in record.values},
                  {k: record.locs[k] for k in ("id", "related") if k in record.locs}, record.loc)


def load_site(root: Path, include_drafts: bool = False, base_url: str | None = None,
              reader: Reader = READER) -> Site:
    """The site model, or ContentError carrying every error found."""
    config, sources, events = load_content(root, base_url, reader)
    return site_of(config, sources, in_order(events, include_drafts))


def load_content(root: Path, base_url: str | None = None,
                 reader: Reader = READER) -> tuple[SiteConfig, dict[str, Source], list[Event]]:
    """The settings, the sources by id and every event (drafts too, in path order), all checked;
    or ContentError carrying every error found."""
    paths = SitePaths(Path(root))
    report = Report()
    config = load_config(paths, report, base_url)
    if config is not None and not content_folders_present(paths, report):
        raise ContentError(report.errors)
    sources = load_sources(paths, report, reader)
    events = load_events(paths, config, sources, report, reader) if config else []
    if report:
        raise ContentError(report.errors)
    return config, sources, events


def in_order(events: Iterable[Event], include_drafts: bool) -> tuple[Event, ...]:
    """The events shown, by Event.sort_key."""
    return tuple(sorted((e for e in events if include_drafts or not e.draft), key=Event.sort_key))


def site_of(config: SiteConfig, sources: dict[str, Source], shown: tuple[Event, ...]) -> Site:
    """The Site of these settings, sources and events (already in order)."""
    return Site(config, shown, tuple(sorted(sources.values(), key=lambda s: s.id)))


def load_config(paths: SitePaths, report: Report, base_url: str | None) -> SiteConfig | None:
    if not paths.config.is_file():
        report.error(str(paths.config), 1, 1, "no site.yaml here",
                     hint="run site-builder in a site's folder, pass --site DIR, "
                          "or create one with `site-builder new site DIR`")
        return None
    data = read_content(str(paths.config), report)
    text = decode_text(data, str(paths.config), report) if data is not None else None
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
    url = _checked_base_url(record, report, base_url)
    return SiteConfig(
        title=record.values["title"],
        description=record.get("description", ""),
        base_url=url if url.endswith("/") else url + "/",
        language=record.get("language", "en"),
        timezone=record.get("timezone", "UTC"),
        lanes=lanes or (DEFAULT_LANE,),
        theme=record.get("theme", "default"),
        web_editor=_web_editor(record, report),
        strings=record.get("strings", ()),
        eras=read_eras(record, report),
        start_at=read_start_at(record, report),
    )


WEB_EDITOR_BACKENDS = ("git-gateway", "github")


def _web_editor(record: Record, report: Report) -> tuple[tuple[str, str], ...]:
    """The web editor's backend from site.yaml (render/admin.py), each mistake located."""
    name = record.get("web_editor")
    if name is None:
        return ()
    if name not in WEB_EDITOR_BACKENDS:
        report.at(record.loc_of("web_editor"), f"unknown web_editor backend '{name}'",
                  hint="write git-gateway (Netlify Identity) or github")
        return ()
    backend = {"name": name, "branch": record.get("web_editor_branch", "main")}
    if name == "github":
        repo = record.get("web_editor_repo", "")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
            report.at(record.loc_of("web_editor_repo"), "the github backend needs web_editor_repo: owner/name",
                      hint="e.g. web_editor_repo: newsroom/timeline")
            return ()
        backend["repo"] = repo
    return tuple(backend.items())


def _checked_base_url(record: Record, report: Report, option: str | None) -> str:
    """The option's address, else site.yaml's, else the preview's; each refused (reported) when it
    could publish credentials, an unsafe scheme or a query (fields.base_url_problem)."""
    hint = "write it like https://example.org/timeline/"
    written = record.get("base_url")
    if written is not None and base_url_problem(written):
        report.at(record.loc_of("base_url"), f"base_url '{_masked(written)}' {base_url_problem(written)}", hint)
    if option:
        problem = base_url_problem(option)
        if problem:
            shown = UNSAFE_CHARS.sub(lambda m: f"<{char_name(m.group())}>", _masked(option))
            report.error("--base-url", 0, 0, f"'{shown}' {problem}", hint)
        return option
    return written or "http://localhost:8000/"


def _masked(url: str) -> str:
    """The address with any user name and password hidden: errors end up in shared build logs."""
    return re.sub(r"(//)[^/?#]*@", r"\1***@", url, count=1)


def content_folders_present(paths: SitePaths, report: Report) -> bool:
    """A site keeps its content in content/events/ and content/sources/; without them the build
    would publish an empty site, most likely from the wrong folder. Empty folders are fine."""
    missing = [folder for folder in (paths.events, paths.sources) if not folder.is_dir()]
    for folder in missing:
        report.error(str(folder), 1, 1, f"no {folder.relative_to(paths.root).as_posix()}/ folder in the site",
                     hint="run site-builder in the site's folder (or pass -C DIR), or create the folder; "
                          "`site-builder new site DIR` starts a new site")
    return not missing


def ignored_name(name: str) -> bool:
    """A file or folder name that is never content: hidden (.git, .drafts), editor droppings (swap
    files, backups, lock files, atomic-save temporaries). The loader and the preview's watcher
    (preview/server.py) both go by this rule, so that what the preview ignores is never published."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", "#", ".swp", ".swx", ".tmp", ".part"))
            or name == "4913")


def content_files(folder: Path, suffixes: tuple[str, ...], root: Path, report: Report) -> list[Path]:
    """Files under folder, refusing links that lead outside the site."""
    return [Path(name) for name in _content_names(folder, suffixes, root, report)]


def _content_names(folder: Path, suffixes: tuple[str, ...], root: Path, report: Report) -> list[str]:
    """content_files as strings: no Path object per file, as the preview lists them on a rebuild.
    Only links are resolved (resolving every event file was a large share of a rebuild): a plain
    file reached without following links is inside the site when its folder is."""
    if not folder.is_dir():
        return []
    found = []
    limit = root.resolve()
    folder_inside = folder.resolve().is_relative_to(limit)
    entries, nested = _walk(str(folder), suffixes)
    if nested:  # by path components, as sorting Paths does ("a/x" before "a-b/x")
        entries.sort(key=lambda entry: entry[0].split(os.sep))
    else:  # one folder: its names share the prefix, and plain order is the same
        entries.sort()
    for name, is_link, is_file in entries:
        if UNSAFE_CHARS.search(name):
            char = UNSAFE_CHARS.search(name).group()
            report.error(name, 1, 1, f"the file name holds {char_name(char)}",  # printed escaped
                         hint="rename the file with letters, digits and dashes (a byte that is not UTF-8 "
                              "shows as U+DC80 to U+DCFF)")
            continue
        if folder_inside and not is_link:
            if is_file:
                found.append(name)
            else:
                report.error(name, 1, 1, "this is not a plain file (a pipe, socket or device)", hint="remove it")
            continue
        try:
            real = Path(name).resolve(strict=True)
        except (OSError, RuntimeError):
            report.error(name, 1, 1, "this link leads nowhere (its target is missing, or it loops)",
                         hint="remove the link, or copy the file it meant into content/")
            continue
        if not real.is_relative_to(limit):
            report.error(name, 1, 1, "this file links to a place outside the site folder",
                         hint="copy the file into content/ instead of linking to it")
            continue
        if real.is_file():
            found.append(name)
    return found


def _walk(folder: str, suffixes: tuple[str, ...]) -> tuple[list[tuple[str, bool, bool]], bool]:
    """(path, is a link, is a file) of everything under folder with one of these suffixes, not
    under an ignored_name, not following linked folders (as rglob), and whether there were
    folders inside it."""
    found = []
    stack = [folder]
    nested = False
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if ignored_name(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    nested = True
                elif entry.name.endswith(suffixes):
                    found.append((entry.path, entry.is_symlink(), entry.is_file(follow_symlinks=False)))
    return found, nested


def load_sources(paths: SitePaths, report: Report, reader: Reader = READER) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    failed = []
    for name in _content_names(paths.sources, (".md", ".txt"), paths.root, report):
        source = reader.load_source(Path(name), report)
        if source is None:
            failed.append(Path(name))
            continue
        if not is_slug(source.id):
            report.error(name, 1, 1, f"'{source.id}' cannot be a source id",
                         hint="name the file with lowercase letters, digits and dashes, or add an `id:` field")
        elif source.id in sources:
            report.error(name, 1, 1, f"duplicate source id '{source.id}'",
                         hint=f"also used by {sources[source.id].path}")
        else:
            sources[source.id] = source
    for path in failed:  # the load fails with the file's own errors; its citers add none of theirs
        if is_slug(path.stem):
            sources.setdefault(path.stem, failed_source(path))
    return sources


def event_files(paths: SitePaths, report: Report) -> list[str]:
    """The event files, in path order (content_files, as strings)."""
    return _content_names(paths.events, (".yaml", ".yml"), paths.root, report)


def load_events(paths: SitePaths, config: SiteConfig, sources: dict[str, Source], report: Report,
                reader: Reader = READER) -> list[Event]:
    """The events the reader's outcomes give, checked across files: the first file (in path
    order) keeps an id used twice, and every related event must exist."""
    events: dict[str, Event] = {}
    claimed: dict[str, str] = {}
    related_refs = []
    diagnostics = report.diagnostics
    for path, record, eid, errors, event, event_errors in reader.read_events(paths, config, sources, report):
        if errors:
            diagnostics.extend(errors)
        if eid is None:  # no record, or a file name that cannot be an id
            continue
        if eid in claimed:  # the other file's event, and its errors, are not used
            report.at(record.loc_of("id"), f"duplicate event id '{eid}'",
                      hint=f"also used by {claimed[eid]}")
            continue
        claimed[eid] = path
        if "related" in record.values:
            related_refs.append((record, eid))
        if event_errors:
            diagnostics.extend(event_errors)
        if event is not None:
            events[eid] = event
    for record, eid in related_refs:
        for other in record.get("related", ()):
            if other not in claimed:
                close = difflib.get_close_matches(other, claimed, n=1, cutoff=0.6)
                report.at(record.loc_of("related"), f"related event '{other}' does not exist",
                          hint=(f"did you mean '{close[0]}'?" if close
                                else "use the id of an event under content/events/"))
            elif other == eid:
                report.at(record.loc_of("related"), "an event cannot be related to itself")
    return list(events.values())
