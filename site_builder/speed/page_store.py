"""Rendered pages kept between builds in one SQLite file, each with what it read of the site (reads.py):
a build renders again only the pages whose reads, template arguments or scope changed."""

# A row is kept for (site, path): the scope (fingerprints.scope_digest: the tool, the theme, site.yaml,
# the settings), a digest of the template's arguments, the reads and a digest of what they read, the
# page's bytes, and a checksum of it all. A page is taken from the store only when every one of these
# is the same now; anything else, a damaged row or file included, is a miss and the page is rendered.

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import time
from contextlib import suppress
from pathlib import Path

import jinja2

from site_builder.cache_folder import cache_root
from site_builder.model import Site
from site_builder.model.dates import build_date
from site_builder.render.pages import Page
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls, output_path
from site_builder.speed.collector import collector_paused
from site_builder.speed.fingerprints import Fingerprints, Unstable, scope_digest
from site_builder.speed.forked_render import ShareContext
from site_builder.speed.pieces import KeptMemo, KeptPieces, PieceMemo
from site_builder.speed.reads import MISSING, SiteView

STORE_FILE = "pages.sqlite3"
SCHEMA = 4  # PRAGMA user_version: another schema is dropped and made again
PENDING_BYTES = 4 << 20  # a process's pages not yet written to the store: past this they are written
SITES_KEPT = 4  # sites (root and settings) whose pages are kept; the least recently built go first
_TABLES = """
CREATE TABLE IF NOT EXISTS pages (site BLOB, path TEXT, scope BLOB, inputs BLOB, reads TEXT,
                                  read_digest BLOB, data BLOB, checksum BLOB, PRIMARY KEY (site, path));
CREATE TABLE IF NOT EXISTS sites (site BLOB PRIMARY KEY, used INTEGER);
CREATE TABLE IF NOT EXISTS pieces (site BLOB, name TEXT, bucket INTEGER, scope BLOB, data BLOB,
                                   checksum BLOB, PRIMARY KEY (site, name, bucket));
"""


