"""An event's `media`: each entry checked (kind, alt text, addresses, files under content/media/)
and turned into a model.Media, every error located at the value that caused it."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import warnings
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urlsplit

from PIL import Image, UnidentifiedImageError

from site_builder.content.fields import Record
from site_builder.errors import Report
from site_builder.model import LocalImage, Media

KINDS = ("image", "video", "link")
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "AVIF"}
MEDIA_FOLDER = "media"
MAX_SIDE = 16383  # px: WebP's limit, and far beyond any page's need
ORIENTATION = 0x0112  # the EXIF tag; 5 to 8 turn the image a quarter
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")  # ASCII only: no other digits or letters
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
# vimeo.com/<id>, /channels/<name>/<id> and /groups/<name>/videos/<id>
_VIMEO_PATH = re.compile(r"(?:channels/[A-Za-z0-9_-]+/|groups/[A-Za-z0-9_-]+/videos/)?[^/]+")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}


def event_media(path: str, items: tuple[Record, ...], report: Report) -> tuple[Media, ...]:
    """The media of the event file at `path`; entries with errors are reported and left out."""
    content = content_folder(path)
    found = []
    for item in items:
        before = len(report.diagnostics)
        media = _media(item, content, report)
        if media is not None and len(report.diagnostics) == before:
            found.append(media)
    return tuple(found)


def content_folder(event_path: str) -> Path:
    """The content/ folder an event file is in (content/events/... -> content/)."""
    path = Path(event_path).absolute()
    for folder in path.parents:
        if folder.name == "events" and folder.parent.name == "content":
            return folder.parent
    return path.parent.parent


def _media(item: Record, content: Path, report: Report) -> Media | None:
    kind, src = item.values.get("kind"), item.values.get("src")
    if kind is None or src is None:
        return None  # read_record reported the missing field
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.5)
        report.at(item.loc_of("kind"), f"unknown media kind '{kind}'",
                  hint=(f"did you mean '{close[0]}'? " if close else "") + "kinds: image, video, link")
        return None
    values = {k: item.values.get(k) for k in ("alt", "caption", "credit", "link")}
    if kind == "image" and not values["alt"]:
        report.at(item.loc, "an image needs `alt`: what it shows, for readers who cannot see it",
                  hint="add e.g. `alt: Two men shake hands on an airport tarmac`")
    if item.values.get("poster") and kind != "video":
        report.at(item.loc_of("poster"), "only a video has a poster", hint="remove `poster`")
    if kind == "image" and not _SCHEME.match(src):
        image = local_image(src, content, item, "src", report)
        return Media(kind, src, **values, image=image) if image else None
    if not _is_http(src):
        report.at(item.loc_of("src"), f"'{src}' is not an http(s) address",
                  hint="only http:// and https:// links are published" +
                  ("; a file of the site is written media/name.jpg" if kind == "image" else ""))
        return None
    if kind != "video":
        return Media(kind, src, **values)
    player = video_player(src)
    if player is None:
        report.at(item.loc_of("src"), f"'{src}' is not a YouTube or Vimeo video address",
                  hint="other videos are shown as a linked figure: write `kind: link`")
        return None
    poster = item.values.get("poster")
    poster_image = local_image(poster, content, item, "poster", report) if poster else None
    return Media(kind, src, **values, poster=poster_image, player=player)


def _is_http(src: str) -> bool:
    parts = urlsplit(src)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", src)


def video_player(url: str) -> str | None:
    """"youtube-<id>" or "vimeo-<id>" for a YouTube or Vimeo address, else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = None
    if host in _YOUTUBE_HOSTS:
        if segments == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live"):
            candidate = segments[1]
    elif host == "youtu.be" and len(segments) == 1:
        candidate = segments[0]
    if candidate is not None:
        return f"youtube-{candidate}" if _YOUTUBE_ID.fullmatch(candidate) else None
    if host in ("vimeo.com", "www.vimeo.com") and _VIMEO_PATH.fullmatch("/".join(segments)):
        candidate = segments[-1]
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        candidate = segments[1]
    return f"vimeo-{candidate}" if candidate is not None and _VIMEO_ID.fullmatch(candidate) else None


def local_image(src: str, content: Path, item: Record, field: str, report: Report) -> LocalImage | None:
    """The image file `src` names under content/media/, checked: inside that folder (itself not a
    link to elsewhere), present, an image Pillow reads in full, not a bomb, no side too long."""
    loc = item.loc_of(field)
    folder = content / MEDIA_FOLDER
    written = PurePosixPath(src)
    if written.is_absolute() or ".." in written.parts or "\\" in src or written.parts[:1] != (MEDIA_FOLDER,):
        report.at(loc, f"'{src}' is not a file under content/media/",
                  hint="put the file in content/media/ and write `media/name.jpg`")
        return None
    if folder.is_symlink() or not folder.resolve().is_relative_to(content.resolve()):
        report.at(loc, "content/media/ is a link to a folder elsewhere, which is not published",
                  hint="make content/media/ a real folder and copy the images into it")
        return None
    path = content.joinpath(*written.parts)
    if not path.is_file():
        report.at(loc, f"no file '{src}' in content/", hint=_close_name(src, folder))
        return None
    if not path.resolve().is_relative_to(folder.resolve()):
        report.at(loc, f"'{src}' links to a place outside content/media/",
                  hint="copy the file into content/media/ instead of linking to it")
        return None
    read = _read_image(path)
    if isinstance(read, str):
        report.at(loc, f"'{src}' {read}", hint="use a JPEG, PNG, WebP, GIF or AVIF file; "
                  "if it opens elsewhere, save it again from an image editor")
        return None
    fmt, width, height = read
    if fmt == "bomb" or width * height > Image.MAX_IMAGE_PIXELS:
        report.at(loc, f"'{src}' has too many pixels to process safely (more than {Image.MAX_IMAGE_PIXELS:,})",
                  hint="scale the image down before adding it")
        return None
    if max(width, height) > MAX_SIDE:
        report.at(loc, f"'{src}' is {width}x{height} px: a side longer than {MAX_SIDE:,} px cannot be "
                  "made for the web", hint="scale or crop the image before adding it")
        return None
    if fmt not in IMAGE_FORMATS:
        report.at(loc, f"'{src}' is a {fmt} image, which browsers do not show",
                  hint="convert it to JPEG or PNG")
        return None
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()[:20]
    return LocalImage(os.fspath(path), digest, width, height, where=loc)


def _read_image(path: Path) -> tuple[str, int, int] | str:
    """(format, width, height) of the image at `path`, upright as its EXIF says, decoded in full so
    that a truncated file fails here and not in the build; format "bomb" for too many pixels; or
    what is wrong with it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt, (width, height) = image.format, image.size
                if width * height <= Image.MAX_IMAGE_PIXELS and max(width, height) <= MAX_SIDE:
                    image.load()
                turned = image.getexif().get(ORIENTATION) in (5, 6, 7, 8)
    except Image.DecompressionBombError:
        return "bomb", 0, 0
    except (UnidentifiedImageError, SyntaxError):
        return "is not an image this tool can read"
    except (OSError, ValueError, EOFError) as exc:
        return f"cannot be read in full ({exc})"
    return (fmt, height, width) if turned else (fmt, width, height)


def _close_name(src: str, folder: Path) -> str:
    names = sorted(f"{MEDIA_FOLDER}/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*")
                   if p.is_file()) if folder.is_dir() else []
    close = difflib.get_close_matches(src, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "files under content/media/: " + (", ".join(names[:10]) if names else "none yet")
