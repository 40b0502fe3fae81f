"""The image cache (render/media.py) is pruned: every entry a build uses stays, and of the others
only the most recently used up to a bound; nothing in the folder that is not an entry is touched,
and a damaged entry is still a miss."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from site_builder.build import Options, build
from site_builder.render import media

EVENT = "content/events/2025-06-istanbul-direct-talks.yaml"


def entry(folder: Path, digest: str, size: int, used_at: float) -> Path:
    path = folder / f"{digest}-{media.CACHE_FORMAT}"
    path.mkdir(parents=True)
    (path / "a.webp").write_bytes(b"x" * size)
    (path / "sha256").write_text("0" * 64 + " a.webp\n")
    os.utime(path / "sha256", (used_at, used_at))
    return path


def test_unused_entries_go_least_recently_used_first_beyond_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(media, "UNUSED_BYTES", 2500)
    used = entry(tmp_path, "a" * 20, 5000, 100)  # over the bound alone, and oldest: used, so kept
    newer, older, oldest = (entry(tmp_path, c * 20, 1000, t) for c, t in (("b", 400), ("c", 300), ("d", 200)))
    old_format = tmp_path / f"{'e' * 20}-{media.CACHE_FORMAT - 1}"
    old_format.mkdir()
    (old_format / "a.jpg").write_bytes(b"x" * 1000)  # no digests file: not known to be the cache's, left
    theirs = tmp_path / "holiday-photos"  # SITE_BUILDER_CACHE may name anyone's folder
    theirs.mkdir()
    (theirs / "a.jpg").write_bytes(b"x" * 10_000)
    (tmp_path / "notes.txt").write_text("mine")
    media.prune_cache(tmp_path, {"a" * 20})
    assert used.is_dir() and newer.is_dir() and older.is_dir()
    assert not oldest.exists() and (old_format / "a.jpg").is_file()
    assert (theirs / "a.jpg").is_file() and (tmp_path / "notes.txt").is_file()


def with_image(root: Path, color: str) -> None:
    (root / "content/media").mkdir(exist_ok=True)
    Image.new("RGB", (640, 480), color).save(root / "content/media/pic.png")
    event = root / EVENT
    text = event.read_text(encoding="utf-8")
    if "media/pic.png" not in text:
        event.write_text(text + "media:\n  - kind: image\n    src: media/pic.png\n    alt: A square\n",
                         encoding="utf-8")


def entries(cache: Path) -> set[str]:
    return {p.name for p in (cache / "media").iterdir()}


def test_a_replaced_images_entry_is_pruned_and_a_used_one_is_marked_used(real_site, tmp_path, monkeypatch):
    root, cache = real_site.root, tmp_path / "cache"
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(cache))
    monkeypatch.setattr(media, "UNUSED_BYTES", 0)
    with_image(root, "red")
    build(Options(root=root, out=root / "build"))
    (red,) = entries(cache)
    os.utime(cache / "media" / red / "sha256", (1, 1))
    build(Options(root=root, out=root / "build"))  # taken from the cache: used now
    assert entries(cache) == {red} and (cache / "media" / red / "sha256").stat().st_mtime > 1
    with_image(root, "blue")
    build(Options(root=root, out=root / "build"))
    (blue,) = entries(cache)
    assert blue != red


def test_a_damaged_entry_is_still_a_miss(real_site, tmp_path, monkeypatch):
    root, cache = real_site.root, tmp_path / "cache"
    with_image(root, "red")
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    build(Options(root=root, out=root / "plain"))
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(cache))
    build(Options(root=root, out=root / "build"))
    (red,) = entries(cache)
    for made in (cache / "media" / red).glob("*.*"):
        made.write_bytes(b"damaged")
    build(Options(root=root, out=root / "build"))
    plain = sorted((root / "plain/media").iterdir())
    assert [p.read_bytes() for p in plain] == [(root / "build/media" / p.name).read_bytes() for p in plain]
