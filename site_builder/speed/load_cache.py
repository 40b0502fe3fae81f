"""What reading and verifying the event files gave, kept between `build`s (and `check`s) of a
large site, so that a build after an edit parses and verifies again only the files near it."""

# The event files are dealt into groups by a hash of their path, so an edit changes one group. A
# group's key is a sha256 of everything its outcomes follow from: its files' bytes (the very bytes then
# parsed) and paths, the settings, every source (an edited source changes every key), and the code,
# Python's and PyYAML's versions: a hit is what reading the files again would give. An entry is a
# pickle made once, in the worker that read the group, kept as a cache_store entry in the cache folder
# (cache_folder.cache_root(): SITE_BUILDER_CACHE, else the user's cache; `off`: none).

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

from site_builder.cache_folder import cache_root
from site_builder.model.dates import build_date
from site_builder.speed.cache_store import EntryStore

FORMAT = 2  # changes when what is hashed or kept changes: older entries are then simply missed
FILES_PER_GROUP = 320  # files per group, on average, past MIN_GROUPS groups: an edit re-reads one group
MIN_GROUPS = 16
KEEP = 128  # entries: a few builds of a large site; the least recently used go first


def group_count(files: int) -> int:
    return max(MIN_GROUPS, -(-files // FILES_PER_GROUP))


def group_of(path: str, groups: int) -> int:
    return int.from_bytes(hashlib.blake2b(os.fsencode(path), digest_size=8).digest(), "big") % groups


def inputs_digest(config, sources: dict, media: Path) -> bytes:
    """A digest of what every event's outcome may read besides its file: the settings, every
    source (their dataclass repr: every field, nothing computed later), the code reading them,
    and the media folder's files."""
    digest = hashlib.sha256(b"site-builder load cache %d\n" % FORMAT)
    digest.update(_code_digest())
    digest.update(media_stamps(media))
    digest.update(repr(config).encode("utf-8", "surrogateescape"))
    for source_id in sorted(sources):
        digest.update(b"\0")
        digest.update(repr(sources[source_id]).encode("utf-8", "surrogateescape"))
    return digest.digest()


def media_stamps(folder: Path) -> bytes:
    """Every file under the media folder (content/media), links not followed, by its path, size,
    times and inode: an image added, deleted or replaced changes them (an event reads its
    images' sizes and bytes), where digesting every photo's bytes at each build would cost more."""
    stamps = []
    for parent, dirs, files in os.walk(folder):  # a link to a folder is not walked into
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(parent, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            stamps.append(b"%b\0%d %d %d %d %d\n" % (os.fsencode(os.path.relpath(path, folder)), st.st_mode,
                                                      st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    try:
        top = os.lstat(folder)
        stamps.insert(0, b"%d %d\n" % (top.st_mode, top.st_ino))  # the folder itself, or a link in its place
    except OSError:
        stamps.insert(0, b"none\n")
    return hashlib.sha256(b"".join(stamps)).digest()


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """site-builder's own code, Python's version and PyYAML's: another of any misses every entry."""
    import yaml

    digest = hashlib.sha256(f"{sys.version}\n{yaml.__version__}\n".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(os.fsencode(path.relative_to(package)) + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def group_key(inputs: bytes, files: list[tuple[str, bytes]]) -> str:
    """The key of a group's outcomes: with the build date when a file may hold an ongoing event."""
    digest = hashlib.sha256(inputs)
    dated = False
    for path, data in files:
        name = os.fsencode(path)
        digest.update(b"%d:%b%d:" % (len(name), name, len(data)))
        digest.update(data)
        dated = dated or may_run_to_today(data)
    if dated:
        digest.update(b"build date " + build_date().isoformat().encode())
    return digest.hexdigest()


def may_run_to_today(data: bytes) -> bool:
    """Whether an event file may say `end: present` (or `ongoing`, in any case), whose event must
    have begun by the build date: any file with either word, or with an escape that could spell
    one, is keyed on the date too; the others stay valid from one day to the next."""
    lowered = data.lower()
    return b"present" in lowered or b"ongoing" in lowered or b"\\" in data


class LoadCache:
    """Entries in a folder: `<key>.outcomes`, a group's pickled outcomes and their sha256."""

    def __init__(self, folder: Path):
        self.entries = EntryStore(folder, ".outcomes")

    @classmethod
    def default(cls) -> LoadCache | None:
        root = cache_root()
        return cls(root / "load") if root is not None else None

    def load(self, key: str) -> bytes | None:
        """The pickled outcomes kept under key, or None (none kept, or not whole)."""
        return self.entries.read(key)

    def store(self, key: str, body: bytes) -> None:
        """Keep a group's pickled outcomes; a cache that cannot be written is no error."""
        self.entries.write(key, (body,))

    def prune(self, keep: set[str]) -> None:
        """Keep these entries and the most recently used others, KEEP entries in all."""
        self.entries.prune(keep, KEEP)
