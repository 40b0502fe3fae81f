"""The scripts write a count exactly as the page was built with it (attack18): strings.js groups
digits with the data Language.number writes from, in every language."""

from __future__ import annotations

import json

import pytest

from site_builder.render.theme import Theme
from tests.conftest import REPO
from tests.test_attack18 import COUNTS

LANGUAGES = ("en", "fr", "de", "es", "ru", "uk", "ar", "ar-EG", "hi", "fa", "bn", "de-CH")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_count_the_script_writes_is_the_count_the_page_was_built_with(language, page):
    """The templates write a count with Language.number, strings.js with `number`, on the same
    page (the match count, the period counts). With the browser's Intl.NumberFormat, Spanish 1234
    was '1234' against Babel's '1.234', ar-EG 12345 '١٢٬٣٤٥' against '12,345': clearing a filter
    changed how the count is written. The script reads the page's own ui-strings data."""
    language_of_page = Theme.for_site(REPO, "default", language).environment().globals["language"]
    built = [language_of_page.number(count) for count in COUNTS]
    strings = (REPO / "themes/default/static/js/strings.js").read_text("utf-8")
    data = json.dumps(language_of_page.script_strings())
    page.set_content(f'<script type="application/json" id="ui-strings">{data}</script>')
    page.add_script_tag(content=strings)
    scripted = page.evaluate(f"{list(COUNTS)}.map(window.siteWords.number)")
    filled = page.evaluate("window.siteWords.text('%(a)d of %(b)d', {a: 1234, b: 1234567})")
    assert scripted == built
    assert filled == f"{language_of_page.number(1234)} of {language_of_page.number(1234567)}"
