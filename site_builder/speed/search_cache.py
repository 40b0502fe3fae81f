"""The search index's parts kept between builds: a part whose requests to Pagefind are the same
bytes as in an earlier build gets the same files (Pagefind builds the same bytes from the same
requests: tested), so they are copied from here instead of indexed again."""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from collections.abc import Iterable, Iterator

from site_builder.cache_folder import cache_root
from site_builder.render.pagefind import inside_bundle
from site_builder.speed.cache_store import EntryStore

CACHE_FORMAT = 2  # changes when what is hashed or stored changes: the older entries are simply missed
CACHE_KEEP = 40  # entries: a few builds of a large site's parts; the least recently used go first
_ENTRY_MAGIC = b"site-builder search part\n"
_ENTRY_FILE = struct.Struct(">IQ")  # a file's path length and content length, before them

_binary_digests: dict[tuple, bytes] = {}  # the pagefind binary's (path, stat) -> its sha256


def _binary_digest(binary: str) -> bytes | None:
    """sha256 of the pagefind binary's bytes, kept while its stat is the same: another version, or
    another binary at PAGEFIND_BINARY_PATH, misses every part. None when it cannot be read."""
    try:
        path = os.path.realpath(binary)
        st = os.stat(path)
        stamp = (path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        if stamp not in _binary_digests:
            with open(path, "rb") as file:
                _binary_digests[stamp] = hashlib.file_digest(file, "sha256").digest()
    except OSError:
        return None
    return _binary_digests[stamp]


class PartCache:
    """Finished parts of the index: one cache_store entry a part, `<key>.part`, its files one after
    another, each after its path's and content's lengths (Pagefind's files are compressed already).
    An entry that cannot be read, or names a file outside the bundle, is a miss."""

    def __init__(self, folder: Path):
        self.entries = EntryStore(folder, ".part")
        self.records = None  # a Memo keeping the events' records between builds (StoredPages.search_memo)

    @classmethod
    def default(cls) -> PartCache | None:
        """In the user's cache folder (cache_folder.py): never in the site nor in its
        output. None when SITE_BUILDER_CACHE is `off`."""
        root = cache_root()
        return cls(root / "search") if root is not None else None

    @property
    def folder(self) -> Path:
        return self.entries.folder

    def path(self, key: str) -> Path:
        return self.entries.path(key)

    def key(self, binary: str, everything: bool, new_index: bytes, records: Iterable[bytes]) -> str | None:
        """The name of a part in the cache: a sha256 of everything its files follow from (the
        binary, whether the part brings Pagefind's scripts, its requests as sent); None when the
        binary cannot be read (it could not be told from another one)."""
        binary_id = _binary_digest(binary)
        if binary_id is None:
            return None
        digest = hashlib.sha256(b"site-builder search part %d\n%b\n" % (CACHE_FORMAT, binary_id))
        digest.update(b"everything\n" if everything else b"index only\n")
        digest.update(new_index + b"\n")
        for record in records:  # JSON: no raw newline inside
            digest.update(record)
            digest.update(b"\n")
        return digest.hexdigest()

    def load(self, key: str) -> list[tuple[str, bytes]] | None:
        data = self.entries.read(key)
        return _unpack(data) if data is not None else None

    def store(self, key: str, files: list[tuple[str, bytes]]) -> None:
        """Keep a part's files; a cache that cannot be written is no error (the next build indexes)."""
        self.entries.write(key, _pack(files))

    def prune(self, keep: set[str]) -> None:
        """Keep these entries and the most recently used others, CACHE_KEEP entries in all."""
        self.entries.prune(keep, CACHE_KEEP)


def _pack(files: list[tuple[str, bytes]]) -> Iterator[bytes]:
    yield _ENTRY_MAGIC
    for path, data in files:
        name = path.encode("utf-8")
        yield _ENTRY_FILE.pack(len(name), len(data))
        yield name
        yield data


def _unpack(data: bytes) -> list[tuple[str, bytes]] | None:
    """An entry's files, or None if they are not a whole part's (or would land outside the bundle)."""
    if not data.startswith(_ENTRY_MAGIC):
        return None
    body = memoryview(data)[len(_ENTRY_MAGIC):]
    files, at = [], 0
    try:
        while at < len(body):
            name_size, size = _ENTRY_FILE.unpack_from(body, at)
            at += _ENTRY_FILE.size
            name, data_at = str(body[at:at + name_size], "utf-8"), at + name_size
            at = data_at + size
            if at > len(body) or not inside_bundle(name):
                return None
            files.append((name, bytes(body[data_at:at])))
    except (struct.error, UnicodeDecodeError):
        return None
    return files
