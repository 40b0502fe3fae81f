"""Write build/ so that it is always either the previous site or the new one, never a mix: the new
site goes into a folder beside it, and the two are exchanged in one step (renameat2
RENAME_EXCHANGE), else by two renames that the next run recovers from."""

# The replaced site is kept as the SPARE (`.build.spare`); the next build writes over its files and
# removes what it did not write. Rewriting keeps each inode, so no build deletes and creates thousands
# of files, which on some file systems (ext4 without a journal) costs far more than the writing. The
# spare is only written while it is not build/: a failed or killed build leaves build/ as it was.
#
# What a build wrote is told by modification time: a spare's stamp (written after all its files)
# must be older than a stamp written now, and every file this build writes (write_files, which sets
# no times) is at least as new as that one.
#
# Every tree a build writes holds the marker (output_folder.MARKER) from the start: a folder of our
# names (.build.spare, .build.previous, .build.new-*, .build.old-*) is moved, written into or deleted
# only when it has it, or removed when empty.

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from collections.abc import Iterable, Iterator

from site_builder.output.folder import MARKER, MARKER_TEXT, is_ours

_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc():
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name, use_errno=True)
        lib.renameat2  # noqa: B018 - raises AttributeError where glibc lacks it
        return lib
    except (OSError, AttributeError, TypeError):
        return None


_LIBC = _libc()


def _exchange(a: Path, b: Path) -> bool:
    if _LIBC is None:
        return False
    result = _LIBC.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _rename_new(a: Path, b: Path) -> None:
    """Rename a to b, which must not exist: os.rename would replace an empty folder or a file there."""
    if _LIBC is not None:
        if _LIBC.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS):  # EINVAL: a file system without the flag
            raise OSError(code, os.strerror(code), os.fspath(b))
    if os.path.lexists(b):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(b))
    os.rename(a, b)


_STAMP = ".site-builder-spare"  # in a spare: written when it was put aside, after all its files


