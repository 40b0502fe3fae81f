"""`build`'s summary line says how many of its pages came from the page store, exactly, whether the
pages were rendered in this process or by forked workers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from site_builder.build import Options, build
from site_builder.speed.page_store import STORE_FILE

EVENT = "content/events/2025-06-istanbul-direct-talks.yaml"


def built(root: Path, cache: Path, monkeypatch, jobs: int):
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(cache))
    return build(Options(root=root, out=root / "build", jobs=jobs))


def rows_in_store(cache: Path) -> int:
    with sqlite3.connect(cache / STORE_FILE) as connection:
        return connection.execute("SELECT count(*) FROM pages").fetchone()[0]


def test_the_summary_counts_the_pages_from_the_store_in_one_process_and_in_workers(real_site, tmp_path, monkeypatch):
    root, cache = real_site.root, tmp_path / "cache"
    cold = built(root, cache, monkeypatch, jobs=2)
    assert cold.from_store == 0
    assert f"{cold.pages} pages (0 from the cache; {cold.written} files) written to" in cold.summary("built", root)
    stored = rows_in_store(cache)
    assert 0 < stored <= cold.pages
    for jobs in (1, 2):  # nothing edited: every page the store holds is taken from it
        assert built(root, cache, monkeypatch, jobs).from_store == stored

    edited = root / EVENT
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    shutil.copytree(cache, tmp_path / "same")
    in_workers = built(root, cache, monkeypatch, jobs=2).from_store
    in_one = built(root, tmp_path / "same", monkeypatch, jobs=1).from_store
    assert 0 < in_workers == in_one < stored


def test_without_the_store_the_summary_says_nothing_of_it(real_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    result = build(Options(root=real_site.root, out=real_site.root / "build"))
    assert result.from_store is None
    assert "cache" not in result.summary("built", real_site.root / "build")


def test_a_cache_folder_that_cannot_be_written_is_said_not_silently_unused(real_site, tmp_path, monkeypatch, capsys):
    from site_builder.cli import main

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(not_a_folder))
    assert main(["build", "--site", str(real_site.root)]) == 0
    out, err = capsys.readouterr()
    assert "(0 from the cache;" in out
    assert f"note: the cache folder {not_a_folder} could not be used, so every page was rendered" in err
    assert "hint: make SITE_BUILDER_CACHE a folder you can write, or `off`" in err

    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))  # a usable one: no note
    assert main(["build", "--site", str(real_site.root)]) == 0
    assert "note:" not in capsys.readouterr().err


def test_builds_help_says_where_the_cache_is_and_how_to_turn_it_off(capsys):
    from site_builder.cli import main

    with pytest.raises(SystemExit):
        main(["build", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "~/.cache/site-builder" in said and "SITE_BUILDER_CACHE=off keeps nothing" in said


def test_the_summary_counts_every_file_written_the_search_index_too(real_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    out = tmp_path / "out"
    result = build(Options(root=real_site.root, out=out))
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert any(path.startswith("pagefind/") for path in on_disk)
    assert sorted(result.paths) == [path for path in on_disk if not path.startswith(".")]  # not the folder's marker
