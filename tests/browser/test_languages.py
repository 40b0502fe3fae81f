"""The curated site in Russian and in Arabic, in a real browser: axe finds nothing, no CSP report,
Arabic reads right to left; screenshots at phone and desktop widths, light and dark."""

from __future__ import annotations

import re
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
    if name == "event":  # the way back points towards where reading starts
        flipped = page.locator(".back-arrow").evaluate("e => getComputedStyle(e).transform.startsWith('matrix(-1')")
        assert flipped == (language == "ar")
    page.screenshot(path=str(artifacts_dir / f"language-{language}-{name}-{width}-{scheme}.png"), full_page=False)
    assert axe(page) == []


# What the scripts write, in the site's language (js/strings.js reads the page's ui-strings data).
SCRIPT_WORDS = {
    "ru": {"count": r"^\d+ из 15 событий$", "chosen": "(выбрано: 1)",
           "results": r"^\d+ результат(а|ов)? по запросу «Anchorage»\.$", "kinds": {"Событие", "Фрагмент источника"},
           "nothing": "Ничего не найдено по запросу «zzzyyyxxx»."},
    "ar": {"count": r"^\d+ من أصل 15 حدثًا$", "chosen": "(المختار: 1)",
           "results": r"لـ ”Anchorage“\.$", "kinds": {"حدث", "مقطع من المصدر"},
           "nothing": "لم يُعثر على شيء لـ ”zzzyyyxxx“."},
}


def test_the_scripts_write_the_filter_count_in_the_sites_language(language_server, new_page, axe):
    language, server = language_server
    words = SCRIPT_WORDS[language]
    page = new_page()
    page.goto(server.url("?q=Anchorage"))
    count = page.locator("#match-count")
    page.wait_for_function("re => new RegExp(re).test(document.getElementById('match-count').textContent)",
                           arg=words["count"])
    assert "events" not in count.inner_text()
    page.locator("details.facet summary").first.click()
    page.locator("details.facet input[type=checkbox]").first.check()
    assert page.locator("details.facet [data-selected-count]").first.inner_text() == words["chosen"]
    assert axe(page) == []


def test_the_search_page_says_what_it_found_in_the_sites_language(language_server, new_page, axe):
    language, server = language_server
    words = SCRIPT_WORDS[language]
    page = new_page()
    page.goto(server.url("search/?q=Anchorage"))
    page.wait_for_selector(".search-result")
    status = page.locator(".search-status").inner_text()
    assert re.search(words["results"], status), status
    assert set(page.locator(".search-kind").all_text_contents()) <= words["kinds"]
    assert axe(page) == []
    page.goto(server.url("search/?q=zzzyyyxxx"))
    page.locator(".search-status", has_text=words["nothing"]).wait_for()
