"""The search index's parts kept between builds (speed/search_cache.PartCache): the same bytes with the cache
cold, warm or off; Pagefind runs again only for the parts whose records changed; an entry that is
damaged, half-written or too old is never published."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.render import pagefind
from site_builder.render import search_index as search
from site_builder import cache_folder
from site_builder.speed import cache_store, search_cache
from site_builder.speed.search_cache import PartCache
from site_builder.build import Options, build
from site_builder.content.load import load_site
from site_builder.render.search_index import write_index

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def starts(monkeypatch) -> list[int]:
    """Every Pagefind process the index starts, counted."""
    started: list[int] = []

    class Counted(pagefind.PagefindService):
        def __init__(self, *args, **kwargs):
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pagefind, "PagefindService", Counted)
    return started


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(folder))
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)  # the real site's 49 records in 5 parts
    return folder / "search"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.part"))


def index(site, out: Path, starts: list[int]) -> tuple[dict[str, bytes], int]:
    """The bundle write_index makes, and how many Pagefind processes it started."""
    before = len(starts)
    write_index(out, site, PartCache.default())
    return tree(out), len(starts) - before


def test_the_bundle_is_the_same_bytes_with_the_cache_cold_warm_or_off(real_site, tmp_path, cache, starts, monkeypatch):
    site = load_site(real_site.root)
    cold, ran = index(site, tmp_path / "cold", starts)
    assert ran == 5 and len(entries(cache)) == 5
    warm, ran = index(site, tmp_path / "warm", starts)
    assert ran == 0
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    off, ran = index(site, tmp_path / "off", starts)
    assert ran == 5
    assert warm == cold and off == cold
    assert len(cold) > 20 and all(cold.values())


def test_a_whole_build_is_the_same_bytes_with_the_cache_warm_or_off(real_site, tmp_path, cache, starts, monkeypatch):
    build(Options(root=real_site.root, out=tmp_path / "cold"))
    assert len(starts) == 5
    build(Options(root=real_site.root, out=tmp_path / "warm"))
    assert len(starts) == 5  # every part from the cache
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    build(Options(root=real_site.root, out=tmp_path / "off"))
    assert len(starts) == 10
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold") == tree(tmp_path / "off")
    assert not [p for p in (tmp_path / "warm").rglob("*.part")]  # nothing of the cache in what is published


def test_with_the_cache_off_nothing_is_kept_anywhere(real_site, tmp_path, monkeypatch, starts):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    assert cache_folder.cache_root() is None and PartCache.default() is None
    site = load_site(real_site.root)
    index(site, tmp_path / "one", starts)
    index(site, tmp_path / "two", starts)
    assert len(starts) == 2 and not (tmp_path / "xdg").exists()
    for _ in range(2):
        result = real_site.cli("build")
        assert result.returncode == 0 and result.stdout.startswith("built "), result.stdout + result.stderr
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv("SITE_BUILDER_CACHE")  # by default: in the user's cache folder
    assert PartCache.default().folder == tmp_path / "xdg" / "site-builder" / "search"


def test_a_build_after_a_one_event_edit_runs_pagefind_only_for_the_parts_that_changed(tmp_path, cache, starts,
                                                                                       monkeypatch):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_site import generate

    root = generate(tmp_path / "site", events=120, sources=6)
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 40)
    site = load_site(root)
    parts = search.part_count(site)
    assert parts >= 4
    index(site, tmp_path / "before", starts)
    before = [list(search.iter_search_records(site, part, parts)) for part in range(parts)]

    event = root / "content" / "events" / "event-000042.yaml"
    edited = event.read_text(encoding="utf-8").replace("summary: >-\n  ", "summary: >-\n  Edited: ", 1)
    event.write_text(edited, encoding="utf-8")
    edited = load_site(root)
    assert search.part_count(edited) == parts
    after = [list(search.iter_search_records(edited, part, parts)) for part in range(parts)]
    changed = [part for part in range(parts) if after[part] != before[part]]
    assert changed == [search.part_of("/events/event-000042/", parts)]

    bundle, ran = index(edited, tmp_path / "after", starts)
    assert ran == 1
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    assert bundle == index(edited, tmp_path / "fresh", starts)[0]
    assert bundle != tree(tmp_path / "before")


def test_a_damaged_entry_is_a_miss_and_the_bundle_is_still_right(real_site, tmp_path, cache, starts):
    site = load_site(real_site.root)
    right, _ = index(site, tmp_path / "cold", starts)
    first, second, third, fourth, fifth = entries(cache)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x40  # one bit flipped inside a file's bytes
    first.write_bytes(bytes(data))
    second.write_bytes(second.read_bytes()[:-100])  # cut short
    third.write_bytes(b"")
    fourth.write_bytes(fifth.read_bytes())  # a whole entry, of another part
    bundle, ran = index(site, tmp_path / "damaged", starts)
    assert bundle == right and ran == 4
    assert index(site, tmp_path / "repaired", starts) == (right, 0)  # written again, whole


def test_an_entry_naming_a_file_outside_the_bundle_is_a_miss(real_site, tmp_path, cache, starts):
    """A whole entry, digest and all, whose files would land outside the bundle is never written."""
    site = load_site(real_site.root)
    right, _ = index(site, tmp_path / "cold", starts)
    first = entries(cache)[0]
    key = first.name[: -len(".part")]
    PartCache(cache).store(key, [("../../escaped.txt", b"not Pagefind's"), ("pagefind-entry.json", b"{}")])
    bundle, ran = index(site, tmp_path / "out" / "bundle", starts)
    assert bundle == right and ran == 1
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out" / "escaped.txt").exists()


def test_an_unreadable_cache_folder_is_no_error(real_site, tmp_path, monkeypatch, starts):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(blocker))
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    site = load_site(real_site.root)
    bundle, ran = index(site, tmp_path / "one", starts)
    assert ran == 5 and blocker.read_text() == "not a folder"
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    assert bundle == index(site, tmp_path / "two", starts)[0]


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from site_builder.render import search_index as search
from site_builder.content.load import load_site
from site_builder.speed.search_cache import PartCache
search.MAX_PART_RECORDS = 12
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # killed once an entry is written, before it is named
search.write_index(Path(sys.argv[2]), load_site(Path(sys.argv[1])), PartCache.default())
"""


