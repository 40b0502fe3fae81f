"""Write build/ so that it is always either the previous site or the new one, never a mix.

The new site is written into a temporary folder beside the destination, then the two
folders are exchanged in one step (Linux renameat2 RENAME_EXCHANGE); where that is not
available, two renames with a recovery step on the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

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


def recover(dest: Path) -> None:
    """Finish a swap an earlier run was killed in the middle of."""
    parked = dest.with_name(f".{dest.name}.previous")
    if not dest.exists() and parked.exists():
        os.replace(parked, dest)
    for leftover in dest.parent.glob(f".{dest.name}.*"):
        if leftover != parked:
            shutil.rmtree(leftover, ignore_errors=True)
    if parked.exists() and dest.exists():
        shutil.rmtree(parked, ignore_errors=True)


def write_site(files: dict[str, bytes], dest: Path, finish: Callable[[Path], None] | None = None) -> int:
    """Replace dest with exactly these files; returns how many were written.

    finish(staging) may add to the staged folder before it goes live; if it raises,
    dest is left as it was.
    """
    dest = Path(dest).absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    recover(dest)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        for rel in sorted(files):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o755)
        if dest.exists():
            if not _exchange(staging, dest):
                parked = dest.with_name(f".{dest.name}.previous")
                os.replace(dest, parked)
                os.replace(staging, dest)
                staging = parked
        else:
            os.replace(staging, dest)
            staging = None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return len(files)
