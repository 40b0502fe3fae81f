"""The YAML slips editors make get an error at the slip and a hint that says what to do."""

from __future__ import annotations

import pytest

from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Report

from .conftest import SITE_YAML


def slip(text: str, line_offset: int = 0):
    """The one error parse_yaml reports for text, as (line, column, hint)."""
    report = Report()
    assert parse_yaml(text, "event.yaml", report, line_offset) is None
    [error] = report.errors
    assert error.message.startswith("malformed YAML: ")
    return error.line, error.column, error.hint


def test_a_colon_in_an_unquoted_title_says_to_quote_it():
    assert slip("title: Talks: day two\ndate: 2025-08-15\n") == (
        1, 13, 'a colon followed by a space starts a new key; put the value in quotes: title: "Talks: day two"')


@pytest.mark.parametrize("line, quoted", [
    ("summary: The talks: a summary", 'summary: "The talks: a summary"'),
    ("place: Anchorage: Elmendorf base", 'place: "Anchorage: Elmendorf base"'),
])
def test_a_colon_in_any_plain_value_shows_the_line_quoted(line, quoted):
    assert slip(f"title: Talks\n{line}\n")[2].endswith(f"put the value in quotes: {quoted}")


def test_a_colon_in_an_excerpts_quote_shows_the_quote_line_quoted():
    text = "title: Talks\nexcerpts:\n  - source: wire\n    quote: He said: yes\n"
    assert slip(text) == (4, 19, 'a colon followed by a space starts a new key; '
                                 'put the value in quotes: quote: "He said: yes"')


def test_a_value_holding_double_quotes_is_shown_in_single_quotes():
    assert slip('title: He said "no": twice\n')[2].endswith("""title: 'He said "no": twice'""")


def test_a_colon_in_the_site_title_is_located_in_site_yaml():
    text = SITE_YAML.replace("title: Test timeline", "title: Timeline: Alaska")
    assert slip(text) == (1, 16, 'a colon followed by a space starts a new key; '
                                 'put the value in quotes: title: "Timeline: Alaska"')


def test_a_colon_in_front_matter_is_located_in_the_source_file():
    line, column, hint = slip("title: Wire: the report\npublisher: Wire\n", line_offset=1)
    assert (line, column) == (2, 12)
    assert hint.endswith('title: "Wire: the report"')


def test_a_colon_in_a_value_with_a_comment_gives_the_general_advice():
    assert slip("title: Talks: day two # draft\n")[2] == (
        "a colon followed by a space starts a new key; put the whole value in quotes")


def test_a_colon_on_a_continued_line_does_not_guess_which_it_is():
    line, column, hint = slip("title: Talks\nsummary: The talks went on\n  and on: then stopped\n")
    assert (line, column) == (3, 9)
    assert "if this line goes on with the value above, put that whole value in quotes" in hint
    assert "check the indentation of this line and the one above" in hint


@pytest.mark.parametrize("indent", ["  ", " "])
def test_a_key_indented_under_a_value_says_to_line_it_up(indent):
    assert slip(f"title: Talks\n{indent}date: 2025-08-15\n") == (
        2, len(indent) + 1,
        "`date` is indented under `title`, which already has a value; if `date` is a field, line it up with "
        "`title`, at the left margin; if this line goes on with the value of `title`, put that whole value in quotes")


def test_an_excerpt_key_indented_too_far_names_the_key_it_belongs_beside():
    text = "title: Talks\nexcerpts:\n  - source: wire\n      quote: x\n"
    assert slip(text) == (4, 7, "`quote` is indented under `source`, which already has a value; if `quote` is a "
                                "field, line it up with `source`, 4 spaces in; if this line goes on with the value "
                                "of `source`, put that whole value in quotes")


def test_a_wrapped_value_that_looks_like_a_key_is_not_told_to_become_one():
    """A value going on on the next line with `word:` in it: both readings are offered, never
    only the one that turns the words into an unknown field."""
    text = "title: Talks\nexcerpts:\n  - source: wire\n    quote: The plan was\n      simple: build it\n"
    hint = slip(text)[2]
    assert "if `simple` is a field" in hint and "put that whole value in quotes" in hint


