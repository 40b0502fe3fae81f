"""Markdown for editors' summaries: CommonMark with raw HTML off and http(s) links only."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from site_builder.htmltext import html_to_text
from site_builder.render.simple_markdown import simple_paragraph


def _is_web_link(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://"))


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "nofollow noopener")
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # third-party images would break the CSP and the archive's neutrality
    md.validateLink = _is_web_link
    md.add_render_rule("link_open", _link_open)
    return md


@lru_cache(maxsize=65536)  # larger than a big site's summaries: list pages render each again
def render_markdown(text: str) -> Markup:
    plain = _plain_paragraph(text)
    if plain is not None:
        return Markup(plain)
    simple = simple_paragraph(text)
    if simple is not None:
        return Markup(simple[0])
    return Markup(_parser().render(text))


# A character Markdown may read as syntax (inline marks, entities, escapes, autolinks), or white
# space other than a plain space (line breaks: a second line may make a heading or a list).
_SYNTAX = re.compile(r"[\\`*_\[\]<>&!|~]|[^\S ]")


def _plain_paragraph(text: str) -> str | None:
    """What markdown-it makes of one line of plain words, as most summaries are, without running it:
    the paragraph, with only `"` to escape. None when the text may hold any syntax at all (the parser
    decides); starting with a letter, the line is no list, heading, quote, fence nor indented code."""
    stripped = text.rstrip(" \t\n")
    if not stripped[:1].isalpha() or _SYNTAX.search(stripped):
        return None
    return "<p>" + stripped.replace('"', "&quot;") + "</p>\n"


def markdown_text(text: str) -> str:
    """The words a summary shows, white space folded (search records, the text filter's data):
    html_to_text(render_markdown(text)), without the parser and the HTML parser for a line of
    plain words (given back as it is) or a simple_paragraph (its words)."""
    if _plain_paragraph(text) is not None:
        return " ".join(text.split())
    simple = simple_paragraph(text)
    if simple is not None:
        return simple[1]
    return html_to_text(render_markdown(text))
