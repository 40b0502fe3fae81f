"""write_files: every file as given, whatever folders exist already."""

from __future__ import annotations

import os

import pytest

from site_builder.output.write import ensure_folder, write_files


def test_files_are_written_whole_into_new_and_existing_folders(tmp_path):
    (tmp_path / "events/old").mkdir(parents=True)
    (tmp_path / "events/old/index.html").write_bytes(b"a much longer previous text")
    files = [("events/old/index.html", b"new"), ("events/a/index.html", b"\x00" * 300_000),
             ("deep/er/still/x.json", b"{}"), ("empty.txt", b""), ("top.html", b"<p>")]
    assert write_files(tmp_path, files) == [rel for rel, _ in files]
    for rel, data in files:
        assert (tmp_path / rel).read_bytes() == data
    assert oct(os.stat(tmp_path / "top.html").st_mode & 0o777) == oct(0o666 & ~_umask())


def test_what_stands_where_a_file_or_folder_goes_is_replaced(tmp_path):
    """write_files writes only into a staging folder, which may be an earlier site's (output.staged):
    a file of it where a folder now goes, or a folder where a file goes, is that site's and goes."""
    (tmp_path / "events").write_bytes(b"not a folder")
    (tmp_path / "deep").write_bytes(b"not a folder either")
    (tmp_path / "feed.xml/old").mkdir(parents=True)
    (tmp_path / "feed.xml/old/index.html").write_bytes(b"a folder's file")
    files = [("events/a/index.html", b"x"), ("deep/er/still/x.json", b"{}"), ("feed.xml", b"<feed/>")]
    assert write_files(tmp_path, files) == [rel for rel, _ in files]
    written = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == dict(files)


def test_nothing_is_written_through_a_link(tmp_path):
    """A reused spare holds only what builds wrote, but a link someone left in it is replaced,
    never followed: a file link, a folder link, a folder link higher up the path."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_bytes(b"not ours")
    folder = tmp_path / "staging"
    (folder / "events").mkdir(parents=True)
    os.symlink(outside / "index.html", folder / "index.html")
    os.symlink(outside, folder / "events" / "a")
    os.symlink(outside, folder / "sources")
    files = [("index.html", b"home"), ("events/a/index.html", b"a"), ("sources/s/index.html", b"s"),
             ("sources/index.html", b"list")]
    assert write_files(folder, files) == [rel for rel, _ in files]
    assert sorted(p.name for p in outside.iterdir()) == ["index.html"]
    assert (outside / "index.html").read_bytes() == b"not ours"
    assert not any(p.is_symlink() for p in folder.rglob("*"))
    assert {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == dict(files)


def test_a_folder_made_real_under_its_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "staging"
    root.mkdir()
    os.symlink(outside, root / "pagefind")
    ensure_folder(root / "pagefind" / "part-2", root)
    assert (root / "pagefind" / "part-2").is_dir() and not (root / "pagefind").is_symlink()
    assert list(outside.iterdir()) == []
    ensure_folder(root, root)  # the root is taken as it is
    with pytest.raises(ValueError):
        ensure_folder(tmp_path / "elsewhere", root)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
