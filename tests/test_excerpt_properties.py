"""Properties of quote verification for any text: true quotes verify where they are, in any
Unicode normalisation; a quote one character away from every true quote is refused."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from site_builder.content.excerpts import MAX_GAP, locate_quote

# Characters that begin a word, and what may follow inside it: marks, invisible format
# characters, an apostrophe or hyphen between letters. NFC replaces the ohm sign and splits
# U+0958; Hangul syllables split into jamo under NFD.
STARTS = list("abzQ\u00e9\u00df\u03a9\u2126\u0958\u042f\u4e2d\ud55c79_") + ["e\u0301", "\u0131\u0308", "x\u0301"]
TRAILS = ["", "", "", "\u0301", "\u0323\u0301", "\u0301\u0323", "\u200d", "\u00ad", "\u200c", "\u2060", "\u0903"]
GLUES = ["", "", "", "", "'", "\u2019", "-"]
SEPARATORS = [" ", " ", " ", "  ", "\n\n", ", ", ". ", " \u2014 ", "\u2014", "\u2013", "; ", " (", ") ", ' "', '" ',
              "\u00a0", " \u201c", "\u201d ", "\t", "\u202f", "\u2009", "/", ":", ",", "\u066c", " -", " \u2212", " +"]
# Between digits these separators make one number; an en dash makes one word of a word and the
# digit after it ("2024\u20132025", "COVID\u201319"); a sign after a space belongs to the digit after it.
NUMBER_GLUES = ("\u00a0", "\u202f", "\u2009", "/", ":", ",", "\u066c")
SIGNS = (" -", " \u2212", " +")
FORMS = ["NFC", "NFD", None]  # None: as generated, a mix
# Several times the profile's number of examples (scripts/mutation loads a smaller profile).
EXAMPLES = settings.default.max_examples * 3


@st.composite
def words(draw, firsts="abz7\u00e9\u042f\u4e2d"):
    pieces = [draw(st.sampled_from(firsts)) + draw(st.sampled_from(TRAILS))]
    for _ in range(draw(st.integers(0, 3))):
        pieces.append(draw(st.sampled_from(GLUES)) + draw(st.sampled_from(STARTS)) + draw(st.sampled_from(TRAILS)))
    return "".join(pieces)


@st.composite
def sources(draw, firsts="abz7\u00e9\u042f\u4e2d"):
    """A text as (text, word spans), normalised (or not) as a whole; words start with one of `firsts`."""
    form = draw(st.sampled_from(FORMS))
    tokens = draw(st.lists(words(firsts), min_size=1, max_size=24))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(tokens) + 1, max_size=len(tokens) + 1))
    text, spans, sep = draw(st.sampled_from(["", " ", "\n"])), [], ""
    for token, next_sep in zip(tokens, seps):
        token = unicodedata.normalize(form, token) if form else token
        start = len(text)
        if token[0].isdigit() and (sep == "\u2013" or sep in NUMBER_GLUES and text[start - 2].isdigit()):
            start = spans.pop()[0]
        elif token[0].isdigit() and sep in SIGNS:
            start -= 1
        spans.append((start, len(text) + len(token)))
        text, sep = text + token + next_sep, next_sep
    return text, spans


def true_parts(draw, text, spans, count):
    """`count` stretches of the text from a word's start to a word's end, in order."""
    cuts = sorted(draw(st.lists(st.integers(0, len(spans) - 1), min_size=2 * count, max_size=2 * count)))
    return [text[spans[cuts[2 * k]][0]:spans[cuts[2 * k + 1]][1]] for k in range(count)
            if k == 0 or cuts[2 * k] > cuts[2 * k - 1]]


def renormalised(draw, quote):
    form = draw(st.sampled_from(FORMS))
    return unicodedata.normalize(form, quote) if form else quote


# An oracle that shares nothing with the code under test but the idea: NFC, quote marks and
# dashes folded, white space collapsed; a quote is there when some stretch of the text from one
# word edge to another reads the same.
ORACLE_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2019": "'", "\u2014": "-", "\u2013": "-", "\u2212": "-"})


def oracle_fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(ORACLE_FOLD).split())


def oracle_finds(quote: str, text: str, spans: list[tuple[int, int]]) -> bool:
    inside = {i for start, end in spans for i in range(start + 1, end)}
    edges = [i for i in range(len(text) + 1) if i not in inside]
    wanted = oracle_fold(quote)
    return any(oracle_fold(text[a:b]) == wanted for a in edges for b in edges if a < b <= a + 3 * len(quote) + 8)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), st.data())
def test_a_true_quote_in_any_normalisation_verifies_at_its_words(source, data):
    text, spans = source
    parts = true_parts(data.draw, text, spans, data.draw(st.integers(1, 3)))
    quote = renormalised(data.draw, " ... ".join(parts))
    found = locate_quote(quote, text)
    assert found is not None, (quote, text)
    assert len(found) == len(parts)
    inside = {i for start, end in spans for i in range(start + 1, end)}
    for (start, end), part in zip(found, parts):
        assert start not in inside and end not in inside, (text[start:end], part)
        assert oracle_fold(text[start:end]) == oracle_fold(part)
    for (_, before), (after, _) in zip(found, found[1:]):
        assert before < after and len(oracle_fold(text[before:after])) <= MAX_GAP


@settings(max_examples=EXAMPLES * 4 // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), st.data())
def test_a_quote_one_character_off_inside_a_word_is_refused(source, data):
    text, spans = source
    quote = renormalised(data.draw, true_parts(data.draw, text, spans, 1)[0])
    # One place inside a word of the quote: a character of a word, or just after it.
    inside = [i for i in range(len(quote) + 1) if (i < len(quote) and not quote[i].isspace()) or
              (i > 0 and not quote[i - 1].isspace())]
    at = data.draw(st.sampled_from(inside))
    change = data.draw(st.sampled_from(["replace", "insert", "delete"]))
    char = data.draw(st.sampled_from(list("abzqe7_-' ") + ["\u0301", "\u0300", "\u200d", "\u00ad", "\u00e9", "\ud55c"]))
    if change == "insert" or at == len(quote):
        mutated = quote[:at] + char + quote[at:]
    elif change == "replace":
        mutated = quote[:at] + char + quote[at + 1:]
    else:
        mutated = quote[:at] + quote[at + 1:]
    assume(oracle_fold(mutated) != oracle_fold(quote))
    assume(not oracle_finds(mutated, text, spans))
    assert locate_quote(mutated, text) is None, (mutated, text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(firsts="a7799"), st.data())
def test_a_stretch_starting_or_ending_inside_a_word_or_number_is_refused(source, data):
    text, spans = source
    inside = sorted({i for start, end in spans for i in range(start + 1, end)})
    assume(inside)
    a, b = sorted((data.draw(st.sampled_from(inside)), data.draw(st.integers(0, len(text)))))
    quote = renormalised(data.draw, text[a:b])
    assume(not oracle_finds(quote, text, spans))
    assert locate_quote(quote, text) is None, (quote, text)
