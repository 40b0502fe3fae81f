"""The home page's interactive chart: one marker per event, click or Enter to reach its card."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from reader import card, expect_chart_matches_list, marker_ids, markers, visible_card_ids, wake_chart

ISTANBUL = "2025-06-istanbul-direct-talks"


def test_list_is_complete_before_the_chart_loads(page, site_server):
    before = len(site_server.requests)  # not the earlier tests' requests
    page.goto(site_server.url(""))
    assert len(visible_card_ids(page)) == 15
    assert not any("plotly" in p for p in site_server.requests[before:]), "plotly.js loaded before any interaction"
    expect(page.locator(".chart-preview circle")).to_have_count(15)


def test_before_plotly_loads_the_static_chart_follows_the_filters_too(page, site_server):
    page.goto(site_server.url("?lane=russia-us"))
    expect(page.locator(".chart-preview circle:visible")).to_have_count(8)
    expect(page.locator(".timeline .event-card:visible")).to_have_count(8)


def test_chart_draws_one_marker_per_event(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    assert marker_ids(page) == visible_card_ids(page)
    assert len(marker_ids(page)) == 15


def test_clicking_a_marker_moves_to_its_card_and_puts_its_id_in_the_url(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    target = next(m for m in markers(page) if m["id"] == ISTANBUL)
    page.mouse.move(target["x"], target["y"])
    expect(page.locator("#chart-plot .hoverlayer .hovertext")).to_contain_text("Direct Russian–Ukrainian talks")
    page.mouse.click(target["x"], target["y"])
    expect(page).to_have_url(site_server.url(f"#{ISTANBUL}"))
    landed = card(page, ISTANBUL)
    expect(landed).to_be_in_viewport()
    expect(landed).to_be_focused()
    assert landed.evaluate("c => c.matches(':target')")


# Each click's time as it starts (window, capture) and whether it reached a card (window, bubble).
CLICKS_JS = """() => {
  window.clicks = [];
  window.addEventListener('click', e => clicks.push({at: e.timeStamp, card: false}), true);
  window.addEventListener('click', e => { clicks[clicks.length - 1].card = !!e.target.closest('.event-card'); });
}"""


def test_a_mouse_click_on_a_card_right_after_a_marker_is_not_dropped(page, site_server):
    """chart.js drops a click outside the chart just after a tap on a marker (a phone's click of
    the tap lands on the card it jumped to); a mouse's next click there is the reader's own."""
    page.goto(site_server.url(""))
    wake_chart(page)
    page.evaluate(CLICKS_JS)
    target = next(m for m in markers(page) if m["id"] == ISTANBUL)
    page.mouse.click(target["x"], target["y"])
    expect(page).to_have_url(site_server.url(f"#{ISTANBUL}"))
    box = card(page, ISTANBUL).locator(".event-meta time").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    clicks = page.evaluate("window.clicks")
    assert len(clicks) == 2
    assert clicks[1]["at"] - clicks[0]["at"] < 500, "the second click came too late to test the window"
    assert clicks[1]["card"], "the click on the card was dropped"


def test_keyboard_walks_the_chart_and_enter_opens_the_event(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    page.locator("#chart-plot").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#chart-status")).to_contain_text("June 2025: Direct Russian–Ukrainian talks in Istanbul")
    expect(page.locator("#chart-plot .hoverlayer .hovertext")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_server.url(f"#{ISTANBUL}"))
    expect(card(page, ISTANBUL)).to_be_focused()


def test_the_chart_is_named_and_the_list_is_its_text_alternative(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    chart = page.get_by_role("figure", name="The events on a time line, one row per lane")
    expect(chart).to_be_visible()
    expect(page.locator("#chart-plot")).to_have_attribute(
        "aria-label", "Timeline chart. Left and right arrows move between events, Enter opens one.")
    expect(page.locator(".chart-caption")).to_contain_text("Every event is also in the list below.")


def test_range_buttons_zoom_the_chart_and_narrow_the_list_to_that_period(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    page.get_by_role("button", name="1 month").click()
    expect(page).to_have_url(re.compile(r"[?&]from=2025-"))
    expect(card(page, ISTANBUL)).to_be_hidden()
    expect_chart_matches_list(page)
    page.wait_for_function("() => document.getElementById('chart-plot').layout.xaxis.range[0] >= 2025.58 && "
                       "document.getElementById('chart-plot').layout.xaxis.range[0] < 2025.67")  # August, in years
    page.get_by_role("button", name="All").click()
    expect(card(page, ISTANBUL)).to_be_visible()
    expect_chart_matches_list(page)


def test_hover_labels_show_content_as_text_never_as_markup(page, site_server):
    page.goto(site_server.url(""))
    figure = json.loads(page.locator("#timeline-figure").text_content())
    texts = [t for trace in figure["data"] for key in ("text", "hovertext") for t in trace.get(key, [])]
    # Line breaks are the only markup; a title's own "<" or "&" would arrive escaped.
    assert all("<" not in t.replace("<br>", "") for t in texts)


def test_range_buttons_work_even_before_plotly_has_arrived(page, site_server):
    page.goto(site_server.url(""))
    page.get_by_role("button", name="1 month").focus()  # focus is an interaction: plotly starts loading
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?from=2025-"))
    expect(card(page, ISTANBUL)).to_be_hidden()
    wake_chart(page)
    expect_chart_matches_list(page)


def test_tapping_a_marker_on_a_phone_opens_its_card(phone_page, site_server):
    phone_page.goto(site_server.url(""))
    phone_page.locator("#chart").tap()
    expect(phone_page.locator("#chart")).to_have_class(re.compile(r"\bis-interactive\b"), timeout=30_000)
    target = next(m for m in markers(phone_page) if m["id"] == ISTANBUL)
    phone_page.touchscreen.tap(target["x"], target["y"])
    expect(phone_page).to_have_url(site_server.url(f"#{ISTANBUL}"))
    expect(card(phone_page, ISTANBUL)).to_be_in_viewport()
