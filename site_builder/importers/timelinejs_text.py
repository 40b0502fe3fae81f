"""TimelineJS text is HTML: as Markdown (paragraphs, emphasis, web links), and as a title cut from it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from site_builder.htmltext import html_to_text


class _Markdown(HTMLParser):
    """TimelineJS text is HTML: keep paragraphs, emphasis and web links; drop the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.hidden = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("p", "div", "li") and self.out:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            ok = href.startswith(("http://", "https://"))
            self.links.append(href if ok else None)
            if ok:
                self.out.append("[")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", data))


def html_to_markdown(html: str) -> str:
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    paragraphs = ["\n".join(" ".join(line.split()) for line in p.split("\n")).strip()
                  for p in "".join(parser.out).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def title_from_text(html: str, limit: int = 80) -> str:
    """A headline for a slide without one: its text's first words, cut at a word boundary."""
    words = html_to_text(html).split()
    title = ""
    for word in words:
        if len(title) + len(word) + 1 > limit:
            return title + " …"
        title = f"{title} {word}".strip()
    return title
