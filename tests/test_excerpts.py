import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from site_builder.content.closest import closest_passage
from site_builder.content.excerpts import _HYPHENS, locate_quote, selector_for

REPO = Path(__file__).resolve().parent.parent
SOURCE = ("He said: \u201cWe\u2019re ready \u2014 truly ready\u201d.\n\n"
          "The  second\tparagraph   ends here. Peace talks resume.")


def exact(quote: str, text: str = SOURCE) -> str | None:
    spans = locate_quote(quote, text)
    return None if spans is None else text[spans[0][0]:spans[-1][1]]


def test_white_space_quote_marks_and_dashes_are_not_wording():
    assert exact('"We\'re ready - truly ready"') == "\u201cWe\u2019re ready \u2014 truly ready\u201d"
    assert exact("The second paragraph ends here.") == "The  second\tparagraph   ends here."


def test_case_and_words_are_wording():
    assert exact("the second paragraph") is None
    assert exact("The second paragraph ended here.") is None


def test_a_quote_does_not_start_or_end_inside_a_word():
    assert exact("eace talks") is None
    assert exact("Peace talk") is None
    assert exact("Peace talks") == "Peace talks"


@pytest.mark.parametrize("quote", [
    "We\u2019re ready ... truly ready",
    "We\u2019re ready [...] truly ready",
    "We\u2019re ready \u2026 truly ready",
    "We\u2019re ready [\u2026] ends here.",
])
def test_elisions_match_the_parts_in_order(quote):
    spans = locate_quote(quote, SOURCE)
    assert spans is not None and len(spans) == 2
    assert spans[0][1] < spans[1][0]


def test_elided_parts_out_of_order_do_not_match():
    assert locate_quote("truly ready ... We\u2019re ready", SOURCE) is None


def test_selector_knows_exact_position_prefix_and_suffix():
    text = "alpha beta gamma delta epsilon"
    sel = selector_for(locate_quote("gamma delta", text), text, line=3)
    assert (sel.exact, sel.start, sel.end, sel.line) == ("gamma delta", 11, 22, 3)
    assert sel.prefix == "alpha beta " and sel.suffix == " epsilon"


def test_text_fragment_escapes_directive_syntax_and_names_the_exact_words():
    text = "Russia-US trade, they said, grew & grew."
    sel = selector_for(locate_quote("Russia-US trade, they said", text), text, 1)
    assert sel.fragment == "#:~:text=Russia%2DUS%20trade%2C%20they%20said"
    assert unquote(sel.fragment.split("=", 1)[1]) == "Russia-US trade, they said"


def test_long_quotes_use_a_start_and_end_text_fragment():
    text = "one two three four five six seven eight nine ten eleven"
    sel = selector_for(locate_quote("two three four five six seven eight nine ten", text), text, 1)
    assert sel.fragment == "#:~:text=two%20three%20four%20five,seven%20eight%20nine%20ten"


def test_a_quote_across_a_paragraph_break_of_the_archive_matches():
    source = (REPO / "content/sources/moscow-times-2025-09-01-putin-sco-alaska.md").read_text()
    quote = "briefed Chinese President Xi Jinping on last month's meeting with Trump and planned"
    assert exact(quote, source).startswith("briefed Chinese") and "\n\nTrump" in exact(quote, source)


def test_closest_passage_reports_the_differing_words():
    near = closest_passage("The second paragraph ended here.", SOURCE)
    assert SOURCE[near.start:near.end] == "The  second\tparagraph   ends here"
    assert near.differences == ('the quote has "ended" where the source has "ends"',)


def test_closest_passage_is_none_when_nothing_is_shared():
    assert closest_passage("zebra quokka", SOURCE) is None


def test_other_spaces_are_every_white_space_character_but_the_plain_space():
    import sys

    from site_builder.content.normal_text import OTHER_SPACES

    assert OTHER_SPACES == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != " ")
    assert OTHER_SPACES[:9] == "".join(c for c in OTHER_SPACES if c.isascii())


def _normalize_word_by_word(text):
    """The map as it used to be made: one entry per run of non-space text."""
    import re

    from site_builder.content.normal_text import _FOLD

    words = list(re.finditer(r"\S+", text.translate(_FOLD)))
    normal, starts, origins = " ".join(m.group() for m in words), [], []
    at = 0
    for m in words:
        starts.append(at)
        origins.append(m.start())
        at += len(m.group()) + 1
    return normal, starts, origins


