"""The archived source as readers see it: its visible text (content/visible_text.py, and
content/markdown_visible.py for a Markdown copy), where a quote sits in it, and what differs."""

from __future__ import annotations

import difflib
from dataclasses import replace
from functools import lru_cache

from site_builder.content.excerpts import locate_quote, quote_parts, selector_for
from site_builder.content.markdown_visible import markdown_visible
from site_builder.content.normal_text import fold
from site_builder.content.visible_text import VisibleText, plain_blocks
from site_builder.model import Source, TextQuote

FORMATS = ("text", "markdown")


def visible_text(source: Source) -> VisibleText:
    return _visible(source.text, source.format)


@lru_cache(maxsize=4096)
def _visible(text: str, form: str) -> VisibleText:
    if form == "markdown":
        return markdown_visible(text)
    return VisibleText(text, None, None, plain_blocks(text))


def cited_selector(spans: tuple[tuple[int, int], ...], source: Source) -> TextQuote:
    """The selector of a quote found at these visible spans: its words and fragment as readers
    see them, its offsets (start, end, parts, line) into the text as archived."""
    copy = visible_text(source)
    if copy.starts is None:
        return selector_for(spans, source.text, source.line_of(spans[0][0]))
    archived = tuple(copy.archived_span(s, e) for s, e in spans)
    selector = selector_for(spans, copy.text, source.line_of(archived[0][0]))
    return replace(selector, start=archived[0][0], end=archived[-1][1], parts=archived, visible=spans)


def character_differences(quote: str, matched: tuple[str, ...], source: Source) -> list[str]:
    """How a quote differs from the closest passage when every word is the same, part by part (what
    an elision skips is no difference): punctuation, or markup the source's readers never see."""
    found, seen = [], set()
    for ours, theirs in zip([fold(p) for p in quote_parts(quote)], map(fold, matched)):
        matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            a, b = _around(ours, i1, i2), _around(theirs, j1, j2)
            if op != "equal" and a != b and (a, b) not in seen:
                seen.add((a, b))
                found.append(f'the quote has "{a}" where the source has "{b}"' if a and b else
                             f'the source does not have "{a}"' if a else f'the quote leaves out "{b}"')
    if source.format == "markdown" and locate_quote(quote, source.text):
        found.append("the quote keeps the archived copy's Markdown, which readers do not see: "
                     "quote the words as the source page shows them")
    elif source.format != "markdown" and locate_quote(quote, _visible(source.text, "markdown").text):
        found.append("the source reads as Markdown: add `format: markdown` to its front matter")
    return found[:4] or ["the words match in order: check the punctuation, and what an elision skips"]


def _around(text: str, start: int, end: int) -> str:
    """text[start:end] widened to the white space around it."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()
