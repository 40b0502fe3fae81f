"""The wheel, built from this checkout as pip builds it: it carries the default theme and the
scaffolds an installed site-builder needs, and pip builds it without a warning."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# pip's notice that an index named in the machine's pip configuration has no page for a
# package: about where pip looks, not about this project, so it is not counted.
INDEX_NOTICE = re.compile(r"Location '[^']*' is ignored")


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory) -> tuple[set[str], str]:
    """(names in the wheel, pip's output); -v because pip shows the build backend's own
    messages, where setuptools printed its warnings, only when asked to."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(ROOT)],
                            capture_output=True, text=True, cwd=out)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist()), output


def _files(folder: Path) -> list[str]:
    """Every file under folder, relative and in posix form, compiled bytecode left out."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_wheel_carries_every_file_of_the_default_theme(wheel_build):
    names, _ = wheel_build
    theme = _files(ROOT / "themes" / "default")
    assert any(name.startswith("templates/") for name in theme) and any(name.startswith("static/") for name in theme)
    assert [name for name in theme if f"site_builder/themes/default/{name}" not in names] == []


def test_wheel_carries_every_scaffold(wheel_build):
    names, _ = wheel_build
    scaffolds = _files(ROOT / "site_builder" / "scaffolds")
    assert "site.yaml" in scaffolds
    assert [name for name in scaffolds if f"site_builder/scaffolds/{name}" not in names] == []


def test_pip_builds_the_wheel_without_a_warning(wheel_build):
    _, output = wheel_build
    warnings = [line for line in output.splitlines() if "warn" in line.lower() and not INDEX_NOTICE.search(line)]
    assert warnings == [], "\n".join(warnings)
