"""build/ is always the previous site or the new one: never half-written, never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.output.write import recover, spare_of, staged, write_files
from site_builder.output.folder import MARKER, MARKER_TEXT, is_marked


def write_site(files: dict[str, bytes], dest: Path, finish=None) -> None:
    """What a build does: stage the files (and whatever finish adds), then swap them in."""
    with staged(dest) as staging:
        write_files(staging, sorted(files.items()))
        if finish is not None:
            finish(staging)


def snapshot(folder: Path) -> dict[str, bytes]:
    """The files in folder, but for the marker every tree a build writes holds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != MARKER}


def mark(folder: Path) -> Path:
    """A tree as a build leaves it: with the marker in it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_bytes(MARKER_TEXT)
    return folder


def beside(dest: Path) -> list[str]:
    """What is in dest's folder, once the background deletes have finished."""
    deadline = time.monotonic() + 20
    while any(".old-" in p.name for p in dest.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in dest.parent.iterdir())


def test_write_site_replaces_the_folder_with_exactly_the_new_files(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "old/page.html": b"x"}, dest)
    write_site({"index.html": b"two", "new/page.html": b"y"}, dest)
    assert snapshot(dest) == {"index.html": b"two", "new/page.html": b"y"} and is_marked(dest)
    assert beside(dest) == [".build.spare", "build"]  # the first site, kept to be written over next time
    write_site({"index.html": b"three", "new/page.html": b"z", "newer/page.html": b"w"}, dest)
    assert snapshot(dest) == {"index.html": b"three", "new/page.html": b"z", "newer/page.html": b"w"}
    assert snapshot(spare_of(dest)) == {"index.html": b"two", "new/page.html": b"y", ".site-builder-spare": b""}
    write_site({"index.html": b"four"}, dest)  # into the second site's files: all but one not written
    assert snapshot(dest) == {"index.html": b"four"}
    assert sorted(p.name for p in dest.iterdir()) == [MARKER, "index.html"]
    assert beside(dest) == [".build.spare", "build"]


def test_the_paths_a_build_says_it_wrote_only_spare_looking_at_times(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "a/index.html": b"a", "b/index.html": b"b"}, dest)
    write_site({"index.html": b"two"}, dest)
    written: set[str] = set()
    with staged(dest, written=written) as staging:  # over the first site
        written.update(write_files(staging, [("index.html", b"three")]))
        write_files(staging, [("b/index.html", b"not said")])  # written, not said: its time keeps it
    assert written == {"index.html"}
    assert snapshot(dest) == {"index.html": b"three", "b/index.html": b"not said"}


def test_a_build_writes_over_the_site_before_the_previous_one(tmp_path):
    """Rewriting a file keeps its inode: no mass delete, no mass create (output.py says why)."""
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "events/a/index.html": b"a"}, dest)
    first = (dest / "events/a/index.html").stat().st_ino
    write_site({"index.html": b"two", "events/a/index.html": b"b"}, dest)
    write_site({"index.html": b"three", "events/a/index.html": b"c"}, dest)
    assert (dest / "events/a/index.html").stat().st_ino == first
    assert snapshot(dest) == {"index.html": b"three", "events/a/index.html": b"c"}


def test_a_file_where_a_folder_goes_and_a_folder_where_a_file_goes(tmp_path):
    dest = tmp_path / "build"
    write_site({"a/index.html": b"a folder", "b": b"a file", "c": b"a file", "d/e/f.html": b"deep"}, dest)
    write_site({"index.html": b"between"}, dest)
    write_site({"a": b"now a file", "b/index.html": b"now a folder", "c/d/e.html": b"deeper", "d": b"a file"}, dest)
    assert snapshot(dest) == {"a": b"now a file", "b/index.html": b"now a folder", "c/d/e.html": b"deeper",
                              "d": b"a file"}


def test_a_spare_whose_times_cannot_be_trusted_is_not_written_over(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "stale.html": b"old"}, dest)
    write_site({"index.html": b"two"}, dest)
    future = time.time() + 3600  # the clock went back an hour since the spare was put aside
    for path in spare_of(dest).rglob("*"):
        os.utime(path, (future, future))
    inode = (spare_of(dest) / "index.html").stat().st_ino
    write_site({"index.html": b"three"}, dest)
    assert snapshot(dest) == {"index.html": b"three"} and (dest / "index.html").stat().st_ino != inode


