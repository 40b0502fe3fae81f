"""A site's templates/ and static/ are published or read by templates: like content/, they may
not link to a file outside the site, or a build would publish what the link points at."""

from __future__ import annotations

import os

import pytest

SECRET = "secret-token-8d1f"


@pytest.fixture
def outside(tmp_path):
    path = tmp_path / "outside" / "private.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


def published(site) -> str:
    build = site.root / "build"
    return "".join(p.read_text(errors="replace") for p in build.rglob("*") if p.is_file()) if build.exists() else ""


@pytest.mark.parametrize("rel", ["static/css/private.css", "templates/private.html", "static/linked"])
def test_a_theme_file_linking_outside_the_site_is_refused_by_check_and_build(site, outside, rel):
    link = site.root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside.parent if rel == "static/linked" else outside, link)
    for command in ("check", "build"):
        result = site.cli(command)
        assert result.returncode == 1, result.stdout
        assert f"{rel}:1:1: error: this f" in result.stderr
        assert "links to a place outside the site folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert SECRET not in published(site)


def test_a_static_link_inside_the_site_is_published(site):
    (site.root / "static").mkdir()
    site.write("notes/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    os.symlink(site.root / "notes" / "logo.svg", site.root / "static" / "logo.svg")
    assert site.cli("build").returncode == 0
    assert any(p.name.startswith("logo.") for p in (site.root / "build" / "assets").iterdir())