class PageStore:
    """The SQLite file. Every error of SQLite's makes it a store that keeps nothing: a build never
    fails for its cache. A file that is not a database, or of another schema, is started again."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self.broken = False

    @classmethod
    def default(cls) -> PageStore | None:
        """In the user's cache folder (cache_folder.py); None when SITE_BUILDER_CACHE is `off`."""
        root = cache_root()
        return cls(root / STORE_FILE) if root is not None else None

    def connection(self) -> sqlite3.Connection | None:
        """This process's connection (a forked worker opens its own), or None if the store is broken."""
        if self.broken:
            return None
        if self._connection is None or self._pid != os.getpid():
            self._connection, self._pid = None, os.getpid()  # never use a parent's connection
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError:
                self._remove()  # not a database, or damaged: a new one
                try:
                    self._connection = self._open()
                except (sqlite3.Error, OSError):
                    self.broken = True
            except (sqlite3.Error, OSError):
                self.broken = True
        return self._connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            # Each row carries its checksum; a build killed mid-write leaves SQLite's journal, which
            # the next connection rolls back.
            connection.execute("PRAGMA synchronous = OFF")
            if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                connection.executescript(f"BEGIN IMMEDIATE; DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS sites;"
                                         "DROP TABLE IF EXISTS pieces;"
                                         f"{_TABLES} PRAGMA user_version = {SCHEMA}; COMMIT;")
                # The file gives back the space of the rows prune() removes (_shrink); the tables are
                # empty, so this VACUUM is quick.
                connection.executescript("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")
            connection.execute("SELECT count(*) FROM sites").fetchone()  # a damaged file fails here
        except BaseException:
            connection.close()
            raise
        return connection

    def _remove(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        """Closed in this process (before forking: the workers open their own)."""
        if self._connection is not None and self._pid == os.getpid():
            with suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None

    def keys(self, site: bytes, scope: bytes) -> dict[str, bytes]:
        """path -> inputs digest of the site's rows of this scope, in one query: a build looks up
        only the rows that can match, and none at all when the store has none (a cold build)."""
        connection = self.connection()
        if connection is None:
            return {}
        try:
            return dict(connection.execute("SELECT path, inputs FROM pages WHERE site = ? AND scope = ?",
                                           (site, scope)))
        except sqlite3.Error:
            self.broken = True
            return {}

    def row(self, site: bytes, path: str) -> tuple | None:
        connection = self.connection()
        if connection is None:
            return None
        try:
            return connection.execute("SELECT scope, inputs, reads, read_digest, data, checksum FROM pages "
                                      "WHERE site = ? AND path = ?", (site, path)).fetchone()
        except sqlite3.Error:
            self.broken = True
            return None

    def write(self, site: bytes, rows: list[tuple]) -> None:
        """Keep these rows (scope, path, inputs, reads, read_digest, data), all or none."""
        connection = self.connection()
        if connection is None or not rows:
            return
        try:
            with _transaction(connection):
                connection.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(site, path, scope, inputs, reads, digest, data,
                      checksum(site, path, scope, inputs, reads, digest, data))
                     for scope, path, inputs, reads, digest, data in rows])
        except sqlite3.Error:
            self.broken = True

    def prune(self, site: bytes, scope: bytes, paths: list[str], used: int) -> None:
        """After a build: only this build's pages of the site are kept (and pieces of its scope:
        speed/pieces.py), and the SITES_KEPT sites built last."""
        connection = self.connection()
        if connection is None:
            return
        try:
            with _transaction(connection):
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS built (path TEXT PRIMARY KEY)")
                connection.execute("DELETE FROM built")
                connection.executemany("INSERT OR IGNORE INTO built VALUES (?)", ((p,) for p in paths))
                connection.execute("DELETE FROM pages WHERE site = ? AND (scope != ? OR path NOT IN built)",
                                   (site, scope))
                connection.execute("DELETE FROM pieces WHERE site = ? AND scope != ?", (site, scope))
                connection.execute("INSERT OR REPLACE INTO sites VALUES (?, ?)", (site, used))
                old = [row[0] for row in connection.execute(
                    "SELECT site FROM sites ORDER BY used DESC LIMIT -1 OFFSET ?", (SITES_KEPT,))]
                for gone in old:
                    connection.execute("DELETE FROM pages WHERE site = ?", (gone,))
                    connection.execute("DELETE FROM pieces WHERE site = ?", (gone,))
                    connection.execute("DELETE FROM sites WHERE site = ?", (gone,))
            _shrink(connection)
        except sqlite3.Error:
            self.broken = True


def _shrink(connection: sqlite3.Connection) -> None:
    """The file's free space given back once it is a quarter of it (a site's rows gone): rows
    replaced by an edit leave a little, which the next build's rows fill, and is not worth moving."""
    free = connection.execute("PRAGMA freelist_count").fetchone()[0]
    if free * 4 > connection.execute("PRAGMA page_count").fetchone()[0]:
        connection.executescript("PRAGMA incremental_vacuum;")  # run to its end (execute() frees one page)


class _transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def checksum(*parts) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(b"%d\0" % len(data))
        digest.update(data)
    return digest.digest()


