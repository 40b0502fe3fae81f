"""Which folder a build may replace: one site-builder made (its marker file is in it) or an empty
one, never the site, what it is made from, or a user's folder; and one build at a time into it."""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager, suppress
from pathlib import Path
from collections.abc import Iterator

from site_builder.cache_folder import cache_root
from site_builder.errors import printable

try:
    import fcntl
except ImportError:  # Windows: no flock; builds are not kept apart there
    fcntl = None

MARKER = ".site-builder-output"  # in every output folder, written when the build made it
MARKER_TEXT = b"site-builder output folder: every build replaces it whole; keep no files of your own in it\n"
SOURCES = ("content", "templates", "static", "themes")  # the site's folders a build reads
VERSION_CONTROL = {".git", ".hg", ".svn"}
_CODE = Path(__file__).resolve().parent.parent  # site_builder/, which a build reads too
_HINT = "pick a folder that does not exist yet (site-builder makes it), or an empty one"


class OutputError(Exception):
    """The output folder is refused, or could not be written: a message for the user, and a hint."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def shown(path: os.PathLike | str) -> str:
    """A path as it may be printed (errors.printable: control and bidi characters escaped)."""
    return printable(os.fspath(path))


def is_marked(folder: os.PathLike | str) -> bool:
    """Whether folder holds site-builder's marker (a file, not a link, whose first line is ours)."""
    try:
        fd = os.open(os.path.join(folder, MARKER), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(MARKER_TEXT)) == MARKER_TEXT
    finally:
        os.close(fd)


def is_ours(path: os.PathLike | str) -> bool:
    """A real folder (not a link) with the marker in it: a tree some build wrote."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and is_marked(path)
    except OSError:
        return False


def checked(out: os.PathLike | str, root: os.PathLike | str) -> Path:
    """The real path of the folder to build into; raises OutputError, before anything is written,
    when out is not a folder the build may replace with a new site."""
    text, name = os.fspath(out), shown(out)
    if not text:
        raise OutputError("the output folder is an empty path", _HINT)
    if any(not (c.isprintable() or c == " ") for c in text):
        raise OutputError(f"the output folder {name} has a control character in its name", _HINT)
    given = Path(text)
    if "~" in given.parts:
        raise OutputError(f"the output folder {name} has a folder named ~ in its path",
                          "the shell did not expand ~ (it was quoted): write the home folder's path out")
    if os.path.islink(given):
        raise OutputError(f"{name} is a symbolic link (to {shown(os.readlink(given))}); site-builder "
                          "replaces the output folder itself, so it never builds through a link",
                          "give the folder the link points to as --out, or a new folder")
    real = Path(os.path.realpath(given))
    _refuse_site_folders(real, Path(os.path.realpath(root)), name)
    _refuse_existing(real, name, default=given == Path(root) / "build")
    return real


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _refuse_site_folders(real: Path, root: Path, name: str) -> None:
    """The site, its ancestors, the folders it is made from, a version-control folder, another
    output folder: told apart by identity (device, inode), so case and links make no difference."""
    chain = [real, *real.parents]  # real and every folder it is in
    inside = {_identity(p): p for p in chain if _identity(p) is not None}
    if _identity(real) is not None and _identity(real) in {_identity(p) for p in (root, *root.parents)}:
        what = "the site folder" if _identity(real) == _identity(root) else "a folder the site is in"
        raise OutputError(f"{name} is {what} ({shown(root)}); a build replaces its output folder whole",
                          f"build into a new folder such as {shown(root / 'build')}")
    cache = cache_root()
    protected = [(root / folder, f"the site's {folder}/ folder") for folder in SOURCES]
    protected += [(_CODE, "site-builder's own code"), (_CODE.parent / "themes", "the packaged themes")]
    protected += [(cache, "site-builder's cache folder")] if cache is not None else []
    for folder, what in protected:
        if _identity(folder) is not None and _identity(folder) in inside:
            raise OutputError(f"{name} is {'' if _identity(folder) == _identity(real) else 'inside '}{what}, "
                              "which the build reads from", _HINT)
    for folder in chain:
        if folder.name.lower() in VERSION_CONTROL:
            raise OutputError(f"{name} is inside a version-control folder ({shown(folder)})", _HINT)
    for folder in chain[1:]:
        if is_ours(folder):
            raise OutputError(f"{name} is inside {shown(folder)}, an output folder site-builder replaces "
                              "whole on every build", _HINT)


def _refuse_existing(real: Path, name: str, default: bool) -> None:
    """An existing output folder must be one a build made (its marker) or empty; the nearest
    existing folder on the way must be a folder."""
    try:
        mode = os.lstat(real).st_mode
    except (FileNotFoundError, NotADirectoryError):
        ancestor = next(p for p in real.parents if os.path.lexists(p))
        if not os.path.isdir(ancestor):
            raise OutputError(f"{name} cannot be made: {shown(ancestor)} is a file, not a folder", _HINT) from None
        return
    if not stat.S_ISDIR(mode):
        raise OutputError(f"{name} is an existing file, not an output folder site-builder made", _HINT)
    if is_marked(real) or not os.listdir(real):
        return
    hint = f"{_HINT}; or, if you no longer need what is in it, remove {name} yourself"
    if default:
        hint += " (a build/ written by an earlier site-builder has no marker: remove it, and build again)"
    raise OutputError(f"{name} exists and holds files site-builder did not write (it has no {MARKER} file); "
                      "a build would replace them all", hint)


@contextmanager
def locked(dest: Path, name: str) -> Iterator[None]:
    """Hold an exclusive lock on the folder the output is in (made if missing) while the block
    runs: no file is written for it, and the kernel releases it when the build ends, however."""
    parent = dest.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"could not write {shown(exc.filename or parent)}: {exc.strerror}") from exc
    try:
        if not _lock(fd):
            holder = _lock_holder(fd)
            raise OutputError(f"another build is writing {name}, or a folder beside it in {shown(parent)}"
                              f"{f' (pid {holder})' if holder else ''}",
                              "wait for it to finish, or stop it, then build again")
        yield
    finally:
        os.close(fd)


def _lock(fd: int) -> bool:
    """False when another process holds the lock; True when taken, or when none can be had here
    (ENOLCK on some network file systems, no flock on Windows)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)
    return True


def _lock_holder(fd: int) -> int | None:
    """The process holding the flock on fd's file, from /proc/locks (Linux); None elsewhere."""
    st = os.fstat(fd)
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with suppress(OSError, ValueError):
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                fields = line.split()
                if "FLOCK" in fields and device in fields:
                    return int(fields[fields.index(device) - 1])
    return None
