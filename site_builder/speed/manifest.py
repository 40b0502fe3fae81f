"""Skip a build that would write the same output again: nothing it reads changed, and the
output folder is exactly as the last build left it.

The manifest of a build holds a stamp (size, mtime, ctime, inode) of every file the build reads
(site.yaml, content/, templates/, static/, the themes, site-builder's own code), the installed
libraries, the options and the environment that change the output, and a stamp of every file it
wrote. Any difference means a build: a stamp cannot stay the same through a write (ctime is set by
the kernel), so a build is never skipped that should happen. Inputs are stamped before the build
reads them: a save during a build makes the next one run.

Manifests live in the user's cache folder, keyed by the output folder's path: never in the site
(editors commit it) nor in the output (it would be published). SITE_BUILDER_CACHE names another
cache folder, or `off` for none: then no manifest is kept and every build runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import sysconfig
import tempfile
import zoneinfo
from pathlib import Path
from collections.abc import Iterable

from site_builder import __version__
from site_builder.cache_folder import cache_root

FORMAT = 1
KEEP = 64  # manifests kept in the cache; the oldest go first
# Variables that change what a build writes. Not SITE_BUILDER_CACHE: the output is the same
# bytes with a cache, without one, or with another (tests/test_search_cache.py).
ENVIRONMENT = ("PAGEFIND_BINARY_PATH",)
PACKAGE = Path(__file__).resolve().parent.parent


def cache_folder() -> Path | None:
    root = cache_root()
    return root / "builds" if root is not None else None


def manifest_path(out: Path) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(os.fsencode(os.path.abspath(out))).hexdigest()[:32]
    return folder / f"{key}.json"


def stamps(paths: Iterable[Path]) -> str:
    """A digest of the [size, mtime_ns, ctime_ns, inode] of every file and folder under these paths
    (links to files followed, as loading does; a missing path is simply absent)."""
    found: dict[str, list[int]] = {}
    stack = []
    for path in map(os.fspath, paths):
        try:
            st = os.stat(path)
        except OSError:
            continue
        found[path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        if os.path.isdir(path):
            stack.append(path)
    while stack:  # a folder's own stamp changes when entries are added, removed or renamed
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name == "__pycache__":  # Python's compiled copies, written when imported
                            continue
                        stack.append(entry.path)
                        st = entry.stat(follow_symlinks=False)
                    else:
                        st = entry.stat()
                except OSError:  # a dangling link: its own stamp says when it changes
                    st = entry.stat(follow_symlinks=False)
                found[entry.path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    listing = "\n".join(f"{path}\0{stamp}" for path, stamp in sorted(found.items()))
    return hashlib.sha256(listing.encode("utf-8", "surrogateescape")).hexdigest()


def inputs(root: Path, options: dict) -> dict:
    """Everything a build's output depends on, as stamps and values."""
    root = Path(root).absolute()
    read = [root / "site.yaml", root / "content", root / "templates", root / "static", root / "themes",
            PACKAGE, PACKAGE.parent / "themes",  # the packaged themes, installed or in a checkout (Theme)
            *(Path(folder) / "tzdata.zi" for folder in zoneinfo.TZPATH)]
    return {
        "format": FORMAT,
        "site-builder": __version__,
        "python": sys.version,
        "libraries": _installed(),
        "options": options,
        "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
        "files": stamps(read),
    }


def _installed() -> list[str]:
    """Every installed distribution with its version (their .dist-info folders): an upgrade of
    Jinja, plotly (whose plotly.js is copied) or pagefind changes the list."""
    found = []
    paths = sysconfig.get_paths()
    for folder in {paths["purelib"], paths["platlib"]}:
        try:
            found += [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return sorted(set(found))


def up_to_date(out: Path, inputs_now: dict) -> bool:
    """True when the last build into out read exactly these inputs and out is as it left it."""
    path = manifest_path(out)
    if path is None:
        return False
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(recorded, dict) and recorded.get("inputs") == inputs_now
            and recorded.get("output") == stamps([Path(out).absolute()]))


def record(out: Path, inputs_then: dict) -> None:
    """Note that out now holds the build of these inputs (stamped before they were read)."""
    path = manifest_path(out)
    if path is None:  # SITE_BUILDER_CACHE=off
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"inputs": inputs_then, "output": stamps([Path(out).absolute()])}, separators=(",", ":"))
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".manifest-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(data)
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError:  # no cache folder (read-only home): the next build simply runs
        pass


def _prune(folder: Path) -> None:
    """Keep the newest manifests; only files named as manifest_path names them are removed."""
    ours = re.compile(r"[0-9a-f]{32}\.json")
    manifests = sorted((p for p in folder.glob("*.json") if ours.fullmatch(p.name)),
                       key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in manifests[KEEP:]:
        old.unlink(missing_ok=True)
