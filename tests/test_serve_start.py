"""The preview's start on a large site: the pages first, the feeds, exports and sitemap in a
second step (on_request.AFTER_FIRST_PAGES), which requests for them wait for."""

from __future__ import annotations

import io
import threading

import pytest

import site_builder.preview.session as preview_session
from site_builder.preview.app import Preview
from site_builder.preview.on_request import AFTER_FIRST_PAGES
from site_builder.preview.session import Session
from site_builder.preview.watch import Rebuilder, watched_paths

from .test_serve_incremental import edit, full_build

LATER_FILES = {"feed.xml", "events.ics", "events.json", "events.csv", "timeline.json", "sitemap.xml"}


@pytest.fixture
def as_large(monkeypatch):
    """The repository's own site (11 events) treated as large enough for the two steps."""
    monkeypatch.setattr(preview_session, "AFTER_FIRST_PAGES_FROM_EVENTS", 1)


def ask(preview: Preview, path: str) -> tuple[str, bytes]:
    statuses = []
    body = b"".join(preview({"PATH_INFO": path, "QUERY_STRING": ""}, lambda status, headers: statuses.append(status)))
    return statuses[0], body


def test_the_first_step_leaves_the_later_renderers_and_the_second_runs_only_them(real_site, as_large):
    session = Session(real_site.root)
    first = session.rebuild(None, AFTER_FIRST_PAGES)
    assert first.stats.renderers_after_first_pages == len(AFTER_FIRST_PAGES)
    assert not LATER_FILES & set(first.outputs)
    assert "index.html" in first.outputs and "events/2025-08-15-anchorage-summit/index.html" in first.outputs
    second = session.rebuild(set())
    assert second.stats.renderers_after_first_pages == 0
    assert second.stats.renderers_run == len(AFTER_FIRST_PAGES) and second.stats.pages_rendered == 0
    assert (second.parsed, second.verified) == (0, 0)
    assert second.files == full_build(real_site.root)


def test_a_small_site_is_built_in_one_step(real_site):
    generation = Session(real_site.root).rebuild(None, AFTER_FIRST_PAGES)
    assert generation.stats.renderers_after_first_pages == 0
    assert generation.files == full_build(real_site.root)


def test_a_request_for_a_later_file_waits_for_it_and_pages_do_not_wait(real_site, as_large):
    session, preview, out = Session(real_site.root), Preview(real_site.root), io.StringIO()
    rebuilder = Rebuilder(session, preview, watched_paths(real_site.root), lambda: None, out)
    rebuilder.build_now(None, AFTER_FIRST_PAGES)
    assert not preview.complete.is_set()
    assert ask(preview, "/")[0] == "200 OK"  # a page is there: no wait
    answers = []
    asking = threading.Thread(target=lambda: answers.append(ask(preview, "/events.ics")))
    asking.start()
    asking.join(0.3)
    assert asking.is_alive() and not answers  # waiting for the second step
    rebuilder.complete()
    asking.join(10)
    assert answers == [("200 OK", full_build(real_site.root)["events.ics"])]
    assert preview.complete.is_set()
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("; the feeds, exports and sitemap follow") and lines[1].startswith("made the feeds")
    assert lines[0].startswith("built in ") and "(everything)" not in lines[0]  # no changed file to name
    assert lines[1].endswith("; every page is ready")
    rebuilder.complete()  # once only
    assert len(out.getvalue().splitlines()) == 2


def test_an_error_in_a_later_renderer_shows_once_the_second_step_runs(real_site, as_large):
    session, preview, out = Session(real_site.root), Preview(real_site.root), io.StringIO()
    rebuilder = Rebuilder(session, preview, watched_paths(real_site.root), lambda: None, out)
    # the feed's entries render this template; no page does
    edit(real_site.root / "themes/default/templates/exports/event_text.html", "<blockquote>", "<blockquote>{{ broken(")
    rebuilder.build_now(None, AFTER_FIRST_PAGES)
    assert not preview.snapshot.errors and "index.html" in preview.snapshot.files
    rebuilder.complete()
    assert preview.complete.is_set()
    assert preview.snapshot.errors and "event_text.html" in preview.snapshot.errors[0].path
    status, body = ask(preview, "/feed.xml")  # never made: answered at once, with the error
    assert status == "500 Content Error" and b"event_text.html" in body