@pytest.mark.parametrize("text", [
    "", "   ", "a", "  a  ", "a b", "a  b", "a\nb", "a \n\n b  c\td e", "\u201cq\u201d \u2014\u00a0x\u3000y",
    " \x1c a\x85b\u2028\u2029c ", SOURCE,
])
def test_normalize_maps_every_offset_back_as_a_map_per_word_does(text):
    from bisect import bisect_right

    from site_builder.content.normal_text import normalize

    normal, starts, origins = _normalize_word_by_word(text)
    norm = normalize(text)
    assert norm.text == normal
    for index in range(len(normal)):
        run = bisect_right(starts, index) - 1
        assert norm.original(index) == origins[run] + index - starts[run], (text, index)


@pytest.mark.parametrize("text", ["Russia-US trade, & more", "caf\u00e9 \u4e2d\U0001f600 a_b.c~d%e+f/g?h#i",
                                  "\x00\x7f"])
def test_fragment_escape_is_quote_with_dashes_escaped(text):
    from urllib.parse import quote

    from site_builder.content.excerpts import _fragment_escape

    assert _fragment_escape(text) == quote(text, safe="").replace("-", "%2D")


# What a quote may and may not do at the edges of its parts.

def test_every_elided_part_ends_on_a_word_edge():
    source = "The ceasefire proposal is worthless, the minister said."
    assert locate_quote("The ceasefire proposal is worth [...] the minister said", source) is None
    assert locate_quote("The ceasefire proposal is worthless, [...] the minister said", source) is not None


def test_every_elided_part_starts_on_a_word_edge():
    source = "The ceasefire proposal is worthless, the minister said."
    assert locate_quote("The ceasefire proposal ... less, the minister said", source) is None
    assert locate_quote("The ceasefire ... inister said", source) is None


def test_a_quote_at_the_very_start_of_a_source_that_ends_in_a_letter_verifies():
    assert locate_quote("Talks resumed", "Talks resumed in Geneva") == ((0, 13),)
    assert locate_quote("Talks ... Geneva", "Talks resumed in Geneva") == ((0, 5), (17, 23))


@pytest.mark.parametrize("source", [
    "he paid at the cafe\u0301 today",  # decomposed: NFC makes it one letter, "cafe" is not there
    "he paid at the cafe\u0301\u0323 today",  # two marks, in either order
    "he paid at the cafe\u0323\u0301 today",
    "he paid at the cafx\u0301 today",  # no precomposed letter: the mark stays, and belongs to "x"
    "he paid at the cafe\u0488 today",  # an enclosing mark (Me)
    "he paid at the cafe\u0903 today",  # a spacing mark (Mc)
])
def test_a_combining_mark_belongs_to_the_letter_before_it(source):
    assert locate_quote("paid at the caf" + source.split("caf")[1][0], source) is None
    assert locate_quote("paid at the " + source.split()[4], source) is not None


@pytest.mark.parametrize("joiner", ["\u200d", "\u200c", "\u00ad", "\u2060", "\ufeff"])
def test_an_invisible_format_character_does_not_end_a_word(joiner):
    source = f"the cafe{joiner}teria closed and the man{joiner} left"
    assert locate_quote("the cafe", source) is None
    assert locate_quote("teria closed", source) is None
    assert locate_quote("the man", source) is None
    assert locate_quote(f"the cafe{joiner}teria closed", source) == ((0, len(f"the cafe{joiner}teria closed")),)


def test_a_quote_may_not_start_with_a_combining_mark():
    assert locate_quote("\u0301 today", "at the cafx\u0301 today") is None


@pytest.mark.parametrize("quote", ["snake", "case said", "500 troops", "5 percent", "Moscow sent 1", "202", "sent 1,5"])
def test_underscores_and_digits_are_inside_their_word_or_number(quote):
    assert locate_quote(quote, "snake_case said Moscow sent 1,500 troops, 3.5 percent in 2025") is None


def test_numbers_quoted_whole_verify():
    source = "Moscow sent 1,500 troops, 3.5 percent more, in 2025."
    assert exact("sent 1,500 troops", source) == "sent 1,500 troops"
    assert exact("3.5 percent", source) == "3.5 percent"
    assert exact("in 2025.", source) == "in 2025."


