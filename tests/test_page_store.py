"""Rendered pages kept between builds (speed/page_store.py): after every kind of edit a build with the
store writes the same bytes as a build without it, and a store that is damaged, of another scope or
half-written is never trusted."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest

from site_builder.build import Options, build
from site_builder.speed import page_store
from site_builder.render.pages import Page
from site_builder.speed.page_store import StoredPages

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate_site import generate  # noqa: E402

EVENT = "content/events/2025-06-istanbul-direct-talks.yaml"
SOURCE = "content/sources/tass-2025-08-16-putin-alaska-takeaways.md"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def counts(monkeypatch) -> list[tuple[int, int]]:
    """(pages taken from the store, pages rendered) of each build in this process."""
    made: list[tuple[int, int]] = []
    finish = StoredPages.finish

    def counted(self, paths):
        made.append((self.kept, self.rendered))
        finish(self, paths)
    monkeypatch.setattr(StoredPages, "finish", counted)
    return made


def with_store(root: Path, cache: Path, monkeypatch, jobs: int = 1) -> dict[str, bytes]:
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(cache))
    build(Options(root=root, out=root / "build", jobs=jobs))
    return tree(root / "build")


def without_store(root: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    build(Options(root=root, out=root / "plain", jobs=1))
    return tree(root / "plain")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_event_text(root: Path) -> None:
    replace(root / EVENT, "title: ", "title: Edited ")


def edit_source_text(root: Path) -> None:
    replace(root / SOURCE, "TASS has gathered", "TASS has now gathered")


def edit_template(root: Path) -> None:
    replace(root / "themes/default/templates/event.html", "</article>", "<p>edited</p></article>")


def edit_site_yaml(root: Path) -> None:
    replace(root / "site.yaml", 'title: "Ukraine war diplomacy, 2025"', 'title: "Edited diplomacy, 2025"')


def move_to_another_lane(root: Path) -> None:
    replace(root / EVENT, "lane: russia-ukraine", "lane: multilateral")


def mark_a_draft(root: Path) -> None:
    replace(root / EVENT, "lane: ", "draft: true\nlane: ")


def delete_an_event(root: Path) -> None:
    (root / EVENT).unlink()
    for path in (root / "content/events").glob("*.yaml"):  # no event names it any more
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("2025-06-istanbul-direct-talks", "2025-08-15-anchorage-summit"),
                        encoding="utf-8")


def rename_a_file(root: Path) -> None:
    path = root / "content/events/2025-08-15-putin-2022-warning-no-war.yaml"  # no event names it
    path.rename(path.with_name("2025-08-15-putin-warning.yaml"))


EDITS = [edit_event_text, edit_source_text, edit_template, edit_site_yaml, move_to_another_lane, mark_a_draft,
         delete_an_event, rename_a_file]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_a_build_after_each_kind_of_edit_equals_a_build_without_the_store(edit, real_site, tmp_path, monkeypatch,
                                                                          counts):
    root, cache = real_site.root, tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    edit(root)
    assert with_store(root, cache, monkeypatch) == without_store(root, monkeypatch)
    assert counts[0][0] == 0 and counts[1][1] > 0  # the first build kept nothing; the edit rendered again


def test_an_event_edit_renders_its_pages_again_and_keeps_the_others(real_site, tmp_path, monkeypatch, counts):
    root, cache = real_site.root, tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    edit_event_text(root)
    with_store(root, cache, monkeypatch)
    kept, rendered = counts[1]
    assert kept > rendered > 0


def test_an_unchanged_site_is_written_from_the_store_by_forked_workers(real_site, tmp_path, monkeypatch, counts):
    root, cache = real_site.root, tmp_path / "cache"
    first = with_store(root, cache, monkeypatch, jobs=2)
    assert with_store(root, cache, monkeypatch, jobs=2) == first
    edit_event_text(root)
    assert with_store(root, cache, monkeypatch, jobs=2) == without_store(root, monkeypatch)
    assert counts[1][1] == 0 or counts[1][0] > 0  # the parent counts its own pages only


@pytest.mark.parametrize("damage", ["not a database", "rows changed", "cut short"])
def test_a_damaged_store_gives_a_normal_full_build(damage, real_site, tmp_path, monkeypatch, counts):
    root, cache = real_site.root, tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    store = cache / page_store.STORE_FILE
    if damage == "not a database":
        store.write_bytes(b"not sqlite at all" * 100)
    elif damage == "rows changed":
        with sqlite3.connect(store) as connection:
            connection.execute("UPDATE pages SET data = CAST('<p>stale</p>' AS BLOB)")
    else:
        data = store.read_bytes()
        store.write_bytes(data[: len(data) // 3])
    edit_event_text(root)
    assert with_store(root, cache, monkeypatch) == without_store(root, monkeypatch)
    assert counts[1][0] == 0  # nothing taken from it


def test_a_store_of_another_scope_is_not_trusted(real_site, tmp_path, monkeypatch, counts):
    """Rows made by another site-builder (here: another scope digest) are never used."""
    root, cache = real_site.root, tmp_path / "cache"
    with_store(root, cache, monkeypatch)
    monkeypatch.setattr(page_store, "scope_digest", lambda *args: b"another version")
    with_store(root, cache, monkeypatch)
    assert counts[1] == (0, counts[0][1])


def test_no_store_is_made_with_the_cache_off(real_site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    without_store(real_site.root, monkeypatch)
    assert not (tmp_path / "xdg").exists()


def move_to_another_year(path: Path) -> None:
    text, moved = re.subn(r"^date: \d{4}", "date: 1999", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert moved == 1
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("edit", ["title", "date"])
def test_a_large_site_by_period_after_an_edit_equals_a_build_without_the_store(edit, tmp_path, monkeypatch, counts):
    """More than 300 events: the pages by period, rendered by forked workers, and the parent's own."""
    root, cache = generate(tmp_path / "site", events=320, sources=12), tmp_path / "cache"
    with_store(root, cache, monkeypatch, jobs=2)
    event = sorted((root / "content/events").glob("*.yaml"))[100]
    if edit == "title":
        replace(event, "title: ", "title: Edited ")
    else:
        move_to_another_year(event)
    assert with_store(root, cache, monkeypatch, jobs=2) == without_store(root, monkeypatch)
    assert with_store(root, cache, monkeypatch, jobs=1) == without_store(root, monkeypatch)
    assert counts[2][0] > 300  # the single-process build took most pages from the store


