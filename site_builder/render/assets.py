"""Theme static files, copied once under content-hashed names so they can be cached forever."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:10]
    path = PurePosixPath("assets") / name
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def collect_assets(files: dict[str, bytes]) -> tuple[dict[str, str], dict[str, bytes]]:
    """(logical name -> output path, output path -> bytes)."""
    names: dict[str, str] = {}
    outputs: dict[str, bytes] = {}
    for name in sorted(files):
        out = hashed_name(name, files[name])
        names[name] = out
        outputs[out] = files[name]
    return names, outputs
