"""Filters: lane, tag, actor, text and period narrow the list and the chart together, and the URL
carries the state, so a view can be shared, reloaded, and walked with back and forward."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reader import card, expect_chart_matches_list, visible_card_ids, wake_chart

ALL = 15


def open_filtered_home(page, site_server, query=""):
    page.goto(site_server.url(query))
    wake_chart(page)


def count_text(page):
    return page.locator("#match-count")


@pytest.mark.parametrize("facet, value, label, expected", [
    ("lane", "russia-us", "Russia–US", 8),
    ("tag", "summit", "summit", 4),
    ("actor", "xi-jinping", "Xi Jinping", 1),
])
def test_each_filter_narrows_list_and_chart_together(page, site_server, facet, value, label, expected):
    open_filtered_home(page, site_server)
    summary = page.locator(f"details.facet-{facet} summary")
    if summary.count():
        summary.click()
    page.locator(f"input[name='{facet}'][value='{value}']").check()
    expect(page).to_have_url(re.compile(rf"\?{facet}={value}$"))
    expect(count_text(page)).to_have_text(f"{expected} of {ALL} events")
    expect_chart_matches_list(page)
    attribute = {"lane": "data-lane", "tag": "data-tags", "actor": "data-actors"}[facet]
    for event_id in visible_card_ids(page):
        assert value in card(page, event_id).get_attribute(attribute).split()


def test_text_search_covers_titles_summaries_and_quotations(page, site_server):
    open_filtered_home(page, site_server)
    page.get_by_label("Filter by text").fill("Xi Jinping")
    expect(page).to_have_url(re.compile(r"\?q=Xi\+Jinping$"))
    ids = visible_card_ids(page)
    assert "2025-09-01-putin-briefed-xi" in ids and len(ids) < ALL
    expect(count_text(page)).to_have_text(f"{len(ids)} of {ALL} events")
    expect_chart_matches_list(page)
    page.get_by_label("Filter by text").fill("zzzz-no-such-words")
    expect(page.locator("#no-match")).to_be_visible()
    expect(count_text(page)).to_have_text(f"0 of {ALL} events")


def test_a_shared_view_opens_as_it_was_shared(page, site_server):
    # "Only Russia–US events, August 2025"
    open_filtered_home(page, site_server, "?lane=russia-us&from=2025-08-01&to=2025-08-31")
    expect(count_text(page)).to_have_text(f"8 of {ALL} events")
    expect(page.locator("input[name='lane'][value='russia-us']")).to_be_checked()
    expect(page.get_by_label("Period", exact=True)).to_have_value("2025-08")
    expect_chart_matches_list(page)


def test_filters_combine_and_reload_and_back_and_forward_restore_them(page, site_server):
    open_filtered_home(page, site_server)
    page.locator("input[name='lane'][value='russia-us']").check()
    expect(count_text(page)).to_have_text(f"8 of {ALL} events")
    page.get_by_label("Period", exact=True).select_option("2025-09")
    expect(page).to_have_url(re.compile(r"\?lane=russia-us&from=2025-09-01&to=2025-09-30$"))
    expect(count_text(page)).to_have_text(f"0 of {ALL} events")

    page.reload()
    expect(count_text(page)).to_have_text(f"0 of {ALL} events")
    expect(page.get_by_label("Period", exact=True)).to_have_value("2025-09")

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?lane=russia-us$"))
    expect(count_text(page)).to_have_text(f"8 of {ALL} events")
    expect(page.get_by_label("Period", exact=True)).to_have_value("")
    wake_chart(page)
    expect_chart_matches_list(page)

    page.go_back()
    expect(count_text(page)).to_have_text(f"All {ALL} events")
    expect(page.locator("input[name='lane'][value='russia-us']")).not_to_be_checked()

    page.go_forward()
    expect(count_text(page)).to_have_text(f"8 of {ALL} events")


def test_clear_filters_shows_every_event_again(page, site_server):
    open_filtered_home(page, site_server, "?tag=summit&q=moscow")
    expect(count_text(page)).not_to_have_text(f"All {ALL} events")
    page.get_by_role("button", name="Clear filters").click()
    expect(count_text(page)).to_have_text(f"All {ALL} events")
    expect(page).to_have_url(site_server.url(""))
    expect_chart_matches_list(page)


def test_tag_links_on_event_pages_open_the_filtered_home(page, site_server):
    page.goto(site_server.url("events/2025-08-15-anchorage-summit/"))
    page.get_by_role("link", name="summit", exact=True).click()
    expect(page).to_have_url(site_server.url("?tag=summit"))
    expect(count_text(page)).to_have_text(f"4 of {ALL} events")
