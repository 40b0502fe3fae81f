"""The web editor in Chromium: serve's /admin/ with Decap CMS and its local backend, an event added
through the form, then proved (or refused, located) by `site-builder check`."""

from __future__ import annotations

import time

import pytest

from site_builder.render.admin import ADMIN_CSP
from tests.test_serve import TIMEOUT, serve  # noqa: F401  (serve: the fixture)

pytestmark = pytest.mark.browser


def add_event(page, url: str, title: str, quote: str) -> None:
    """Log in to the local backend, fill a new event's form and publish it."""
    page.goto(url + "admin/")
    page.get_by_role("button", name="Login").click()
    page.goto(url + "admin/#/collections/events/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Date", exact=True).fill("2025-08-15")
    choose(page, "[id^=lane-field]", "Other", "Other")
    page.get_by_role("button", name="Add excerpts").click()
    choose(page, "[id^=source-field]", "Wire", "Wire: Wire report")
    page.locator("[id^=quote-field]").fill(quote)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Publish now").click()


def choose(page, field: str, typed: str, option: str) -> None:
    """Pick an option of a select or relation widget (a react-select) by typing into it."""
    page.locator(field).click()
    page.keyboard.type(typed)
    page.get_by_text(option, exact=True).click()


def saved_event(site, title: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for path in (site.root / "content" / "events").glob("*.yaml"):
            text = path.read_text()
            if title in text:
                return text
        time.sleep(0.1)
    raise AssertionError(f"no event titled {title!r} was saved")


def test_an_event_added_in_the_web_editor_is_a_yaml_file_that_check_verifies(site, serve, page):
    server = serve(site.root)
    response = page.request.get(server.url + "admin/")
    assert response.headers["content-security-policy"] == ADMIN_CSP
    add_event(page, server.url, "Talks continue in Anchorage",
              "The talks took place in a trustful and constructive atmosphere.")
    text = saved_event(site, "Talks continue in Anchorage")
    assert "lane: other" in text and "source: wire" in text and "date: 2025-08-15" in text
    result = site.cli("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_quote_not_in_its_source_gives_checks_located_error(site, serve, page):
    server = serve(site.root)
    add_event(page, server.url, "Talks fail in Anchorage", "The talks took place in a hostile atmosphere.")
    saved_event(site, "Talks fail in Anchorage")
    result = site.cli("check")
    assert result.returncode != 0
    assert "content/events/2025-08-15-talks-fail-in-anchorage.yaml:" in result.stdout + result.stderr
