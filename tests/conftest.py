"""Shared fixtures: a small site on disk that each test bends into the case it needs.

The fast local loop (CI runs plain `pytest`, every test):

    .venv/bin/python -m pytest -m "not browser and not slow"
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest

from site_builder.cli import main as cli_main

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
        """The command run in this process, as cli_process runs it but without starting Python:
        its output captured, its exit code (argparse's SystemExit too) returned, the site as cwd."""
        argv = ["-C", str(self.root), *args]
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli_main(argv)
                except SystemExit as exc:  # --help, --version, a usage error
                    code = _exit_status(exc)
        finally:
            os.chdir(cwd)
        return subprocess.CompletedProcess(["site-builder", *argv], code, out.getvalue(), err.getvalue())

    def cli_process(self, *args: str) -> subprocess.CompletedProcess:
        """The command as a separate process, for tests of the process itself: how it exits, its
        standard streams, signals, the environment it starts with, tracebacks, serve."""
        return subprocess.run([sys.executable, "-m", "site_builder", "-C", str(self.root), *args],
                              capture_output=True, text=True, cwd=self.root)


def _exit_status(exc: SystemExit) -> int:
    """The status a process exiting with `exc` has (Python prints a message code to stderr)."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)
    return 1


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """No test writes into the user's cache (search index parts, load groups): every build of
    the run, in this process or a CLI it starts, uses a folder of the run's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        patch.delenv("SITE_BUILDER_CACHE", raising=False)
        yield


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory: the tests build hundreds of sites in this process, each
    with a new environment that would compile the same theme templates again. Keyed by Jinja on
    the template's name and file and a digest of its source, so an edited template compiles anew,
    and one that fails to compile is never kept."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def compiled_templates():
    """Every theme environment the run makes (all with the same settings) shares one
    _CompiledTemplates."""
    from site_builder.render.theme import Theme

    cache, make = _CompiledTemplates(), Theme.environment

    def environment(self):
        env = make(self)
        env.bytecode_cache = cache
        return env

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Theme, "environment", environment)
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


