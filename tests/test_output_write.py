"""write_files: every file as given, whatever folders exist already."""

from __future__ import annotations

import os

import pytest

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


def test_a_file_where_a_folder_should_be_is_an_error(tmp_path):
    (tmp_path / "events").write_bytes(b"not a folder")
    with pytest.raises(OSError):
        write_files(tmp_path, [("events/a/index.html", b"x")])
    with pytest.raises(OSError):
        write_files(tmp_path, [("events/index.html", b"x")])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
