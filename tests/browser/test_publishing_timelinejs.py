"""timeline.json opens in Knight Lab's TimelineJS (the npm package), in Chromium, with every event."""

from __future__ import annotations

import html
import json
import shutil

import pytest

from conftest import REPO
from netlify_server import NetlifyLikeServer

TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

HARNESS_JS = """
window.timelineErrors = [];
const timeline = new TL.Timeline("timeline-embed", "timeline.json",
                                 { script_path: new URL("dist/js/", location.href).href, language: "en" });
timeline.on("dataloaded", () => { window.timelineLoaded = true; });
"""


@pytest.fixture
def timelinejs_page(browser, built_site, tmp_path):
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        pytest.fail(f"{TIMELINEJS} is missing: run `npm ci` at the repository root (bash scripts/test does)",
                    pytrace=False)
    folder = tmp_path / "tljs"
    folder.mkdir()
    shutil.copytree(TIMELINEJS, folder / "dist")  # as published: the script finds its fonts and icons
    shutil.copy(built_site / "timeline.json", folder / "timeline.json")
    (folder / "harness.js").write_text(HARNESS_JS, encoding="utf-8")
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>'
        '<link rel="stylesheet" href="dist/css/timeline.css"></head><body>'
        '<div id="timeline-embed" style="width: 1200px; height: 700px"></div>'
        '<script src="dist/js/timeline.js"></script><script src="harness.js"></script></body></html>',
        encoding="utf-8")
    server = NetlifyLikeServer(folder).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Its default theme also asks Google Fonts for typefaces: not reachable here, and not ours to judge.
    local = server.origin
    page.on("requestfailed", lambda r: r.url.startswith(local) and errors.append(f"{r.failure} {r.url}"))
    page.on("response", lambda r: r.status >= 400 and r.url.startswith(local) and not r.url.endswith("favicon.ico")
            and errors.append(f"{r.status} {r.url}"))
    page.goto(server.url(""))
    page.wait_for_function("() => window.timelineLoaded === true", timeout=20000)
    yield page, errors, json.loads((built_site / "timeline.json").read_text(encoding="utf-8"))
    context.close()
    server.stop()


def test_timelinejs_shows_the_title_slide_and_every_event(timelinejs_page):
    page, errors, data = timelinejs_page
    assert errors == []
    ids = page.eval_on_selector_all(".tl-slide", "slides => slides.map(s => s.id)")
    for event in data["events"]:
        assert event["unique_id"] in ids, f"{event['unique_id']} has no slide"
    assert len([i for i in ids if i]) == len(data["events"]) + 1  # + the title slide
    headlines = page.eval_on_selector_all(".tl-slide .tl-headline", "hs => hs.map(h => h.textContent.trim())")
    # timeline.json escapes what TimelineJS sets as innerHTML: the page shows the text as written.
    assert html.unescape(data["title"]["text"]["headline"]) in headlines
    for event in data["events"]:
        assert html.unescape(event["text"]["headline"]) in headlines


def test_timelinejs_groups_events_by_lane_and_keeps_partial_dates(timelinejs_page):
    page, errors, data = timelinejs_page
    groups = page.eval_on_selector_all(".tl-timegroup-message", "gs => gs.map(g => g.textContent.trim())")
    assert set(groups) == {html.unescape(e["group"]) for e in data["events"]}
    dates = page.eval_on_selector_all(".tl-slide .tl-headline-date", "ds => ds.map(d => d.textContent.trim())")
    assert "June 2025" in dates  # the Istanbul talks: a month, never "June 1, 2025"
    assert not [d for d in dates if d.startswith("June 1,")]
