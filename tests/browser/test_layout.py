"""Layout from a 360 px phone to a wide screen, and on paper."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reader import wake_chart

PAGES = ["", "events/2025-08-15-anchorage-summit/", "sources/moscow-times-2025-09-01-putin-sco-alaska/", "sources/"]


@pytest.mark.parametrize("width", [360, 768, 1920])
@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways(new_page, site_server, path, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(site_server.url(path))
    if path == "":
        wake_chart(page)
        assert page.locator("#chart-plot .main-svg").first.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_wide_screens_put_the_filters_beside_the_list(new_page, site_server):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto(site_server.url(""))
    filters, timeline = page.locator("#filters").bounding_box(), page.locator("#timeline").bounding_box()
    assert filters["x"] + filters["width"] <= timeline["x"]


def test_print_shows_the_whole_list_with_its_citations_and_nothing_interactive(page, site_server):
    page.goto(site_server.url(""))
    page.emulate_media(media="print")
    expect(page.locator("#chart")).to_be_hidden()
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator(".timeline .event-card:visible")).to_have_count(15)
    expect(page.locator(".timeline .excerpt cite:visible")).to_have_count(page.locator(".timeline .excerpt").count())
    assert page.pdf(format="A4")[:4] == b"%PDF"
