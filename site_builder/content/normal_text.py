"""Text as quotes are matched against it: NFC, with quotes, dashes and white space folded, and a map
from each offset back to the text as written (NormalText)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})


@dataclass(frozen=True)
class NormalText:
    """Text in NFC with quotes, dashes and white space folded, and a map back to the original."""

    # Folding quotes and dashes keeps offsets; collapsing white space moves them, so the map is one
    # (normal, original) offset pair per stretch that begins after a run other than one plain space.
    # Where NFC changed the text, `clusters` maps NFC offsets back, a pair at each changed cluster's ends.
    text: str
    starts: tuple[int, ...]  # normal offset where each stretch begins
    origins: tuple[int, ...]  # original offset of the same stretch
    clusters: tuple[tuple[int, ...], tuple[int, ...]] | None = None  # (NFC offsets, original offsets)

    def original(self, index: int) -> int:
        return self._unclustered(self._unspaced(index))

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.original(start), self._unclustered(self._unspaced(end - 1) + 1)

    def _unspaced(self, index: int) -> int:
        run = bisect_right(self.starts, index) - 1
        return self.origins[run] + (index - self.starts[run])

    def _unclustered(self, at: int) -> int:
        """The original offset of a boundary in the NFC text (inside a changed cluster: its end at most)."""
        if self.clusters is None:
            return at
        nfc, orig = self.clusters
        run = bisect_right(nfc, at) - 1
        mapped = orig[run] + (at - nfc[run])
        return min(mapped, orig[run + 1]) if run + 1 < len(orig) else mapped


# Every character but " " that str.split() (and so fold) takes for white space; test_excerpts
# checks the list against str.isspace over all of Unicode. The first nine are the ASCII ones.
OTHER_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_RUN = re.compile(r"\s*")


def normalize(text: str) -> NormalText:
    nfc = _nfc_clusters(text)
    folded = _translated(text if nfc is None else nfc[0])
    normal = " ".join(folded.split())
    if not normal:
        return NormalText("", (), ())
    # One map entry per changed run, not per word: a Python step per word of a big site's sources
    # cost more than all the rest of loading them.
    shift = len(folded) - len(folded.lstrip())  # original offset minus normal offset
    starts, origins = [0], [shift]
    for begin, end in _changed_runs(folded, shift, len(folded.rstrip())):
        shift += end - begin - 1
        starts.append(end - shift)
        origins.append(end)
    return NormalText(normal, tuple(starts), tuple(origins), None if nfc is None else nfc[1:])


def _nfc_clusters(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]] | None:
    """NFC of the text and a map back, built cluster by cluster (NFC of a slice is not a slice of
    NFC); None when NFC changes nothing, as for nearly every source."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return None
    pieces, nfc, orig = [], [0], [0]
    done = length = 0
    for m in _changeable().finditer(text):
        cluster = m.group()
        composed = unicodedata.normalize("NFC", cluster)
        if composed == cluster:
            continue
        pieces += [text[done:m.start()], composed]
        length += m.start() - done
        nfc += [length, length + len(composed)]
        orig += [m.start(), m.end()]
        length += len(composed)
        done = m.end()
    pieces.append(text[done:])
    result = "".join(pieces)
    if result != unicodedata.normalize("NFC", text):  # a case the clusters miss: compare as written
        return None
    return result, tuple(nfc), tuple(orig)


@lru_cache(maxsize=1)
def _changeable() -> re.Pattern:
    """Clusters NFC may change: a character with the characters that may combine with it (marks,
    second halves of compositions, Hangul vowels and finals), or one character NFC replaces."""
    followers, replaced = [], []
    for code in range(0x30000):
        char = chr(code)
        if unicodedata.combining(char):
            followers.append(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            codes = [int(h, 16) for h in decomposition.split()]
            if len(codes) == 2:
                followers.append(codes[1])
            if unicodedata.combining(chr(codes[0])):
                followers.append(code)
            if unicodedata.normalize("NFC", char) != char:
                replaced.append(code)
    followers += [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]  # Hangul jamo compose by rule
    return re.compile(f"(?s:.)[{_char_class(followers)}]*"
                      f"(?<=[{_char_class(replaced)}{_char_class(followers)}])")


def _char_class(codes: list[int]) -> str:
    ranges, out = [], []
    for code in sorted(set(codes)):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    for lo, hi in ranges:
        out.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "".join(out)


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


def fold(text: str) -> str:
    """The normalized text alone, without the offset map (quotes need no map)."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(_translated(text).split())


def _translated(text: str) -> str:
    # Of ASCII, _FOLD only changes the backtick: most texts need no translate at all.
    if text.isascii() and "`" not in text:
        return text
    return text.translate(_FOLD)
