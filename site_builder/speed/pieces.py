"""Kept pieces: the values of the functions registered with render/memo.keepable (an event's VEVENT,
its JSON record, ...), kept between builds in the page store's file, one row per function."""

# A row holds every value of one function that one process used in the last build, keyed by a
# digest of the event and of the sources it quotes, with the digest of the asset names they were
# made with; the row's scope (the tool, theme, site.yaml, settings) and a checksum of it all are
# checked once when the row is read. A row that does not match is no value at all: each is made.

from __future__ import annotations

import hashlib
import marshal
import sqlite3
from collections.abc import Callable

from site_builder.model import Event, Site
from site_builder.render.pieces import cited
from site_builder.speed.fingerprints import Fingerprints, Unstable
from site_builder.speed.reads import RecordingMemo, SiteView

_MISSING = object()
# What a page counts as having read when it is given a kept piece: a piece reads its event, the
# sources it quotes and site.yaml (a page that lists every event has read them all already).
_PIECE_READS = frozenset({("config",), ("sources",)})


class _Table:
    """One function's values: those the store had, and those this process used."""

    __slots__ = ("old", "new", "made", "written")

    def __init__(self, old: dict) -> None:
        self.old, self.new, self.made, self.written = old, {}, 0, len(old)

    def changed(self) -> bool:
        """Whether the row would be other than the store's: a value made, or one not used."""
        return self.made > 0 or len(self.new) != self.written


class KeptPieces:
    """One process's use of the kept pieces: each function's row read when it is first asked for,
    written again by flush() when this process made a value or used fewer than the row holds."""

    def __init__(self, store, site: Site, site_key: bytes, scope: bytes, prints: Fingerprints) -> None:
        self.store, self.site, self.site_key, self.scope, self.prints = store, site, site_key, scope, prints
        self.assets = b""  # the digest of the asset names the pieces' URLs are made with (use())
        self._keys: dict[int, tuple[Event, bytes | None]] = {}
        self._tables: dict[str, _Table] = {}

    def use(self, assets: bytes) -> None:
        """The asset names' digest: rows made with others are not read."""
        if assets != self.assets:
            self.assets, self._tables = assets, {}

    def value(self, name: str, make: Callable, args: tuple, event: Event):
        """make(*args), or the value the store or this process has for the same event."""
        key = self.key(event)
        if key is None:
            return make(*args)
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = _Table(self._read(name))
        found = table.new.get(key, _MISSING)
        if found is _MISSING:
            found = table.old.get(key, _MISSING)
            if found is _MISSING:
                found = make(*args)
                table.made += 1
            table.new[key] = found
        return found

    def key(self, event: Event) -> bytes | None:
        """A digest of the event and of the sources it quotes (None: one has no digest that holds)."""
        kept = self._keys.get(id(event))
        if kept is not None and kept[0] is event:
            return kept[1]
        try:
            sources = self.site.sources_by_id
            digests = [self.prints.of(event), *(self.prints.of(sources[s]) for s in cited(event))]
            key = hashlib.sha256(b"".join(digests)).digest()
        except (Unstable, KeyError):
            key = None
        self._keys[id(event)] = (event, key)
        return key

    def flush(self) -> None:
        """Each function's row written again where it changed: the values this process used."""
        rows = []
        for name, table in self._tables.items():
            if table.changed():
                try:
                    data = marshal.dumps((self.assets, table.new))
                except ValueError:  # not plain data: tests/test_pieces.py says which
                    continue
                rows.append((self.site_key, name, self.scope, data,
                             _checksum(self.site_key, name, self.scope, data)))
                table.made, table.written = 0, len(table.new)
        if rows:
            self._execute(lambda c: c.executemany("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?, ?)", rows))

    def _read(self, name: str) -> dict:
        rows = self._execute(lambda c: c.execute("SELECT scope, data, checksum FROM pieces WHERE site = ? "
                                                 "AND name = ?", (self.site_key, name)).fetchall())
        if not rows:
            return {}
        scope, data, checksum = rows[0]
        if scope != self.scope or _checksum(self.site_key, name, scope, data) != checksum:
            return {}
        try:
            assets, values = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return {}
        return values if assets == self.assets and type(values) is dict else {}

    def _execute(self, work: Callable[[sqlite3.Connection], object]):
        connection = self.store.connection()
        if connection is None:
            return None
        try:
            return work(connection)
        except sqlite3.Error:
            self.store.broken = True
            return None


def _checksum(site: bytes, name: str, scope: bytes, data: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (site, name.encode("utf-8"), scope, data):
        digest.update(b"%d\0" % len(part))
        digest.update(part)
    return digest.digest()


class PieceMemo(RecordingMemo):
    """The page store's memo: a registered function's value of an event comes from KeptPieces."""

    def __init__(self, view: SiteView, recorded: Callable[[set], frozenset], kept: dict, pieces: KeptPieces) -> None:
        super().__init__(view, recorded, kept)
        self.pieces = pieces

    def piece(self, make, scope, event):
        self._view.deps |= _PIECE_READS
        return self.pieces.value(make.kept_as[0], make, (scope, event), event)  # (registered: memo.keepable)

    def of(self, make, obj):
        kept_as = getattr(make, "kept_as", None)
        if kept_as is None:
            return super().of(make, obj)
        return self.pieces.value(kept_as[0], make, (obj,), obj)
