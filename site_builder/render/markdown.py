"""Markdown for editors' summaries: CommonMark with raw HTML off and http(s) links only."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


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
    return Markup(_parser().render(text))