def test_a_build_killed_while_it_writes_an_entry_leaves_no_entry(real_site, tmp_path, cache, starts):
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(real_site.root), str(tmp_path / "killed")],
                            cwd=REPO, env=os.environ, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    unfinished = list(cache.glob(".part-*.tmp"))
    # parts are stored from several threads: the one killed had written its whole entry; another
    # may have been part-way through its own when the process died
    assert unfinished and max(path.stat().st_size for path in unfinished) > 1000, unfinished
    assert entries(cache) == []
    site = load_site(real_site.root)
    bundle, ran = index(site, tmp_path / "next", starts)
    assert ran == 5 and len(entries(cache)) == 5
    assert all(path.exists() for path in unfinished)  # they could be another build's, still being written
    for path in unfinished:
        old = path.stat().st_mtime - cache_store.STALE_TEMPORARY - 1
        os.utime(path, (old, old))
    assert index(site, tmp_path / "later", starts) == (bundle, 0)
    assert not any(path.exists() for path in unfinished)


def test_a_failed_entry_write_leaves_nothing_and_the_build_goes_on(real_site, tmp_path, cache, starts, monkeypatch):
    def full_disk(files):
        yield b"site-builder search part\n" + b"x" * 1000
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(search_cache, "_pack", full_disk)
    site = load_site(real_site.root)
    bundle, ran = index(site, tmp_path / "one", starts)
    assert ran == 5 and list(cache.iterdir()) == []
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    assert bundle == index(site, tmp_path / "two", starts)[0]


def test_the_least_recently_used_entries_go_first(tmp_path, monkeypatch):
    monkeypatch.setattr(search_cache, "CACHE_KEEP", 4)
    cache = PartCache(tmp_path)
    for n in range(7):
        cache.store(f"{n:064x}", [("pagefind-entry.json", b"{}")])
        os.utime(cache.path(f"{n:064x}"), ns=(n * 10**9, n * 10**9))
    assert cache.load(f"{1:064x}") == [("pagefind-entry.json", b"{}")]  # used now: the newest
    cache.prune(keep={f"{0:064x}"})  # the build's own entries stay, whatever their age
    assert [p.name[:64] for p in entries(tmp_path)] == [f"{n:064x}" for n in (0, 1, 5, 6)]


def test_the_cache_stays_bounded_over_many_builds(real_site, tmp_path, cache, starts, monkeypatch):
    monkeypatch.setattr(search_cache, "CACHE_KEEP", 7)
    event = real_site.root / "content" / "events" / "2025-08-15-anchorage-summit.yaml"
    text = event.read_text(encoding="utf-8")
    for n in range(4):
        event.write_text(text.replace("title: ", f"title: Edit {n} ", 1), encoding="utf-8")
        site = load_site(real_site.root)
        index(site, tmp_path / f"build-{n}", starts)
        kept = entries(cache)
        assert len(kept) == min(5 + n, 7)
    assert len(starts) == 5 + 3  # then one part a build
    monkeypatch.setattr(search_cache, "CACHE_KEEP", 2)  # fewer than a build's parts: the build's are kept
    index(site, tmp_path / "again", starts)
    assert len(entries(cache)) == 5 and len(starts) == 8


def test_another_pagefind_binary_misses_every_part(real_site, tmp_path, cache, starts, monkeypatch):
    site = load_site(real_site.root)
    right, _ = index(site, tmp_path / "one", starts)
    wrapper = tmp_path / "pagefind"  # another binary, which indexes the same: the cache cannot know
    wrapper.write_text(f"#!/bin/sh\nexec {pagefind.locate_pagefind()} \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    assert index(site, tmp_path / "two", starts) == (right, 5)


def test_pagefind_is_sent_the_bytes_json_gives_each_request():
    # The key is a hash of the requests as sent; sending them encoded once must not change them.
    record = {"url": "/events/a/", "content": "Talks \u2013 \"quoted\"", "language": "en",
              "meta": {"title": "T\u00fcrkiye", "kind": "Event"}, "filters": None, "sort": None}
    payload = search._ADD_RECORD % 3 + json.dumps(record).encode()[1:]
    assert payload == json.dumps({"type": "AddRecord", "index_id": 3, **record}).encode()
    assert pagefind._message(7, payload) == json.dumps(
        {"message_id": 7, "payload": {"type": "AddRecord", "index_id": 3, **record}}).encode()