def test_a_cold_build_looks_up_no_row_and_a_warm_one_only_rows_that_can_match(real_site, tmp_path, monkeypatch,
                                                                                counts):
    """The store's keys are read in one query: an empty store costs no per-page lookup."""
    root, cache = real_site.root, tmp_path / "cache"
    looked_up: list[str] = []
    row = page_store.PageStore.row
    monkeypatch.setattr(page_store.PageStore, "row", lambda self, site, path: looked_up.append(path) or row(
        self, site, path))
    with_store(root, cache, monkeypatch)
    assert looked_up == [] and counts[0][1] > 0
    edit_event_text(root)
    with_store(root, cache, monkeypatch)
    kept, rendered = counts[1]
    assert kept <= len(looked_up) < kept + rendered  # the edited page's arguments differ: its row is not read


def test_the_asset_names_a_page_digests_are_the_ones_its_links_use(real_site, tmp_path, monkeypatch):
    """Their digest is worked out once a build: the context's Urls hold a copy nothing else can change."""
    from site_builder.build import _load, _theme

    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    options = Options(root=real_site.root, jobs=1)
    site, _ = _load(options, False, 1)
    theme = _theme(options, site)
    pages = StoredPages.for_build(options.root, site, theme, False, None)
    names = {"style.css": "style.1.css"}
    context = pages.context(names, theme.environment())
    before = pages.inputs("404.html", Page("/404.html", "", "", "404"), {}, context.urls.assets)
    names["style.css"] = "style.2.css"
    assert context.urls.asset("style.css").endswith("style.1.css")
    assert pages.inputs("404.html", Page("/404.html", "", "", "404"), {}, context.urls.assets) == before


def test_the_store_file_gives_back_the_space_of_a_site_it_forgets(real_site, tmp_path, monkeypatch):
    """Past SITES_KEPT sites the least recent one's rows go, and the file shrinks (not only its rows)."""
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(page_store, "SITES_KEPT", 1)
    store = tmp_path / "cache" / page_store.STORE_FILE
    sizes = []
    for n in range(3):  # each base URL is a site of its own in the store
        build(Options(root=real_site.root, out=tmp_path / "out", base_url=f"https://p{n}.example.org/"))
        sizes.append(store.stat().st_size)
    assert sizes[2] < 1.5 * sizes[0], sizes
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(DISTINCT site) FROM pages").fetchone()[0] == 1
