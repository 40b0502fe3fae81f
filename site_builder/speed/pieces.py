"""Kept pieces: the values of the functions registered with render/memo.keepable (an event's VEVENT,
its JSON record, ...), kept between builds in the page store's file, BUCKETS rows per function."""

# A row holds the values of one function that one process used in the last build whose keys (a
# digest of the event and of the sources it quotes) fall in its bucket, with the digest of the
# asset names they were made with; the row's scope (the tool, theme, site.yaml, settings) and a
# checksum of it all are checked once when the row is read. A row that does not match is no value
# at all: each of its values is made again.

from __future__ import annotations

import hashlib
import marshal
import sqlite3
from collections.abc import Callable, Iterator

from site_builder.model import Event, Site
from site_builder.render.memo import Memo
from site_builder.render.pieces import cited
from site_builder.speed.fingerprints import Fingerprints, Unstable
from site_builder.speed.reads import RecordingMemo, SiteView

_MISSING = object()
# What a page counts as having read when it is given a kept piece: a piece reads its event, the
# sources it quotes and site.yaml (a page that lists every event has read them all already).
_PIECE_READS = frozenset({("config",), ("sources",)})


BUCKETS = 64  # rows per function: an edit writes again the few whose values changed, not all of them


class _Table:
    """One function's values: those the store had, and those this process used, by the bucket of
    their key's first byte."""

    __slots__ = ("old", "new", "made", "written")

    def __init__(self, old: dict, written: dict[int, int]) -> None:
        self.old = old
        self.new: list[dict] = [{} for _ in range(BUCKETS)]
        self.made: set[int] = set()  # buckets with a value made since the last flush
        self.written = written  # bucket -> how many values the store's row holds

    def changed(self) -> dict[int, dict]:
        """The buckets whose row would be other than the store's (a value made, or one not used),
        with their values (none: the row goes)."""
        return {n: values for n, values in enumerate(self.new)
                if n in self.made or len(values) != self.written.get(n, 0)}


class KeptPieces:
    """One process's use of the kept pieces: each function's rows read when it is first asked for,
    in one query, and the rows that changed written again by flush()."""

    def __init__(self, store, site: Site, site_key: bytes, scope: bytes, prints: Fingerprints,
                 keys: dict | None = None) -> None:
        self.store, self.site, self.site_key, self.scope, self.prints = store, site, site_key, scope, prints
        self.assets = b""  # the digest of the asset names the pieces' URLs are made with (use())
        self.keys: dict[int, tuple[Event, bytes | None]] = keys if keys is not None else {}  # by id(event)
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
            table = self._tables[name] = self._read(name)
        bucket = key[0] % BUCKETS
        used = table.new[bucket]
        found = used.get(key, _MISSING)
        if found is _MISSING:
            found = table.old.get(key, _MISSING)
            if found is _MISSING:
                found = make(*args)
                table.made.add(bucket)
            used[key] = found
        return found

    def key(self, event: Event) -> bytes | None:
        """A digest of the event and of the sources it quotes (None: one has no digest that holds)."""
        kept = self.keys.get(id(event))
        if kept is not None and kept[0] is event:
            return kept[1]
        try:
            sources = self.site.sources_by_id
            digests = [self.prints.of(event), *(self.prints.of(sources[s]) for s in cited(event))]
            key = hashlib.sha256(b"".join(digests)).digest()
        except (Unstable, KeyError):
            key = None
        self.keys[id(event)] = (event, key)
        return key

    def flush(self, release: bool = True) -> None:
        """The rows that changed written again: each bucket's values this process used; with
        `release`, the values let go (a task's file is made: its values' memory goes back)."""
        rows, gone = [], []
        for name, table in self._tables.items():
            for bucket, values in table.changed().items():
                if not values:
                    gone.append((self.site_key, name, bucket))
                    table.written.pop(bucket, None)
                    continue
                try:
                    data = marshal.dumps((self.assets, values))
                except ValueError:  # not plain data: tests/test_pieces.py says which
                    continue
                rows.append((self.site_key, name, bucket, self.scope, data,
                             _checksum(self.site_key, name, bucket, self.scope, data)))
                table.written[bucket] = len(values)
            table.made.clear()
        if rows or gone:
            self._execute(lambda c: _write(c, rows, gone))
        if release:
            self._tables = {}

    def _read(self, name: str) -> _Table:
        """The function's rows that hold: of this scope, whole (their checksum), of these assets."""
        rows = self._execute(lambda c: c.execute("SELECT bucket, scope, data, checksum FROM pieces WHERE site = ? "
                                                 "AND name = ?", (self.site_key, name)))
        values: dict = {}
        written: dict[int, int] = {}
        for bucket, scope, data, checksum in self._rows(rows):  # one row's bytes at a time
            if scope != self.scope or _checksum(self.site_key, name, bucket, scope, data) != checksum:
                continue
            try:
                assets, found = marshal.loads(data)
            except (ValueError, EOFError, TypeError):
                continue
            if assets == self.assets and type(found) is dict:
                values.update(found)
                written[bucket] = len(found)
        return _Table(values, written)

    def _rows(self, cursor) -> Iterator[tuple]:
        """The cursor's rows as they are read; none past an error (the store is then broken)."""
        if cursor is None:
            return []
        try:
            yield from cursor
        except sqlite3.Error:
            self.store.broken = True

    def _execute(self, work: Callable[[sqlite3.Connection], object]):
        connection = self.store.connection()
        if connection is None:
            return None
        try:
            return work(connection)
        except sqlite3.Error:
            self.store.broken = True
            return None


def _write(connection: sqlite3.Connection, rows: list[tuple], gone: list[tuple]) -> None:
    """All or none: each row comes with its checksum, but a row half-written is no row."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?, ?, ?)", rows)
        connection.executemany("DELETE FROM pieces WHERE site = ? AND name = ? AND bucket = ?", gone)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _checksum(site: bytes, name: str, bucket: int, scope: bytes, data: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (site, name.encode("utf-8"), b"%d" % bucket, scope, data):
        digest.update(b"%d\0" % len(part))
        digest.update(part)
    return digest.digest()


class _Kept:
    """A memo's registered functions' values of an event, from KeptPieces (`pieces`)."""

    pieces: KeptPieces

    def piece(self, make, scope, event):
        return self.pieces.value(make.kept_as[0], make, (scope, event), event)  # (registered: memo.keepable)

    def of(self, make, obj):
        kept_as = getattr(make, "kept_as", None)
        if kept_as is None:
            return super().of(make, obj)  # type: ignore[misc]
        return self.pieces.value(kept_as[0], make, (obj,), obj)


class KeptMemo(_Kept, Memo):
    """The search index's thread's memo (speed/page_store.StoredPages.search_memo), with a
    connection of its own: done() writes its values and closes it, in the thread that opened it."""

    def __init__(self, pieces: KeptPieces) -> None:
        super().__init__()
        self.pieces = pieces

    def done(self) -> None:
        self.pieces.flush()
        self.pieces.store.close()


class PieceMemo(_Kept, RecordingMemo):
    """The page store's memo: a page that is given a kept piece has read what a piece reads."""

    def __init__(self, view: SiteView, recorded: Callable[[set], frozenset], kept: dict, pieces: KeptPieces) -> None:
        super().__init__(view, recorded, kept)
        self.pieces = pieces

    def piece(self, make, scope, event):
        self._view.deps |= _PIECE_READS
        return super().piece(make, scope, event)