class StoredPages:
    """One build's use of the store: the contexts its renderers are given take a page from the store
    while its row matches, and note the rows of the pages they render, written by flush()."""

    def __init__(self, store: PageStore, site: Site, site_key: bytes, scope: bytes) -> None:
        self.store, self.site, self.site_key, self.scope = store, site, site_key, scope
        self.view = SiteView(site)
        self.prints = Fingerprints()
        # An event's pieces of the whole-site files (its VEVENT, its records) are kept too.
        self.pieces = KeptPieces(store, site, site_key, scope, self.prints)
        self.memo = PieceMemo(self.view, frozenset, {}, self.pieces)
        self._read_digests: dict[tuple, bytes] = {}
        # Many pages read the same: a set of reads, and a row's reads as written, worked out once.
        self._by_reads: dict[frozenset, tuple[str | None, bytes | None]] = {}
        self._by_text: dict[str, tuple[frozenset | None, bytes | None]] = {}
        self._keys: dict[str, bytes] | None = None  # the store's rows (keys()), read once a build
        self._pending: list[tuple] = []
        self._pending_bytes = 0
        self.kept = self.rendered = 0  # this process's
        # Every process's pages taken from the store, added up as each writes its rows (flush).
        self._counted = 0
        try:
            self._taken = multiprocessing.Value("q", 0)
        except (OSError, ImportError):  # no shared memory or semaphores here: the count is not said
            self._taken = None

    @classmethod
    def for_build(cls, root: Path, site: Site, theme: Theme, drafts: bool, base_url: str | None) -> StoredPages | None:
        """The store for a build of the site at root; None when SITE_BUILDER_CACHE is `off`."""
        store = PageStore.default()
        if store is None:
            return None
        settings = (f"language={site.config.language}", f"drafts={drafts}", f"base_url={base_url}")
        site_key = hashlib.sha256("\0".join((os.fspath(Path(root).resolve()), *settings)).encode(
            "utf-8", "surrogateescape")).digest()
        # Ongoing events' pages say "ongoing, as of" the build date; an empty site's chart is around it.
        if not site.events or any(event.when.ongoing for event in site.events):
            settings += (f"build_date={build_date().isoformat()}",)
        folders = (*theme.template_dirs, *theme.static_dirs, *theme.locale_dirs)
        return cls(store, site, site_key, scope_digest(folders, Path(root) / "site.yaml", settings))

    def finish(self, paths: list[str]) -> None:
        """After the render: the rows this process made written, and the store pruned to this build."""
        self.flush()
        self.store.prune(self.site_key, self.scope, paths, time.time_ns())
        self.store.close()

    def context(self, asset_names: dict[str, str], env: jinja2.Environment, share: int = 0,
                shares: int = 1) -> StoredContext:
        assets = dict(asset_names)  # the pages' own copy, never changed: its digest is worked out once
        self.pieces.use(self.prints.of(assets))
        return StoredContext(self.view, Urls(self.view, assets), env, share, shares, self.memo, pages=self)

    def make_context(self, site: Site, asset_names: dict[str, str], env: jinja2.Environment, memo) -> StoredContext:
        """render_site's make_context: every page in this process."""
        return self.context(asset_names, env)

    def prepare(self) -> None:
        """Digests every worker will ask for, worked out once before they are forked (the collector
        paused: what they make stays, and a full collection would walk the whole site)."""
        with collector_paused():
            with suppress(Unstable):
                self.prints.of(self.site.events)
                self.prints.of(self.site.sources)
            for event in self.site.events:  # the kept pieces' keys (speed/pieces.py)
                self.pieces.key(event)
        self.keys()
        self.store.close()

    def search_memo(self, prepared: bool) -> KeptMemo:
        """A memo for the search index's thread, keeping the events' records: pieces of its own,
        through a connection of its own, with the digests and keys prepare() works out when
        `prepared` (then only read: no render runs in this process), else its own."""
        prints, keys = (self.prints, self.pieces.keys) if prepared else (Fingerprints(), None)
        return KeptMemo(KeptPieces(PageStore(self.store.path), self.site, self.site_key, self.scope, prints, keys))

    def keys(self) -> dict[str, bytes]:
        """The store's rows of this site and scope (path -> inputs), read once: forked workers
        inherit them. A row written since is not seen (rendered: a miss is always safe)."""
        if self._keys is None:
            self._keys = self.store.keys(self.site_key, self.scope)
        return self._keys

    def inputs(self, template: str, page: Page, values: dict, asset_names: dict) -> bytes | None:
        """A digest of a page's template arguments; None when they have none that holds (not kept)."""
        try:
            return self.prints.fresh((template, page, tuple(sorted(values.items())), self.prints.of(asset_names)))
        except (Unstable, TypeError):
            return None

    def kept_page(self, path: str, inputs: bytes) -> tuple[bytes, frozenset] | None:
        """The page's bytes and reads, when its row was made with this scope, these arguments, and
        its reads read the same now."""
        if self.keys().get(path) != inputs:
            return None
        row = self.store.row(self.site_key, path)
        if row is None:
            return None
        scope, kept_inputs, reads, read_digest, data, kept_checksum = row
        if scope != self.scope or kept_inputs != inputs:
            return None
        if checksum(self.site_key, path, scope, kept_inputs, reads, read_digest, data) != kept_checksum:
            return None
        deps, digest = self._reads_now(reads)
        if deps is None or digest != read_digest:
            return None
        self.kept += 1
        return data, deps

    def keep(self, path: str, inputs: bytes, deps: frozenset, data: bytes) -> None:
        self.rendered += 1
        found = self._by_reads.get(deps)
        if found is None:
            text = _text_of(deps)
            found = self._by_reads[deps] = (text, self._digest_of(deps) if text is not None else None)
        reads, digest = found
        if digest is not None:
            self._pending.append((self.scope, path, inputs, reads, digest, data))
            self._pending_bytes += len(data)
            if self._pending_bytes > PENDING_BYTES:  # a worker's memory holds so much of its pages at most
                self._write_pages()

    def flush(self) -> None:
        """At a task's end (and the build's): its pages and pieces written."""
        self._write_pages()
        self.pieces.flush()

    def _write_pages(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        self.store.write(self.site_key, pending)
        if self._taken is not None:
            with self._taken.get_lock():
                self._taken.value += self.kept - self._counted
            self._counted = self.kept

    @property
    def taken(self) -> int | None:
        """The pages this build took from the store, in every process: exact once finish() ran."""
        return self._taken.value if self._taken is not None else None

    def _reads_now(self, text: str) -> tuple[frozenset | None, bytes | None]:
        """A row's reads and the digest of what they read now."""
        found = self._by_text.get(text)
        if found is None:
            deps = _reads_of(text)
            found = self._by_text[text] = (deps, self._digest_of(deps) if deps is not None else None)
        return found

    def _digest_of(self, deps) -> bytes | None:
        """A digest of what each read gives now; None if one has no digest that holds. Each read's
        digest names the read, so sorted they are the same for the same reads in any order."""
        try:
            return hashlib.sha256(b"".join(sorted(map(self._read_digest, deps)))).digest()
        except (Unstable, TypeError, AttributeError):
            return None

    def _read_digest(self, dep: tuple) -> bytes:
        found = self._read_digests.get(dep)
        if found is None:
            site = self.site
            if len(dep) == 1:
                value = getattr(site, dep[0])
            elif dep[0] == "len":
                value = len(getattr(site, dep[1]))
            else:
                value = getattr(site, dep[0]).get(dep[1], MISSING)
                value = b"missing" if value is MISSING else value
            name = repr(dep).encode("utf-8", "surrogateescape")  # its length first: no two reads alike
            found = hashlib.sha256(b"%d\0%b%b" % (len(name), name, self.prints.of(value))).digest()
            self._read_digests[dep] = found
        return found


def _text_of(deps: frozenset) -> str | None:
    """The reads as JSON, when each is made of strings and numbers (they come back the same), in
    any order: they are read back as a set."""
    if not all(type(part) in (str, int) for dep in deps for part in dep):
        return None
    return json.dumps(list(deps))


def _reads_of(text: str) -> frozenset | None:
    try:
        return frozenset(tuple(dep) for dep in json.loads(text))
    except (ValueError, TypeError):
        return None


class StoredContext(ShareContext):
    """The context the renderers are given: a page is taken from the store while its row holds,
    else rendered with what it read recorded; a card or fragment's reads count as its page's."""

    def __init__(self, site, urls, env, share, shares, memo, *, pages: StoredPages) -> None:
        super().__init__(site, urls, env, share, shares, memo)
        self.pages = pages

    def render(self, template: str, page: Page, **values) -> tuple[str, bytes]:
        view: SiteView = self.site
        path = output_path(page.url, self.urls.base)
        inputs = self.pages.inputs(template, page, values, self.urls.assets)
        if inputs is not None:
            kept = self.pages.kept_page(path, inputs)
            if kept is not None:
                view.deps |= kept[1]
                return path, kept[0]
        (path, data), read = view.reading(super().render, template, page, **values)
        view.deps |= read
        if inputs is not None:
            self.pages.keep(path, inputs, frozenset(read), data)
        return path, data

    def card(self, event):
        cards = self.__dict__.setdefault("_recorded_cards", {})
        kept = cards.get(event.id)
        if kept is None or kept[0] is not event:
            html, read = self.site.reading(self.render_card, event)
            kept = cards[event.id] = (event, html, frozenset(read))
        self.site.deps |= kept[2]
        return kept[1]

    def once(self, template: str, kind: str = ""):
        fragments = self.__dict__.setdefault("_recorded_fragments", {})
        kept = fragments.get((template, kind))
        if kept is None:
            kept = fragments[(template, kind)] = self.site.reading(self.render_fragment, template, kind)
        self.site.deps |= kept[1]
        return kept[0]
