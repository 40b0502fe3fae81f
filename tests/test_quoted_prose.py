"""An event's prose is held to the standard of its excerpts: quoted words are in a cited source."""

from __future__ import annotations

import pytest

from site_builder.content.quoted_prose import quotations, unbalanced, unsupported, value_location
from site_builder.errors import Location

WIRE = {"wire": "The talks took place in a “trustful and constructive” atmosphere, he said. "
                "Putin's aides called the Kremlin’s view 'open'."}


def words(text: str, markdown: bool = False) -> list[str]:
    return [q.words for q in quotations(text, markdown)]


# Which marks are quotation marks

def test_curly_straight_guillemet_and_low_high_marks_all_open_quotations():
    text = 'a “one” b "two" c «three» d „four“ e „five” f ‹six›'
    assert words(text) == ["one", "two", "three", "four", "five", "six"]


def test_cjk_fullwidth_ornamental_and_german_marks_open_quotations():
    text = 'a 「one」 b 『two』 c ＂three＂ d ❝four❞ e »five« f ‚six‘ g ›seven‹ h 〝eight〟'
    assert words(text) == ["one", "two", "three", "four", "five", "six", "seven", "eight"]


@pytest.mark.parametrize("text", ['said:"x y"', 'said."x y"', "said—\"x y\"", 'said\'"x y"', '他说"x y"'])
def test_straight_double_quote_opens_after_any_punctuation_or_unspaced_script(text):
    assert words(text) == ["x y"]


def test_one_word_in_straight_quotes_after_name_equals_is_code_not_a_quotation():
    assert words('<a href="javascript:x(1)">raw</a> said="yes sir" and ="no"', markdown=True) == ["yes sir", "no"]


def test_curly_single_quote_before_a_digit_is_an_apostrophe():
    assert words("in the ‘90s and ‘05 he said ‘no’") == ["no"]


def test_straight_single_quotes_and_apostrophes_are_never_quotations():
    assert words("Moscow's view, the leaders' summit, the '90s and 'Open Path to Peace'") == []


def test_curly_single_quote_closes_after_the_last_apostrophe_inside_it():
    assert words("he said ‘Putin’s words’ again") == ["Putin’s words"]


def test_inches_and_a_stray_closing_mark_are_not_quotations():
    assert words('a 5" screen and a stray” mark') == []


def test_marks_nested_inside_a_quotation_are_its_words():
    assert words('“he said ‘yes’ twice”') == ["he said ‘yes’ twice"]


def test_closing_punctuation_inside_the_marks_is_not_part_of_the_quoted_words():
    assert words('calls it “trustful and constructive,” and') == ["trustful and constructive"]


# Markdown summaries

def test_markdown_code_spans_link_destinations_and_link_titles_are_not_prose():
    text = 'see `"code"` and [the "report"](https://example.org/a "a title") and <https://x.org/"y">'
    assert words(text, markdown=True) == ["report"]


@pytest.mark.parametrize("mark, close", [("&ldquo;", "&rdquo;"), ("&quot;", "&quot;"), ("&#8220;", "&#8221;"),
                                         ("&#X201c;", "&#x201D;"), ('\\"', '\\"')])
def test_markdown_entity_or_escape_showing_a_mark_opens_a_quotation_at_its_raw_offset(mark, close):
    text = f"The mayor said {mark}the bridge &amp; the road{close}."
    [quote] = quotations(text, markdown=True)
    assert quote.words == "the bridge & the road"
    assert quote.start == text.index(mark) + mark.index(mark[-1] if mark[0] == "\\" else "&")


def test_markdown_entities_in_code_spans_and_escaped_entities_show_as_written():
    assert words("`&ldquo;x&rdquo;` and \\&ldquo;y and &bogus;z", markdown=True) == []


def test_markdown_link_to_another_scheme_is_not_made_so_its_title_is_prose():
    assert words('[x](mailto:a@b.org "the bridge") and <ftp:"y">', markdown=True) == ["the bridge", "y"]


def test_emphasis_inside_a_quotation_is_not_part_of_its_words():
    assert words('he calls them “**trustful** and constructive”', markdown=True) == ["trustful and constructive"]


# Findings

def test_quotation_found_in_a_cited_source_passes_whatever_its_marks():
    assert unsupported('Putin calls it "trustful and constructive", with «The talks took place»', WIRE) == []


def test_german_quotations_of_the_source_pass():
    assert unsupported("Er nennt sie »trustful and constructive« und ‚took place‘.", WIRE) == []


def test_entity_quotation_in_no_cited_source_is_a_finding_at_the_entity():
    [finding] = unsupported("The mayor said &ldquo;the bridge is unsafe&rdquo;.", WIRE, markdown=True)
    assert finding.offset == len("The mayor said ") and "in no cited source" in finding.message


def test_quotation_in_no_cited_source_names_the_closest_passage():
    [finding] = unsupported('Putin calls the talks "useful and constructive".', WIRE)
    assert finding.offset == len("Putin calls the talks ")
    assert "in no cited source" in finding.message and "useful and constructive" in finding.message
    assert 'closest passage, wire: "trustful and constructive"' in finding.hint
    assert '"useful" where the source has "trustful"' in finding.hint


def test_quotation_that_cuts_a_word_of_the_source_is_not_in_it():
    assert unsupported('the “rustful” talks', WIRE)


def test_quotation_mark_opened_and_never_closed_is_a_finding():
    [finding] = unsupported('Putin says the talks "took place', WIRE)
    assert "never closed" in finding.message and finding.offset == len("Putin says the talks ")