@pytest.mark.parametrize("quote", ["Russian forces", "t go", "'t go", "they don", "they don'", "pro"])
def test_an_apostrophe_or_hyphen_between_letters_joins_one_word(quote):
    assert locate_quote(quote, "pro-Russian forces said they don\u2019t go") is None


def test_a_dash_between_words_is_a_word_edge_even_without_spaces():
    assert exact("truly ready", "We\u2019re ready\u2014truly ready") == "truly ready"
    assert exact("We're ready", "We\u2019re ready\u2013truly ready") == "We\u2019re ready"


def test_quotes_may_start_and_end_with_punctuation():
    assert exact('"We\'re ready - truly ready".') == "\u201cWe\u2019re ready \u2014 truly ready\u201d."
    assert exact('ready", he', 'We\u2019re "ready", he said') == 'ready", he'


# Unicode normalisation: NFC on both sides, offsets of the source as written.

@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("source_form", ["NFC", "NFD"])
def test_a_quote_differing_only_in_normalisation_verifies_and_covers_the_source_characters(form, source_form):
    import unicodedata

    text = "\u00c0 Z\u00fcrich, le caf\u00e9 cr\u00e8me co\u00fbte 5\u00a0\u20ac, \uD55C\uAD6D."
    source = unicodedata.normalize(source_form, text)
    quote = unicodedata.normalize(form, "le caf\u00e9 cr\u00e8me co\u00fbte")
    start = source.index(unicodedata.normalize(source_form, "le"))
    end = source.index(unicodedata.normalize(source_form, "te 5")) + 2
    assert locate_quote(quote, source) == ((start, end),)
    korean = unicodedata.normalize(form, "\uD55C\uAD6D")
    assert exact(korean, source) == unicodedata.normalize(source_form, "\uD55C\uAD6D")


@pytest.mark.parametrize("source_form", ["NFC", "NFD"])
def test_a_normalised_quote_that_cuts_a_word_is_refused(source_form):
    import unicodedata

    source = unicodedata.normalize(source_form, "le caf\u00e9 cr\u00e8me et le \uD55C\uAD6D")
    assert locate_quote("le cafe", source) is None
    assert locate_quote("le caf", source) is None
    assert locate_quote("cre\u0300m", source) is None
    assert locate_quote("le \u1112\u1161", source) is None  # the first letters of a Hangul syllable


def test_characters_nfc_replaces_map_back_to_their_original_width():
    source = "Resistance in \u2126 and \u0958\u093f ran high"  # ohm sign; a decomposing Devanagari letter
    quote = "Resistance in \u03a9 and \u0915\u093c\u093f ran"
    spans = locate_quote(quote, source)
    assert spans == ((0, len(source) - len(" high")),)


def test_normalize_maps_every_offset_of_an_nfd_text_back():
    import unicodedata

    from site_builder.content.normal_text import normalize

    source = "a cafe\u0301  na\u0131\u0308ve \u2126\n\nend"
    norm = normalize(source)
    assert norm.text == unicodedata.normalize("NFC", "a cafe\u0301 na\u0131\u0308ve \u2126 end")
    assert norm.span(2, 6) == (2, 7)  # "café"
    assert norm.span(7, 13) == (9, 15)  # "naı̈ve": ı with a diaeresis stays two characters
    assert norm.span(14, 15) == (16, 17)  # the ohm sign, now an omega
    assert norm.span(16, 19) == (19, 22)


# Elisions: every part, in order, close to the one before.

THREE = "alpha one two. beta three four. gamma five six. delta seven."


def test_three_or_more_parts_must_appear_in_order():
    assert locate_quote("alpha ... beta ... gamma ... delta", THREE) is not None
    assert locate_quote("alpha ... gamma ... beta", THREE) is None
    assert locate_quote("beta ... alpha ... gamma", THREE) is None
    assert locate_quote("alpha ... beta ... delta ... gamma", THREE) is None


def test_every_gap_is_at_most_max_gap():
    from site_builder.content.excerpts import MAX_GAP

    for gap in (MAX_GAP, MAX_GAP + 1):
        filler = "x" * (gap - 2)
        near = f"one {filler} two three"
        assert (locate_quote("one ... two", near) is not None) == (gap == MAX_GAP)
        assert (locate_quote("zero one ... two three", "zero " + near) is not None) == (gap == MAX_GAP)
        first_far, second_far = f"a b {filler} c d {'y' * 10} e", f"a b {'y' * 10} c d {filler} e"
        for source in (first_far, second_far):
            assert (locate_quote("a b ... c d ... e", source) is not None) == (gap == MAX_GAP), (gap, source[:9])


