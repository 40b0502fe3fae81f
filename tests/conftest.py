"""Shared fixtures: a small site on disk that each test bends into the case it needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SOURCE_TEXT = """ANCHORAGE, August 16. The talks took place in a trustful and constructive atmosphere.

Putin suggested their next meeting be held in Moscow, and Trump said it was possible.
"We are certainly ready to work on that," he said.
"""

SITE_YAML = """\
title: Test timeline
description: A small site for tests.
base_url: https://example.org/
language: en
timezone: UTC
lanes:
  - id: main
    label: Main
    color: "#335577"
  - id: other
    label: Other
    color: "#775533"
"""

EVENT_YAML = """\
title: Talks in Anchorage
date: 2025-08-15
timezone: America/Anchorage
place: Anchorage
lane: main
summary: The two presidents meet.
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
"""


class SiteDir:
    """A site folder with helpers to write files and run the CLI on it."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def event(self, name: str, text: str) -> Path:
        return self.write(f"content/events/{name}.yaml", text)

    def source(self, name: str, text: str = SOURCE_TEXT, front: str | None = None) -> Path:
        front = front if front is not None else (
            f"title: Wire report\npublisher: Wire\npublished: 2025-08-16\nurl: https://example.org/{name}\n")
        return self.write(f"content/sources/{name}.md", f"---\n{front}---\n{text}")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "site_builder", "-C", str(self.root), *args],
                              capture_output=True, text=True, cwd=self.root)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """No test writes into the user's cache (build manifests, search index parts): every build of
    the run, in this process or a CLI it starts, uses a folder of the run's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        patch.delenv("SITE_BUILDER_CACHE", raising=False)
        yield


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    """A valid one-event, one-source site."""
    s = SiteDir(tmp_path / "site")
    s.write("site.yaml", SITE_YAML)
    s.source("wire")
    s.event("2025-08-15-talks", EVENT_YAML)
    return s


@pytest.fixture
def real_site(tmp_path: Path) -> SiteDir:
    """A copy of the repository's own site (site.yaml, content/, themes/)."""
    root = tmp_path / "real"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    return SiteDir(root)


@pytest.fixture(scope="session")
def shared_playwright():
    """One Playwright for the whole run: its sync API refuses to start a second one while one
    is running, so every browser a test launches comes from this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def pytest_collection_modifyitems(items):
    """Tests that drive a real Chromium are marked `browser`: `pytest -m "not browser"` is the fast
    local loop; CI runs everything (a browser test never skips there, tests/browser/conftest.py)."""
    for item in items:
        if "browser" in item.path.parts or "shared_playwright" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
