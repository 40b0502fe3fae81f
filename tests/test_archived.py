"""A source's quotes are verified against what its readers read: a Markdown copy's visible text,
mapped back exactly to the archived characters; a plain text as it is."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.markdown_visible import markdown_visible
from site_builder.content.excerpts import locate_quote
from site_builder.content.normal_text import fold
from tests.conftest import REPO

MT = "moscow-times-2025-09-01-putin-sco-alaska"
MT_TEXT = (REPO / f"content/sources/{MT}.md").read_text(encoding="utf-8")
TRUE_QUOTE = "President Vladimir Putin said Monday that his meeting with U.S. President Donald Trump"


def _mt_site(site, quote: str, markdown: bool = True):
    text = MT_TEXT if markdown else MT_TEXT.replace("format: markdown\n", "")
    site.write(f"content/sources/{MT}.md", text)
    site.event("2025-09-01-sco", f"title: SCO remarks\ndate: 2025-09-01\nexcerpts:\n"
                                 f"  - source: {MT}\n    quote: {json.dumps(quote)}\n")
    return site


def test_a_true_quote_of_a_markdown_source_verifies(site):
    result = _mt_site(site, TRUE_QUOTE).cli("check")
    assert result.returncode == 0, result.stderr


def test_a_quote_keeping_the_markup_does_not_verify_and_the_hint_names_it(site):
    result = _mt_site(site, "President Vladimir Putin [said](#) Monday that his meeting").cli("check")
    assert result.returncode == 1
    assert 'the quote has "[said](#)" where the source has "said"' in result.stderr
    assert "Markdown, which readers do not see" in result.stderr
    assert "only white space" not in result.stderr


def test_a_plain_text_source_that_reads_as_markdown_gets_a_hint(site):
    result = _mt_site(site, TRUE_QUOTE, markdown=False).cli("check")
    assert result.returncode == 1
    assert 'the quote has "said" where the source has "[said](#)"' in result.stderr
    assert "add `format: markdown`" in result.stderr


def test_punctuation_differences_are_named_not_called_white_space(site):
    site.event("2025-08-16-x", "title: X\ndate: 2025-08-16\nexcerpts:\n  - source: wire\n"
                               "    quote: The talks took place, in a trustful and constructive atmosphere.\n")
    result = site.cli("check")
    assert 'the quote has "place," where the source has "place"' in result.stderr
    assert "only white space" not in result.stderr


def test_selector_words_are_visible_and_offsets_archived(site):
    _mt_site(site, TRUE_QUOTE).cli("build")
    data = json.loads((site.root / "build/events.json").read_text())
    excerpt = data["events"][-1]["excerpts"][0] if data["events"][-1]["id"] == "2025-09-01-sco" else next(
        x for e in data["events"] if e["id"] == "2025-09-01-sco" for x in e["excerpts"])
    source = next(s for s in data["sources"] if s["id"] == MT)
    assert source["format"] == "markdown"
    assert excerpt["selector"]["exact"] == TRUE_QUOTE
    assert excerpt["parts"][0]["text"] == TRUE_QUOTE
    assert "**" not in excerpt["selector"]["prefix"] and "](" not in excerpt["selector"]["suffix"]
    assert "%5B" not in excerpt["original_url"]  # the fragment's words are the visible ones
    archived = source["text"][excerpt["start"]:excerpt["end"]]
    assert archived.startswith("President Vladimir Putin [said](#) Monday") and archived.endswith("Donald Trump")
    assert source["text"].splitlines()[excerpt["line"] - 10].startswith("President Vladimir Putin")


def test_plain_text_with_stars_underscores_and_hashes_keeps_its_characters(site):
    text = "#1 priority: 5 * 3 = 15, a*b*c and snake_case_name, __init__ too.\n\n> not a quote\n"
    site.source("wire", text)
    site.event("2025-08-15-talks", "title: X\ndate: 2025-08-16\nexcerpts:\n  - source: wire\n"
                               "    quote: \"#1 priority: 5 * 3 = 15, a*b*c and snake_case_name, __init__ too.\"\n"
                               "  - source: wire\n    quote: \"> not a quote\"\n")
    assert site.cli("build").returncode == 0
    page = (site.root / "build/sources/wire/index.html").read_text()
    assert "a*b*c and snake_case_name, __init__ too.</mark>" in page
    assert "<em>" not in page and "<blockquote>" not in page


def test_an_unknown_format_is_located(site):
    site.source("wire", front="title: W\npublisher: W\npublished: 2025-08-16\nformat: html\n")
    result = site.cli("check")
    assert result.returncode == 1
    assert "wire.md:5:9: error: 'html' is not a source format" in result.stderr


def test_visible_text_resolves_escapes_entities_code_and_autolinks():
    doc = 'A \\*star\\* &amp; `x  y` <https://e.org/a%20b> ![alt](i.png)end\n\n<b>raw</b> [t](u "z z") z'
    shown = markdown_visible(doc)
    assert shown.text == "A *star* & x  y https://e.org/a%20b end\n\n<b>raw</b> t z"
    for visible, archived in (("*star*", "\\*star\\*"), ("&", "&amp;"), ("<b>raw</b>", "<b>raw</b>"),
                              ("t z", 't](u "z z") z')):
        start = shown.text.index(visible)
        a, b = shown.archived_span(start, start + len(visible))
        assert doc[a:b] == archived


def test_visible_text_of_blocks_drops_their_markers():
    doc = "# Head *line*\n\n> quoted\n> more\n\n1. one\n2. two  \n   broken\n\n---\n\n    code *x*\n"
    shown = markdown_visible(doc)
    assert shown.text == "Head line\n\nquoted\nmore\n\none\n\ntwo\nbroken\n\ncode *x*"
    assert [b.kind for b in shown.blocks] == ["h", "p", "p", "p", "pre"]
    assert [c.kind for c in shown.blocks[1].opens] == ["blockquote"]
    assert [c.kind for c in shown.blocks[2].opens] == ["ol", "li"]
    assert any("br" in run.styles for run in shown.blocks[3].runs)


_WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "Putin", "said", "x1", "Monday"])


@st.composite
def _inline(draw):
    words = " ".join(draw(st.lists(_WORDS, min_size=1, max_size=3)))
    return draw(st.sampled_from([
        words, f"*{words}*", f"**{words}**", f"_{words}_", f"[{words}](#)", f'[{words}](http://e.org/a "{words}")',
        f"`{words}`", f"{words} \\*", f"{words} &amp;", "<http://e.org/x>", f"![{words}](i.png) {words}",
        f"***{words}***", f"~~{words}~~",
    ]))


@st.composite
def _block(draw):
    lines = [" ".join(draw(st.lists(_inline(), min_size=1, max_size=4))) for _ in range(draw(st.integers(1, 3)))]
    joint = draw(st.sampled_from(["\n", "  \n", "\\\n"]))
    body = joint.join(lines)
    prefix = draw(st.sampled_from(["", "# ", "> ", "- ", "1. ", "  "]))
    if prefix == "# ":
        return prefix + lines[0]
    if prefix == "> ":
        return "\n".join(prefix + line for line in body.split("\n"))
    return prefix + body.replace("\n", "\n" + " " * len(prefix))


@settings(max_examples=200, deadline=None)
@given(st.lists(_block(), min_size=1, max_size=4), st.data())
def test_every_visible_passage_verifies_and_maps_to_the_archived_characters(blocks, data):
    # The last block ends in a stop: on main, locate_quote misses a quote at offset 0 of a text that
    # ends in a letter (its word-edge check wraps round to the last character; trust-quotes fixes it).
    doc = "\n\n".join(blocks) + "\n\nEnd.\n"
    shown = markdown_visible(doc)
    assert "**" not in shown.text and "](" not in shown.text  # no block fell back to its markup
    words = list(re.finditer(r"\w+", shown.text))
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    quote = shown.text[words[first].start():words[last].end()]
    spans = locate_quote(quote, shown.text)
    assert spans is not None
    for start, end in spans:
        a, b = shown.archived_span(start, end)
        assert doc[a] == shown.text[start] and doc[b - 1] == shown.text[end - 1]
        back = shown.visible_span(a, b)
        assert fold(shown.text[slice(*back)]) == fold(shown.text[start:end])
    assert fold(" ".join(shown.text[s:e] for s, e in spans)) == fold(quote)


HOSTILE_MARKDOWN = """\
## Heading with *emphasis*

