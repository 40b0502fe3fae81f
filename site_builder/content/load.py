"""Load a whole site: site.yaml, sources and events, with every cross-check."""

from __future__ import annotations

import difflib
import gc
import os
import pickle
import re
from contextlib import contextmanager
from dataclasses import dataclass
from operator import is_
from pathlib import Path
from typing import Any, Callable, Iterator

from site_builder.content.events import build_event, event_id, event_record, read_event_record
from site_builder.content.fields import SITE_FIELDS, Record, base_url_problem, read_record
from site_builder.speed.load_cache import LoadCache, group_count, group_key, group_of, inputs_digest
from site_builder.content.sources import failed_source, load_source
from site_builder.content.yamlsafe import MAX_FILE_BYTES, UNSAFE_CHARS, char_name, decode_text, parse_yaml, read_content
from site_builder.errors import ContentError, Report
from site_builder.model import CARRY_LIMIT, Event, Lane, Site, SiteConfig, Source, carry_indexes
from site_builder.speed.workers import ForkedWorkers, worker_count
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
    """The per-file work of loading. `serve` passes memoized versions (site_builder/preview/incremental.py)
    so that a save re-reads and re-verifies only what changed; the cross-file checks stay here."""

    load_source: Callable = load_source
    read_event_record: Callable = read_event_record
    build_event: Callable = build_event
    memo: Any = None  # a LoadMemo the loads of one site share (serve's), or None


class LoadMemo:
    """What the previous load of the same site gave, so that the next one can hand back the same
    objects when nothing changed: the same SiteConfig when site.yaml says the same, the same
    sources dict while every source is the same object, and the same Site while in addition
    every event is. The memoized steps (cached_steps.py) then compare by identity, and the
    renderer sees at once that the site is the one it rendered (incremental.py)."""

    def __init__(self) -> None:
        self.config: SiteConfig | None = None
        self.sources: dict[str, Source] | None = None
        self.site: Site | None = None
        self.site_key: tuple | None = None  # (include_drafts, config, sources dict, events as loaded)
        # event file -> [stat, record, id, errors of reading and naming it, (event, errors of
        # building it) or _NOT_BUILT, errors of naming it], and the (config, sources) built with
        self.outcomes: dict[str, list] = {}
        self.outcomes_with: tuple | None = None
        # The events folder as last walked: (file names, the errors the walk reported).
        self.event_files: tuple[list[str], list] | None = None
        self.known_files: frozenset[str] = frozenset()
        self.trusted_names: frozenset[str] | None = None  # the edited event files, as the walk names them
        # Set for one load by whoever knows every file that changed since the last one (the
        # preview's watcher): the others are taken as they were, without a walk or a stat.
        self.trusted: frozenset[str] | None = None

    def forget(self, paths) -> None:
        """These files must go through the steps again, whatever their stat says."""
        for path in paths:
            self.outcomes.pop(os.fspath(path), None)


def load_site(root: Path, include_drafts: bool = False, base_url: str | None = None,
              steps: FileSteps = FileSteps(), workers: int | None = 1) -> Site:
    """The site model, or ContentError carrying every error found. workers: processes to load
    the events in (None: as many as the site's size is worth; site_builder/speed/workers.py)."""
    with _collector_paused():
        paths = SitePaths(Path(root))
        report = Report()
        config = load_config(paths, report, base_url)
        if config is not None and not content_folders_present(paths, report):
            raise ContentError(report.errors)
        sources = load_sources(paths, report, steps)
        memo = steps.memo
        if memo is not None and config is not None:
            if memo.config is not None and memo.config == config:
                config = memo.config
            memo.config = config
        events = load_events(paths, config, sources, report, steps, workers) if config else []
        if report:
            raise ContentError(report.errors)
        if memo is not None:
            key = (include_drafts, config, sources, events)
            last = memo.site_key
            if (last is not None and last[0] == include_drafts and last[1] is config and last[2] is sources
                    and len(last[3]) == len(events) and all(map(is_, last[3], events))):
                return memo.site
        visible = _in_order(events, include_drafts, memo)
        site = Site(config, visible, tuple(sorted(sources.values(), key=lambda s: s.id)))
        if memo is not None:
            if memo.site is not None:
                carry_indexes(site, memo.site)
            memo.site, memo.site_key = site, key
        return site


