"""An event's pieces of the whole-site files kept between builds (speed/pieces.py): a kept value is
what a fresh make gives, a piece cannot read more than its key holds without failing, and a build
after an edit makes only the edited event's pieces, with the bytes of a build without the store."""

from __future__ import annotations

import marshal
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from site_builder.build import Options, _load, _theme
from site_builder.render import site as render_site_module  # noqa: F401  (every renderer registered)
from site_builder.render.memo import REGISTERED, Memo, OutsidePiece, keepable
from site_builder.render.pages import RenderContext
from site_builder.render.pieces import piece, strict_piece
from site_builder.render.site import static_outputs
from site_builder.render.urls import Urls
from site_builder.speed import page_store
from site_builder.speed.fingerprints import Fingerprints
from site_builder.speed.pieces import KeptMemo, KeptPieces
from tests.test_page_store import replace, without_store
from tests.test_page_store import with_store as store_build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate_site import generate  # noqa: E402

KEPT = {"site_builder.render.calendar._vevent", "site_builder.render.exports._event_record_json",
        "site_builder.render.exports._csv_row", "site_builder.render.exports._timelinejs_slide",
        "site_builder.render.archive._event_facts", "site_builder.render.pages._event_slugs",
        "site_builder.render.search_index._encoded_event_record"}


def context(root: Path) -> RenderContext:
    site, _ = _load(Options(root=root), include_drafts=False, jobs=1)
    theme = _theme(Options(root=root), site)
    env = theme.environment()
    asset_names, _ = static_outputs(site, theme, env)
    return RenderContext(site, Urls(site, asset_names), env, Memo())


@pytest.mark.parametrize("which", ["content", "generated"])
def test_every_kept_value_is_what_a_fresh_make_gives(which, real_site, tmp_path):
    """For every registered function and every event: the value as the store gives it back (marshal)
    is the value made fresh, of the same types, and the same as made with the whole site."""
    root = real_site.root if which == "content" else generate(tmp_path / "site", events=320, sources=12)
    ctx = context(root)
    assert KEPT <= set(REGISTERED)
    for name, make in REGISTERED.items():
        alone = make.kept_as[1]
        for event in ctx.site.events:
            made = make(event) if alone else strict_piece(ctx, make, event)  # the theme's read only their key
            kept = marshal.loads(marshal.dumps(made))
            assert repr(kept) == repr(made) and kept == made, (name, event.id)
            if not alone:
                assert make(ctx, event) == made, (name, event.id)  # the piece's narrow site changes nothing


def _reads_every_event(ctx, event):
    return len(ctx.site.events)


def _reads_another_source(ctx, event):
    return ctx.site.sources_by_id.get("some-other-source")


def _asks_for_another_source(ctx, event):
    return "some-other-source" in ctx.site.sources_by_id


@pytest.mark.parametrize("make", [_reads_every_event, _reads_another_source, _asks_for_another_source])
def test_a_piece_that_reads_more_than_its_key_holds_is_made_with_the_whole_site_and_not_kept(
        make, real_site, tmp_path, monkeypatch):
    monkeypatch.setattr("site_builder.render.memo.REGISTERED", dict(REGISTERED))  # registered for this test
    ctx = context(real_site.root)
    kept = keepable(make)
    event = ctx.site.events[0]
    with pytest.raises(OutsidePiece):
        strict_piece(ctx, kept, event)
    assert piece(ctx, kept, event) == make(ctx, event)
    store = page_store.PageStore(tmp_path / "store.sqlite3")
    store.connection()
    pieces = KeptPieces(store, ctx.site, b"site", b"scope", Fingerprints())
    ctx.memo = KeptMemo(pieces)
    ctx.__dict__.pop("_piece_scope", None)
    assert piece(ctx, kept, event) == make(ctx, event)
    pieces.flush()
    assert store.connection().execute("SELECT count(*) FROM pieces").fetchone()[0] == 0


_MADE: list[int] = []  # each value made by a kept function, in any process's thread (forked ones not counted)
_BUILDS: list[list[int]] = []  # the `made` fixture's counts, when it is used


