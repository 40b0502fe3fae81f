"""Split an archived source's visible text into blocks of segments, marking the cited passages."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.content.archived import visible_text
from site_builder.content.visible_text import Container, Run
from site_builder.model import Excerpt, Source


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[Excerpt, ...]  # excerpts covering this text
    anchors: tuple[Excerpt, ...]  # excerpts that start here (their anchor goes here)
    ends: tuple[Excerpt, ...]  # excerpts that end here (links back to their events go here)
    styles: tuple[str, ...] = ()  # em, strong, s, code, br (a line break, its text), outermost first


@dataclass(frozen=True)
class Paragraph:
    """A block to show: p, h (a heading, `heading` its HTML level) or pre, inside its containers."""

    kind: str
    heading: int
    opens: tuple[Container, ...]  # outermost first
    closes: tuple[Container, ...]  # innermost first
    segments: list[Segment]

    def __iter__(self):
        return iter(self.segments)


def source_paragraphs(source: Source, excerpts: tuple[Excerpt, ...]) -> list[Paragraph]:
    shown = visible_text(source)
    spans = [(s, e, x) for x in excerpts for s, e in x.selector.shown]
    return [Paragraph(block.kind, min(block.level + 1, 6), block.opens, block.closes,
                      _segments(shown.text, block.runs, spans))
            for block in shown.blocks]


def _segments(text: str, runs: tuple[Run, ...], spans) -> list[Segment]:
    start, end = runs[0].start, runs[-1].end
    # Only the spans overlapping this block can cut or cover it: a source cited many times has
    # as many spans, and each of its segments looked at every one.
    spans = [span for span in spans if span[0] < end and span[1] > start]
    segments = []
    for run in runs:
        cuts = {run.start, run.end}
        for s, e, _ in spans:
            cuts.update(c for c in (s, e) if run.start < c < run.end)
        points = sorted(cuts)
        for a, b in zip(points, points[1:]):
            covering = tuple(x for s, e, x in spans if s <= a and b <= e)
            anchors = tuple(x for x in covering if x.selector.shown[0][0] == a)
            ends = tuple(x for x in covering if x.selector.shown[-1][1] == b)
            segments.append(Segment(text[a:b], covering, anchors, ends, run.styles))
    return segments