def test_a_later_place_of_a_part_is_tried_when_the_next_part_is_too_far_from_the_first():
    far = "x" * 900
    source = f"alpha beta {far} beta gamma"
    assert locate_quote("alpha ... beta ... gamma", source) is None  # the second beta is too far from alpha
    source = f"alpha beta {'y' * 500} beta {'z' * 500} gamma"
    spans = locate_quote("alpha ... beta ... gamma", source)
    assert spans is not None and spans[1][0] == source.rindex("beta")


def test_the_first_occurrence_failing_the_edge_test_does_not_hide_a_later_one():
    source = "He said: worthless words. He said: worth it."
    assert exact("He said: worth", source) == "He said: worth"
    assert locate_quote("He said: worth", source)[0][0] == source.rindex("He said")
    assert locate_quote("He said ... worth it", source) is not None


def test_a_part_is_never_found_overlapping_the_one_before():
    assert locate_quote("truly ready ... ready", "We are truly ready.") is None
    assert locate_quote("ready ... ready", "We are ready, truly ready.") is not None


@pytest.mark.parametrize("quote", ["", "   ", "...", "\u2026", "[...]", "[\u2026]", "... ...", ". , ;", "- ... -",
                                   "\u201c\u201d", "___"])
def test_a_quote_of_only_punctuation_or_spaces_proves_nothing(quote):
    assert locate_quote(quote, 'Some text. ... , ; - "" \u201c\u201d ___ [...]') is None


@pytest.mark.parametrize("quote", ["... truly ready", "We\u2019re ready [...]", "[\u2026] truly ready \u2026",
                                   "We\u2019re ready ... ... truly ready", "We\u2019re ready . . . truly ready",
                                   "We\u2019re ready .... truly ready", "We\u2019re ready [ ... ] truly ready",
                                   "We\u2019re ready [. . .] truly ready"])
def test_elisions_at_the_ends_empty_parts_and_variants_are_elisions(quote):
    assert locate_quote(quote, SOURCE) is not None


def test_a_part_that_is_only_punctuation_makes_the_quote_prove_nothing():
    assert locate_quote("We\u2019re ready ... \u2014 ... truly ready", SOURCE) is None


def test_a_hostile_quote_on_a_huge_source_is_refused_or_found_quickly():
    import time

    # Each would take hours if every place of the quote (or every vote of its words) were tried.
    for quote, source in [("a " * 10_000, "a " * 500_000),
                          ("b " + "ab " * 10_000, "ab " * 350_000),
                          ("b", "ab " * 350_000),
                          ("a ... " * 2_000 + "b", "a " * 500_000)]:
        began = time.perf_counter()
        locate_quote(quote, source)
        closest_passage(quote, source)
        assert time.perf_counter() - began < 10, quote[:20]


def test_closest_passage_of_a_very_long_quote_says_only_its_start_was_compared():
    near = closest_passage("a " * 405, "a " * 1_000)
    assert near.differences == ("its first 400 words are there; the rest was not compared",)


@pytest.mark.parametrize("mark", ["\u0301", "\u0903", "\u20dd"])  # Mn, Mc, Me
def test_a_part_never_separates_a_mark_from_the_punctuation_it_sits_on(mark):
    source = f'he said "{mark}never" and (left{mark}) then'
    assert locate_quote('he said "', source) is None
    assert locate_quote(f"{mark}) then", source) is None
    assert exact(f'he said "{mark}never"', source) == f'he said "{mark}never"'


def test_an_apostrophe_at_either_end_of_the_text_joins_nothing():
    assert exact("tis the season", "'tis the season") == "tis the season"
    assert exact("they said 'no", "they said 'no'") == "they said 'no"
    assert exact("said 'no'", "they said 'no'") == "said 'no'"


def test_a_backtick_is_an_apostrophe():
    assert exact("they don`t go", "they don\u2019t go") == "they don\u2019t go"
    assert exact("they don't go", "they don`t go") == "they don`t go"


def test_text_already_in_nfc_gets_no_cluster_map():
    from site_builder.content.normal_text import normalize

    assert normalize("caf\u00e9 cr\u00e8me \uD55C").clusters is None
    assert normalize("plain ascii").clusters is None


