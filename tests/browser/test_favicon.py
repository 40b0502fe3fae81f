"""The site's icon: every kind of page names one, and /favicon.ico (which browsers ask for unprompted,
the embed view's console error when it was missing) is served."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["embed/", "", "search/?q=Putin", "events/2025-08-15-anchorage-summit/"])
def test_page_names_an_icon_the_site_serves(page, site_server, path):
    page.goto(site_server.url(path), wait_until="load")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(site_server.url(href.lstrip("/")))
    assert response.ok and response.body().startswith(b"<svg")


def test_favicon_ico_is_an_icon_at_the_root(page, site_server):
    page.goto(site_server.url("embed/"), wait_until="load")
    status = page.evaluate("fetch('/favicon.ico').then(r => r.status)")  # as the browser asks for it
    icon = page.request.get(site_server.url("favicon.ico"))
    assert status == 200
    assert icon.body()[:4] == b"\0\0\1\0"  # the ICO header