# Tests that take about a second or more each even on a small site (real processes killed
# mid-build, parallel workers, the preview server, Hypothesis runs, large generated sites), by module.
# Marked `slow` here, in one place, so the test files stay as they are; the fast loop leaves them out.
SLOW = {
    "test_archive.py": {
        "test_a_large_site_renders_the_same_bytes_twice",
    },
    "test_archived.py": {
        "test_every_visible_passage_verifies_and_maps_to_the_archived_characters",
    },
    "test_build_failures.py": {
        "test_a_build_interrupted_mid_write_leaves_the_previous_output_and_the_next_build_succeeds",
        "test_a_build_while_another_holds_the_output_says_which_process_and_exits_1",
        "test_a_file_size_limit_fails_the_build_plainly_and_keeps_the_previous_output",
        "test_a_full_disk_and_a_read_only_disk_fail_plainly_and_keep_the_previous_output",
        "test_two_builds_at_once_never_fail_with_an_internal_error",
    },
    "test_build_reuse.py": {
        "test_a_build_over_an_older_site_publishes_what_a_build_into_an_empty_folder_does",
        "test_a_spare_that_is_a_link_is_not_used_nor_removed",
        "test_links_left_in_the_spare_are_never_written_through",
        "test_no_spare_keeps_no_copy_and_publishes_the_same",
    },
    "test_cli_terminal.py": {
        "test_a_port_outside_1_to_65535_or_not_a_number_is_a_plain_error",
        "test_output_into_a_pipe_whose_reader_is_gone_prints_no_traceback",
    },
    "test_content_errors.py": {
        "test_dates_at_the_ends_of_the_supported_years_build",
    },
    "test_excerpt_properties.py": {
        "test_a_quote_one_character_off_inside_a_word_is_refused",
        "test_a_stretch_starting_or_ending_inside_a_word_or_number_is_refused",
        "test_a_true_quote_in_any_normalisation_verifies_at_its_words",
    },
    "test_excerpts.py": {
        "test_a_hostile_quote_on_a_huge_source_is_refused_or_found_quickly",
    },
    "test_load_cache.py": {
        "test_the_cache_keeps_at_most_its_share_of_entries",
    },
    "test_netlify_cli.py": {
        "test_netlify_builds_a_clean_copy_of_this_repository_and_keeps_its_cache",
        "test_netlify_builds_a_new_site_from_a_wheel_and_keeps_its_cache",
    },
    "test_output_properties.py": {
        "test_any_text_is_refused_with_a_location_or_published_valid_in_every_format",
    },
    "test_parallel_build.py": {
        "test_a_killed_parallel_build_leaves_the_previous_build_and_no_worker_behind",
        "test_a_template_error_in_a_worker_is_located_and_leaves_the_previous_build",
        "test_the_real_site_built_by_workers_is_byte_identical_too",
        "test_the_search_index_is_built_while_the_workers_render_and_pagefind_after",
        "test_a_failed_render_stops_the_search_index_and_leaves_no_thread",
        "test_workers_build_byte_identical_output_to_one_process",
    },
    "test_properties.py": {
        "test_any_cut_from_a_source_verifies_and_its_fragment_round_trips",
    },
    "test_render_speed.py": {
        "test_a_render_freezes_the_model_only_while_it_runs",
    },
    "test_search_cache.py": {
        "test_a_build_after_a_one_event_edit_runs_pagefind_only_for_the_parts_that_changed",
        "test_a_whole_build_is_the_same_bytes_with_the_cache_warm_or_off",
        "test_with_the_cache_off_nothing_is_kept_anywhere",
    },
    "test_search_index.py": {
        "test_a_new_event_moves_no_other_record_to_another_part_and_parts_mix_events_and_passages",
        "test_when_indexing_fails_the_build_fails_and_the_live_build_stays",
    },
    "test_serve.py": {
        "test_a_broken_template_is_an_error_page_too_and_serving_goes_on",
        "test_a_burst_of_saves_gives_one_rebuild",
        "test_a_mistake_shows_in_the_browser_at_its_line_and_goes_away_when_fixed",
        "test_a_save_during_the_first_build_is_not_lost",
        "test_a_saved_edit_appears_without_restarting",
        "test_drafts_appear_only_with_the_drafts_flag_and_are_marked",
        "test_every_error_is_shown_with_its_hint_and_printed_once_without_a_traceback",
        "test_links_in_the_preview_point_at_the_preview_not_the_published_site",
        "test_on_a_large_site_the_pages_come_first_and_a_feed_asked_for_meanwhile_waits_for_it",
        "test_serving_goes_on_during_a_rebuild_and_never_shows_a_half_built_site",
    },
    "test_serve_incremental.py": {
        "test_on_a_large_site_a_source_edit_reaches_every_card_that_quotes_it",
        "test_on_a_large_site_an_edit_renders_its_period_page_not_every_period_page",
        "test_on_a_large_site_moving_an_event_to_another_month_updates_every_index_of_periods",
    },
    "test_serve_load.py": {
        "test_200_concurrent_clients_during_rebuilds_get_only_whole_pages_of_one_generation",
    },
    "test_serve_trust.py": {
        "test_hostile_content_never_stops_the_preview_nor_shows_a_traceback",
    },
}


def pytest_collection_modifyitems(items):
    """Tests that drive a real Chromium are marked `browser`, the ones listed in SLOW `slow`:
    `pytest -m "not browser and not slow"` is the fast local loop; CI runs everything (a browser
    test never skips there, tests/browser/conftest.py)."""
    for item in items:
        if "browser" in item.path.parts or "shared_playwright" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if getattr(item, "originalname", item.name) in SLOW.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
    for module in {item.module for item in items if getattr(item, "module", None)}:
        # A renamed test must not slip into the fast loop unseen.
        missing = sorted(name for name in SLOW.get(Path(module.__file__).name, ()) if not hasattr(module, name))
        if missing:
            raise pytest.UsageError(f"SLOW in tests/conftest.py names tests {module.__name__} does not have: {missing}")
