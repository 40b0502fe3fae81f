"""The passage of a source closest to a quote that is not in it, and how the two differ, word by
word: what a misquote's hint shows. An elision may skip words; nothing else is forgiven."""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from site_builder.content.excerpts import MAX_GAP, _normalized_source, quote_parts
from site_builder.content.normal_text import NormalText

_WORD = re.compile(r"[\w'-]+")
MAX_HINT_WORDS = 400  # words of a quote compared for the closest passage
MAX_VOTES = 200_000  # occurrences of its words counted to place it
MAX_DIFFERENCES = 4  # named in a hint; the editor fixes those and checks again
GAP_WORDS = MAX_GAP // 4  # source words an elision is looked past for the next part
SHOWN = 200  # characters of a passage shown whole; a longer one keeps its ends and its differences
EDGE, AROUND = 6, 3  # words kept at each end of a long passage, and either side of a difference


@dataclass(frozen=True)
class ClosestPassage:
    start: int  # original offsets of the source's word aligned with the quote's first word ...
    end: int  # ... and of the end of the one aligned with its last
    differences: tuple[str, ...]
    passage: str = ""  # the passage as shown: white space folded, long stretches without a difference cut to "..."
    matched: tuple[str, ...] = ()  # the source's text aligned with each part of the quote, when every word is the same


@dataclass
class _Part:
    """One part of the quote (between elisions) and the source words [lo, hi) aligned with it."""
    words: list[str]
    lo: int = 0
    hi: int = 0
    ops: tuple = ()


@lru_cache(maxsize=16)
def _source_words(text: str) -> tuple[list[tuple[str, int, int]], dict[str, list[int]]]:
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, (w, _, _) in enumerate(words):
        positions[w.lower()].append(i)
    return words, positions


def closest_passage(quote: str, source_text: str) -> ClosestPassage | None:
    """The stretch of the source most like the quote, from the word aligned with its first word
    to the one aligned with its last, and how the two differ word by word, in the quote's order."""
    norm = _normalized_source(source_text)
    words, positions = _source_words(norm.text)
    parts, cut = _quote_words(quote)
    if not words or not parts:
        return None
    flat = [w for part in parts for w in part.words]
    best = _vote(flat, positions, 0, len(words))
    if best is None:
        return None
    starts = [sum(len(p.words) for p in parts[:n]) for n in range(len(parts))]
    anchor = max(range(len(parts)), key=lambda n: _hits(parts[n].words, words, best + starts[n]))
    _align(parts[anchor], words, best + starts[anchor])
    for n in range(anchor + 1, len(parts)):  # each later part within an elision of the one before
        part, after = parts[n], parts[n - 1].hi
        _place(part, words, positions, after, after + GAP_WORDS + len(part.words), after)
    for n in range(anchor - 1, -1, -1):  # each earlier part ends within an elision of the next one
        part, before = parts[n], parts[n + 1].lo
        _place(part, words, positions, before - GAP_WORDS - 2 * len(part.words), before, before, last=True)
    placed = [p for p in parts if p.hi > p.lo]
    if not placed:
        return None
    differences, marked = _differences(parts, words)
    if cut and not differences:
        differences.append(f"its first {MAX_HINT_WORDS} words are there; the rest was not compared")
    start = norm.span(*words[placed[0].lo][1:])[0]
    end = norm.span(*words[placed[-1].hi - 1][1:])[1]
    matched = () if differences else _matched(quote, parts, words, norm, source_text)
    return ClosestPassage(start, end, tuple(differences[:MAX_DIFFERENCES]),
                          _shown(words, placed[0].lo, placed[-1].hi, marked, norm, source_text), matched)


def _quote_words(quote: str) -> tuple[list[_Part], bool]:
    """The quote's parts as words, at most MAX_HINT_WORDS in all, and whether some were left out."""
    parts, room = [], MAX_HINT_WORDS
    for text in quote_parts(quote):
        found = _WORD.findall(text)
        if found and room > 0:
            parts.append(_Part(found[:room]))
        room -= len(found)
    return parts, room < 0


def _vote(qwords: list[str], positions: dict[str, list[int]], lo: int, hi: int) -> int | None:
    """The offset (source word index minus quote word index) most of the quote's words agree on,
    among source words in [lo, hi). Rarest words first, until the votes cast reach the bound: "the"
    in a large source cannot cost a vote per occurrence for each time a long quote says it."""
    votes: Counter = Counter()
    found = []
    for j, w in enumerate(qwords):
        places = positions.get(w.lower(), ())
        first, last = bisect.bisect_left(places, lo), bisect.bisect_left(places, hi)
        if last > first:
            found.append((last - first, j, first, last))
    cast = 0
    for count, j, first, last in sorted(found):
        if cast + count > MAX_VOTES and votes:
            break
        cast += count
        for i in positions[qwords[j].lower()][first:last]:
            votes[i - j] += 1
    return max(votes, key=lambda offset: (votes[offset], -offset)) if votes else None


def _hits(qwords: list[str], words: list, at: int) -> int:
    return sum(0 <= at + j < len(words) and words[at + j][0].lower() == w.lower() for j, w in enumerate(qwords))


def _place(part: _Part, words: list, positions: dict, lo: int, hi: int, default: int, last: bool = False) -> None:
    """Aligns a part with the words of [lo, hi) that agree with it most; none: it is at `default`."""
    lo, hi = max(lo, 0), min(hi, len(words))
    offset = _vote(part.words, positions, lo, hi) if lo < hi else None
    if offset is None:
        part.lo = part.hi = default
        part.ops = (("delete", 0, len(part.words), default, default),)
        return
    _align(part, words, offset, floor=lo if not last else 0, ceiling=hi if last else len(words))


