"""serve's first build of a large site names the pages by period, event and source and makes each
when first asked for (on_request.PAGES_WHEN_ASKED); the second step renders them all, as a build."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import site_builder.preview.session as preview_session
from site_builder.preview.app import Preview
from site_builder.preview.on_request import FIRST_BUILD_LEAVES, LazyFile, PAGES_WHEN_ASKED
from site_builder.preview.session import Session
from site_builder.preview.watch import Rebuilder, watched_paths

from .test_serve_incremental import full_build
from .test_serve_start import ask


@pytest.fixture(scope="module")
def large_site(tmp_path_factory) -> Path:
    """Over archive.LARGE_SITE events: pages by period too."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_site import generate

    return generate(tmp_path_factory.mktemp("large") / "site", 320, 12, years=3)


def lazy_pages(outputs: dict) -> set[str]:
    return {path for path, data in outputs.items() if isinstance(data, LazyFile) and path.endswith(".html")}


@pytest.fixture
def as_large(monkeypatch):
    """A site under AFTER_FIRST_PAGES_FROM_EVENTS built in two steps all the same."""
    monkeypatch.setattr(preview_session, "AFTER_FIRST_PAGES_FROM_EVENTS", 1)


def test_the_first_build_renders_few_pages_and_each_named_page_is_the_full_builds(large_site, as_large):
    session = Session(large_site)
    first = session.rebuild(None, FIRST_BUILD_LEAVES)
    named = lazy_pages(first.outputs)
    assert first.stats.renderers_pages_when_asked == len(PAGES_WHEN_ASKED) + 1  # and the filters' data
    assert {p.split("/")[0] for p in named} == {"events", "sources", "years"}
    named |= {p for p, data in first.outputs.items() if isinstance(data, LazyFile)}
    assert {"data/timeline-index.json", "data/timeline-text.json"} < named
    assert first.stats.pages_rendered < 10 and len(named) > 320
    built = full_build(large_site)
    served = first.serving()
    assert all(served[path] == built[path] for path in named)
    second = session.rebuild(set())
    assert second.stats.pages_rendered == len(named) - 2 and not lazy_pages(second.outputs)
    assert second.files == built


def test_a_small_site_renders_every_page_at_once(real_site):
    generation = Session(real_site.root).rebuild(None, FIRST_BUILD_LEAVES)
    assert generation.stats.renderers_pages_when_asked == 0 and not lazy_pages(generation.outputs)
    assert generation.files == full_build(real_site.root)


def test_serve_answers_an_event_page_before_the_second_step(real_site, as_large):
    session, preview, out = Session(real_site.root), Preview(real_site.root), io.StringIO()
    rebuilder = Rebuilder(session, preview, watched_paths(real_site.root), lambda: None, out)
    rebuilder.build_now(None, FIRST_BUILD_LEAVES)
    assert not preview.complete.is_set()
    page = "events/2025-08-15-anchorage-summit/index.html"
    assert page not in session.renderer.pages  # named, not rendered
    status, body = ask(preview, "/" + page.removesuffix("index.html"))
    assert status == "200 OK" and body == full_build(real_site.root)[page]
    assert "(the others when asked for, until all are)" in out.getvalue()
    rebuilder.complete()
    assert preview.complete.is_set() and page in session.renderer.pages
    assert ask(preview, "/" + page.removesuffix("index.html")) == (status, body)