def test_only_the_clusters_nfc_changes_are_in_the_map():
    from site_builder.content.normal_text import normalize

    norm = normalize("caf\u00e9 cafe\u0301 x\u0301 \u2126 \ufb2c!")
    assert norm.text == "caf\u00e9 caf\u00e9 x\u0301 \u03a9 \u05e9\u05bc\u05c1!"
    # (NFC offsets, original offsets) at both ends of each changed cluster: e + mark, ohm, U+FB2C
    assert norm.clusters == ((0, 8, 9, 13, 14, 15, 18), (0, 8, 10, 14, 15, 16, 17))
    assert norm.original(17) == 17  # inside the three characters U+FB2C became: its end at most
    assert norm.span(15, 18) == (16, 17) and norm.original(18) == 17


def test_an_elision_may_skip_800_characters():
    filler = "x" * 796
    assert locate_quote("one ... two", f"one {filler}xx two") is not None
    assert locate_quote("one ... two", f"one {filler}xxx two") is None


def test_selector_keeps_32_characters_either_side():
    text = "a" * 40 + " quoted words " + "b" * 40
    sel = selector_for(locate_quote("quoted words", text), text, 1)
    assert sel.prefix == "a" * 31 + " " and sel.suffix == " " + "b" * 31


def test_a_quote_of_eight_words_is_one_text_fragment():
    text = "one two three four five six seven eight nine"
    sel = selector_for(locate_quote("one two three four five six seven eight", text), text, 1)
    assert sel.fragment == "#:~:text=one%20two%20three%20four%20five%20six%20seven%20eight"
    sel = selector_for(locate_quote("one two ... seven eight", text), text, 1)
    assert sel.fragment == "#:~:text=one%20two,seven%20eight"


CLOSE = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu."


@pytest.mark.parametrize("quote, passage, differences", [
    ("beta gamma DELTA epsilon", "beta gamma delta epsilon", ('the quote has "DELTA" where the source has "delta"',)),
    ("beta gamma extra delta", "beta gamma delta", ('the source does not have "extra"',)),
    ("beta gamma epsilon zeta", "beta gamma delta epsilon zeta", ('the quote leaves out "delta"',)),
    ("beta gamma epsilon zeta eta theta", "beta gamma delta epsilon zeta eta theta", ('the quote leaves out "delta"',)),
    ("nu beta gamma", "Alpha beta gamma", ('the quote has "nu" where the source has "Alpha"',)),
    ("gamma delta z1", "gamma delta epsilon", ('the quote has "z1" where the source has "epsilon"',)),
    ("z0 z1 delta epsilon", "beta gamma delta epsilon", ('the quote has "z0 z1" where the source has "beta gamma"',)),
])
def test_closest_passage_names_each_kind_of_difference(quote, passage, differences):
    near = closest_passage(quote, CLOSE)
    assert CLOSE[near.start:near.end] == passage
    assert near.differences == differences


def test_closest_passage_reports_at_most_four_differences():
    near = closest_passage("Alpha X1 gamma X2 epsilon X3 eta X4 iota X5 kappa", CLOSE)
    assert near.differences == ('the quote has "X1" where the source has "beta"',
                                'the quote has "X2" where the source has "delta"',
                                'the quote has "X3" where the source has "zeta"',
                                'the quote has "X4" where the source has "theta"')


def test_closest_passage_counts_every_word_of_the_quote_when_no_word_is_rare():
    source = "alpha zeta beta gamma eta alpha beta zeta gamma then alpha beta gamma"
    near = closest_passage("alpha beta gamma", source)
    assert (near.start, near.end) == (len(source) - len("alpha beta gamma"), len(source))


def test_closest_passage_places_a_quote_by_its_rarer_words():
    source = "the the the the Kremlin said the talks " + "the " * 300 + "ended"
    near = closest_passage("the Kremlin said the talks", source)
    assert source[near.start:near.end] == "the Kremlin said the talks"


