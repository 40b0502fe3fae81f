"""write_files: every file as given, whatever folders exist already."""

from __future__ import annotations

import os

from site_builder.output import write_files


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
    assert {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == dict(files)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
