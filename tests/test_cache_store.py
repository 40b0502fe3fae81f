"""The folder of entries both build caches keep (site_builder/speed/cache_store.py): an entry is read back
exactly as written or not at all, a failed or killed write leaves no entry, and pruning keeps the
build's own entries and the most recently used others."""

from __future__ import annotations

import os
import time

import pytest

from site_builder.speed import cache_store
from site_builder.speed.cache_store import EntryStore

KEY, OTHER = "a" * 64, "b" * 64


def test_an_entry_is_read_back_as_written(tmp_path):
    store = EntryStore(tmp_path / "entries", ".thing")
    store.write(KEY, [b"one ", b"", b"two"])
    assert store.read(KEY) == b"one two"
    assert store.read(OTHER) is None
    assert [p.name for p in (tmp_path / "entries").iterdir()] == [f"{KEY}.thing"]


@pytest.mark.parametrize("damage", [
    lambda data: data[:-1],                                       # cut short
    lambda data: b"",                                             # emptied
    lambda data: data[:3] + bytes([data[3] ^ 1]) + data[4:],      # one bit of the body flipped
    lambda data: data[:-1] + bytes([data[-1] ^ 1]),               # one bit of the digest flipped
])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    store = EntryStore(tmp_path, ".thing")
    store.write(KEY, [b"a body of some length"])
    path = store.path(KEY)
    path.write_bytes(damage(path.read_bytes()))
    assert store.read(KEY) is None


def test_another_keys_entry_is_a_miss(tmp_path):
    store = EntryStore(tmp_path, ".thing")
    store.write(OTHER, [b"the other's body"])
    os.replace(store.path(OTHER), store.path(KEY))
    assert store.read(KEY) is None


def test_a_write_that_fails_part_way_leaves_nothing(tmp_path):
    store = EntryStore(tmp_path, ".thing")

    def pieces():
        yield b"x" * 1000
        raise OSError(28, "No space left on device")

    store.write(KEY, pieces())  # no error: a cache that cannot be written is none
    assert list(tmp_path.iterdir()) == []

    def interrupted():
        yield b"x" * 1000
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # anything else goes on up, the temporary file removed
        store.write(KEY, interrupted())
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_made_is_no_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = EntryStore(blocker / "entries", ".thing")
    store.write(KEY, [b"body"])
    assert store.read(KEY) is None
    store.prune(set(), 1)
    assert blocker.read_text() == "not a folder"


def test_pruning_keeps_the_builds_own_and_the_most_recently_used(tmp_path):
    store = EntryStore(tmp_path, ".thing")
    keys = [f"{n:064x}" for n in range(7)]
    for n, key in enumerate(keys):
        store.write(key, [b"%d" % n])
        os.utime(store.path(key), ns=(n * 10**9, n * 10**9))
    assert store.read(keys[1]) == b"1"  # read now: the most recently used
    (tmp_path / "unrelated.txt").write_text("not an entry")
    store.prune({keys[0]}, 4)
    assert sorted(p.name for p in tmp_path.glob("*.thing")) == [f"{keys[n]}.thing" for n in (0, 1, 5, 6)]
    assert (tmp_path / "unrelated.txt").exists()


def test_pruning_removes_only_stale_unfinished_writes(tmp_path):
    store = EntryStore(tmp_path, ".thing")
    fresh, stale = tmp_path / ".thing-fresh.tmp", tmp_path / ".thing-stale.tmp"
    fresh.write_bytes(b"being written by another build")
    stale.write_bytes(b"left by a killed build")
    old = stale.stat().st_mtime - cache_store.STALE_TEMPORARY - 1
    os.utime(stale, (old, old))
    store.prune(set(), 10)
    assert fresh.exists() and not stale.exists()


def test_pruning_removes_only_files_the_store_named_never_a_users(tmp_path):
    """SITE_BUILDER_CACHE may name a folder of the user's: their files stay, however old."""
    store = EntryStore(tmp_path, ".part")
    store.write("a" * 64, [b"ours"])
    mine = ["notes.part", "draft.tmp", ".part-notes.txt", "report.json", "A" * 64 + ".part"]
    for name in mine:
        (tmp_path / name).write_text("mine")
        os.utime(tmp_path / name, (0, 0))
    abandoned = tmp_path / ".part-abc123_x.tmp"  # a write given up long ago: the store's own name
    abandoned.write_text("half")
    os.utime(abandoned, (time.time() - cache_store.STALE_TEMPORARY - 60,) * 2)
    store.prune(keep=set(), limit=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(mine)

