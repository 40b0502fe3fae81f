"""Decap CMS's local backend (the protocol `npx decap-server` speaks), in Python: the web editor
at /admin/ reads and writes the site's content files through it, and only those files."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import time
from pathlib import Path, PurePosixPath

from site_builder.content.load import ignored_name

# Where the editor may write, and which files there: content, and images the browser shows as
# images only (no SVG, which can carry scripts).
FOLDERS = {"content/events": (".yaml", ".yml"), "content/sources": (".md",),
           "content/media": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")}
MEDIA = "content/media"
KEPT = ".web-editor"  # beside content/: the versions a save replaced and the files "deleted"
MAX_FILE = 20 << 20  # bytes of one file written
MAX_NAME = 200  # bytes of a file name: room for the temporary name's prefix and suffix within 255
ENTRY_FOLDERS = ("content/events", "content/sources")  # persistEntry's; media come by persistMedia or as assets


class Refused(Exception):
    """A request the backend will not carry out; the message says why (shown by the CMS)."""


def content_path(root: Path, rel: object) -> tuple[str, Path]:
    """(the checked relative path, the file it names): a plain name in one of FOLDERS with one of
    its extensions, never through a link, never a hidden or editor's temporary name."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or rel.startswith("/"):
        raise Refused(f"not a relative path: {rel!r}")
    parts = PurePosixPath(rel).parts
    if len(parts) != 3 or any(p in (".", "..") for p in parts) or re.search(r"[\x00-\x1f\x7f]", rel):
        raise Refused(f"not a file directly in {', '.join(FOLDERS)}: {rel!r}")
    folder, name = "/".join(parts[:2]), parts[2]
    if folder not in FOLDERS or not listed_name(folder, name):
        raise Refused(f"{rel!r}: the editor writes only {_allowed()}")
    if len(name.encode("utf-8")) > MAX_NAME:
        raise Refused(f"{rel!r}: the file name is too long; shorten it")
    base = root / folder
    for step in (root / "content", base, base / name):
        if step.is_symlink():
            raise Refused(f"{rel!r}: {step.relative_to(root).as_posix()} is a link; the editor does not follow links")
    path = base / name
    if path.exists() and not path.is_file():
        raise Refused(f"{rel!r} is not a regular file")
    return "/".join(parts), path


def listed_name(folder: str, name: str) -> bool:
    """Whether the loader reads this name in folder: its extensions are matched as the loader
    matches them (an event's or a source's case-sensitively; "X.YAML" would be written, never read)."""
    exts = FOLDERS[folder]
    return not ignored_name(name) and (name.lower() if folder == MEDIA else name).endswith(exts)


def _allowed() -> str:
    return "; ".join(f"{folder}/*{'|*'.join(exts)}" for folder, exts in FOLDERS.items())


def folder_path(root: Path, rel: object) -> Path:
    rel = rel.strip("/") if isinstance(rel, str) else rel
    if rel not in FOLDERS:
        raise Refused(f"not a folder the editor reads: {rel!r}")
    folder = root / rel
    if (root / "content").is_symlink() or folder.is_symlink():
        raise Refused(f"{rel}: is a link; the editor does not follow links")
    return folder


