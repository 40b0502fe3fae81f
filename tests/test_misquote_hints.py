"""A misquote's hint, on the site's own sources: the closest passage covers the whole quote, the
differing words are exactly those, and a quote another source has names that source."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.content.events import misquote_hint
from site_builder.content.sources import load_source
from site_builder.errors import Report

SOURCES = Path(__file__).resolve().parent.parent / "content" / "sources"
TASS_ID = "tass-2025-08-16-putin-alaska-takeaways"
TASS = f"closest passage, {TASS_ID}.md"
SAID = ("Putin suggested their next meeting be held in Moscow, and Trump said it was possible, "
        "even though he would have to face strong criticism.")
SAID_PASSAGE = f'{TASS} line 11: "{SAID[:-1]}"'
WARNED = ("I remember that during my last contact with the previous [US] administration in 2022, I tried "
          "to convince my then American counterpart that the situation should not be brought to the point "
          "of no return, where it would come to hostilities. And I said it quite directly back then that "
          "it's a big mistake.")


@pytest.fixture(scope="module")
def sources():
    loaded = {}
    for path in sorted(SOURCES.glob("*.md")):
        source = load_source(path, Report())
        loaded[source.id] = source
    return loaded


def hint(quote: str, sources: dict) -> list[str]:
    return misquote_hint(quote, sources[TASS_ID], sources).split("\n")


@pytest.mark.parametrize("quote, difference", [
    (SAID.replace("strong criticism", "harsh criticism"), 'the quote has "harsh" where the source has "strong"'),
    (SAID.replace("criticism", "opposition"), 'the quote has "opposition" where the source has "criticism"'),
    (SAID.replace("Putin suggested", "Trump suggested"), 'the quote has "Trump" where the source has "Putin"'),
    (SAID.replace("said it was", "said that it was"), 'the source does not have "that"'),
    (SAID.replace("even though", "though"), 'the quote leaves out "even"'),
    (SAID.replace("next meeting", "meeting next"), 'the quote has "meeting next" where the source has "next meeting"'),
])
def test_a_misquote_shows_the_whole_passage_and_names_exactly_the_words_that_differ(sources, quote, difference):
    assert hint(quote, sources) == [SAID_PASSAGE, difference]


def test_a_misquote_past_the_middle_of_a_long_quote_stays_in_the_passage_shown(sources):
    quote = WARNED.replace("point of no return", "point of no retreat")
    assert len(quote.split()) > 40
    assert hint(quote, sources) == [
        f'{TASS} line 37: "I remember that during my last ... point of no return, where it would ... '
        "then that it's a big mistake\"",
        'the quote has "retreat" where the source has "return"',
    ]


def test_what_an_elision_skips_is_no_difference_and_its_second_part_is_compared(sources):
    quote = "Putin suggested their next meeting be held in Moscow ... he would have to face harsh criticism."
    assert hint(quote, sources) == [SAID_PASSAGE, 'the quote has "harsh" where the source has "strong"']


def test_a_long_passage_keeps_every_difference_it_names(sources):
    quote = WARNED.replace("I remember", "I recall").replace("big mistake", "grave mistake")
    shown, *differences = hint(quote, sources)
    assert shown.startswith(f'{TASS} line 37: "I remember that during') and shown.endswith('it\'s a big mistake"')
    assert differences == ['the quote has "recall" where the source has "remember"',
                           'the quote has "grave" where the source has "big"']


def test_a_quote_from_another_source_names_that_source_and_its_line(sources):
    quote = "We highly value the efforts of China, India and our other strategic partners"
    assert hint(quote, sources) == ["this quote is in source 'moscow-times-2025-09-01-putin-sco-alaska' "
                                    "(moscow-times-2025-09-01-putin-sco-alaska.md line 22): cite that source"]


def test_a_punctuation_misquote_is_compared_part_by_part(sources):
    quote = "Putin suggested their next meeting be held in Moscow and Trump ... he would have to face"
    assert hint(quote, sources) == [
        f'{TASS} line 11: "Putin suggested their next meeting be held in Moscow, and Trump said it was possible, '
        'even though he would have to face"',
        'the quote has "Moscow" where the source has "Moscow,"',
    ]


def test_check_tells_the_editor_which_source_has_the_quote(real_site):
    path = real_site.root / "content/events/2025-08-15-moscow-next-meeting-proposal.yaml"
    text = path.read_text()
    path.write_text(text[:text.index("    quote:")] + "    quote: briefed Chinese President Xi Jinping\n"
                    + text[text.index("related:"):])
    result = real_site.cli("check")
    assert ("2025-08-15-moscow-next-meeting-proposal.yaml:15:12: error: the quote is not in source "
            "'tass-2025-08-16-putin-alaska-takeaways'\n  hint: this quote is in source "
            "'moscow-times-2025-09-01-putin-sco-alaska' (moscow-times-2025-09-01-putin-sco-alaska.md "
            "line 28): cite that source") in result.stderr


def test_a_hostile_quote_searched_in_many_other_sources_is_still_bounded(sources):
    import time
    from dataclasses import replace

    crowd = {f"s{n}": replace(sources[TASS_ID], id=f"s{n}", text="ab " * 350_000) for n in range(100)}
    began = time.perf_counter()
    misquote_hint("b", sources[TASS_ID], {**sources, **crowd})
    assert time.perf_counter() - began < 5


def test_a_file_of_many_misquotes_searches_hints_for_the_first_ones_only(site):
    """Each hint searches the sources; a file of hundreds of misquotes (pasted from elsewhere, or
    hostile) must not hold `check` up: past HINTS_PER_FILE, a short hint says why there is none."""
    from site_builder.content.events import HINTS_PER_FILE

    quotes = "".join(f"  - source: wire\n    quote: Nothing of the sort was said, number {n}.\n"
                     for n in range(HINTS_PER_FILE + 2))
    site.event("2025-08-15-talks", f"title: Talks\ndate: 2025-08-15\nexcerpts:\n{quotes}")
    result = site.cli("check")
    assert result.returncode == 1
    searched = result.stderr.count("closest passage, ") + result.stderr.count("shares words with it")
    assert searched == HINTS_PER_FILE
    assert result.stderr.count(f"this file has more than {HINTS_PER_FILE} misquotes") == 2
