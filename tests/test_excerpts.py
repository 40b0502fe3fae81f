from pathlib import Path
from urllib.parse import unquote

import pytest

from site_builder.content.excerpts import closest_passage, locate_quote, selector_for

REPO = Path(__file__).resolve().parent.parent
SOURCE = "He said: \u201cWe\u2019re ready \u2014 truly ready\u201d.\n\nThe  second\tparagraph   ends here. Peace talks resume."


def exact(quote: str, text: str = SOURCE) -> str | None:
    spans = locate_quote(quote, text)
    return None if spans is None else text[spans[0][0]:spans[-1][1]]


def test_white_space_quote_marks_and_dashes_are_not_wording():
    assert exact('"We\'re ready - truly ready"') == "\u201cWe\u2019re ready \u2014 truly ready\u201d"
    assert exact("The second paragraph ends here.") == "The  second\tparagraph   ends here."


def test_case_and_words_are_wording():
    assert exact("the second paragraph") is None
    assert exact("The second paragraph ended here.") is None


def test_a_quote_does_not_start_or_end_inside_a_word():
    assert exact("eace talks") is None
    assert exact("Peace talk") is None
    assert exact("Peace talks") == "Peace talks"


@pytest.mark.parametrize("quote", [
    "We\u2019re ready ... truly ready",
    "We\u2019re ready [...] truly ready",
    "We\u2019re ready \u2026 truly ready",
    "We\u2019re ready [\u2026] ends here.",
])
def test_elisions_match_the_parts_in_order(quote):
    spans = locate_quote(quote, SOURCE)
    assert spans is not None and len(spans) == 2
    assert spans[0][1] < spans[1][0]


def test_elided_parts_out_of_order_do_not_match():
    assert locate_quote("truly ready ... We\u2019re ready", SOURCE) is None


def test_selector_knows_exact_position_prefix_and_suffix():
    text = "alpha beta gamma delta epsilon"
    sel = selector_for(locate_quote("gamma delta", text), text, line=3)
    assert (sel.exact, sel.start, sel.end, sel.line) == ("gamma delta", 11, 22, 3)
    assert sel.prefix == "alpha beta " and sel.suffix == " epsilon"


def test_text_fragment_escapes_directive_syntax_and_names_the_exact_words():
    text = "Russia-US trade, they said, grew & grew."
    sel = selector_for(locate_quote("Russia-US trade, they said", text), text, 1)
    assert sel.fragment == "#:~:text=Russia%2DUS%20trade%2C%20they%20said"
    assert unquote(sel.fragment.split("=", 1)[1]) == "Russia-US trade, they said"


def test_long_quotes_use_a_start_and_end_text_fragment():
    text = "one two three four five six seven eight nine ten eleven"
    sel = selector_for(locate_quote("two three four five six seven eight nine ten", text), text, 1)
    assert sel.fragment == "#:~:text=two%20three%20four%20five,seven%20eight%20nine%20ten"


def test_a_quote_across_a_paragraph_break_of_the_archive_matches():
    source = (REPO / "content/sources/moscow-times-2025-09-01-putin-sco-alaska.md").read_text()
    quote = "briefed Chinese President Xi Jinping on last month's meeting with Trump and planned"
    assert exact(quote, source).startswith("briefed Chinese") and "\n\nTrump" in exact(quote, source)


def test_closest_passage_reports_the_differing_words():
    near = closest_passage("The second paragraph ended here.", SOURCE)
    assert SOURCE[near.start:near.end] == "The  second\tparagraph   ends here"
    assert near.differences == ('the quote has "ended" where the source has "ends"',)


def test_closest_passage_is_none_when_nothing_is_shared():
    assert closest_passage("zebra quokka", SOURCE) is None


def test_other_spaces_are_every_white_space_character_but_the_plain_space():
    import sys

    from site_builder.content.excerpts import OTHER_SPACES

    assert OTHER_SPACES == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != " ")
    assert OTHER_SPACES[:9] == "".join(c for c in OTHER_SPACES if c.isascii())


def _normalize_word_by_word(text):
    """The map as it used to be made: one entry per run of non-space text."""
    import re

    from site_builder.content.excerpts import _FOLD

    words = list(re.finditer(r"\S+", text.translate(_FOLD)))
    normal, starts, origins = " ".join(m.group() for m in words), [], []
    at = 0
    for m in words:
        starts.append(at)
        origins.append(m.start())
        at += len(m.group()) + 1
    return normal, starts, origins


@pytest.mark.parametrize("text", [
    "", "   ", "a", "  a  ", "a b", "a  b", "a\nb", "a \n\n b  c\td e", "\u201cq\u201d \u2014\u00a0x\u3000y",
    " \x1c a\x85b\u2028\u2029c ", SOURCE,
])
def test_normalize_maps_every_offset_back_as_a_map_per_word_does(text):
    from bisect import bisect_right

    from site_builder.content.excerpts import normalize

    normal, starts, origins = _normalize_word_by_word(text)
    norm = normalize(text)
    assert norm.text == normal
    for index in range(len(normal)):
        run = bisect_right(starts, index) - 1
        assert norm.original(index) == origins[run] + index - starts[run], (text, index)


@pytest.mark.parametrize("text", ["Russia-US trade, & more", "caf\u00e9 \u4e2d\U0001f600 a_b.c~d%e+f/g?h#i", "\x00\x7f"])
def test_fragment_escape_is_quote_with_dashes_escaped(text):
    from urllib.parse import quote

    from site_builder.content.excerpts import _fragment_escape

    assert _fragment_escape(text) == quote(text, safe="").replace("-", "%2D")
