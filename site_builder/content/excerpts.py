"""Verify quotes against archived text and say exactly where they are. Matching forgives only what
is not wording (white space, quote and dash variants, NFC); `...`, `…` and `[...]` are elisions whose
parts appear in order, close together, none starting or ending inside a word or a number."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from site_builder.content.normal_text import NormalText, fold, normalize
from site_builder.model import TextQuote

# Three or more dots (spaced or not) or an ellipsis, bare or in square brackets.
_ELISION = re.compile(r"\s*(?:\[\s*(?:\.(?:\s?\.){2,}|\u2026)\s*\]|\.(?:\s?\.){2,}|\u2026)\s*")
MAX_GAP = 800  # characters an elision may skip
CONTEXT = 32  # characters of prefix and suffix kept for the selector
# Characters a search may step over (each candidate costs its length plus this) before giving up:
# a hostile quote that occurs everywhere but always cuts a word must not take minutes.
WORK = 20_000_000
_CANDIDATE_COST = 64
_MARKS = ("Mn", "Mc", "Me")  # combining marks: part of the character before them
_JOINERS = (*_MARKS, "Cf")  # and invisible format characters: part of the word they are in
# The hyphens of Unicode's Pd category and the hyphenation point: they join words ("pro-Russian").
_HYPHENS = "-\u2010\u2011\u058a\u05be\u1400\u1806\u2027\u2e17\u2e1a\u2e40\u2e5d\u30a0\ufe63\uff0d\U00010ead"
# Dashes that join a word to the digit after them: a range ("2024\u20132025", "10\u301c20") or a name.
_NUMBER_DASHES = "\u2012\u2013\u2212\u301c\uff5e"
# Signs: directly before a digit (or a currency sign or point and a digit) and after no letter or
# digit, a sign is part of the number ("-3.5", "+12%", "-$3").
_SIGNS = "+-\u00b1\u2010\u2011\u2012\u2013\u2212\u2213\ufe62\ufe63\uff0b\uff0d"
# Points, commas, slashes and colons between digits make one number ("1,500", "3/4", "10:30").
_NUMBER_POINTS = ".,/:\u00b7\u066b\u066c\u2044\u2215\uff0c\uff0e\uff0f\uff1a"
# So do the spaces typeset inside numbers ("1\u202f500"); an ordinary space does not: "in 2025 500
# people" is two numbers.
_NUMBER_SPACES = "\u00a0\u2007\u2009\u202f"


@lru_cache(maxsize=4096)
def _normalized_source(text: str) -> NormalText:
    return normalize(text)


def quote_parts(quote: str) -> list[str]:
    if "." not in quote and "\u2026" not in quote:  # no elision: most quotes skip the expression
        return [part] if (part := fold(quote)) else []
    return [p for p in (fold(part) for part in _ELISION.split(quote)) if p]


def locate_quote(quote: str, source_text: str, work: list[int] | None = None) -> tuple[tuple[int, int], ...] | None:
    """Original-text spans of each part of the quote, or None when it is not there: the first
    placement where every part has a letter or digit, cuts no word of the source, and follows the
    one before within MAX_GAP characters. `work`, a budget shared by several searches (WORK each
    by default), is spent as it goes."""
    parts = quote_parts(quote)
    if not parts or not all(_WORD_CHAR.search(part) for part in parts):
        return None  # nothing but punctuation proves nothing
    norm = _normalized_source(source_text)
    spans = _first_placement(norm, source_text, parts, [WORK] if work is None else work)
    return None if spans is None else tuple(norm.span(s, e) for s, e in spans)


_WORD_CHAR = re.compile(r"[^\W_]")


def _first_placement(norm: NormalText, source_text: str, parts: list[str],
                     work: list[int]) -> list[tuple[int, int]] | None:
    """Places the parts one after another, going back to a later place of an earlier part when a
    later part cannot follow it; a place found not to work is never tried twice."""
    hay, spans, look_from = norm.text, [], 0
    dead: set[tuple[int, int]] = set()  # (part number, end of the part before it)
    while work[0] > 0:
        number = len(spans)
        part = parts[number]
        window_end = spans[-1][1] + MAX_GAP + len(part) if spans else len(hay)
        at = _place(norm, source_text, part, look_from, window_end, work)
        if at == -1:  # this part fits nowhere after the place of the one before: move that one on
            if not spans:
                return None
            before, after = spans.pop()
            dead.add((number, after))
            look_from = before + 1
        elif number + 1 == len(parts):
            return spans + [(at, at + len(part))]
        elif (number + 1, at + len(part)) in dead:
            look_from = at + 1
        else:
            spans.append((at, at + len(part)))
            look_from = at + len(part)
    return None


def _place(norm: NormalText, source_text: str, part: str, lo: int, hi: int, work: list[int]) -> int:
    """The first offset in [lo, hi) where the part is, cutting no word at either end; -1 if none.
    Each candidate is charged to work[0] (its length and a constant)."""
    hay = norm.text
    at = hay.find(part, lo, hi)
    while at != -1 and work[0] > 0:
        work[0] -= len(part) + _CANDIDATE_COST
        if not _cuts_word(norm, source_text, at) and not _cuts_word(norm, source_text, at + len(part)):
            return at
        at = hay.find(part, at + 1, hi)
    return -1


def _cuts_word(norm: NormalText, source_text: str, at: int) -> bool:
    """Whether a part starting or ending at `at` splits a word, a number or a character."""
    hay = norm.text
    if at <= 0 or at >= len(hay):
        return False
    left, right = hay[at - 1], hay[at]
    if not right.isascii() and unicodedata.category(right) in _MARKS:
        return True
    return ((_wordish(left) and _wordish(right)) or _joins(norm, source_text, at - 1)
            or _joins(norm, source_text, at) or (left in _SIGNS and _signs(norm, source_text, at - 1)))


def _joins(norm: NormalText, source_text: str, i: int) -> bool:
    """Whether hay[i] joins the characters either side into one word or number: an apostrophe or a
    hyphen between letters ("don't", "pro-Russian"), a range dash before a digit ("2024\u20132025"),
    a point, comma, slash, colon or no-break space between digits ("1,500", "3/4", "1\u202f500")."""
    hay = norm.text
    if not 0 < i < len(hay) - 1:
        return False
    char, before, after = hay[i], hay[i - 1], hay[i + 1]
    if char == " " or char in _NUMBER_POINTS:
        return before.isdigit() and after.isdigit() and (char != " " or _number_space(norm, source_text, i))
    raw = source_text[norm.original(i)] if char == "-" else char
    if char == "'" or raw in _HYPHENS:
        return _wordish(before) and _wordish(after)
    return raw in _NUMBER_DASHES and _wordish(before) and after.isdigit()


def _number_space(norm: NormalText, source_text: str, i: int) -> bool:
    """Whether the white space hay[i] stands for is all spaces typeset inside numbers."""
    return not source_text[norm.original(i):norm.original(i + 1)].strip(_NUMBER_SPACES)


def _signs(norm: NormalText, source_text: str, i: int) -> bool:
    """Whether hay[i], a sign or a dash, is the sign of the number after it: no letter or digit before it."""
    hay = norm.text
    after = hay[i + 1]
    if after == "." or unicodedata.category(after) == "Sc":
        after = hay[i + 2:i + 3]
    return after.isdigit() and not _wordish(hay[i - 1:i]) and source_text[norm.original(i)] in _SIGNS


def _wordish(char: str) -> bool:
    """Letters, digits and `_`, and the marks and invisible format characters (ZWJ, soft hyphen)
    that belong to the word they are in."""
    if char.isalnum() or char == "_":
        return True
    return not char.isascii() and unicodedata.category(char) in _JOINERS


def selector_for(spans: tuple[tuple[int, int], ...], source_text: str, line: int) -> TextQuote:
    start, end = spans[0][0], spans[-1][1]
    return TextQuote(
        exact=source_text[start:end],
        prefix=source_text[max(0, start - CONTEXT):start],
        suffix=source_text[end:end + CONTEXT],
        start=start,
        end=end,
        parts=spans,
        line=line,
        fragment=text_fragment(spans, source_text),
    )


def text_fragment(spans: tuple[tuple[int, int], ...], source_text: str) -> str:
    """A `#:~:text=` fragment that makes a browser scroll to these words on the original page."""
    first = " ".join(source_text[slice(*spans[0])].split())
    last = " ".join(source_text[slice(*spans[-1])].split())
    if len(spans) == 1 and len(first.split()) <= 8:
        return "#:~:text=" + _fragment_escape(first)
    start_words = " ".join(first.split()[:4])
    end_words = " ".join(last.split()[-4:])
    return "#:~:text=" + _fragment_escape(start_words) + "," + _fragment_escape(end_words)


def _fragment_escape(text: str) -> str:
    # '-', ',' and '&' are syntax inside a text directive and must be escaped too: everything but
    # letters, digits and `_.~` is percent-encoded, as urllib.parse.quote(text, safe="") does
    # (its `-` then made %2D). One C-level translate instead of quote's per-byte Python loop.
    return "%20".join(word if word.isalnum() and word.isascii() else word.translate(_ESCAPES)
                      for word in text.split(" "))


class _EscapeTable(dict):
    """str.translate table: each character to itself or its percent-encoded UTF-8 bytes."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isascii() and (char.isalnum() or char in "_.~"):
            escaped = char
        else:
            escaped = "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        self[code] = escaped
        return escaped


_ESCAPES = _EscapeTable()
