"""Deep links, event and source pages, every page clean under the production headers, and the
site without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import REPO
from reader import card, wake_chart

SUMMIT = "2025-08-15-anchorage-summit"
EVENT_IDS = sorted(p.stem for p in (REPO / "content" / "events").glob("*.yaml"))
SOURCE_IDS = sorted(p.stem for p in (REPO / "content" / "sources").glob("*.md"))


def test_an_event_deep_link_lands_on_its_highlighted_card(page, site_server):
    page.goto(site_server.url(f"#{SUMMIT}"))
    landed = card(page, SUMMIT)
    expect(landed).to_be_in_viewport()
    expect(landed).to_have_class(re.compile(r"\bis-target\b"))
    assert landed.evaluate("c => c.matches(':target')")


def test_a_deep_link_to_an_event_the_filters_hide_shows_it_anyway(page, site_server):
    page.goto(site_server.url(f"?lane=russia-ukraine#{SUMMIT}"))
    expect(card(page, SUMMIT)).to_be_in_viewport()
    expect(page).to_have_url(site_server.url(f"#{SUMMIT}"))


def test_an_excerpt_link_lands_on_the_highlighted_passage_of_its_source(page, site_server):
    page.goto(site_server.url(f"events/{SUMMIT}/"))
    first_quote = page.locator(".excerpt").first
    quote_text = first_quote.locator("blockquote").inner_text().strip("“”")
    first_quote.locator("cite a").click()
    expect(page).to_have_url(re.compile(rf"/sources/[a-z0-9-]+/#excerpt-{SUMMIT}-1$"))
    passage = page.locator(f"[id='excerpt-{SUMMIT}-1'] + mark")
    expect(passage).to_be_in_viewport()
    assert " ".join(passage.inner_text().split())[:40] == " ".join(quote_text.split())[:40]
    target_colour = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--mark-target').trim()")
    assert passage.evaluate("m => getComputedStyle(m).backgroundColor") == _rgb(target_colour)


def test_each_highlight_on_a_source_page_links_to_the_events_citing_it(page, site_server):
    page.goto(site_server.url(f"sources/{SOURCE_IDS[0]}/"))
    marks, citing = page.locator(".archived-text mark"), page.locator(".archived-text a.cited-by")
    assert marks.count() >= citing.count() > 0
    hrefs = set(citing.evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert all(re.fullmatch(r"/events/[a-z0-9-]+/", h) for h in hrefs)
    citing.first.click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/events/"))
    expect(page.locator(f".excerpt cite a[href^='/sources/{SOURCE_IDS[0]}/#excerpt-']").first).to_be_visible()


def test_an_event_page_gives_date_place_lane_people_tags_sources_and_neighbours(page, site_server):
    page.goto(site_server.url(f"events/{SUMMIT}/"))
    expect(page.locator("h1")).to_have_text("Putin and Trump hold summit talks in Anchorage, Alaska")
    expect(page.locator(".event-meta time")).to_contain_text("August 15, 2025")
    expect(page.locator(".event-meta .place")).to_have_text("Anchorage, Alaska, United States")
    expect(page.get_by_role("link", name="Russia–US")).to_have_attribute("href", "/?lane=russia-us")
    expect(page.get_by_role("link", name="Vladimir Putin")).to_have_attribute("href", "/?actor=vladimir-putin")
    expect(page.locator(".excerpt")).not_to_have_count(0)
    expect(page.get_by_role("navigation", name="Previous and next event").get_by_role("link")).to_have_count(2)


@pytest.mark.parametrize("path", ["", "sources/", "404.html", "no/such/page/",
                                  *(f"events/{e}/" for e in EVENT_IDS), *(f"sources/{s}/" for s in SOURCE_IDS)])
def test_every_page_loads_without_console_errors_or_csp_violations(page, site_server, path):
    page.goto(site_server.url(path))
    expect(page.locator("h1")).to_have_count(1)
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)
    if path == "":
        wake_chart(page)
    # the fixtures fail the test on any console error, page error, CSP violation or failed request


def test_without_javascript_the_list_links_and_pages_all_work(new_page, site_server):
    page = new_page(java_script_enabled=False)
    page.goto(site_server.url(""))
    expect(page.locator(".timeline .event-card")).to_have_count(len(EVENT_IDS))
    expect(page.locator(".timeline .event-card:visible")).to_have_count(len(EVENT_IDS))
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator(".chart-preview circle")).to_have_count(len(EVENT_IDS))  # the static chart
    page.locator(".event-title a").first.click()
    expect(page).to_have_url(re.compile(r"/events/"))
    page.locator(".excerpt cite a").first.click()
    expect(page).to_have_url(re.compile(r"/sources/.+#excerpt-"))
    expect(page.locator(".archived-text mark").first).to_be_visible()


def test_the_404_page_is_the_themes_own(page, site_server):
    response = page.goto(site_server.url("events/not-an-event/"))
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the timeline")).to_be_visible()


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))
