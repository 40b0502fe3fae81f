"""WCAG 2.1 AA in a real browser: axe-core finds nothing, the keyboard reaches everything, and the
home page is screenshotted at phone and desktop widths (test-artifacts/, for people to look at)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reader import wake_chart

PAGES = {"home": "", "event": "events/2025-08-15-anchorage-summit/",
         "source": "sources/tass-2025-08-16-putin-alaska-takeaways/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(new_page, site_server, axe, name, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(site_server.url(PAGES[name]))
    if name == "home":
        wake_chart(page)
        for summary in page.locator("details.facet summary").all():
            summary.click()  # open every filter group so axe sees every control
    assert axe(page) == []


def test_axe_finds_no_violations_on_a_phone(phone_page, site_server, axe):
    phone_page.goto(site_server.url(""))
    wake_chart(phone_page)
    assert axe(phone_page) == []


def test_every_control_on_the_home_page_is_reachable_by_keyboard_with_a_visible_focus_ring(page, site_server):
    page.goto(site_server.url(""))
    wake_chart(page)
    for summary in page.locator("details.facet summary").all():
        summary.click()
    page.locator("input[name='lane']").first.check()  # so that "Clear filters" shows
    wanted = set(page.locator("#chart button, #chart-plot, #filters input, #filters select, #filters summary, "
                              "#filters button").locator("visible=true").evaluate_all(
        "els => els.map(e => e.id || e.name + ':' + (e.value || e.textContent.trim()))"))
    reached, rings = set(), []
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e.matches('input[type=checkbox]') ? e.closest('label') : e);
            return {key: e.id || e.name + ':' + (e.value || e.textContent.trim()),
                    ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }""")
        if info["key"] in wanted:
            reached.add(info["key"])
            rings.append((info["key"], info["ring"]))
        if reached == wanted:
            break
    assert reached == wanted
    assert [key for key, ring in rings if not ring] == []


def test_dark_mode_follows_the_system_setting(new_page, site_server):
    light, dark = new_page(color_scheme="light"), new_page(color_scheme="dark")
    for page in (light, dark):
        page.goto(site_server.url(""))
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) != dark.evaluate(background)


def test_reduced_motion_turns_off_smooth_scrolling(new_page, site_server):
    page = new_page(reduced_motion="reduce")
    page.goto(site_server.url(""))
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"


@pytest.mark.parametrize("width, height, device", [(390, 844, "phone"), (1280, 900, "desktop")])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_page_screenshots(new_page, site_server, artifacts_dir, width, height, device, scheme):
    page = new_page(viewport={"width": width, "height": height}, color_scheme=scheme,
                    device_scale_factor=2 if device == "phone" else 1, is_mobile=device == "phone",
                    has_touch=device == "phone")
    page.goto(site_server.url(""))
    wake_chart(page) if device == "desktop" else page.locator("#chart").tap()
    expect(page.locator("#chart")).to_have_class(re.compile(r"\bis-interactive\b"), timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    path = artifacts_dir / f"home-{device}-{scheme}.png"
    page.screenshot(path=path, full_page=False)
    assert path.stat().st_size > 10_000
