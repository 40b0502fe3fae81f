"""Event media for the web: local images in responsive sizes and modern formats (kept between
builds by their digest), and the small page each video plays in."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from collections.abc import Iterable, Iterator

from PIL import Image, ImageOps, features

from site_builder.cache_folder import cache_root
from site_builder.errors import ContentError, Diagnostic, Location
from site_builder.model import LocalImage, Media
from site_builder.render.i18n import words
from site_builder.render.pages import Page, RenderContext
from site_builder.render.urls import Urls

WIDTHS = (480, 960, 1440)  # px; an image is never made wider than it is
FOLDER = "media/"  # under build/
CACHE_FORMAT = 3  # changes when the sizes or encodings change: older entries are simply missed
# The image cache keeps every entry a render uses, and of the others (images no longer in the site,
# other sites', older formats) the most recently used up to this many bytes.
UNUSED_BYTES = 256 << 20
MODERN = "avif" if features.check("avif") else "webp"
QUALITY = {"avif": 55, "webp": 75, "jpeg": 82, "png": None}
EMBEDS = {"youtube": "https://www.youtube-nocookie.com/embed/{}?autoplay=1",
          "vimeo": "https://player.vimeo.com/video/{}?autoplay=1&dnt=1"}
WATCH = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}


@dataclass(frozen=True)
class Picture:
    """What a <picture> needs: the modern format's srcset, the fallback's, and the largest size."""

    srcset: str
    type: str
    fallback_srcset: str
    src: str
    width: int
    height: int


def sizes_of(image: LocalImage) -> list[tuple[int, int]]:
    """(width, height) of each size made of the image, smallest first, never upscaled."""
    widths = sorted({min(w, image.width) for w in WIDTHS})
    return [(w, max(1, round(image.height * w / image.width))) for w in widths]


def fallback_format(image: LocalImage) -> str:
    return "png" if image.path.lower().endswith((".png", ".gif")) else "jpeg"


def file_names(image: LocalImage) -> list[tuple[str, int, str]]:
    """(output path, width, format) of every file made of the image."""
    ext = {"jpeg": "jpg"}
    return [(f"{FOLDER}{image.digest}-{w}.{ext.get(fmt, fmt)}", w, fmt)
            for fmt in (MODERN, fallback_format(image)) for w, _ in sizes_of(image)]


def picture(image: LocalImage, urls: Urls) -> Picture:
    """The srcsets of a local image (a template global: partials/media.html)."""
    names = file_names(image)
    half = len(names) // 2
    modern = ", ".join(f"{urls.page(name)} {w}w" for name, w, _ in names[:half])
    fallback = ", ".join(f"{urls.page(name)} {w}w" for name, w, _ in names[half:])
    width, height = sizes_of(image)[-1]
    return Picture(modern, f"image/{MODERN}", fallback, urls.page(names[-1][0]), width, height)


def video_urls(media: Media, urls: Urls) -> dict[str, str]:
    """A video's player page on this site, the iframe inside it, and its page at the host."""
    host, video_id = media.player.split("-", 1)
    return {"player": urls.page(f"videos/{media.player}.html"), "embed": EMBEDS[host].format(video_id),
            "watch": WATCH[host].format(video_id), "host": "YouTube" if host == "youtube" else "Vimeo"}


def link_host(url: str) -> str:
    """The host a linked figure names to readers; a host in other letters than ASCII in its
    punycode form (xn--...), as a look-alike such as Cyrillic 'аpple.com' cannot pass for another."""
    host = urlsplit(url).hostname or ""
    return ".".join(label if label.isascii() else _punycode(label) for label in host.split("."))


