"""Verify quotes against archived text and say exactly where they are. Matching forgives only what
is not wording (white space, quote and dash variants, NFC); `...`, `…` and `[...]` are elisions whose
parts appear in order, close together, none starting or ending inside a word or a number."""

from __future__ import annotations

import difflib
import re
import unicodedata
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
# Three or more dots (spaced or not) or an ellipsis, bare or in square brackets.
_ELISION = re.compile(r"\s*(?:\[\s*(?:\.(?:\s?\.){2,}|\u2026)\s*\]|\.(?:\s?\.){2,}|\u2026)\s*")
_WORD = re.compile(r"[\w'-]+")
MAX_GAP = 800  # characters an elision may skip
CONTEXT = 32  # characters of prefix and suffix kept for the selector
# Characters a search may step over (each candidate costs its length plus this) before giving up:
# a hostile quote that occurs everywhere but always cuts a word must not take minutes.
WORK = 20_000_000
_CANDIDATE_COST = 64
MAX_HINT_WORDS = 400  # words of a quote compared for the closest passage
MAX_VOTES = 200_000  # occurrences of its words counted to place it
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


@lru_cache(maxsize=4096)
def _normalized_source(text: str) -> NormalText:
    return normalize(text)


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


def quote_parts(quote: str) -> list[str]:
    if "." not in quote and "\u2026" not in quote:  # no elision: most quotes skip the expression
        return [part] if (part := fold(quote)) else []
    return [p for p in (fold(part) for part in _ELISION.split(quote)) if p]


def locate_quote(quote: str, source_text: str) -> tuple[tuple[int, int], ...] | None:
    """Original-text spans of each part of the quote, or None when it is not there: the first
    placement where every part has a letter or digit, cuts no word of the source, and follows the
    one before within MAX_GAP characters."""
    parts = quote_parts(quote)
    if not parts or not all(_WORD_CHAR.search(part) for part in parts):
        return None  # nothing but punctuation proves nothing
    norm = _normalized_source(source_text)
    spans = _first_placement(norm, source_text, parts)
    return None if spans is None else tuple(norm.span(s, e) for s, e in spans)


_WORD_CHAR = re.compile(r"[^\W_]")


def _first_placement(norm: NormalText, source_text: str, parts: list[str]) -> list[tuple[int, int]] | None:
    """Places the parts one after another, going back to a later place of an earlier part when a
    later part cannot follow it; a place found not to work is never tried twice."""
    hay, spans, look_from = norm.text, [], 0
    dead: set[tuple[int, int]] = set()  # (part number, end of the part before it)
    work = [WORK]
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


@dataclass(frozen=True)
class ClosestPassage:
    start: int  # original offsets
    end: int
    differences: tuple[str, ...]


@lru_cache(maxsize=16)
def _source_words(text: str) -> tuple[list[tuple[str, int, int]], dict[str, list[int]]]:
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, (w, _, _) in enumerate(words):
        positions[w.lower()].append(i)
    return words, positions


def closest_passage(quote: str, source_text: str) -> ClosestPassage | None:
    """The stretch of the source most like the quote, and how the two differ, word by word."""
    norm = _normalized_source(source_text)
    words, positions = _source_words(norm.text)
    qwords = _WORD.findall(" ".join(quote_parts(quote)))
    cut, qwords = len(qwords) > MAX_HINT_WORDS, qwords[:MAX_HINT_WORDS]
    if not words or not qwords:
        return None
    votes: Counter = Counter()
    # Rarest words first, until the votes cast reach the bound: "the" in a large source cannot
    # cost a vote per occurrence for each time a long quote says it.
    cast = 0
    for count, j in sorted((len(positions.get(w.lower(), ())), j) for j, w in enumerate(qwords)):
        if count == 0:
            continue
        if cast + count > MAX_VOTES and votes:
            break
        cast += count
        for i in positions[qwords[j].lower()]:
            votes[i - j] += 1
    if not votes:
        return None
    best = max(votes, key=lambda offset: (votes[offset], -offset))
    # A few source words more on either side, so a word the quote left out or added does not
    # push its last words out of the window; the words hanging off its ends are dropped below.
    slack = len(qwords) // 4 + 2
    lo = max(0, best - slack)
    hi = min(len(words), best + len(qwords) + slack)
    window = [w for w, _, _ in words[lo:hi]]
    ops = difflib.SequenceMatcher(None, qwords, window, autojunk=False).get_opcodes()
    # Source words hanging off either end of the window are not part of the passage.
    while ops and ops[-1][0] == "insert":
        hi -= ops[-1][4] - ops[-1][3]
        ops.pop()
    if ops and ops[0][0] == "insert":  # never two in a row
        lo += ops[0][4]
        ops.pop(0)
    # A quote's first or last words replaced by more source words: only as many are the passage.
    if ops and ops[-1][0] == "replace" and (extra := (ops[-1][4] - ops[-1][3]) - (ops[-1][2] - ops[-1][1])) > 0:
        hi -= extra
        ops[-1] = (*ops[-1][:4], ops[-1][4] - extra)
    if ops and ops[0][0] == "replace" and (extra := ops[0][4] - ops[0][2]) > 0:  # it starts both at 0
        lo += extra
        ops[0] = ("replace", 0, ops[0][2], extra, ops[0][4])
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
    if cut and not differences:
        differences.append(f"its first {MAX_HINT_WORDS} words are there; the rest was not compared")
    return ClosestPassage(start, end, tuple(differences[:4]))
