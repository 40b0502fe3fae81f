"""The curated site in Russian and in Arabic, in a real browser: axe finds nothing, no CSP report,
Arabic reads right to left; screenshots at phone and desktop widths, light and dark."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build import Options, build

REPO = Path(__file__).resolve().parents[2]
PAGES = {"home": "", "event": "events/2025-08-15-anchorage-summit/"}
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module", params=["ru", "ar"])
def language_server(request, tmp_path_factory, serve_site):
    root = tmp_path_factory.mktemp(request.param) / "site"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    text = (REPO / "site.yaml").read_text().replace("language: en\n", f"language: {request.param}\n")
    (root / "site.yaml").write_text(text)
    build(Options(root=root, out=root / "build"))
    return request.param, serve_site(root / "build")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_translated_pages_pass_axe_and_are_screenshotted(language_server, new_page, axe, artifacts_dir,
                                                           name, width, scheme):
    language, server = language_server
    page = new_page(color_scheme=scheme, viewport=WIDTHS[width])
    page.goto(server.url(PAGES[name]))
    assert page.evaluate("document.documentElement.lang") == language
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if language == "ar" else "ltr")
    if name == "home":  # a card's lane rule stands where reading starts: on the right in Arabic
        card = page.locator(".event-card").first
        side = card.evaluate("e => ['Left', 'Right'].find(s => getComputedStyle(e)['border' + s + 'Width'] !== '0px')")
        assert side == ("Right" if language == "ar" else "Left")
    page.screenshot(path=str(artifacts_dir / f"language-{language}-{name}-{width}-{scheme}.png"), full_page=False)
    assert axe(page) == []
