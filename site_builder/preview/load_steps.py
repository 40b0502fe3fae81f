"""The preview's Reader for load_site: each save loads the site again, and a file is parsed again
only when its stat changed, an event's excerpts verified again only when its record, the settings
or a source it looked up changed (content/load.py still does the checks across files)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import is_
from pathlib import Path
from typing import Any

from site_builder.content.events import build_event, event_id, read_event_record
from site_builder.content.media import MEDIA_FOLDER
from site_builder.content.load import (EventOutcome, Reader, SitePaths, checked_fields, event_files, in_order,
                                       load_content, site_of)
from site_builder.content.sources import load_source
from site_builder.errors import Report
from site_builder.model import Event, Site, SiteConfig, Source
from site_builder.preview.indexes import carry_indexes
from site_builder.speed.load_cache import media_stamps
from site_builder.speed.reads import MISSING, Recorder, same
from site_builder.speed.collector import collector_paused


def stamp(path: Path) -> tuple:
    """What tells that a file changed: its modification time, size, inode and change time."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns


@dataclass
class _Verified:
    record: Any
    eid: str
    config: Any
    whole: dict | None  # every source, when the step looked at all of them (an unknown id's hint)
    looked_up: dict  # source id -> the Source (or MISSING) it saw
    event: Any
    diagnostics: tuple  # kept as a tuple: no later report can add to what this verdict found
    sources: Any = None  # the last sources dict the verdict was found to hold for


