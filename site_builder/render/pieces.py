"""Pieces of the whole-site files, kept between rebuilds of the preview server.

events.ics, events.json, events.csv, timeline.json and feed.xml are each made of one piece per
event (or source): its VEVENT lines, its JSON record, its CSV row... After an edit the preview
server runs these renderers again (they read every event), and only the edited event's piece needs
making again: a Pieces memo keeps the others.

A piece is made with a RenderContext whose site notes each read (an attribute, or one key of a
dict such as sources_by_id) with the value it gave. A kept piece is used again while:

- its item is the same object (the preview server keeps an unchanged event's object, and a
  source's, from one rebuild to the next; an edited one is a new object);
- every value it read is still the same object or equal: checked once per run for all the pieces
  together, so a source whose title changed drops exactly the pieces of the events citing it;
- the run's settings are equal: the Urls' own settings (base path, origin, asset names), the
  template the pieces render and whatever else the renderer passes (the calendar's host name).

A piece that reads a whole dict (iterates it) or calls a method of the site is not kept.

Dependencies stay visible: every value a kept piece read is read again through ctx.site when a run
starts, so the preview server's renderer (incremental.py, through its SiteView) records the same
dependencies as it would without the memo, and still runs when any of them changes; the memo only
makes that run cheap.

Memory: a memo keeps the pieces of the items of its last run only, and only when the site comes
wrapped (the preview server's SiteView): a one-off build renders a plain Site once and keeps
nothing, so its memory is what it was.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any
from collections.abc import Callable, Iterator

from site_builder.model import Site
from site_builder.render.pages import RenderContext

MISSING = object()  # a dict key read that was not there


def _same(a, b) -> bool:
    return a is b or a == b


class _Reads:
    """The site as a piece sees it: forwards every read and notes (dependency -> value).

    A dependency is ("config",) for an attribute or ("sources_by_id", id) for one key of a dict.
    `deps` is None once the piece did something that cannot be checked later.
    """

    __slots__ = ("_site", "_maps", "deps")

    def __init__(self, site) -> None:
        self._site = site
        self._maps: dict[str, _MapReads] = {}
        self.deps: dict | None = {}

    def __getattr__(self, name: str):
        reads = self._maps.get(name)
        if reads is not None:
            return reads
        value = getattr(self._site, name)
        if isinstance(value, Mapping):
            reads = self._maps[name] = _MapReads(value, name, self)
            return reads
        if callable(value):  # a method of the site may read anything
            self.deps = None
        elif self.deps is not None:
            self.deps.setdefault((name,), value)
        return value

    def note(self, dep: tuple, value) -> None:
        if self.deps is not None:
            self.deps.setdefault(dep, value)


class _MapReads(Mapping):
    """A dict of the site (sources_by_id, lanes_by_id, ...) noting each key read."""

    __slots__ = ("_data", "_name", "_reads")

    def __init__(self, data: Mapping, name: str, reads: _Reads) -> None:
        self._data, self._name, self._reads = data, name, reads

    def __getitem__(self, key):
        value = self._data.get(key, MISSING)
        self._reads.note((self._name, key), value)
        if value is MISSING:
            return self._data[key]  # raises as the dict does
        return value

    def get(self, key, default=None):
        value = self._data.get(key, MISSING)
        self._reads.note((self._name, key), value)
        return default if value is MISSING else value

    def __contains__(self, key) -> bool:
        return self.get(key, MISSING) is not MISSING

    def __iter__(self):  # the whole dict: too much to check
        self._reads.deps = None
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.deps = None
        return len(self._data)


def _current(site, dep: tuple):
    value = getattr(site, dep[0])
    return value if len(dep) == 1 else value.get(dep[1], MISSING)


def _urls_settings(urls) -> dict:
    """What a Urls holds besides the site: its base path, origin, asset names."""
    return {k: v for k, v in vars(urls).items() if k != "site"}


class Pieces:
    """One kind of piece (a VEVENT, a JSON record, ...) per item, for one renderer.

        with MEMO.run(ctx, host) as run:
            parts = run.pieces(ctx.site.events, make_vevent)

    make_vevent(piece_ctx, event) builds the piece from piece_ctx (ctx with a site that notes
    reads) and the item, and nothing else: whatever else it depends on goes in run()'s settings.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Any = MISSING
        self._entries: dict[int, tuple[Any, frozenset, Any]] = {}  # id(item) -> (item, deps, piece)
        self._known: dict[tuple, Any] = {}  # dependency -> the value every kept piece read
        self.made = 0  # pieces made in the last run (the others were kept)

    def clear(self) -> None:
        self._settings = MISSING
        self._entries = {}
        self._known = {}

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def run(self, ctx: RenderContext, *settings) -> Iterator[PieceRun]:
        with self._lock:
            run = PieceRun(self, ctx, settings)
            yield run
            run.finish()

    def _refresh(self, site, settings) -> None:
        """Drop the pieces whose settings or reads changed; read every dependency through `site`."""
        if not _same(self._settings, settings):
            self.clear()
            self._settings = settings
            return
        changed = set()
        for dep, old in list(self._known.items()):
            now = _current(site, dep)
            if now is old:
                continue
            if _same(old, now):
                self._known[dep] = now  # equal: the next check is by identity
            else:
                changed.add(dep)
                del self._known[dep]
        if changed:
            self._entries = {k: e for k, e in self._entries.items() if e[1].isdisjoint(changed)}


class PieceRun:
    """One renderer call's use of a Pieces memo."""

    def __init__(self, memo: Pieces, ctx: RenderContext, settings: tuple) -> None:
        self.memo = memo
        self.keep = not isinstance(ctx.site, Site)  # a wrapped site: the preview server builds again
        self.reads = _Reads(ctx.site)
        self.items: list = []  # the sequences of items asked for
        memo.made = 0
        if self.keep:
            urls = copy.copy(ctx.urls)
            urls.site = self.reads  # Urls.original looks sources up: those reads count too
            self.ctx = RenderContext(self.reads, urls, ctx.env)
            memo._refresh(ctx.site, (settings, _urls_settings(ctx.urls)))
        else:  # nothing kept: no reads to note
            self.ctx = ctx
            memo.clear()

    def pieces(self, items, make: Callable[[RenderContext, Any], Any]) -> list:
        """Each item's piece: the kept one if still valid, else make(ctx, item)."""
        if not self.keep:
            ctx = self.ctx
            found = [make(ctx, item) for item in items]
            self.memo.made += len(found)
            return found
        get = self.memo._entries.get
        found = []
        append = found.append
        for item in items:
            entry = get(id(item))
            append(entry[2] if entry is not None and entry[0] is item else self._make(item, make))
        self.items.append(items)
        return found

    def _make(self, item, make: Callable[[RenderContext, Any], Any]):
        reads = self.reads
        reads.deps = {}
        try:
            piece = make(self.ctx, item)
            deps = reads.deps
        finally:
            reads.deps = {}
        memo = self.memo
        memo.made += 1
        if self.keep and deps is not None:
            known = memo._known
            for dep, value in deps.items():
                known.setdefault(dep, value)
            memo._entries[id(item)] = (item, frozenset(deps), piece)
        return piece

    def finish(self) -> None:
        """Keep only the pieces of this run's items."""
        memo = self.memo
        if self.keep and len(memo._entries) != sum(map(len, self.items)):
            seen = {id(item) for items in self.items for item in items}
            for key in memo._entries.keys() - seen:
                del memo._entries[key]
