"""Memoized loading steps: a file is parsed again only when its stat changes, and an event's
excerpts are verified again only when its record, the site settings or a source it looked up
changed. The loader (content/load.py) calls these in place of the plain per-file functions.

CachedSteps also hands the loader a LoadMemo (content/load.py): with it, an event file whose stat
is unchanged skips even these steps while the config and sources are the same objects, and a
load in which nothing changed gives back the very Site of the last one.

Of an event file's record only what the cross-file checks read (its id and related events, as
the forked loader sends back) is kept between loads: the whole record lives until its event is
built. An event built again later (a source it cites, or the settings, changed) reads its file
again; its stat is the one the kept parts came from. At 10,000 events the whole records held
about 25 MB of the preview's memory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from site_builder.content.events import build_event, read_event_record
from site_builder.content.load import FileSteps, LoadMemo, kept_parts
from site_builder.content.sources import load_source
from site_builder.errors import Report

MISSING = object()


class Recorder(Mapping):
    """A read-only view of a dict that notes each key read, or that it was read whole."""

    __slots__ = ("_data", "_name", "_note")

    def __init__(self, data: dict, name: str, note: Callable[[tuple], None]):
        self._data, self._name, self._note = data, name, note

    def __getitem__(self, key):
        self._note((self._name, key))
        return self._data[key]

    def get(self, key, default=None):
        self._note((self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key):
        self._note((self._name, key))
        return key in self._data

    def __iter__(self):
        self._note((self._name,))
        return iter(self._data)

    def __len__(self):
        self._note((self._name,))
        return len(self._data)


def same(a, b) -> bool:
    return a is b or a == b


def stamp(path: Path) -> tuple:
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
    diagnostics: list
    sources: Any = None  # the last sources dict the verdict was found to hold for


class CachedSteps:
    """FileSteps that remember: the loader calls these instead of the plain functions."""

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, str], tuple[tuple, Any, list]] = {}
        self.verified: dict[str, _Verified] = {}
        self.counts = {"parsed": 0, "verified": 0}
        self.memo = LoadMemo()
        self._whole: dict[str, Any] = {}  # path -> the whole record read in this load, until its event is built

    def steps(self) -> FileSteps:
        self._whole.clear()  # what the last load read and did not build (a duplicate id, say)
        return FileSteps(load_source=self.load_source, read_event_record=self.read_event_record,
                         build_event=self.build_event, memo=self.memo)

    def forget(self, paths) -> None:
        """Drop what is known about these files even if their stat looks the same."""
        gone = {str(p) for p in paths}
        self.memo.forget(gone)
        for key in [k for k in self.parsed if k[1] in gone]:
            del self.parsed[key]
        for key in [k for k in self.verified if k in gone]:
            del self.verified[key]

    def _parse(self, kind: str, read: Callable, path: Path | str, report: Report):
        key = (kind, os.fspath(path))
        st = os.stat(path)
        now = st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns  # stamp(path), without a call
        cached = self.parsed.get(key)
        if cached is None or cached[0] != now:
            own = Report()
            cached = (now, read(path, own), own.diagnostics)
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
        record = read_event_record(path, report)
        if record is None:
            return None
        self._whole[os.fspath(path)] = record
        return kept_parts(record)

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
                               own.diagnostics, sources)
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
            # The loader hands back the very dict of the last load while every source in it is the
            # same object (content/load.py), and never changes a dict it handed out.
            return True
        if cached.whole is not None and (cached.whole.keys() != sources.keys()
                                         or any(sources[k] is not v for k, v in cached.whole.items())):
            return False
        if all(sources.get(k, MISSING) is v for k, v in cached.looked_up.items()):
            cached.sources = sources
            return True
        return False