def spare_of(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.spare")


def marked_folder(path: Path) -> Path:
    """Make a new folder and put the marker in it first: from then on it is known as a build's."""
    path = Path(tempfile.mkdtemp(prefix=path.name, dir=path.parent))
    try:
        _write(os.path.join(path, MARKER), MARKER_TEXT)
    except OSError:  # a full disk: no half-made folder is left that no build would know as its own
        with suppress(OSError):
            os.unlink(os.path.join(path, MARKER))
        with suppress(OSError):
            os.rmdir(path)
        raise
    return path


def recover(dest: Path) -> None:
    """Finish a swap an earlier run was killed in the middle of; remove what killed builds left.
    Only trees with the marker are moved or deleted (and empty folders of our names removed)."""
    parked = dest.with_name(f".{dest.name}.previous")
    if not os.path.lexists(dest) and is_ours(parked):
        _rename_new(parked, dest)
    for leftover in dest.parent.glob(f".{dest.name}.*"):
        if leftover.name.startswith((f".{dest.name}.old-", f".{dest.name}.new-")):
            _discard_in_background(leftover, dest)  # being deleted, or what a killed build was writing
    if is_ours(parked) and dest.exists():
        _keep_or_discard(parked, dest)


def _set_aside(tree: Path, spare: Path) -> bool:
    """Keep this tree as the spare; its stamp is written after every file in it was. A spare
    already there (another build's, or a user's folder of that name) stays as it is."""
    try:
        if not is_ours(tree):  # an empty folder the build was given (output_folder.checked)
            _write(os.path.join(tree, MARKER), MARKER_TEXT)
        _write(os.path.join(tree, _STAMP), b"")
        _rename_new(tree, spare)
        return True
    except OSError:
        return False


def _keep_or_discard(tree: Path, dest: Path) -> None:
    if not (tree.is_dir() and not tree.is_symlink() and _set_aside(tree, spare_of(dest))):
        _discard_in_background(tree, dest)


def _take_spare(dest: Path) -> tuple[Path, int] | None:
    """The spare, renamed to a new staging folder, and the time from which a file in it was
    written by this build; None when there is no spare or its times cannot be trusted."""
    spare = spare_of(dest)
    try:
        if not is_ours(spare):  # not one a build put aside
            return None
        stamp = os.path.join(spare, _STAMP)
        put_aside = os.lstat(stamp).st_mtime_ns
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    except OSError:
        return None
    try:
        os.replace(spare, staging)  # over the empty folder just made
        stamp = os.path.join(staging, _STAMP)
        os.utime(stamp, follow_symlinks=False)
        now = os.lstat(stamp).st_mtime_ns
        os.unlink(stamp)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    if now <= put_aside:  # the clock went back, or ticks too coarsely: start afresh
        _discard_in_background(staging, dest)
        return None
    return staging, now


def _remove_unwritten(staging: Path, since: int, written: set[str] | None) -> None:
    """Remove from a reused spare every file this build did not write, then the folders left empty.
    A file is this build's when it is in `written` (paths relative to staging, as write_files
    returned them) or when its modification time says so."""
    written = written or frozenset()
    # Each folder is opened from its parent's descriptor without following a link, and every
    # removal is made relative to it: a folder swapped for a link while the walk runs is never
    # entered, so nothing outside the spare can be removed.
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)

    def walk(fd: int, prefix: str) -> bool:
        """Whether anything is left in the folder open as fd (prefix: its path in staging, with /)."""
        kept = False
        with os.scandir(fd) as entries:
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    try:
                        child = os.open(name, flags, dir_fd=fd)
                    except OSError:  # no longer a folder: gone, or replaced by a link
                        os.unlink(name, dir_fd=fd)
                        continue
                    try:
                        left = walk(child, prefix + name + "/")
                    finally:
                        os.close(child)
                    if left:
                        kept = True
                    else:
                        os.rmdir(name, dir_fd=fd)
                elif entry.is_file(follow_symlinks=False) and (
                        prefix + name in written or entry.stat(follow_symlinks=False).st_mtime_ns >= since):
                    kept = True
                else:
                    os.unlink(name, dir_fd=fd)
        return kept

    top = os.open(staging, flags)
    try:
        walk(top, "")
    finally:
        os.close(top)


@contextmanager
def staged(dest: Path, reuse: bool = True, written: set[str] | None = None) -> Iterator[Path]:
    """A folder beside dest to write the new site into (the spare, else a new empty one); when the
    block ends normally it replaces dest in one step, and when it raises dest is left as it was.
    Other processes may write into it too (speed/workers.py), with write_files, before the block ends."""
    # Whatever the block did not write into a reused spare is removed at its end. reuse=False: a new
    # empty folder and no spare kept (the previous site and any old spare are deleted in the
    # background). written: paths the block wrote (as write_files returns them), kept without looking
    # at their times; any other file is kept if its time says this build wrote it.
    dest = Path(dest).absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    recover(dest)
    spare = spare_of(dest)
    taken = _take_spare(dest) if reuse else None
    if taken is None and is_ours(spare):
        _discard_in_background(spare, dest)
    staging: Path | None
    staging, since = taken if taken is not None else (marked_folder(dest.with_name(f".{dest.name}.new-")), None)
    try:
        _write(os.path.join(staging, MARKER), MARKER_TEXT)
        yield staging
        if since is not None:
            _remove_unwritten(staging, since, {*(written or ()), MARKER})
        os.chmod(staging, 0o755)
        if dest.exists():
            if not _exchange(staging, dest):
                parked = dest.with_name(f".{dest.name}.previous")
                _rename_new(dest, parked)
                _rename_new(staging, dest)
                staging = parked
        else:
            _rename_new(staging, dest)
            staging = None
    finally:
        if staging is not None:
            if reuse:
                _keep_or_discard(staging, dest)
            else:
                _discard_in_background(staging, dest)