def test_quotation_of_punctuation_alone_is_not_checked():
    assert unsupported('an empty "" and a “?”', WIRE) == []


def test_excerpt_quote_that_stops_before_its_closing_mark_is_a_finding():
    assert unbalanced('"Our trade started to grow.') and not unbalanced('"Our trade," he said.')


# Locating a quotation in the YAML file

@pytest.mark.parametrize("yaml_text, value, mark", [
    ('summary: Putin says "x y" today\n', 'Putin says "x y" today', '"x'),
    ("summary: 'It''s \"x y\" today'\n", 'It\'s "x y" today', '"x'),
    ('summary: "It\\u2019s \\"x y\\" today"\n', 'It’s "x y" today', '\\"x'),
])
def test_quotation_in_a_one_line_scalar_is_located_at_its_mark(yaml_text, value, mark):
    where = value_location(yaml_text, Location("e.yaml", 1, 10), value, value.index('"'))
    assert (where.line, where.column) == (1, yaml_text.index(mark) + 1)


def test_quotation_in_a_folded_block_is_located_on_its_own_line():
    text = "title: T\nsummary: >-\n  Putin says the talks\n    were   \"useful\" and\n  more.\n"
    value = 'Putin says the talks\n  were   "useful" and more.'
    where = value_location(text, Location("e.yaml", 2, 10), value, value.index('"'))
    assert (where.line, where.column) == (4, 12)


def test_quotation_in_a_double_quoted_scalar_with_escaped_marks_points_at_the_escape():
    text = 'title: "Putin calls it \\u201Ca win\\u201D"\n'
    value = "Putin calls it “a win”"
    where = value_location(text, Location("e.yaml", 1, 8), value, value.index("“"))
    assert (where.line, where.column) == (1, text.index("\\u201C") + 1)


def test_a_value_that_cannot_be_followed_is_located_at_its_start():
    start = Location("e.yaml", 9, 3)
    assert value_location("title: x\n", start, 'a "b"', 2) == start


# Through the command line

def test_unsupported_quotation_in_a_folded_summary_fails_check_at_the_mark(site):
    site.event("2025-08-15-talks", """\
title: Talks in Anchorage
date: 2025-08-15
lane: main
summary: >-
  The two presidents meet. Putin calls the talks
  "useful and constructive".
excerpts:
  - source: wire
    quote: The talks took place
    note: He says they took place in a “trustful and constructive” atmosphere.
""")
    result = site.cli("check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2025-08-15-talks.yaml:6:3: error: the words in quotation marks are in no cited source" in result.stderr
    assert result.stderr.count("error:") == 1  # the note's quotation is in the source


def test_quotation_from_a_source_the_event_does_not_cite_is_an_error(site):
    site.source("other", "Putin called the talks useful and constructive.\n")
    site.event("2025-08-15-talks", """\
title: Putin calls the talks "useful and constructive"
date: 2025-08-15
lane: main
excerpts:
  - source: wire
    quote: The talks took place
""")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:1:30: error: the words in quotation marks" in result.stderr


def test_drafts_are_not_held_to_the_standard_until_published(site):
    event = """\
title: Putin calls the talks "useful and constructive"
date: 2025-08-15
excerpts:
  - source: wire
    quote: The talks took place
"""
    site.event("2025-08-15-talks", event + "draft: true\n")
    assert site.cli("check").returncode == 0
    site.event("2025-08-15-talks", event + "draft: false\n")
    assert "error: the words in quotation marks" in site.cli("check").stderr


def test_markdown_link_title_with_escaped_quotes_and_parentheses_is_not_prose():
    text = '[fine](https://example.org/ok "t\\" onmouseover=\\"alert(11)") says "the talks took place"'
    assert words(text, markdown=True) == ["the talks took place"]


# A title the editor supplied

def test_a_title_the_editor_supplied_is_said_so_and_never_shown_as_the_headline(site):
    site.source("wire", front="title: Talks report\ntitle_supplied: true\npublisher: Wire\npublished: 2025-08-16\n")
    assert site.cli("build").returncode == 0
    source_page = (site.root / "build/sources/wire/index.html").read_text()
    event_page = (site.root / "build/events/2025-08-15-talks/index.html").read_text()
    assert "Title supplied by the editor" in source_page
    assert "[Talks report]" in event_page and "“Talks report”" not in event_page
    assert '"headline":"Talks report"' not in source_page + event_page
    assert '"name":"Talks report"' in source_page


def test_quoted_fillerare_matched_against_a_markdown_sources_visible_text(site):
    site.source("clip", "The minister [said](#) the talks were **useful** and long.\n",
                front="title: Clip\npublisher: Wire\npublished: 2025-08-16\nformat: markdown\n")
    site.event("2025-08-15-talks", """\
title: The minister calls the talks "useful and long"
date: 2025-08-15
lane: main
summary: The minister said the talks were useful.
excerpts:
  - source: clip
    quote: The minister said the talks were useful and long.
""")
    result = site.cli("check")
    assert result.returncode == 0, result.stderr


def test_closest_passage_of_a_long_quotation_keeps_its_end_and_its_difference():
    """A passage over 200 characters was cut at its 200th: the words the editor got wrong, near
    its end, were not shown."""
    filler = " ".join(f"word{i}" for i in range(60))
    source = {"long": f"He said “{filler} and the bridge is safe” today."}
    [finding] = unsupported(f'He said "{filler} and the bridge is unsafe".', source)
    assert "bridge is safe" in finding.hint and "word59" in finding.hint and "word0" in finding.hint