def _punycode(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:  # beyond IDNA 2003 (an emoji, a long label): the bare punycode
        return "xn--" + label.encode("punycode").decode("ascii")


def encode(image: LocalImage) -> dict[str, bytes]:
    """Every file made of the image: resized, turned as its EXIF says, and without its metadata
    (EXIF carries the camera and often where the photo was taken). A file that cannot be made is
    a ContentError at the media entry that named it."""
    try:
        return _encoded_files(image)
    except (OSError, ValueError, RuntimeError, MemoryError) as exc:
        where = image.where or Location(image.path, 0, 0)
        raise ContentError([Diagnostic(where.path, where.line, where.column,
                                       f"'{Path(image.path).name}' could not be made for the web: {exc}",
                                       "save the image again from an image editor, or scale it down")]) from None


def _encoded_files(image: LocalImage) -> dict[str, bytes]:
    with Image.open(image.path) as source:
        source.load()
        upright = _for_web(ImageOps.exif_transpose(source))
    files = {}
    for name, width, fmt in file_names(image):
        height = max(1, round(upright.height * width / upright.width))
        resized = upright.resize((width, height), Image.Resampling.LANCZOS)
        if fmt == "jpeg" and resized.mode == "RGBA":  # JPEG has no transparency: on white
            resized = Image.alpha_composite(Image.new("RGBA", resized.size, "white"), resized).convert("RGB")
        resized.info.clear()
        out = io.BytesIO()
        options = {"quality": QUALITY[fmt]} if QUALITY[fmt] else {"optimize": True}
        if fmt == "jpeg":
            options.update(progressive=True, optimize=True)
        resized.save(out, fmt.upper(), **options)
        files[name] = out.getvalue()
    return files


def _for_web(image: Image.Image) -> Image.Image:
    """The image in 8-bit RGB, or RGBA when it has transparency: 16-bit greys scaled down (not
    clipped to white), CMYK and palettes converted before resizing, which needs full colour."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


def cached_encode(image: LocalImage, folder: Path | None) -> dict[str, bytes]:
    """encode(image), or the files an earlier build made of the same bytes, kept in `folder`:
    each checked against the sha256 its entry's list of digests (written last) gives it, so a
    damaged, cut or missing file is a miss, made again."""
    if folder is None:
        return encode(image)
    entry = folder / f"{image.digest}-{CACHE_FORMAT}"
    names = [name for name, _, _ in file_names(image)]
    kept = _kept_files(entry, names)
    if kept is not None:
        with suppress(OSError):
            os.utime(entry / _DIGESTS)  # used now: pruned last (prune_cache)
        return kept
    files = encode(image)
    try:
        entry.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            _write_atomically(entry / Path(name).name, data)
        _write_atomically(entry / _DIGESTS, "".join(
            f"{hashlib.sha256(data).hexdigest()} {Path(name).name}\n" for name, data in files.items()).encode())
    except OSError:
        pass  # a cache that cannot be written costs time, never the build
    return files


_DIGESTS = "sha256"  # in an entry of the image cache: "<hex digest> <file name>" a line
_ENTRY = re.compile(r"[0-9a-f]{20}-[0-9]+")  # an entry's folder: the image's digest, the CACHE_FORMAT


def _kept_files(entry: Path, names: list[str]) -> dict[str, bytes] | None:
    """The entry's files, when every one is there with the digest its list gives; else None."""
    try:
        listed = _listed(entry)
        files = {name: (entry / Path(name).name).read_bytes() for name in names}
    except (OSError, ValueError):
        return None
    for name, data in files.items():
        if listed.get(Path(name).name) != hashlib.sha256(data).hexdigest():
            return None
    return files


def _listed(entry: Path) -> dict[str, str]:
    """An entry's list of digests: file name -> sha256 (OSError, ValueError when it has none that reads)."""
    return dict(reversed(line.split(" ", 1)) for line in (entry / _DIGESTS).read_text("ascii").splitlines())


def prune_cache(folder: Path, used: set[str]) -> None:
    """Remove the entries of images not in `used` (digests) beyond UNUSED_BYTES, the least
    recently used first. Another build may be reading one: it then misses it and makes its files."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    keep = {f"{digest}-{CACHE_FORMAT}" for digest in used}
    others = [(*_entry_stat(folder / name), name) for name in names
              if name not in keep and _ENTRY.fullmatch(name)]  # nothing else: the folder may be anyone's
    total = 0
    for _, size, name in sorted(others, reverse=True):  # the most recently used first
        total += size
        if total > UNUSED_BYTES:
            _remove_entry(folder / name)


def _remove_entry(entry: Path) -> None:
    """The files the entry's list of digests names, the list, then the folder if nothing else is
    in it: a folder of that name the cache did not make (no list), or what else is in one, stays."""
    try:
        if not stat.S_ISDIR(os.lstat(entry).st_mode):  # a link: not the cache's
            return
        listed = _listed(entry)
    except (OSError, ValueError):
        return
    for name in listed:
        if name == Path(name).name and name not in (_DIGESTS, ".", ".."):  # a name in the entry itself
            with suppress(OSError):
                os.unlink(entry / name)
    with suppress(OSError):
        os.unlink(entry / _DIGESTS)
        os.rmdir(entry)


def _entry_stat(entry: Path) -> tuple[float, int]:
    """When the entry was last used (its digests file's time; 0 when it has none) and its bytes."""
    try:
        used_at = (entry / _DIGESTS).stat().st_mtime
    except OSError:
        used_at = 0.0
    try:
        size = sum(child.stat().st_size for child in entry.iterdir())
    except OSError:
        size = 0
    return used_at, size


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _encoded(image: LocalImage) -> dict[str, bytes]:
    return cached_encode(image, _cache_folder())


def _cache_folder() -> Path | None:
    root = cache_root()
    return root / "media" if root is not None else None


def local_images(media: Iterable[Media]) -> Iterator[LocalImage]:
    for item in media:
        for image in (item.image, item.poster):
            if image is not None:
                yield image


def media_files(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    """Every size of every local image, and a page for each video to play in."""
    done: set[str] = set()
    players: dict[str, Media] = {}
    for event in ctx.site.events:
        for image in local_images(event.media):
            if image.digest not in done:
                done.add(image.digest)
                yield from ctx.memo.of(_encoded, image).items()
        players.update((m.player, m) for m in event.media if m.player)
    folder = _cache_folder()
    if folder is not None:
        prune_cache(folder, done)
    for name, media in sorted(players.items()):
        said = words(ctx.env)
        page = Page(ctx.urls.page(f"videos/{name}.html"), media.caption or said.gettext("Video"),
                    said.gettext("A video player"), "video")
        yield ctx.render("video.html", page, video=video_urls(media, ctx.urls))
