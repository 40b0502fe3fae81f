"""The visible text of an archived source, what its readers read: its blocks and runs, and its
map back to the archived characters. A plain text is its own visible text, paragraph by paragraph."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
BLOCK_BREAK = "\n\n"  # between two blocks of the visible text, so their words never run together


@dataclass(frozen=True)
class Container:
    kind: str  # blockquote, ul, ol or li
    start: int = 1  # an ordered list's first number


@dataclass(frozen=True)
class Run:
    start: int  # visible offsets
    end: int
    styles: tuple[str, ...]  # em, strong, s (struck through), code; br: a hard line break


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or code block of the visible text, inside its containers."""

    kind: str  # p, h or pre
    level: int  # a heading's level (1-6), else 0
    opens: tuple[Container, ...]  # containers that begin just before it, outermost first
    closes: tuple[Container, ...]  # containers that end just after it, innermost first
    start: int
    end: int
    runs: tuple[Run, ...]


@dataclass(frozen=True, eq=False)
class VisibleText:
    """What a reader reads, with the archived characters [starts[i], ends[i]) each visible
    character i stands for (None: the archived text itself, character for character)."""

    text: str
    starts: array | None
    ends: array | None
    blocks: tuple[Block, ...]

    def archived_span(self, start: int, end: int) -> tuple[int, int]:
        """The archived characters behind visible text[start:end] (a non-empty span)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def visible_span(self, start: int, end: int) -> tuple[int, int]:
        """The visible characters standing for archived characters inside [start, end)."""
        if self.starts is None:
            return start, end
        return bisect_left(self.starts, start), bisect_right(self.ends, end)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank paragraph of a plain text, as its source page splits them."""
    spans, start = [], 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if text[start:end].strip():
            spans.append((start, end))
        start = brk.end() if brk else end
    return spans


def plain_blocks(text: str) -> tuple[Block, ...]:
    blocks = []
    for start, end in paragraph_spans(text):
        blocks.append(Block("p", 0, (), (), start, end, (Run(start, end, ()),)))
    return tuple(blocks)
