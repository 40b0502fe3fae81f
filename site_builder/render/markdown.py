"""Markdown for editors' summaries: CommonMark with raw HTML off and http(s) links only."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from site_builder.htmltext import html_to_text
from markdown_it.token import Token

from site_builder.render.simple_markdown import has_odd_space, paragraph, simple_paragraph, simple_words


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
    md = _parser()
    if _plain_paragraph(text):  # the tokens the parser would make, without parsing
        tokens = paragraph([Token("text", "", 0, content=text.rstrip(" \t\n"))], text)
    else:
        simple = simple_paragraph(text)
        tokens = simple[0] if simple is not None else md.parse(text)
    return Markup(md.renderer.render(tokens, md.options, {}))


# A character Markdown may read as syntax (inline marks, entities, escapes, autolinks). White space
# other than a plain space (line breaks: a second line may make a heading or a list) is looked for
# apart (has_odd_space): one class is searched much faster than a class or another.
_SYNTAX = re.compile(r"[\\`*_\[\]<>&!|~]")


def _plain_paragraph(text: str) -> bool:
    """Whether the text is one line of plain words, as most summaries are: one paragraph of one text
    token to markdown-it. False when the text may hold any syntax at all (the parser decides);
    starting with a letter, the line is no list, heading, quote, fence nor indented code."""
    stripped = text.rstrip(" \t\n")
    return stripped[:1].isalpha() and not _SYNTAX.search(stripped) and not has_odd_space(stripped)


def markdown_text(text: str) -> str:
    """The words a summary shows, white space folded (search records, the text filter's data):
    html_to_text(render_markdown(text)), without the parser and the HTML parser for a line of
    plain words (given back as it is) or a simple_paragraph (its words, simple_words)."""
    if _plain_paragraph(text):
        return " ".join(text.split())
    words = simple_words(text)
    if words is not None:
        return words
    return html_to_text(render_markdown(text))