def _in_order(events: list[Event], include_drafts: bool, memo: LoadMemo | None) -> tuple[Event, ...]:
    """The events shown, by Event.sort_key. After an edit that left every event's place in the
    order (its id, sort key and draft flag), the last load's order with the edited events in it:
    the preview loads a 10,000-event site after every save, and sorting was a tenth of that."""
    last = memo.site_key if memo is not None else None
    if last is not None and last[0] == include_drafts and len(last[3]) == len(events):
        swapped: dict[str, Event] = {}
        for old, new in zip(last[3], events):
            if old is not new:
                if (old.id != new.id or old.draft != new.draft or old.sort_key() != new.sort_key()
                        or len(swapped) == CARRY_LIMIT):
                    break
                swapped[old.id] = new
        else:
            kept = memo.site.events
            return tuple(swapped.get(e.id, e) for e in kept) if swapped else kept
    return tuple(sorted((e for e in events if include_drafts or not e.draft), key=Event.sort_key))


@contextmanager
def _collector_paused():
    """Loading makes a million objects that all stay alive: the cyclic garbage collector, set off
    by so many allocations, walked them over and over (a third of a cold load's time). It is off
    while loading; then what loading made goes straight to the oldest generation (freeze moves
    every tracked object to the permanent one, unfreeze moves those to the oldest), so that the
    first young collection after it does not walk the whole new site either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:  # nobody froze objects on purpose (ForkedWorkers does, for a while)
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def load_config(paths: SitePaths, report: Report, base_url: str | None) -> SiteConfig | None:
    if not paths.config.is_file():
        report.error(str(paths.config), 1, 1, "no site.yaml here",
                     hint="run site-builder in a site's folder, pass --site DIR, or create one with `site-builder new site DIR`")
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
    )


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
    (serve.py) both go by this rule, so that what the preview ignores is never published."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", "#", ".swp", ".swx", ".tmp", ".part"))
            or name == "4913")


def content_files(folder: Path, suffixes: tuple[str, ...], root: Path, report: Report) -> list[Path]:
    """Files under folder, refusing links that lead outside the site."""
    return [Path(name) for name in _content_names(folder, suffixes, root, report)]


def _content_names(folder: Path, suffixes: tuple[str, ...], root: Path, report: Report) -> list[str]:
    """content_files as strings (no Path object per file: 10,000 of them cost a rebuild 0.1 s).

    Only links are resolved: a plain file reached without following links is inside the
    site when its folder is (resolving all 10,000 event files took 0.6 s of every rebuild).
    """
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


def load_sources(paths: SitePaths, report: Report, steps: FileSteps = FileSteps()) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    failed = []
    for name in _content_names(paths.sources, (".md", ".txt"), paths.root, report):
        source = steps.load_source(Path(name), report)
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
    memo = steps.memo
    if memo is not None:
        last = memo.sources
        if (last is not None and last.keys() == sources.keys()
                and all(map(is_, last.values(), sources.values()))):
            return last  # the very dict the last load verified excerpts against: unchanged
        memo.sources = sources
    return sources


_NOT_BUILT = object()


def load_events(paths: SitePaths, config: SiteConfig, sources: dict[str, Source], report: Report,
                steps: FileSteps = FileSteps(), workers: int | None = 1) -> list[Event]:
    """workers: processes to read and verify the files in (None: by the site's size)."""
    files = _event_files(paths, report, steps.memo)
    count = worker_count(len(files), workers) if workers != 1 else 1
    if count > 1:
        read = _read_events_forked(files, config, sources, steps, count)
    elif steps.memo is not None:
        read = _read_events_remembered(files, config, sources, steps)
    else:
        read = (_read_event(name, steps) for name in files)
    build = steps.build_event
    outcomes = steps.memo.outcomes if steps.memo is not None and count == 1 else None
    events: dict[str, Event] = {}
    claimed: dict[str, str] = {}
    related_refs = []
    diagnostics = report.diagnostics
    for path, record, eid, errors, built in read:
        if errors:
            diagnostics.extend(errors)
        if eid is None:  # no record, or a file name that cannot be an id
            continue
        if eid in claimed:  # the first file (in path order) keeps the id; the other is not built
            report.at(record.loc_of("id"), f"duplicate event id '{eid}'",
                      hint=f"also used by {claimed[eid]}")
            continue
        claimed[eid] = path
        if "related" in record.values:
            related_refs.append((record, eid))
        if built is _NOT_BUILT:
            if outcomes is None:
                event = build(path, record, eid, config, sources, report)
            else:  # kept for the next load, with its own errors
                own = Report()
                event = build(path, record, eid, config, sources, own)
                diagnostics.extend(own.diagnostics)
                outcomes[path][4] = (event, own.diagnostics)
        else:
            event, build_errors = built
            diagnostics.extend(build_errors)
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


def _event_files(paths: SitePaths, report: Report, memo: LoadMemo | None) -> list[str]:
    """The event files, in order. When memo.trusted names only edits of files the last walk found
    (none added, none gone), that walk's list and errors stand, and memo.trusted_names is set to
    the edited files under the names the walk gives them; else the folder is walked."""
    if memo is not None:
        memo.trusted_names = None
    if memo is not None and memo.trusted is not None and memo.event_files is not None:
        names, errors = memo.event_files
        folder = os.fspath(paths.events)
        inside = os.path.abspath(folder) + os.sep
        edited = {os.path.join(folder, p[len(inside):]) for p in memo.trusted if p.startswith(inside)}
        if all(name in memo.known_files and os.path.isfile(name) for name in edited):
            report.diagnostics.extend(errors)
            memo.trusted_names = frozenset(edited)
            return names
    before = len(report.diagnostics)
    names = _content_names(paths.events, (".yaml", ".yml"), paths.root, report)
    if memo is not None:
        memo.event_files = (names, report.diagnostics[before:])
        memo.known_files = frozenset(names)
    return names


def _read_event(path: str, steps: FileSteps) -> tuple:
    """(path, record, id, errors of reading and naming it, _NOT_BUILT): the id is None when the
    record is, or when the file's name cannot be an id."""
    report = Report()
    record = steps.read_event_record(path, report)
    eid = event_id(path, record, report) if record is not None else None
    return path, record, eid, report.diagnostics, _NOT_BUILT


def _read_events_remembered(files: list[str], config: SiteConfig, sources: dict[str, Source],
                            steps: FileSteps) -> Iterator[tuple]:
    """_read_event of each file, for serve's repeated loads (steps.memo). A file whose stat is the
    one of the last load gives what it gave then, without the steps, while the config and the
    sources are the very objects it was built with (load_site and load_sources hand back the same
    ones while nothing in them changed). Other files go through the (memoized) steps; an id is
    still kept while the step hands back the same record (it only depends on record and path).

    A stat and a few lookups per file: the whole load of a one-file edit in a 10,000-event site
    is the walk of the folder and 10,000 stats, and the cross-file checks."""
    memo = steps.memo
    last, kept = memo.outcomes, {}
    memo.outcomes = kept  # now, not at the first item: load_events fills in what it builds
    same_inputs = memo.outcomes_with is not None and memo.outcomes_with[0] is config and memo.outcomes_with[1] is sources
    memo.outcomes_with = (config, sources)
    return _remembered(files, steps, last, kept, same_inputs, memo.trusted_names)


def _remembered(files: list[str], steps: FileSteps, last: dict, kept: dict, same_inputs: bool,
                trusted: frozenset[str] | None) -> Iterator[tuple]:
    read = steps.read_event_record
    report = Report()
    stat = os.stat
    for path in files:
        old = last.get(path)
        if trusted is not None and old is not None and same_inputs and path not in trusted:
            kept[path] = old  # not among the files the caller knows changed
            yield path, old[1], old[2], old[3], old[4]
            continue
        try:
            st = stat(path)
            now = st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns
        except OSError:  # gone since the walk: reading it reports that
            now = None
        if old is not None and same_inputs and old[0] == now:
            kept[path] = old
            yield path, old[1], old[2], old[3], old[4]
            continue
        record = read(path, report)
        errors = report.diagnostics
        if errors:
            report.diagnostics = []
        if old is not None and old[1] is record:
            eid, naming = old[2], old[5]
        else:
            named = Report()
            eid = event_id(path, record, named) if record is not None else None
            naming = named.diagnostics
        if naming:
            errors = errors + naming
        kept[path] = [now, record, eid, errors, _NOT_BUILT, naming]
        yield path, record, eid, errors, _NOT_BUILT


def _read_events_forked(files: list[str], config: SiteConfig, sources: dict[str, Source], steps: FileSteps,
                        count: int) -> Iterator[tuple]:
    """The same files read, named and built by `count` forked workers, in the same order. A worker
    also builds an event whose id turns out to be a duplicate; its verdict is then never used.
    With the plain steps, what a group of files gave is kept for the next build (load_cache.py)."""
    cache = LoadCache.default() if steps.read_event_record is read_event_record and steps.build_event is build_event else None

    def read_all(chunk: list[str]) -> list[tuple]:
        done = []
        for path in chunk:
            report = Report()
            record = steps.read_event_record(path, report)
            done.append(_read_and_build(path, record, report, config, sources, steps))
        return done

    if cache is None:
        size = max(1, min(EVENTS_PER_CHUNK, -(-len(files) // (count * 4))))
        chunks = [files[i:i + size] for i in range(0, len(files), size)]
        with ForkedWorkers(read_all, chunks, count) as workers:
            for done in workers.results(ordered=True):
                yield from done
        return
    yield from _read_events_cached(files, config, sources, steps, count, cache, read_all)


def _read_events_cached(files, config, sources, steps, count, cache: LoadCache, read_all) -> Iterator[tuple]:
    inputs = inputs_digest(config, sources)
    groups = group_count(len(files))
    members: list[list[str]] = [[] for _ in range(groups)]
    for path in files:
        members[group_of(path, groups)].append(path)

    def read_group(group: list[str]) -> tuple[str | None, bytes]:
        """(key, pickled outcomes): the cache's when it holds them, else made from the bytes read
        here (the ones the key is made of). A file that cannot be read, or is over the size limit:
        no key, read as always (which reports it)."""
        read = []
        for path in group:
            try:
                with open(path, "rb") as file:
                    data = file.read(MAX_FILE_BYTES + 1)
            except OSError:
                data = None
            if data is None or len(data) > MAX_FILE_BYTES:
                return None, pickle.dumps(read_all(group), pickle.HIGHEST_PROTOCOL)
            read.append((path, data))
        key = group_key(inputs, read)
        body = cache.load(key)
        if body is None:
            done = []
            for path, data in read:
                report = Report()
                record = event_record(data, path, report)
                done.append(_read_and_build(path, record, report, config, sources, steps))
            body = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
            cache.store(key, body)
        return key, body

    outcomes: dict[str, tuple] = {}
    keys = set()
    with ForkedWorkers(read_group, [group for group in members if group], count) as workers:
        for key, body in workers.results(ordered=False):
            for outcome in pickle.loads(body):
                outcomes[outcome[0]] = outcome
            keys.add(key)
    if None not in keys:
        cache.prune(keys)
    for path in files:
        yield outcomes[path]


def _read_and_build(path: str, record: Record | None, report: Report, config: SiteConfig,
                    sources: dict[str, Source], steps: FileSteps) -> tuple:
    """What a worker sends back for one file: (path, what the checks read of its record, id,
    errors of reading and naming it, (event, errors of building it))."""
    eid = event_id(path, record, report) if record is not None else None
    built = Report()
    event = steps.build_event(path, record, eid, config, sources, built) if eid is not None else None
    return path, kept_parts(record), eid, report.diagnostics, (event, built.diagnostics)


def kept_parts(record: Record | None) -> Record | None:
    """What the cross-file checks read of a record (its id and related events): less to send back."""
    if record is None:
        return None
    return Record({k: record.values[k] for k in ("id", "related") if k in record.values},
                  {k: record.locs[k] for k in ("id", "related") if k in record.locs}, record.loc)
