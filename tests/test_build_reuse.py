"""A build writes over the site before the previous one (output.staged): what it publishes is
byte for byte what a build into an empty folder publishes, nothing of the older site left in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from generate_site import generate  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, out: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(root), "build", "--out", str(out), *args],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_a_build_over_an_older_site_publishes_what_a_build_into_an_empty_folder_does(tmp_path):
    root = generate(tmp_path / "site", events=80, sources=5)
    out = tmp_path / "out"
    texts = {path: path.read_text(encoding="utf-8") for path in sorted((root / "content/events").glob("*.yaml"))}
    events = [path for path in texts if not any(path.stem in text for other, text in texts.items() if other != path)]
    assert len(events) > 30  # events no other event names as related: they can go
    build(root, out)
    first = {rel: (out / rel).stat().st_ino for rel in tree(out)}

    events[10].unlink()  # its page, its card, its search records go
    edited = events[20].read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1)
    events[20].write_text(edited, encoding="utf-8")
    build(root, out)
    events[30].unlink()
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8")
                                    .replace("Synthetic timeline", "Renamed timeline"), encoding="utf-8")
    build(root, out)  # over the first site's files
    assert (tmp_path / ".out.spare").is_dir()

    build(root, tmp_path / "fresh", "--jobs", "1")  # into a folder never built into, in one process
    assert tree(out) == tree(tmp_path / "fresh")
    assert not any(events[10].stem in rel or events[30].stem in rel for rel in tree(out))
    kept = [rel for rel in tree(out) if first.get(rel) == (out / rel).stat().st_ino]
    assert len(kept) > len(first) // 2  # the first site's files, written over in place


def test_no_spare_keeps_no_copy_and_publishes_the_same(tmp_path):
    root = generate(tmp_path / "site", events=20, sources=2)
    out = tmp_path / "out"
    for _ in range(3):
        build(root, out, "--force")
    assert (tmp_path / ".out.spare").is_dir()
    before = tree(out)
    build(root, out, "--force", "--no-spare")  # a fresh folder; the spare and the replaced site go
    deadline = time.monotonic() + 20
    while sorted(p.name for p in tmp_path.iterdir()) != ["out", "site"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]
    assert tree(out) == before


def test_links_left_in_the_spare_are_never_written_through(tmp_path):
    root = generate(tmp_path / "site", events=20, sources=2)
    out = tmp_path / "out"
    build(root, out)
    build(root, out, "--force")
    spare = tmp_path / ".out.spare"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"not the site's")
    page = next(spare.glob("events/*/index.html"))
    page.unlink()
    os.symlink(outside / "keep.txt", page)  # a page, a folder and the search bundle made links
    shutil.rmtree(spare / "sources")
    os.symlink(outside, spare / "sources")
    shutil.rmtree(spare / "pagefind")
    os.symlink(outside, spare / "pagefind")
    build(root, out, "--force")
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_bytes() == b"not the site's"
    build(root, tmp_path / "fresh")
    assert tree(out) == tree(tmp_path / "fresh")
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_a_spare_that_is_a_link_is_not_used_nor_removed(tmp_path):
    """A link of the spare's name is not a tree a build wrote: neither it nor its target is touched."""
    root = generate(tmp_path / "site", events=20, sources=2)
    out = tmp_path / "out"
    build(root, out)
    outside = tmp_path / "outside"
    (outside / "events").mkdir(parents=True)
    (outside / ".site-builder-spare").write_bytes(b"")
    os.symlink(outside, tmp_path / ".out.spare")
    build(root, out, "--force")
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == [".site-builder-spare", "events"]
    assert os.readlink(tmp_path / ".out.spare") == str(outside)
    build(root, tmp_path / "fresh")
    assert tree(out) == tree(tmp_path / "fresh")
