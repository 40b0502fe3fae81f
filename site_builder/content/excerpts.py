"""Verify quotes against archived text and say exactly where they are.

Matching forgives only what is not wording: runs of white space, typographic vs
straight quotes and apostrophes, and dash variants. `...`, `…` and `[...]` inside
a quote are elisions: the parts must appear in order, close together.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from site_builder.model import TextQuote

_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})
_ELISION = re.compile(r"\s*(?:\[\s*(?:\.\.\.|\u2026)\s*\]|\.\.\.|\u2026)\s*")
_WORD = re.compile(r"[\w'-]+")
MAX_GAP = 800  # characters an elision may skip
CONTEXT = 32  # characters of prefix and suffix kept for the selector


@dataclass(frozen=True)
class NormalText:
    """Text with quotes, dashes and white space folded, and a map back to the original.

    Folding quotes and dashes keeps offsets; only collapsing white space moves them: a single
    space stays where it was, so the map is one (normal offset, original offset) pair per
    stretch that begins after leading white space or after any other run (two or more
    characters, or one that is not a plain space, as at a paragraph break).
    """

    text: str
    starts: tuple[int, ...]  # normal offset where each stretch begins
    origins: tuple[int, ...]  # original offset of the same stretch

    def original(self, index: int) -> int:
        run = bisect_right(self.starts, index) - 1
        return self.origins[run] + (index - self.starts[run])

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.original(start), self.original(end - 1) + 1


# Every character but " " that str.split() (and so fold) takes for white space; test_excerpts
# checks the list against str.isspace over all of Unicode. The first nine are the ASCII ones.
OTHER_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_RUN = re.compile(r"\s*")


def normalize(text: str) -> NormalText:
    folded = _folded(text)
    normal = " ".join(folded.split())
    if not normal:
        return NormalText("", (), ())
    # One map entry per changed run, not per word: a Python step per word (350,000 in a big
    # site's sources) cost more than all the rest of loading the sources.
    shift = len(folded) - len(folded.lstrip())  # original offset minus normal offset
    starts, origins = [0], [shift]
    for begin, end in _changed_runs(folded, shift, len(folded.rstrip())):
        shift += end - begin - 1
        starts.append(end - shift)
        origins.append(end)
    return NormalText(normal, tuple(starts), tuple(origins))


def _changed_runs(folded: str, first: int, last: int) -> list[tuple[int, int]]:
    """(start, end) of each run of white space between first and last that is not one plain space:
    found with str.find (a regular expression tried at every character was slower than the rest)."""
    hits = []
    marks = list(OTHER_SPACES[:9] if folded.isascii() else OTHER_SPACES) + ["  "]
    for mark in marks:
        at = folded.find(mark, first, last)
        while at != -1:
            hits.append(at)
            at = folded.find(mark, at + 1, last)
    runs: list[tuple[int, int]] = []
    for at in sorted(hits):
        if runs and at < runs[-1][1]:
            continue  # in the run already found
        begin = at
        while folded[begin - 1].isspace():  # stops at the text before, which `first` is part of
            begin -= 1
        runs.append((begin, _SPACE_RUN.match(folded, at).end()))
    return runs


@lru_cache(maxsize=4096)
def _normalized_source(text: str) -> NormalText:
    return normalize(text)


def fold(text: str) -> str:
    """The normalized text alone, without the offset map (quotes need no map)."""
    return " ".join(_folded(text).split())


def _folded(text: str) -> str:
    # Of ASCII, _FOLD only changes the backtick: most texts need no translate (a dozen µs each).
    if text.isascii() and "`" not in text:
        return text
    return text.translate(_FOLD)


def quote_parts(quote: str) -> list[str]:
    return [p for p in (fold(part) for part in _ELISION.split(quote)) if p]


def locate_quote(quote: str, source_text: str) -> tuple[tuple[int, int], ...] | None:
    """Original-text spans of each part of the quote, or None when it is not there."""
    parts = quote_parts(quote)
    if not parts:
        return None
    norm = _normalized_source(source_text)
    hay = norm.text
    start = hay.find(parts[0])
    while start != -1:
        spans = _match_from(hay, parts, start)
        if spans:
            return tuple(norm.span(s, e) for s, e in spans)
        start = hay.find(parts[0], start + 1)
    return None


def _match_from(hay: str, parts: list[str], start: int) -> list[tuple[int, int]] | None:
    if not _at_word_edge(hay, start, parts[0][0], before=True):
        return None
    spans = [(start, start + len(parts[0]))]
    for part in parts[1:]:
        prev_end = spans[-1][1]
        pos = hay.find(part, prev_end, prev_end + MAX_GAP + len(part))
        while pos != -1 and not _at_word_edge(hay, pos, part[0], before=True):
            pos = hay.find(part, pos + 1, prev_end + MAX_GAP + len(part))
        if pos == -1:
            return None
        spans.append((pos, pos + len(part)))
    end = spans[-1][1]
    if not _at_word_edge(hay, end, parts[-1][-1], before=False):
        return None
    return spans


def _at_word_edge(hay: str, index: int, quote_char: str, before: bool) -> bool:
    """A quote starting or ending with a letter must not cut a word of the source in two."""
    if not quote_char.isalnum():
        return True
    neighbour = hay[index - 1] if before else hay[index] if index < len(hay) else ""
    return not (neighbour and neighbour.isalnum())


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


@dataclass(frozen=True)
class ClosestPassage:
    start: int  # original offsets
    end: int
    differences: tuple[str, ...]


def closest_passage(quote: str, source_text: str) -> ClosestPassage | None:
    """The stretch of the source most like the quote, and how the two differ, word by word."""
    norm = _normalized_source(source_text)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(norm.text)]
    qwords = _WORD.findall(" ".join(quote_parts(quote)))
    if not words or not qwords:
        return None
    positions = defaultdict(list)
    for i, (w, _, _) in enumerate(words):
        positions[w.lower()].append(i)
    votes: Counter = Counter()
    for j, w in enumerate(qwords):
        for i in positions.get(w.lower(), ()):
            votes[i - j] += 1
    if not votes:
        return None
    best = max(votes, key=lambda offset: (votes[offset], -offset))
    lo = max(0, best)
    hi = min(len(words), best + len(qwords))
    window = [w for w, _, _ in words[lo:hi]]
    ops = difflib.SequenceMatcher(None, qwords, window, autojunk=False).get_opcodes()
    # Source words hanging off either end of the window are not part of the passage.
    while ops and ops[-1][0] == "insert":
        hi -= ops[-1][4] - ops[-1][3]
        ops.pop()
    while ops and ops[0][0] == "insert":
        lo += ops[0][4] - ops[0][3]
        ops.pop(0)
    if lo >= hi:
        return None
    differences = []
    for op, i1, i2, j1, j2 in ops:
        ours, theirs = " ".join(qwords[i1:i2]), " ".join(window[j1:j2])
        if op == "replace":
            differences.append(f'the quote has "{ours}" where the source has "{theirs}"')
        elif op == "delete":
            differences.append(f'the source does not have "{ours}" here')
        elif op == "insert":
            differences.append(f'the source has "{theirs}" here')
    start, _ = norm.span(words[lo][1], words[lo][2])
    _, end = norm.span(words[hi - 1][1], words[hi - 1][2])
    return ClosestPassage(start, end, tuple(differences[:4]))