class LocalBackend:
    """Answers Decap's POST /api/v1 {action, params} for one site folder."""

    def __init__(self, root: Path, say=lambda text: None):
        self.root = Path(root)
        self.say = say  # a line for the terminal, e.g. a save that dropped comments

    def answer(self, request: object) -> object:
        if not isinstance(request, dict) or not isinstance(request.get("params", {}), dict):
            raise Refused("expected {action, params}")
        action, params = request.get("action"), request.get("params") or {}
        handler = getattr(self, f"_do_{action}", None) if isinstance(action, str) and action.isalpha() else None
        if handler is None:
            raise Refused(f"unknown action {action!r}")
        return handler(params)

    def _do_info(self, params):
        return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}

    def _do_entriesByFolder(self, params):
        folder = folder_path(self.root, params.get("folder"))
        extension = str(params.get("extension") or "")
        rel = folder.relative_to(self.root).as_posix()
        return [self._entry(f"{rel}/{name}") for name in _plain_files(folder)
                if name.endswith(extension) and listed_name(rel, name)]

    def _do_entriesByFiles(self, params):
        return [self._entry(f.get("path"), f.get("label")) for f in _list(params, "files") if isinstance(f, dict)]

    def _do_getEntry(self, params):
        return self._entry(params.get("path"))

    def _entry(self, rel, label=None) -> dict:
        try:
            rel, path = content_path(self.root, rel)
            data = path.read_bytes() if path.is_file() else None
        except (Refused, OSError):
            data = None
        file = {"path": str(rel), "label": label, "id": hashlib.sha256(data).hexdigest() if data is not None else None}
        return {"data": data.decode("utf-8", "replace") if data is not None else None, "file": file}

    def _do_persistEntry(self, params):
        entry = params.get("entry")
        files = _list(params, "dataFiles") or ([entry] if isinstance(entry, dict) else [])
        writes = []
        for item in files:
            if not isinstance(item, dict) or not isinstance(item.get("raw"), str):
                raise Refused("each entry needs a path and its text")
            if item.get("newPath") not in (None, item.get("path")):
                raise Refused("renaming a file is not done from the editor; rename it in the content folder")
            rel, path = content_path(self.root, item.get("path"))
            if not rel.startswith(tuple(f + "/" for f in ENTRY_FOLDERS)):
                raise Refused(f"{rel}: an entry is an event or a source; images go by the media library")
            writes.append((rel, path, item["raw"].encode("utf-8")))
        writes += [self._media_write(a) for a in _list(params, "assets")]
        for rel, _path, data in writes:  # every path checked before the first write
            if len(data) > MAX_FILE:
                raise Refused(f"{rel} is larger than the editor writes")
        for rel, path, data in writes:
            self._write(rel, path, data)
        return {"message": "entry persisted"}

    def _write(self, rel: str, path: Path, data: bytes) -> None:
        if path.is_file():
            old = path.read_bytes()
            data = _with_schema_line(old, data)
            if old != data and _has_comments(old, rel):
                kept = self._keep(rel, path, "replaced")
                self.say(f"web editor: saved {rel}; its comments were not kept by the editor, "
                         f"the version before is at {kept}")
        path.parent.mkdir(exist_ok=True)  # content/media/, made by the first image
        _atomic_write(path, data)

    def _keep(self, rel: str, path: Path, why: str) -> str:
        """A copy of the file under .web-editor/<why>/, named with the time: nothing is lost."""
        target = self.root / KEPT / why / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}" / rel
        step = self.root
        for part in target.relative_to(self.root).parts[:-1]:  # never into a link left under .web-editor
            step = step / part
            if step.is_symlink() or (step.exists() and not step.is_dir()):
                raise Refused(f"{step.relative_to(self.root).as_posix()} is a link or a file; "
                              "the editor keeps earlier versions only in a plain folder")
            step.mkdir(exist_ok=True)
        _atomic_write(target, path.read_bytes())
        return target.relative_to(self.root).as_posix()

    def _do_getMedia(self, params):
        folder = folder_path(self.root, params.get("mediaFolder"))
        rel = folder.relative_to(self.root).as_posix()
        return [self._media(f"{rel}/{name}") for name in _plain_files(folder) if listed_name(rel, name)]

    def _do_getMediaFile(self, params):
        return self._media(params.get("path"))

    def _media(self, rel) -> dict:
        rel, path = content_path(self.root, rel)
        data = path.read_bytes()
        return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode("ascii"),
                "encoding": "base64", "path": rel, "name": path.name}

    def _do_persistMedia(self, params):
        rel, path, data = self._media_write(params.get("asset"))
        if len(data) > MAX_FILE:
            raise Refused(f"{rel} is larger than the editor writes")
        self._write(rel, path, data)
        return self._media(rel)

    def _media_write(self, asset: object) -> tuple[str, Path, bytes]:
        """(path, file, bytes) of an uploaded image, refused unless it goes into content/media/
        and its bytes are an image of a kind the browser shows (its first bytes say which)."""
        rel, path = content_path(self.root, asset.get("path") if isinstance(asset, dict) else None)
        if not rel.startswith(MEDIA + "/"):
            raise Refused("media go into content/media/")
        data = _decoded(asset)
        if not is_image(data):
            raise Refused(f"{rel} is not a PNG, JPEG, GIF, WebP or AVIF image")
        return rel, path, data

    def _do_deleteFile(self, params):
        return self._do_deleteFiles({"paths": [params.get("path")]})

    def _do_deleteFiles(self, params):
        """A deleted file is moved into .web-editor/deleted/, never removed: it cannot be made again."""
        targets = [content_path(self.root, rel) for rel in _list(params, "paths")]
        for rel, path in targets:
            if path.is_file():
                self._keep(rel, path, "deleted")
                path.unlink()
        return {"message": f"deleted files {', '.join(rel for rel, _ in targets)}"}

    def _do_getDeployPreview(self, params):
        return None