def test_a_failure_while_staging_leaves_the_previous_build_untouched(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"good"}, dest)

    def explode(staging: Path) -> None:
        assert (staging / "index.html").read_bytes() == b"bad"
        raise RuntimeError("indexer crashed")

    with pytest.raises(RuntimeError):
        write_site({"index.html": b"bad", "bad.html": b"bad"}, dest, finish=explode)
    assert snapshot(dest) == {"index.html": b"good"}
    assert beside(dest) == [".build.spare", "build"]  # what the failed build wrote, to be written over
    write_site({"index.html": b"next"}, dest)
    assert snapshot(dest) == {"index.html": b"next"}


def test_recover_restores_a_build_parked_by_a_run_killed_mid_swap(tmp_path):
    dest = tmp_path / "build"
    parked = mark(tmp_path / ".build.previous")
    (parked / "index.html").write_bytes(b"previous")
    (tmp_path / ".build.new-abc").mkdir()
    recover(dest)
    assert snapshot(dest) == {"index.html": b"previous"}
    assert beside(dest) == ["build"]


KILLED_WRITER = """
import sys, time
from pathlib import Path
from site_builder.output.write import staged, write_files
def finish(staging):
    print("staged", flush=True)
    time.sleep(60)
with staged(Path(sys.argv[1])) as staging:
    write_files(staging, [(f"page{i}.html", b"new" * 1000) for i in range(200)])
    finish(staging)
"""


def test_a_build_killed_with_sigkill_leaves_the_previous_build_intact(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"previous"}, dest)
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(dest)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parent.parent)
    assert child.stdout.readline().strip() == "staged"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert snapshot(dest) == {"index.html": b"previous"}
    write_site({"index.html": b"next"}, dest)  # the next run clears what the killed one left
    assert snapshot(dest) == {"index.html": b"next"}
    assert beside(dest) == [".build.spare", "build"]


def test_without_reuse_the_previous_build_is_deleted_by_a_process_of_its_own(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "events/a/index.html": b"a"}, dest)
    write_site({"index.html": b"two"}, dest)
    with staged(dest, reuse=False) as staging:
        assert [p.name for p in staging.iterdir()] == [MARKER]  # a new folder, marked as a build's
        write_files(staging, [("index.html", b"three")])
    assert snapshot(dest) == {"index.html": b"three"}  # live at once; the old trees are not in it
    assert beside(dest) == ["build"]


def test_a_trash_folder_a_killed_background_delete_left_is_removed_by_the_next_build(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one"}, dest)
    (mark(tmp_path / ".build.old-x") / "events").mkdir()  # a delete cut short: the marker goes last
    write_site({"index.html": b"two"}, dest)
    assert beside(dest) == [".build.spare", "build"] and snapshot(dest) == {"index.html": b"two"}


def test_a_folder_of_the_spare_swapped_for_a_link_mid_clean_up_is_never_followed(tmp_path, monkeypatch):
    """Removing what a build did not write walks the spare by descriptors: a folder replaced by a
    link to elsewhere between listing and entering it loses only the link, never what it points at."""
    from site_builder.output import write as output

    spare, outside = tmp_path / "spare", tmp_path / "outside"
    (spare / "events").mkdir(parents=True)
    (spare / "events" / "old.html").write_text("old page")
    outside.mkdir()
    (outside / "precious.txt").write_text("the user's")
    os.utime(outside / "precious.txt", (0, 0))
    os.utime(spare / "events" / "old.html", (0, 0))
    real_scandir = os.scandir

    def scandir_then_swap(where):
        listing = list(real_scandir(where))
        if any(entry.name == "events" for entry in listing) and (spare / "events").is_dir() \
                and not (spare / "events").is_symlink():
            (spare / "events" / "old.html").unlink()
            (spare / "events").rmdir()
            (spare / "events").symlink_to(outside)

        class Listing(list):
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False
        return Listing(listing)

    monkeypatch.setattr(output.os, "scandir", scandir_then_swap)
    output._remove_unwritten(spare, time.time_ns(), set())
    assert (outside / "precious.txt").read_text() == "the user's"
    assert not (spare / "events").exists()
