"""The common summary, one line of words with *emphasis*, **strong** words and web links, read
without markdown-it's parser (a large share of a big site's render) into the tokens it would make;
markdown-it's own renderer writes the HTML. Anything else goes to the parser;
tests/test_simple_markdown.py compares the two."""

from __future__ import annotations

import re

from markdown_it.token import Token

# Plain words: no character Markdown may read as syntax, nor NUL (markdown-it makes it U+FFFD);
# white space other than a plain space is refused first (has_odd_space). Brackets and `*` only in the
# patterns below.
_ODD_SPACE = re.compile(r"[^\S ]")
_PLAIN = r"[^\\`*_\[\]<>&!|~\x00]"
_INNER = r"[^\\`*_\[\]()<>&!|~\x00]"  # inside emphasis or a link's text: no parentheses either
_EDGE = r"[^\W_]"  # a letter or a digit: emphasis opens and closes beside one, whatever is outside
_MARKED = rf"{_EDGE}(?:{_INNER}*{_EDGE})?"
_URL = r"https?://[A-Za-z0-9.\-]+(?:[/?#][A-Za-z0-9\-._~/?#=+]*)?"  # none of it is escaped or encoded

_TOKEN = re.compile(
    rf"(?<!\*)\*\*(?P<strong>{_MARKED})\*\*(?!\*)"
    rf"|(?<!\*)\*(?P<em>{_MARKED})\*(?!\*)"
    rf"|\[(?P<label>{_INNER}+)\]\((?P<url>{_URL})\)"
    rf"|(?P<plain>{_PLAIN}+)")


def simple_paragraph(text: str) -> tuple[list[Token], str] | None:
    """(the block tokens markdown-it's parser makes, the words they show with white space folded)
    for one line made only of plain words, emphasis and web links; None for anything else."""
    found = _simple_parts(text)
    if found is None:
        return None
    stripped, parts = found
    children: list[Token] = []
    for found in parts:
        kind = found.lastgroup
        part = found.group("label" if kind == "url" else kind)
        if kind == "plain":
            children.append(Token("text", "", 0, content=part))
        elif kind == "url":
            children += [Token("link_open", "a", 1, attrs={"href": found.group("url")}),
                         Token("text", "", 0, content=part), Token("link_close", "a", -1)]
        else:
            mark = "**" if kind == "strong" else "*"
            children += [Token(f"{kind}_open", kind, 1, markup=mark), Token("text", "", 0, content=part),
                         Token(f"{kind}_close", kind, -1, markup=mark)]
    return paragraph(children, stripped), _words(parts)


def simple_words(text: str) -> str | None:
    """simple_paragraph(text)[1] without making the tokens: the words only (search records, the
    text filter's data)."""
    found = _simple_parts(text)
    return None if found is None else _words(found[1])


def _simple_parts(text: str) -> tuple[str, list[re.Match]] | None:
    """(the line, its parts: plain words, emphasis, links) when it is one line made only of them;
    None for anything else. Starting with a letter, `*` or `[`, the line is no list, heading, quote,
    fence nor indented code."""
    stripped = text.rstrip(" \t\n")
    if (stripped[:1] not in ("*", "[") and not stripped[:1].isalpha()) or has_odd_space(stripped):
        return None
    parts = []
    at = 0
    for found in _TOKEN.finditer(stripped):
        if found.start() != at:
            return None
        at = found.end()
        parts.append(found)
    if at != len(stripped):
        return None
    return stripped, parts


def has_odd_space(text: str) -> bool:
    """Whether the text holds white space other than a plain space (a line break, a tab, U+00A0...).
    Every such character is unprintable (tests/test_simple_markdown.py checks each code point), so
    only a text that is not all printable is searched: the search is slow, isprintable() is not."""
    return not text.isprintable() and _ODD_SPACE.search(text) is not None


def _words(parts: list[re.Match]) -> str:
    """The words the parts show, white space folded."""
    return " ".join("".join([found.group("label" if found.lastgroup == "url" else found.lastgroup)
                             for found in parts]).split())


def paragraph(children: list[Token], content: str) -> list[Token]:
    """One paragraph holding these inline tokens, as markdown-it's block parser wraps them."""
    return [Token("paragraph_open", "p", 1, block=True, map=[0, 1]),
            Token("inline", "", 0, block=True, map=[0, 1], content=content, children=children),
            Token("paragraph_close", "p", -1, block=True)]