@pytest.fixture
def made(monkeypatch) -> list[int]:
    """How many values of kept functions each build with the store in this process made."""
    value = KeptPieces.value
    lock = threading.Lock()

    def counting(self, name, make, args, event):
        def counted(*a):
            with lock:
                _MADE.append(1)
            return make(*a)
        return value(self, name, counted, args, event)
    monkeypatch.setattr(KeptPieces, "value", counting)
    counts: list[int] = []
    _BUILDS.append(counts)
    yield counts
    _BUILDS.remove(counts)


def with_store(root: Path, cache: Path, monkeypatch, jobs: int = 1) -> dict[str, bytes]:
    """test_page_store's with_store, counting the values made (the `made` fixture)."""
    _MADE.clear()
    files = store_build(root, cache, monkeypatch, jobs)
    for counts in _BUILDS:
        counts.append(len(_MADE))
    return files


def test_a_build_after_an_event_edit_makes_only_that_events_pieces(tmp_path, monkeypatch, made):
    root, cache = generate(tmp_path / "site", events=320, sources=12), tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    assert made == [len(KEPT) * 320]  # a cold build makes them all
    before = rows(cache)
    replace(sorted((root / "content/events").glob("*.yaml"))[100], "title: ", "title: Edited ")
    assert with_store(root, cache, monkeypatch) == without_store(root, monkeypatch)
    assert 0 < made[1] <= len(KEPT)
    after = rows(cache)
    written = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert 0 < len(written) <= 2 * len(KEPT) < len(after) // 4  # a bucket left, one gained, of each function


def rows(cache: Path) -> dict[tuple, bytes]:
    with sqlite3.connect(cache / page_store.STORE_FILE) as connection:
        return {(name, bucket): checksum for name, bucket, checksum in connection.execute(
            "SELECT name, bucket, checksum FROM pieces")}


def test_a_source_edit_makes_the_pieces_of_the_events_quoting_it_again(tmp_path, monkeypatch, made):
    root, cache = generate(tmp_path / "site", events=320, sources=12), tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    replace(root / "content/sources/source-00003.md", "title: ", "title: Renamed ")
    replace(root / "content/sources/source-00004.md", "publisher: ", "publisher: Other ")
    assert with_store(root, cache, monkeypatch) == without_store(root, monkeypatch)
    assert 0 < made[1] < made[0]


@pytest.mark.parametrize("damage", ["data changed", "values changed, checksum made again"])
def test_a_damaged_row_of_pieces_is_no_value_at_all(damage, tmp_path, monkeypatch, made):
    root, cache = generate(tmp_path / "site", events=320, sources=12), tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    with sqlite3.connect(cache / page_store.STORE_FILE) as connection:
        rows = connection.execute("SELECT site, name, bucket, scope, data FROM pieces").fetchall()
        assert {name for _, name, _, _, _ in rows} == KEPT
        for site, name, bucket, scope, data in rows:
            assets, values = marshal.loads(data)
            stale = marshal.dumps((assets, {key: "stale" for key in values}))
            if damage == "data changed":
                connection.execute("UPDATE pieces SET data = ? WHERE name = ? AND bucket = ?", (stale, name, bucket))
            else:  # a row of another format: its assets' digest no longer the build's
                from site_builder.speed.pieces import _checksum
                stale = marshal.dumps((b"other assets", {key: "stale" for key in values}))
                connection.execute("UPDATE pieces SET data = ?, checksum = ? WHERE name = ? AND bucket = ?",
                                   (stale, _checksum(site, name, bucket, scope, stale), name, bucket))
    assert with_store(root, cache, monkeypatch) == without_store(root, monkeypatch)
    assert made[1] == made[0]  # every piece made again


def test_forked_workers_keep_and_take_pieces_with_the_same_bytes(tmp_path, monkeypatch):
    root, cache = generate(tmp_path / "site", events=320, sources=12), tmp_path / "cache"
    with_store(root, cache, monkeypatch, jobs=2)
    with sqlite3.connect(cache / page_store.STORE_FILE) as connection:
        names = {name for (name,) in connection.execute("SELECT name FROM pieces")}
    assert names == KEPT
    replace(sorted((root / "content/events").glob("*.yaml"))[7], "title: ", "title: Edited ")
    assert with_store(root, cache, monkeypatch, jobs=2) == without_store(root, monkeypatch)
