"""A folder of cache entries kept between builds, shared by the search index's parts and the load's
groups of event files: each entry written whole or not at all, digest-checked when read, and the
least recently used pruned first. A cache that cannot be written is no error."""

# An entry is one file, `<key><suffix>`: its body, then a sha256 of the key and the body, written
# under a temporary name and renamed once whole (a later prune removes a stale temporary). One that
# cannot be read, is cut short, damaged or another key's is a miss; reading touches it, for the LRU.
# Entries live in the cache folder (cache_folder.cache_root()), never in the site nor in its output;
# like any program's cache they are trusted as the user's own files are, within the digest check.

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

STALE_TEMPORARY = 3600  # seconds: the unfinished entry of a build killed while writing it
DIGEST_SIZE = 32  # bytes of sha256 at the end of an entry


class EntryStore:
    def __init__(self, folder: Path, suffix: str):
        self.folder = Path(folder)
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{self.suffix}"

    def read(self, key: str) -> bytes | None:
        """The body kept under key, or None (none kept, or not whole)."""
        path = self.path(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            return None
        with suppress(OSError):  # a folder we may only read still gives its entries
            os.utime(path)  # used: the last to be evicted
        if len(data) < DIGEST_SIZE:
            return None
        body = data[:-DIGEST_SIZE]
        digest = hashlib.sha256(key.encode("ascii"))
        digest.update(body)
        return body if digest.digest() == data[-DIGEST_SIZE:] else None

    def write(self, key: str, pieces: Iterable[bytes]) -> None:
        """Keep the body made of these pieces under key, whole or not at all."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{self.suffix.lstrip('.')}-", suffix=".tmp")
        except OSError:
            return
        try:
            digest = hashlib.sha256(key.encode("ascii"))
            with os.fdopen(handle, "wb") as file:
                for piece in pieces:
                    digest.update(piece)
                    file.write(piece)
                file.write(digest.digest())
            os.replace(temporary, self.path(key))
        except BaseException as exc:
            with suppress(OSError):
                os.unlink(temporary)
            if not isinstance(exc, OSError):
                raise

    def prune(self, keep: set[str], limit: int) -> None:
        """Keep these entries and the most recently used others, `limit` entries in all; remove
        the temporary files of writes long given up."""
        found = []
        now = time.time()
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        # Only names this store gives its files are ever removed: SITE_BUILDER_CACHE may name a
        # folder that holds other files too.
        entry_name = re.compile(r"[0-9a-f]{64}" + re.escape(self.suffix))
        temporary_name = re.compile(re.escape(f".{self.suffix.lstrip('.')}-") + r"[A-Za-z0-9_]+\.tmp")
        for entry in entries:
            with suppress(OSError):
                if entry_name.fullmatch(entry.name):
                    if entry.name[: -len(self.suffix)] not in keep:
                        found.append((entry.stat().st_mtime_ns, entry.path))
                elif temporary_name.fullmatch(entry.name) and now - entry.stat().st_mtime > STALE_TEMPORARY:
                    os.unlink(entry.path)
        found.sort(reverse=True)
        for _, path in found[max(0, limit - len(keep)):]:
            with suppress(OSError):
                os.unlink(path)