def _list(params: dict, key: str) -> list:
    """params[key] as a list (none: empty), refused when it is anything else."""
    value = params.get(key) or []
    if not isinstance(value, list):
        raise Refused(f"{key} must be a list")
    return value


def _plain_files(folder: Path) -> list[str]:
    """The names of the regular files in folder, sorted, without links: the editor follows none."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.is_symlink() and p.is_file())


# The first bytes of each kind of image the editor writes (FOLDERS' media extensions).
_IMAGE_STARTS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def is_image(data: bytes) -> bool:
    """Whether data starts as a PNG, JPEG, GIF, WebP or AVIF file does: never HTML, never empty."""
    return (data.startswith(_IMAGE_STARTS) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
            or (data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis")))


def _decoded(asset: object) -> bytes:
    if not isinstance(asset, dict) or asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
        raise Refused("a media file comes base64-encoded")
    try:
        return base64.b64decode(asset["content"], validate=True)
    except (binascii.Error, ValueError):
        raise Refused("a media file's content is not valid base64") from None


# The schema line at a YAML file's top, or at a source's front matter's top (after its "---").
_SCHEMA_LINE = re.compile(rb"\A(---\n)?(# yaml-language-server: \$schema=[^\n]*\n)")


def _with_schema_line(old: bytes, new: bytes) -> bytes:
    """The editor's YAML without comments, with the old file's schema line put back where it was:
    at the top, or first in the front matter."""
    found = _SCHEMA_LINE.match(old)
    if found is None:
        return new
    opening, line = found.group(1) or b"", found.group(2)
    if not new.startswith(opening) or new[len(opening):].startswith(line):
        return new
    return opening + line + new[len(opening):]


def _has_comments(data: bytes, rel: str) -> bool:
    """Whether the YAML of a file (a source's front matter only) has a comment line or a comment
    after a value (a "#" after white space): the editor writes files without them."""
    text = _SCHEMA_LINE.sub(lambda m: m.group(1) or b"", data, count=1).decode("utf-8", "replace")
    if rel.endswith(".md"):
        parts = text.split("\n---", 1)
        text = parts[0] if len(parts) == 2 else ""
    elif not rel.endswith((".yaml", ".yml")):
        return False
    return any(re.search(r"(^|\s)#", line) for line in text.splitlines())


def _atomic_write(path: Path, data: bytes) -> None:
    """Written whole under a hidden name, then renamed over the file: never half-written, and never
    through a link someone left under the temporary name."""
    temporary = path.with_name(f".{path.name}.web-editor.tmp")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