# The marker goes last: a delete cut short leaves a tree still known as a build's (recover).
_DELETE = """
import os, shutil
for entry in os.scandir(top):
    if entry.name != marker:
        try:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
        except OSError:
            pass
shutil.rmtree(top, ignore_errors=True)
"""


def _discard_in_background(folder: Path, dest: Path) -> None:
    """Delete a tree a build wrote by a process of its own that outlives this one (deleting a large
    site takes longer than building it), renamed `.<dest>.old-*` first so that the next build removes
    what it left (recover). Anything without the marker is left alone, but an empty folder."""
    with suppress(OSError):
        os.rmdir(folder)  # empty (a build killed as it made it), or an empty folder it adopted
        return
    if not is_ours(folder):
        return
    if not folder.name.startswith(f".{dest.name}.old-"):
        with suppress(OSError):
            trash = tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent)
            os.replace(folder, trash)  # over the empty folder just made
            folder = Path(trash)
    try:
        subprocess.Popen([sys.executable, "-c", "import sys\ntop, marker = sys.argv[1:]\n" + _DELETE,
                          os.fspath(folder), MARKER], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        exec(_DELETE, {"top": os.fspath(folder), "marker": MARKER})


_OVERWRITE_FLAGS = (os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
                    | getattr(os, "O_NOFOLLOW", 0))
_WRITE_FLAGS = _OVERWRITE_FLAGS | os.O_TRUNC


def write_files(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write (relative path, bytes) pairs under folder; returns the paths written. Nothing is written
    through a link under folder: in a reused spare (staged), whatever stands in a path's way is an
    earlier site's and is replaced. folder itself is taken as it is (ensure_folder makes it real)."""
    # Nearly every page is alone in its folder (events/<id>/index.html): one mkdir when its parent is
    # there (os.makedirs looks first), and os.write without a buffered file object, which costs more.
    base = os.fspath(folder)
    os.makedirs(base, exist_ok=True)
    made: set[str] = {base}  # real folders (no link) under base, made or checked
    written = []
    for rel, data in files:
        target = os.path.join(base, rel)
        parent = os.path.dirname(target)
        if parent not in made:
            _make_folder(parent, made)
        _write(target, data)
        written.append(rel)
    return written


def ensure_folder(path: Path, root: Path) -> None:
    """Make path, under root, a real folder: made with its parents, any file or link of an earlier
    site in their way replaced (root itself is taken as it is)."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    if path == root:
        return
    if not path.startswith(root + os.sep):
        raise ValueError(f"{path} is not inside {root}")
    _make_folder(path, {root})


def _make_folder(path: str, made: set[str]) -> None:
    """Make path a real folder, its parents first; `made` holds the folders known to be real,
    among them the one everything here is under."""
    parent = os.path.dirname(path)
    if parent not in made:
        if parent == path:
            raise ValueError(f"{path} is not inside the folder being written")
        _make_folder(parent, made)
    try:
        os.mkdir(path)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(path).st_mode):  # a file or a link of an earlier site (staged)
            os.unlink(path)
            os.mkdir(path)
    made.add(path)


def _write(path: str, data: bytes) -> None:
    """Write data as the whole of the file at path. A file there already (a reused spare's) is
    written over in place and cut to length, not truncated first: truncating frees its blocks (and
    on a disk mounted with `discard`, trims them) only for the write to allocate them again."""
    try:
        _write_file(path, data)
    except OSError as exc:  # os.write's error names no file: the user is told which one
        if exc.filename is None:
            exc.filename = path
        raise


def _write_file(path: str, data: bytes) -> None:
    flags = _WRITE_FLAGS if not data else _OVERWRITE_FLAGS  # an empty file: only O_TRUNC marks it written
    try:
        fd = os.open(path, flags, 0o666)
    except IsADirectoryError:  # a folder of an earlier site, in a reused spare (staged)
        shutil.rmtree(path)
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(path)  # a link of an earlier site: never written through
        fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view):]
        if data and os.fstat(fd).st_size > len(data):
            os.ftruncate(fd, len(data))
    finally:
        os.close(fd)
