"""Where the themes shipped with site-builder are: a leaf, so that any render module may ask."""

from __future__ import annotations

from pathlib import Path


def packaged_themes() -> Path:
    """Themes installed inside the package; in a source checkout, the repository's themes/."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"