def test_a_double_quoted_value_with_a_backslash_is_never_shown_closed_as_it_stands():
    """Closed as written, `"C:\\new` would read as a newline: the hint says how escapes work instead."""
    hint = slip('title: "C:\\new folder\\tmp\n')[2]
    assert "C:\\new folder\\tmp\"" not in hint and "starts an escape" in hint


def test_switching_quote_marks_is_not_offered_when_the_value_holds_escapes():
    hint = slip('title: "caf\\u00e9 "x""\n')[2]
    assert "quote it the other way" not in hint


def test_a_tab_before_a_hash_is_a_comment_the_quoted_fix_must_not_swallow():
    assert "put the value in quotes:" not in slip("title: a: b\t# c\n")[2]


@pytest.mark.parametrize("indent", ["  ", "   "])
def test_an_excerpts_quote_at_the_lists_indentation_belongs_to_the_excerpt_above(indent):
    text = f"title: Talks\nexcerpts:\n  - source: wire\n{indent}quote: x\n"
    assert slip(text) == (4, len(indent) + 1, "`quote` belongs to the item above: indent it like `source`, 4 spaces in")


def test_a_key_indented_like_no_key_above_names_both_neighbours():
    text = "title: Talks\nexcerpts:\n  - source: wire\n    quote: x\n date: 2025-08-15\n"
    assert slip(text) == (5, 2, "`date` is indented 1 space, like no key above it; line it up with `excerpts` "
                                "(at the left margin) or with `quote` (4 spaces in)")


@pytest.mark.parametrize("mark", ['"', "'"])
def test_an_unclosed_quote_is_located_where_it_opens(mark):
    assert slip(f"title: {mark}Talks\ndate: 2025-08-15\n") == (
        1, 8, f"the {mark} here is never closed, so YAML read on to the end of the file; "
              f"close it where the value ends: title: {mark}Talks{mark}")


def test_a_value_holding_its_own_quote_mark_says_to_quote_it_the_other_way():
    assert slip("title: 'Putin's talks'\ndate: 2025-08-15\n") == (
        1, 14, "the quoted value ends at this ', but text follows it; "
               """if the value holds a ', quote it the other way: title: "Putin's talks\"""")
    assert slip('title: Talks\nsummary: "He said "no" twice"\n')[2].endswith(
        """quote it the other way: summary: 'He said "no" twice'""")


def test_a_quote_that_closes_a_value_left_open_above_says_to_look_above():
    text = 'title: Talks\nplace: "Anchorage\ndate: 2025-08-15\nsummary: "The talks"\n'
    assert slip(text) == (4, 10, 'this " closes a quoted value that starts on a line above; '
                                 'look above for a " that is never closed')


def test_a_tag_without_a_dash_says_to_add_it():
    assert slip("title: Talks\ntags:\n  - talks\n  summit\n  - alaska\n") == (
        4, 3, "this looks like an item of the list above without its `-`; write it `- summit`")


def test_an_excerpt_without_a_dash_says_to_add_it():
    text = "title: Talks\nexcerpts:\n  - source: wire\n    quote: x\n  source: tass\n    quote: y\n"
    assert slip(text) == (5, 3, "`source` starts a new item but has no `-`: write `- source: tass`, "
                                "and indent the lines under it like the item above")


def test_a_line_that_is_no_key_gives_the_general_advice():
    line, column, hint = slip("title: Talks\nsummit\ndate: 2025-08-15\n")
    assert (line, column) == (2, 1)
    assert hint.startswith("this line is not `key: value`")


def test_a_tab_in_the_indentation_keeps_its_hint_where_the_tab_is():
    text = "title: Talks\nexcerpts:\n  - source: wire\n  \tquote: x\n"
    assert slip(text) == (4, 3, "YAML does not allow tabs for indentation; indent with spaces")


def test_a_tab_inside_a_value_is_not_blamed_for_a_colon():
    assert "put the value in quotes" in slip("title: Talks\tday: two\n")[2]



def test_a_list_at_the_margin_whose_next_item_lost_its_dash_says_so():
    """`excerpts:` then `- source:` at the left margin (PyYAML's own style): a next item written
    without `-` reads as a key of the event, and its indented `quote:` fails. The slip is the dash."""
    text = "title: Talks\nexcerpts:\n- source: wire\n  quote: x\nsource: tass\n  quote: y\n"
    assert slip(text) == (5, 1, "`source` looks like a new item of the list above without its `-`: "
                                "write `- source: tass`")
