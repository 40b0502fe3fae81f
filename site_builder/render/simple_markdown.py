"""The common summary, one line of words with *emphasis*, **strong** words and web links, as
markdown-it renders it (render/markdown.py), without running it: markdown-it is a large share of a
big site's render. Anything else goes to markdown-it; tests/test_simple_markdown.py compares the two."""

from __future__ import annotations

import re

# Plain words: no character Markdown may read as syntax, nor NUL (markdown-it makes it U+FFFD);
# white space other than a plain space is refused first (_ODD_SPACE). Brackets and `*` only in the
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


def simple_paragraph(text: str) -> tuple[str, str] | None:
    """(HTML as markdown-it gives it, the words it shows with white space folded) for one line made
    only of plain words, emphasis and web links; None for anything else. Starting with a letter,
    `*` or `[`, the line is no list, heading, quote, fence nor indented code."""
    stripped = text.rstrip(" \t\n")
    if (stripped[:1] not in ("*", "[") and not stripped[:1].isalpha()) or _ODD_SPACE.search(stripped):
        return None
    html: list[str] = ["<p>"]
    words: list[str] = []
    at = 0
    for found in _TOKEN.finditer(stripped):
        if found.start() != at:
            return None
        at = found.end()
        kind = found.lastgroup
        if kind == "plain":
            part = found.group("plain")
            html.append(part.replace('"', "&quot;"))
        elif kind == "url":
            part = found.group("label")
            html.append(f'<a href="{found.group("url")}" rel="nofollow noopener">{part.replace(chr(34), "&quot;")}</a>')
        else:
            part = found.group(kind)
            html.append(f"<{kind}>{part.replace(chr(34), '&quot;')}</{kind}>")
        words.append(part)
    if at != len(stripped):
        return None
    html.append("</p>\n")
    return "".join(html), " ".join("".join(words).split())
