"""Write the files `new` and `import` make: each one whole or not at all, never over one that exists."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from site_builder.errors import printable


class WriteError(Exception):
    """A file could not be written (disk full, no permission, a file where a folder must go);
    the message says which and why, and nothing of the run was left behind."""


def write_files(files: dict[Path, str | bytes]) -> tuple[list[Path], list[Path]]:
    """Write each new file (text as UTF-8, bytes as they are); one that exists is kept as it was.
    Returns (written, kept). On a failure every file and folder written so far is removed again,
    and WriteError says why."""
    written: list[Path] = []
    kept: list[Path] = []
    made: list[Path] = []
    path = None
    try:
        for path, text in files.items():
            made += _make_folders(path.parent)
            (written if _write_new(path, text) else kept).append(path)
    except OSError as exc:
        for path in written:
            _remove(path.unlink)
        for folder in reversed(made):
            _remove(folder.rmdir)
        raise WriteError(_reason(exc, path)) from None
    return written, kept


def _make_folders(folder: Path) -> list[Path]:
    """Create folder and the missing ones above it; the ones created, outermost first."""
    missing = []
    while not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise NotADirectoryError(errno.ENOTDIR, "a file is where a folder must go", str(folder))
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir()
    return list(reversed(missing))


def _write_new(path: Path, text: str | bytes) -> bool:
    """Write to a temporary file beside path, then link it into place: a reader sees no file or
    the whole one, and a file that exists (even one made meanwhile) is never replaced."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, usual_mode())  # mkstemp makes it 0600; a new file is readable as any other
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       newline=None if binary else "") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            if os.path.lexists(path):  # a file system without hard links: check, then rename
                return False
            os.rename(temporary, path)
        return True
    finally:
        _remove(lambda: os.unlink(temporary))


def usual_mode() -> int:
    """The mode open() gives a new file: 0666 less the umask. Linux tells the umask in
    /proc/self/status; elsewhere it is read by setting it and back (a moment another thread may see)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            mask = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _remove(remove) -> None:
    try:
        remove()
    except OSError:
        pass


def _reason(exc: OSError, path: Path | None) -> str:
    name = exc.filename if exc.filename and not str(exc.filename).endswith(".tmp") else path
    where = printable(str(name)) if name else "a file"
    if exc.errno == errno.ENOSPC:
        return f"cannot write {where}: the disk is full; nothing was written"
    if exc.errno == errno.EFBIG:
        return f"cannot write {where}: the file is larger than this process may write; nothing was written"
    return f"cannot write {where}: {exc.strerror or exc}; nothing was written"
