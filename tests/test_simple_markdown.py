"""The common summary's shortcut (render/simple_markdown.py) gives markdown-it's HTML byte for byte,
and the words html_to_text reads from it, on generated, hostile and the benchmark's summaries."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from site_builder.htmltext import html_to_text
from site_builder.render.markdown import _parser, markdown_text, render_markdown
from site_builder.render.simple_markdown import has_odd_space, simple_paragraph, simple_words

REPO = Path(__file__).resolve().parent.parent

# Words, marks and links as editors write them, and everything near them that must go to the parser.
PIECES = [
    "Talks", "resumed", "in", "Kyiv", "é", "Ünï", "漢字", "ß", "2025", "a", "Z", "x1", "²", "ﬁ", " ", " ", " ", "  ",
    ".", ",", ";", ":", "'", '"', "(", ")", "?", "-", "+", "=", "#", "/", "%", "$", "@", "—", "“", "”", "«", "»",
    "*", "**", "***", "_", "__", "[", "]", "](", "![", "\\", "`", "<", ">", "&", "&amp;", "!", "|", "~", "\t", "\n",
    "\u00a0", "\u2028", "\x00", "\x85", "\u3000", "1. ", "- ", "# ", "> ", "    ",
    "*b*", "*b c*", "**b**", "**b c**", "*é*", "*2*", "* b*", "*b *", "*(b)*", '*"b"*', "*b.*", "*.b*",
    "[l](http://x.org)", "[l m](https://example.org/reports/1)", "[ l ](https://x.org/a?b=c#d)",
    "[l](https://Example.ORG/A_b)", "[l](ftp://x.org)", "[l](javascript:alert(1))", "[l](https://x.org/a b)",
    "[l](https://x.org/%41)", "[l](https://xn--bcher-kva.example/)", "[l](https://bücher.example/)",
    "[l](https://x.org/a&b)", "[l](https://x.org/(a))", "[*l*](https://x.org)", "[](https://x.org)",
    "[ ](https://x.org)", "[l](<https://x.org>)", '[l](https://x.org "t")', "[l]", "[l]: https://x.org",
    "[l](https://.org)", "[l](https://-x.org)", "[l](https://x..org)", "[l](HTTPS://x.org)",
]


def _texts(count: int, seed: int = 17) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        texts.append(rng.choice(["A ", "Talks ", "*b* ", "[l](https://x.org) ", ""]) + text)
    return texts


def assert_as_markdown_it(text: str) -> bool:
    """Whether the shortcut took text; if it did, that it gave what markdown-it and html_to_text give."""
    simple = simple_paragraph(text)
    if simple is None:
        assert simple_words(text) is None, text
        return False
    md = _parser()
    html = md.render(text)
    assert md.renderer.render(simple[0], md.options, {}) == html, text
    assert simple[1] == html_to_text(html), text
    assert simple_words(text) == simple[1], text
    return True


def test_summaries_with_marks_and_links_render_as_markdown_it_renders_them():
    texts = _texts(40_000)
    taken = [text for text in texts if assert_as_markdown_it(text)]
    assert len(taken) > 4_000  # the shortcut is taken, and compared, often
    assert len(taken) < len(texts) - 4_000  # and refused often: the pieces reach its edges
    assert sum(("*" in text) + ("](" in text) for text in taken) > 3_000  # on marks and links, not only words


@settings(max_examples=3_000, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=16).map("".join))
def test_any_text_the_shortcut_takes_renders_as_markdown_it_renders_it(text):
    assert_as_markdown_it(text)


def test_hostile_files_render_as_markdown_it_renders_them():
    for path in sorted((REPO / "tests/hostile").glob("*.yaml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in [text, *text.splitlines()]:
            value = line.split(":", 1)[-1].strip()
            for candidate in (line, value, f"A {value}", f"A *{value}*", f"[{value}](https://x.org)"):
                assert_as_markdown_it(candidate)


def test_the_benchmark_summaries_take_the_shortcut(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate_site import markdown_summary
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    rng = random.Random(3)
    for i in range(200):
        text = markdown_summary(rng, i)
        assert assert_as_markdown_it(text), text
        assert str(render_markdown(text)) == _parser().render(text)
        assert markdown_text(text) == html_to_text(_parser().render(text))


def test_text_the_shortcut_cannot_be_sure_of_goes_to_the_parser():
    for text in ["*a**b*", "A *b *c", "A **b*", "A _b_", "A *b*\n# c", "- *a*", "1. *a*", "A ![l](https://x.org)",
                 "A [l](ftp://x.org)", "A [l](https://x.org/a&b)", "A *[l](https://x.org)*", "A \\*b*", "    *a*"]:
        assert simple_paragraph(text) is None, text


def test_every_white_space_but_a_plain_space_is_unprintable_so_printable_text_needs_no_search():
    # has_odd_space searches only a text that is not all printable: that is right only while no
    # printable character is white space (a Unicode update could add one).
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace() and char != " ":
            assert not char.isprintable(), hex(code)
            assert has_odd_space(f"a{char}b"), hex(code)
    assert not has_odd_space("plain words, printable: “é” 漢字") and not has_odd_space("zero\u200bwidth")