A **bold claim** and _an aside_, a [link](#) and [another](javascript:alert(1)) and ![pic](http://e.org/x.png).

<script>alert(1)</script> &lt;b&gt; stays text.

> quoted words
> over two lines

1. first item
2. second item
"""


def _page(site) -> str:
    page = (site.root / f"build/sources/{MT}/index.html").read_text()
    return page[page.index('<div class="archived-text'):page.index("</article>")]


def test_the_source_page_shows_a_markdown_copy_formatted_with_its_highlights(site):
    _mt_site(site, "at the SCO meeting in China. Sergei Bobylev").cli("build")
    text = _page(site)
    assert "**" not in text and "](" not in text
    assert '<h2 class="archived-heading">Putin Says Alaska Talks' in text
    # the highlight covers exactly the cited words, half of the bold caption included
    assert ('<mark>at the SCO meeting in China. </mark><mark><strong>Sergei Bobylev</strong></mark>'
            '<a class="cited-by"') in text
    assert "<strong> / POOL / TASS</strong>" in text
    assert "<strong>Related article:</strong> Can Russia Weather a Fuel Crisis" in text  # a link, as text


def test_markup_in_a_markdown_copy_is_never_rendered_as_html(site):
    site.write(f"content/sources/{MT}.md", "---\ntitle: T\npublisher: P\npublished: 2025-09-01\n"
                                           "format: markdown\n---\n" + HOSTILE_MARKDOWN)
    site.event("2025-09-01-sco", f"title: X\ndate: 2025-09-01\nexcerpts:\n  - source: {MT}\n"
                                 "    quote: \"claim and an aside, a link and\"\n"
                                 f"  - source: {MT}\n    quote: \"<script>alert(1)</script> <b> stays\"\n")
    result = site.cli("build")
    assert result.returncode == 0, result.stderr
    text = _page(site)
    assert "<h3 class=\"archived-heading\">Heading with <em>emphasis</em></h3>" in text
    assert "<mark><strong>claim</strong></mark><mark> and </mark><mark><em>an aside</em></mark>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt; stays" in text
    assert "<script" not in text and "<img" not in text and "href=\"#\"" not in text
    assert "javascript:" not in text.replace("[another](javascript:alert(1))", "")
    assert "<blockquote><p>quoted words\nover two lines</p></blockquote>" in text
    assert "<ol><li><p>first item</p></li>" in text and "<li><p>second item</p></li></ol>" in text
