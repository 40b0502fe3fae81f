"""`build` with nothing changed since the last build says so and writes nothing (manifest.py);
any change to what a build reads, or to what it wrote, makes it build again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from site_builder import build as pipeline

EVENT = "content/events/2025-08-15-anchorage-summit.yaml"
SOURCE = "content/sources/tass-2025-08-16-putin-alaska-takeaways.md"


@pytest.fixture
def built(real_site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the CLI runs inherit it
    result = real_site.cli("build")
    assert result.returncode == 0 and result.stdout.startswith("built "), result.stderr
    return real_site


def stamps(folder: Path) -> dict:
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def assert_up_to_date(site) -> None:
    before = stamps(site.root / "build")
    result = site.cli("build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("up to date: nothing changed since"), result.stdout
    assert stamps(site.root / "build") == before


def assert_builds(site, *args: str) -> None:
    result = site.cli("build", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built "), result.stdout


def test_a_second_build_with_nothing_changed_writes_nothing(built):
    assert_up_to_date(built)
    assert_up_to_date(built)
    assert sorted(p.name for p in built.root.iterdir() if p.name.startswith(".")) == []  # nothing in the site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "an event": lambda root: edit(root / EVENT, "title: ", "title: Edited: "),
    "a source": lambda root: edit(root / SOURCE, "title: ", "title: Edited "),
    "site.yaml": lambda root: edit(root / "site.yaml", "title: ", "title: Edited "),
    "a theme template": lambda root: edit(root / "themes/default/templates/404.html",
                                          "{% block main %}", "{% block main %}<p>x</p>"),
    "a theme static file": lambda root: (root / "themes/default/static/css/site.css").open("a").write(
        "\n/* edited */\n"),
    "a new site template": lambda root: (root / "templates").mkdir() or (root / "templates/404.html").write_text(
        (root / "themes/default/templates/404.html").read_text()),
    "a new event file": lambda root: (root / "content/events/2025-08-16-copy.yaml").write_text(
        (root / EVENT).read_text()),
    "a removed event": lambda root: (root / "content/events/2025-09-01-putin-briefed-xi.yaml").unlink(),
    "a same-size edit": lambda root: edit(root / EVENT, "Anchorage", "Anchorags"),
    "a page of the output": lambda root: edit(root / "build/index.html", "<html", "<html data-x"),
    "a removed output file": lambda root: (root / "build/feed.xml").unlink(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_the_inputs_or_the_output_builds_again(built, change):
    assert_up_to_date(built)
    CHANGES[change](built.root)
    result = built.cli("build")
    assert result.returncode in (0, 1), result.stderr
    assert not result.stdout.startswith("up to date"), change


def test_other_options_build_again_and_force_always_builds(built):
    assert_builds(built, "--drafts")
    assert_up_to_date_with(built, "--drafts")
    assert_builds(built, "--base-url", "https://example.net/sub/")
    assert_builds(built)
    assert_builds(built, "--force")
    assert_up_to_date(built)
    assert_builds(built, "--out", str(built.root / "elsewhere"))


def assert_up_to_date_with(site, *args: str) -> None:
    result = site.cli("build", *args)
    assert result.returncode == 0 and result.stdout.startswith("up to date"), result.stdout


def test_a_failed_build_is_tried_again_not_skipped(built):
    edit(built.root / EVENT, "held closed-door talks in Alaska", "held secret talks in Alaska")
    for _ in range(2):
        result = built.cli("build")
        assert result.returncode == 1 and "the quote is not in source" in result.stderr


def test_a_save_during_a_build_is_built_by_the_next_one(built, monkeypatch):
    load = pipeline.load_site

    def load_then_save(*args, **kwargs):
        site = load(*args, **kwargs)
        edit(built.root / EVENT, "title: ", "title: Saved while building, ")
        return site

    monkeypatch.setattr(pipeline, "load_site", load_then_save)
    options = pipeline.Options(root=built.root, skip_unchanged=True)
    assert not pipeline.build(replace(options, force=True)).up_to_date  # the save comes after loading ...
    page = built.root / "build/events/2025-08-15-anchorage-summit/index.html"
    assert "Saved while building" not in page.read_text()
    monkeypatch.setattr(pipeline, "load_site", load)
    assert not pipeline.build(options).up_to_date  # ... so the next build does not skip it
    assert "Saved while building" in page.read_text()
    assert pipeline.build(options).up_to_date


def test_the_python_api_and_the_command_line_share_the_manifest(built):
    assert pipeline.build(pipeline.Options(root=built.root, skip_unchanged=True)).up_to_date
