"""build/ is always the previous site or the new one: never half-written, never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.output import recover, staged, write_files


def write_site(files: dict[str, bytes], dest: Path, finish=None) -> None:
    """What a build does: stage the files (and whatever finish adds), then swap them in."""
    with staged(dest) as staging:
        write_files(staging, sorted(files.items()))
        if finish is not None:
            finish(staging)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_write_site_replaces_the_folder_with_exactly_the_new_files(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"one", "old/page.html": b"x"}, dest)
    write_site({"index.html": b"two", "new/page.html": b"y"}, dest)
    assert snapshot(dest) == {"index.html": b"two", "new/page.html": b"y"}
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_a_failure_while_staging_leaves_the_previous_build_untouched(tmp_path):
    dest = tmp_path / "build"
    write_site({"index.html": b"good"}, dest)

    def explode(staging: Path) -> None:
        assert (staging / "index.html").read_bytes() == b"bad"
        raise RuntimeError("indexer crashed")

    with pytest.raises(RuntimeError):
        write_site({"index.html": b"bad"}, dest, finish=explode)
    assert snapshot(dest) == {"index.html": b"good"}
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_recover_restores_a_build_parked_by_a_run_killed_mid_swap(tmp_path):
    dest = tmp_path / "build"
    parked = tmp_path / ".build.previous"
    parked.mkdir()
    (parked / "index.html").write_bytes(b"previous")
    (tmp_path / ".build.new-abc").mkdir()
    recover(dest)
    assert snapshot(dest) == {"index.html": b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


KILLED_WRITER = """
import sys, time
from pathlib import Path
from site_builder.output import staged, write_files
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_big_sites_previous_build_is_deleted_by_a_process_of_its_own(tmp_path):
    import time

    dest = tmp_path / "build"
    write_site({"index.html": b"one", "events/a/index.html": b"a"}, dest)
    with staged(dest, discard_in_background=True) as staging:
        write_files(staging, [("index.html", b"two")])
    assert snapshot(dest) == {"index.html": b"two"}  # live at once; the old tree is not in it
    deadline = time.monotonic() + 20
    while [p.name for p in tmp_path.iterdir()] != ["build"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_a_trash_folder_a_killed_background_delete_left_is_removed_by_the_next_build(tmp_path):
    import time

    dest = tmp_path / "build"
    write_site({"index.html": b"one"}, dest)
    (tmp_path / ".build.old-x" / "events").mkdir(parents=True)
    write_site({"index.html": b"two"}, dest)
    deadline = time.monotonic() + 20
    while [p.name for p in tmp_path.iterdir()] != ["build"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir()] == ["build"] and snapshot(dest) == {"index.html": b"two"}
