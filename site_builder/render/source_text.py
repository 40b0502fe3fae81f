"""Split an archived text into paragraphs of segments, marking the cited passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.model import Excerpt, Source

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[Excerpt, ...]  # excerpts covering this text
    anchors: tuple[Excerpt, ...]  # excerpts that start here (their anchor goes here)
    ends: tuple[Excerpt, ...]  # excerpts that end here (links back to their events go here)


def source_paragraphs(source: Source, excerpts: tuple[Excerpt, ...]) -> list[list[Segment]]:
    text = source.text
    spans = [(s, e, x) for x in excerpts for s, e in x.selector.parts]
    paragraphs = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if text[start:end].strip():
            paragraphs.append(_segments(text, start, end, spans))
        start = brk.end() if brk else end
    return paragraphs


def _segments(text: str, start: int, end: int, spans) -> list[Segment]:
    # Only the spans overlapping this paragraph can cut or cover it: a source cited 80 times
    # has 80 spans, and each of its segments looked at every one.
    spans = [span for span in spans if span[0] < end and span[1] > start]
    cuts = {start, end}
    for s, e, _ in spans:
        cuts.update(c for c in (s, e) if start < c < end)
    points = sorted(cuts)
    segments = []
    for a, b in zip(points, points[1:]):
        covering = tuple(x for s, e, x in spans if s <= a and b <= e)
        anchors = tuple(x for x in covering if x.selector.start == a)
        ends = tuple(x for x in covering if x.selector.end == b)
        segments.append(Segment(text[a:b], covering, anchors, ends))
    return segments