class CachedSteps(Reader):
    """The preview's Reader for load_site, and its memory of the last load: Session.rebuild
    calls load() after every save."""

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, str], tuple[tuple, Any, tuple]] = {}
        self.verified: dict[str, _Verified] = {}
        self.counts = {"parsed": 0, "verified": 0}
        self._whole: dict[str, Any] = {}  # path -> the whole record read in this load, until its event is built
        # What the last load gave: its settings and sources (kept while equal), its Site and what
        # that was made of, and each event file's (stat, outcome, errors of naming it).
        self.config: SiteConfig | None = None
        self.sources: dict[str, Source] | None = None
        self.site: Site | None = None
        self.site_key: tuple | None = None  # (include_drafts, config, sources, events as loaded)
        self.outcomes: dict[str, tuple] = {}
        self.outcomes_with: tuple | None = None  # the (config, sources) they were made with
        self.media: bytes | None = None  # the media folder's stamp (load_cache.media_stamps) they were made with
        self.walked: tuple[list[str], tuple] | None = None  # the event files as last walked, and its errors
        self.known_files: frozenset[str] = frozenset()
        self.changed_files: frozenset[str] | None = None  # for one load: see load()

    def load(self, root: Path, include_drafts: bool = False, base_url: str | None = None,
             changed: set[Path] | None = None) -> Site:
        """load_site, doing again only what changed. changed: every file that changed since the
        last load, when the caller sees them all (the watcher); else each file's stat is checked."""
        self._whole.clear()  # what the last load read and did not build (an id that cannot be one, say)
        self.changed_files = frozenset(os.fspath(Path(p).absolute()) for p in changed) if changed else None
        try:
            with collector_paused():
                config, sources, events = load_content(root, base_url, self)
                return self._site(config, sources, events, include_drafts)
        finally:
            self.changed_files = None

    def forget(self, paths) -> None:
        """Drop what is known about these files even if their stat looks the same."""
        gone = {str(p) for p in paths}
        for path in gone:
            self.outcomes.pop(path, None)
        for key in [k for k in self.parsed if k[1] in gone]:
            del self.parsed[key]
        for key in [k for k in self.verified if k in gone]:
            del self.verified[key]

    # --- the last load's Site, settings and sources ------------------------------------------

    def _site(self, config: SiteConfig, sources: dict[str, Source], events: list[Event],
              include_drafts: bool) -> Site:
        """The last Site when it is made of the very same objects; else a new one, given the last
        one's indexes where the edit left them (indexes.py)."""
        config, sources = self._same_inputs(config, sources)
        last = self.site_key
        if (last is not None and last[0] == include_drafts and last[1] is config and last[2] is sources
                and len(last[3]) == len(events) and all(map(is_, last[3], events))):
            return self.site
        site = site_of(config, sources, in_order(events, include_drafts))
        if self.site is not None:
            carry_indexes(site, self.site)
        self.site, self.site_key = site, (include_drafts, config, sources, events)
        return site

    def _same_inputs(self, config: SiteConfig, sources: dict[str, Source]) -> tuple:
        """The last load's settings while equal to these, and its sources dict while every source
        is the same object: the steps then compare them by identity."""
        if self.config is not None and self.config == config:
            config = self.config
        last = self.sources
        if last is not None and last.keys() == sources.keys() and all(map(is_, last.values(), sources.values())):
            sources = last  # never changed once handed out
        self.config, self.sources = config, sources
        return config, sources

    # --- the event files ---------------------------------------------------------------------

    def read_events(self, paths: SitePaths, config: SiteConfig, sources: dict[str, Source],
                    report: Report) -> Iterator[EventOutcome]:
        """The Reader's outcomes; a file unchanged since the last load gives what it gave then,
        while the settings and sources are the very objects it was built with."""
        config, sources = self._same_inputs(config, sources)
        files, changed = self._event_files(paths, report)
        last, kept = self.outcomes, {}
        self.outcomes = kept  # now, not at the first outcome
        media = media_stamps(paths.content / MEDIA_FOLDER)
        if media != self.media:  # an image added, replaced or gone: every event's media checked again
            self.verified.clear()
        made_with = self.outcomes_with
        same_inputs = made_with is not None and made_with[0] is config and made_with[1] is sources \
            and media == self.media
        self.outcomes_with, self.media = (config, sources), media
        return self._outcomes(files, config, sources, last, kept, same_inputs, changed)

    def _event_files(self, paths: SitePaths, report: Report) -> tuple[list[str], frozenset[str] | None]:
        """The event files, in order, and which of them changed. When changed_files names only
        edits of files the last walk found (none added, none gone), that walk's list and errors
        stand; else the folder is walked, and any of them may have changed (None)."""
        if self.changed_files is not None and self.walked is not None:
            names, errors = self.walked
            folder = os.fspath(paths.events)
            inside = os.path.abspath(folder) + os.sep
            edited = {os.path.join(folder, p[len(inside):]) for p in self.changed_files if p.startswith(inside)}
            if all(name in self.known_files and os.path.isfile(name) for name in edited):
                report.diagnostics.extend(errors)
                return names, frozenset(edited)
        before = len(report.diagnostics)
        names = event_files(paths, report)
        self.walked = (names, tuple(report.diagnostics[before:]))
        self.known_files = frozenset(names)
        return names, None

    def _outcomes(self, files: list[str], config: SiteConfig, sources: dict[str, Source], last: dict,
                  kept: dict, same_inputs: bool, changed: frozenset[str] | None) -> Iterator[EventOutcome]:
        """Each file's last outcome while the inputs are the same and the file did not change (not
        among `changed`, or else the same stat); otherwise made through the steps. Its id is kept
        while the parse step hands back the same record (the id depends on record and path only)."""
        stat = os.stat
        for path in files:
            old = last.get(path)
            if changed is not None and old is not None and same_inputs and path not in changed:
                kept[path] = old
                yield old[1]
                continue
            try:
                st = stat(path)
                now = st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns
            except OSError:  # gone since the walk: reading it reports that
                now = None
            if old is not None and same_inputs and old[0] == now:
                kept[path] = old
                yield old[1]
                continue
            read = Report()  # one per file: an outcome's errors are its file's own, never shared
            record = self.read_event_record(path, read)
            errors = read.diagnostics
            if old is not None and old[1].record is record:
                eid, naming = old[1].id, old[2]
            else:
                named = Report()
                eid = event_id(path, record, named) if record is not None else None
                naming = named.diagnostics
            if naming:
                errors = errors + naming
            built = Report()
            event = self.build_event(path, record, eid, config, sources, built) if eid is not None else None
            outcome = EventOutcome(path, record, eid, errors, event, built.diagnostics)
            kept[path] = (now, outcome, naming)
            yield outcome

    # --- the steps, one file each ------------------------------------------------------------

    def _parse(self, kind: str, read: Callable, path: Path | str, report: Report):
        """read(path) and its errors, kept while the file's stat is the same."""
        key = (kind, os.fspath(path))
        st = os.stat(path)
        now = st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns  # stamp(path), without a call
        cached = self.parsed.get(key)
        if cached is None or cached[0] != now:
            own = Report()
            cached = (now, read(path, own), tuple(own.diagnostics))
            self.parsed[key] = cached
            self.counts["parsed"] += 1
        if cached[2]:
            report.diagnostics.extend(cached[2])
        return cached[1]

    def load_source(self, path: Path, report: Report):
        return self._parse("source", load_source, path, report)

    def read_event_record(self, path: Path, report: Report):
        return self._parse("event", self._read_kept, path, report)

    def _read_kept(self, path, report: Report):
        """The record's fields the checks across files read (load.checked_fields), kept between
        loads; the whole record only until its event is built (a later build reads it again)."""
        record = read_event_record(path, report)
        if record is None:
            return None
        self._whole[os.fspath(path)] = record
        return checked_fields(record)

    def build_event(self, path, record, eid, config, sources, report):
        """record: the kept parts of the record read_event_record gave (what is checked for the
        verdict being still valid); the event is built from the whole record."""
        key = os.fspath(path)
        whole = self._whole.pop(key, None)
        cached = self.verified.get(key)
        if cached is None or not self._still_valid(cached, record, eid, config, sources):
            if whole is None:  # read in an earlier load, its file unchanged since: read it again
                whole = read_event_record(path, Report())
                self.counts["parsed"] += 1
                if whole is None:  # it changed after all (its next stat will tell): not built now
                    return None
            looked_up: dict = {}
            whole_sources = []
            view = Recorder(sources, "sources", lambda dep: looked_up.__setitem__(dep[1], sources.get(dep[1], MISSING))
                            if len(dep) == 2 else whole_sources.append(True))
            own = Report()
            event = build_event(path, whole, eid, config, view, own)
            cached = _Verified(record, eid, config, dict(sources) if whole_sources else None, looked_up, event,
                               tuple(own.diagnostics), sources)
            self.verified[key] = cached
            self.counts["verified"] += 1
        if cached.diagnostics:
            report.diagnostics.extend(cached.diagnostics)
        return cached.event

    @staticmethod
    def _still_valid(cached: _Verified, record, eid, config, sources) -> bool:
        if cached.record is not record or cached.eid != eid or not same(cached.config, config):
            return False
        if cached.sources is sources:
            # load() hands back the very dict of the last load while every source in it is the
            # same object (_same_inputs), and never changes a dict it handed out.
            return True
        if cached.whole is not None and (cached.whole.keys() != sources.keys()
                                         or any(sources[k] is not v for k, v in cached.whole.items())):
            return False
        if all(sources.get(k, MISSING) is v for k, v in cached.looked_up.items()):
            cached.sources = sources
            return True
        return False