PLAIN_FORMS = {'"': "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", "'": "\u2018\u2019\u201a\u201b\u2032`",
               "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}


@pytest.mark.parametrize("plain, variant", [(p, v) for p, vs in PLAIN_FORMS.items() for v in vs])
def test_every_quote_mark_and_dash_variant_reads_as_its_plain_form(plain, variant):
    source = f"he said {variant}yes{variant} twice"
    assert exact(f"said {plain}yes{plain} twice", source) == source[3:]


def test_the_variants_are_all_that_fold():
    from site_builder.content.normal_text import _FOLD

    assert {chr(c) for c in _FOLD} == set("".join(PLAIN_FORMS.values()))


def test_a_quote_starting_one_character_into_a_word_is_refused():
    assert locate_quote("ab c", "xab c") is None
    assert locate_quote("b c", "ab c") is None


def test_a_part_overlapping_its_own_first_place_is_tried_again():
    # The first "na na" is too far from "y"; the one starting two words on (overlapping it) is not.
    source = "x na na na " + "z" * 796 + " y"
    assert locate_quote("x ... na na ... y", source) == ((0, 1), (5, 10), (len(source) - 1, len(source)))


def test_a_quote_of_many_elisions_over_repeated_words_is_found():
    assert locate_quote("a ... a ... a ... a ... b", "a " * 1000 + "b") is not None


@pytest.mark.parametrize("text", [
    "he said e\u0316\u0301 then",  # a mark that composes with nothing, before one that does
    "\u0f40\u0f74\u0f73 and \u0f40\u0f73",  # a Tibetan vowel sign that is a starter but splits into marks
    "x\u0344 y",  # a mark that NFC splits in two
])
def test_marks_are_reordered_and_composed_as_nfc_does(text):
    import unicodedata

    from site_builder.content.normal_text import normalize

    norm = normalize(text)
    assert norm.clusters is not None and norm.text == " ".join(unicodedata.normalize("NFC", text).split())
    assert norm.span(0, len(norm.text)) == (0, len(text.rstrip()))


def test_every_character_nfc_composes_maps_back_from_its_decomposed_form():
    import unicodedata

    from site_builder.content.normal_text import fold, normalize

    chars = [chr(c) for c in range(0x30000) if unicodedata.decomposition(chr(c))[:1] not in ("", "<")
             and not unicodedata.normalize("NFC", chr(c)).isspace()]
    chars += [chr(c) for c in range(0xAC00, 0xD7A4)]  # Hangul syllables decompose by rule, not by table
    tokens = [unicodedata.normalize("NFD", c) for c in chars]
    text = " ".join(tokens)
    norm = normalize(text)
    assert norm.clusters is not None
    assert norm.text == fold(" ".join(unicodedata.normalize("NFC", t) for t in tokens))  # U+1FEF is a backtick
    at, start = 0, 0
    for token in tokens:
        length = len(unicodedata.normalize("NFC", token))
        assert norm.span(at, at + length) == (start, start + len(token)), token
        at, start = at + length + 1, start + len(token) + 1


@pytest.mark.parametrize("quote, source", [
    ("Arc said", "d'Arc said"), ("said l", "they said l'a"), ("Qu", "dijo Qu'est"),
])
def test_an_apostrophe_one_character_from_either_end_still_joins(quote, source):
    assert locate_quote(quote, source) is None


@pytest.mark.parametrize("quote, source", [
    ("tis the season", "he said 'tis the season"), ("they said", "they said' and"),
    ("Qu\u00e9 pasa?", "Dijo: \u00bfQu\u00e9 pasa?"), ("5 each", "costs \u20ac5 each"),
])
def test_punctuation_beside_a_word_is_a_word_edge(quote, source):
    assert exact(quote, source) == quote


@pytest.mark.parametrize("quote, source, passage, differences", [
    ("gamma delta z1", "Alpha beta gamma delta epsilon zeta", "gamma delta epsilon",
     ('the quote has "z1" where the source has "epsilon"',)),
    ("z1 delta epsilon", "beta gamma delta epsilon zeta eta theta", "gamma delta epsilon",
     ('the quote has "z1" where the source has "gamma"',)),
    # What an elision skips is no difference.
    ("beta gamma ... zeta eta", CLOSE, "beta gamma delta epsilon zeta eta", ()),
])
def test_closest_passage_gives_a_replaced_end_as_many_words_as_the_quote(quote, source, passage, differences):
    near = closest_passage(quote, source)
    assert (source[near.start:near.end], near.differences) == (passage, differences)


def test_closest_passage_of_a_400_word_quote_compares_all_of_it():
    assert closest_passage("a " * 400, "a " * 1_000).differences == ()


# Numbers: a part may not start or end inside a number, and a number's sign, separators and the
# spaces typeset inside it are part of it.

@pytest.mark.parametrize("quote, source", [
    ("3.5 percent, the minister said", "Growth was -3.5 percent, the minister said."),
    ("3.5 percent", "Growth was \u22123.5 percent"),
    ("3.5 percent", "Growth was \u20133.5 percent"),
    ("3.5 percent", "Growth was \ufe633.5 percent"),
    ("3.5 percent", "Growth was \uff0d3.5 percent"),
    ("3.5 percent", "Growth was (\u22123.5 percent)"),
    ("12%", "Shares rose +12%"),
    ("$3 million", "a loss of -$3 million"),
    (".5 percent", "a change of -.5 percent"),
    ("Growth was -", "Growth was -3.5 percent"), ("3.5 percent", "-3.5 percent"),
])
def test_a_sign_directly_before_a_digit_is_part_of_the_number(quote, source):
    assert locate_quote(quote, source) is None


@pytest.mark.parametrize("quote, source", [
    ("\u22123.5 percent", "Growth was \u22123.5 percent"), ("+12%", "Shares rose +12%"),
    ("3 people came", "and then \u20143 people came"), ("3 points", "a score - 3 points"),
    ("3 is five", "the sum 2+3 is five"),
])
def test_a_signed_number_quoted_whole_or_a_dash_that_is_no_sign_verifies(quote, source):
    assert exact(quote, source) == quote


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u2007", "\u202f\u00a0"])
@pytest.mark.parametrize("quote", ["500 votes", "He got 1"])
def test_a_no_break_or_thin_space_between_digits_makes_one_number(space, quote):
    assert locate_quote(quote, f"He got 1{space}500 votes") is None
    assert locate_quote("got 1 500 votes", f"He got 1{space}500 votes") is not None


@pytest.mark.parametrize("source", ["in 2025 500 people", "in 2025\n500 people", "in 2025\u00a0 500 people"])
def test_an_ordinary_space_or_line_break_between_digits_separates_two_numbers(source):
    assert exact("500 people", source) == "500 people"
    assert locate_quote("in 2025", source) is not None


@pytest.mark.parametrize("quote, source", [
    ("4 of the troops left", "About 3/4 of the troops left"), ("About 3", "About 3/4 of the troops left"),
    ("30 pm", "at 10:30 pm"), ("at 10", "at 10:30 pm"), ("\u0665\u0660\u0660", "\u0661\u066c\u0665\u0660\u0660"),
    ("\u0665", "\u0663\u066b\u0665"), ("4 of", "3\u20444 of"), ("4 of", "3\u22154 of"),
    ("5 percent", "3\u00b75 percent"),
    ("\uff15\uff10\uff10", "\uff11\uff0c\uff15\uff10\uff10"), ("\uff15", "\uff13\uff0e\uff15"),
    ("\uff13\uff10", "\uff11\uff10\uff1a\uff13\uff10"), ("\uff14", "\uff13\uff0f\uff14"),
])
def test_a_slash_colon_or_decimal_separator_between_digits_makes_one_number(quote, source):
    assert locate_quote(quote, source) is None


def test_a_slash_or_colon_between_words_is_a_word_edge():
    assert exact("or not", "and/or not") == "or not"
    assert exact("Note", "Note: 3/4 of them") == "Note"


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\u301c", "\uff5e"])
@pytest.mark.parametrize("quote, source", [
    ("2025 season", "the 2024{}2025 season"), ("the 2024", "the 2024{}2025 season"), ("19 cases", "COVID{}19 cases"),
])
def test_a_dash_between_a_word_and_a_digit_joins_a_range_or_a_name(dash, quote, source):
    assert locate_quote(quote, source.format(dash)) is None
    assert locate_quote(source.format(dash), source.format(dash)) is not None


@pytest.mark.parametrize("hyphen", list(_HYPHENS))
@pytest.mark.parametrize("quote", ["violent protest", "said non"])
def test_every_hyphen_joins_the_words_either_side(hyphen, quote):
    assert locate_quote(quote, f"they said non{hyphen}violent protest") is None
    assert locate_quote(f"said non{hyphen}violent", f"they said non{hyphen}violent protest") is not None


def test_the_hyphens_are_those_of_unicode_dash_punctuation_and_the_hyphenation_point():
    dashes = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd"}
    hyphens = {d for d in dashes if "HYPHEN" in unicodedata.name(d) or "MAQAF" in unicodedata.name(d)}
    assert set(_HYPHENS) == hyphens | {"\u2027"}
