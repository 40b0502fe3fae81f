"""Where site-builder keeps what it caches between builds: one folder, never in the site (editors
commit it) nor in its output (it would be published). Anyone may ask; no one else decides."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "SITE_BUILDER_CACHE"
CACHE_OFF = {"off", "0", "no", "false", "none"}


def cache_root() -> Path | None:
    """site-builder's cache folder (search index parts, load groups): the folder
    SITE_BUILDER_CACHE names, else $XDG_CACHE_HOME/site-builder, else ~/.cache/site-builder;
    None when SITE_BUILDER_CACHE is `off`."""
    chosen = os.environ.get(CACHE_VARIABLE, "").strip()
    if chosen:
        return None if chosen.lower() in CACHE_OFF else Path(chosen).absolute()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "site-builder"