def _align(part: _Part, words: list, offset: int, floor: int = 0, ceiling: int | None = None) -> None:
    """Compares the part with the source words around `offset` and keeps as the passage only the
    words aligned with it: none hanging off either end, a replaced end as many words as the quote's."""
    qwords = part.words
    slack = len(qwords) // 4 + 2
    lo = max(floor, offset - slack)
    hi = min(len(words) if ceiling is None else ceiling, offset + len(qwords) + slack)
    window = [w for w, _, _ in words[lo:hi]]
    ops = [list(op) for op in difflib.SequenceMatcher(None, qwords, window, autojunk=False).get_opcodes()]
    while ops and ops[-1][0] == "insert":
        ops.pop()
    while ops and ops[0][0] == "insert":
        ops.pop(0)
    if not ops:
        part.lo = part.hi = lo
        part.ops = (("delete", 0, len(qwords), lo, lo),)
        return
    if ops[-1][0] == "replace" and (extra := (ops[-1][4] - ops[-1][3]) - (ops[-1][2] - ops[-1][1])) > 0:
        ops[-1][4] -= extra
    if ops[0][0] == "replace" and (extra := (ops[0][4] - ops[0][3]) - (ops[0][2] - ops[0][1])) > 0:
        ops[0][3] += extra
    first, end = ops[0][3], ops[-1][4]
    part.lo, part.hi = lo + first, lo + end
    part.ops = tuple((op, i1, i2, lo + j1, lo + j2) for op, i1, i2, j1, j2 in ops)


def _differences(parts: list[_Part], words: list) -> tuple[list[str], set[int]]:
    """Each difference named, in the quote's order, and the source words it concerns."""
    found, marked = [], set()
    for part in parts:
        for op, i1, i2, j1, j2 in _moves(part.ops, part.words, words):
            ours, theirs = " ".join(part.words[i1:i2]), " ".join(w for w, _, _ in words[j1:j2])
            if op == "replace":
                found.append(f'the quote has "{ours}" where the source has "{theirs}"')
            elif op == "delete":
                found.append(f'the source does not have "{ours}"')
            elif op == "insert":
                found.append(f'the quote leaves out "{theirs}"')
            if op != "equal" and len(found) <= MAX_DIFFERENCES:
                marked.update(range(j1, j2) if j2 > j1 else (j1 - 1, j1))
    return found, marked


def _moves(ops: tuple, qwords: list[str], words: list) -> list[tuple]:
    """The opcodes, with words the quote moves (a word left out here and added a word or two
    further on, or the other way round) made one replacement: "meeting next" for "next meeting"."""
    merged: list[tuple] = []
    for op in ops:
        if (len(merged) >= 2 and merged[-1][0] == "equal" and merged[-1][2] - merged[-1][1] <= 2
                and {merged[-2][0], op[0]} == {"insert", "delete"} and _same_words(merged[-2], op, qwords, words)):
            before = merged[-2]
            merged[-2:] = [("replace", before[1], op[2], before[3], op[4])]
        else:
            merged.append(op)
    return merged


def _same_words(a: tuple, b: tuple, qwords: list[str], words: list) -> bool:
    said = [" ".join(qwords[op[1]:op[2]]).lower() if op[0] == "delete"
            else " ".join(w for w, _, _ in words[op[3]:op[4]]).lower() for op in (a, b)]
    return said[0] == said[1]


def _shown(words: list, lo: int, hi: int, marked: set[int], norm: NormalText, text: str) -> str:
    """The passage's words [lo, hi) as a reader sees them, white space folded; when long, only its
    first and last words and those around each difference, the stretches between cut to "..."."""
    def piece(a: int, b: int) -> str:
        return " ".join(text[norm.span(*words[a][1:])[0]:norm.span(*words[b - 1][1:])[1]].split())

    whole = piece(lo, hi)
    if len(whole) <= SHOWN:
        return whole
    keep = set(range(lo, min(hi, lo + EDGE))) | set(range(max(lo, hi - EDGE), hi))
    for i in marked:
        keep.update(range(max(lo, i - AROUND), min(hi, i + AROUND + 1)))
    kept = sorted(keep)
    runs, run_start = [], kept[0]
    for a, b in zip(kept, kept[1:] + [None]):
        if b is None or b - a > 3:  # a gap of a word or two is shown rather than cut
            runs.append(piece(run_start, a + 1))
            run_start = b
    return " ... ".join(runs)


def _matched(quote: str, parts: list[_Part], words: list, norm: NormalText, text: str) -> tuple[str, ...]:
    """The source's text aligned with each part of the quote, with as many characters either side
    as the part has before its first word and after its last (its punctuation)."""
    matched = []
    texts = [t for t in quote_parts(quote) if _WORD.search(t)]
    for part, said in zip(parts, texts):
        if part.hi <= part.lo:
            return ()
        inner = list(_WORD.finditer(said))
        before, after = inner[0].start(), len(said) - inner[-1].end()
        start, end = words[part.lo][1] - before, words[part.hi - 1][2] + after
        start, end = norm.span(max(start, 0), min(end, len(norm.text)))
        matched.append(text[start:end])
    return tuple(matched)
