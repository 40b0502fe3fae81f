"""A ` #1` after a plain value starts a YAML comment and cuts the value short: refused, with the
quoted value as the fix. Any other comment after a value is legit YAML and left alone."""

from __future__ import annotations

import pytest

from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Report


def errors(text: str) -> list[str]:
    report = Report()
    parse_yaml(text, "e.yaml", report)
    return [f"{e.line}:{e.column} {e.message} | {e.hint}" for e in report.errors]


def test_a_number_sign_after_a_plain_title_is_refused_at_the_hash_with_the_quoted_value():
    assert errors("lane: main\ntitle: Putin #1\n") == [
        "2:14 `#1` starts a YAML comment here: the value stops at 'Putin' | "
        'if it belongs to the value, put the whole value in quotes: "Putin #1"']


@pytest.mark.parametrize("text", ["quote: He was ranked #1 in polls\n", "actors:\n  - Putin #2\n",
                                  "summary: a\n  b #3 c\n"])
def test_a_number_sign_anywhere_a_plain_value_ends_is_refused(text):
    assert len(errors(text)) == 1 and "starts a YAML comment" in errors(text)[0]


@pytest.mark.parametrize("text", ["lane: russia-us  # the main lane\n", "lane: main # 1st\n", "place: Kyiv #note\n",
                                  'title: "Putin #1"\n', "title: 'Putin #1'\n", "summary: >\n  ranked #1 here\n",
                                  "# 1 a comment line\ntitle: x\n", "title: Putin#1\n"])
def test_comments_and_quoted_or_block_values_are_left_alone(text):
    assert errors(text) == []


def test_an_event_file_with_an_unquoted_number_sign_fails_check(site):
    site.event("2025-08-15-talks", "title: Talks #1\ndate: 2025-08-15\nlane: main\nsummary: x\ndraft: true\n")
    result = site.cli("check")
    assert result.returncode == 1 and "2025-08-15-talks.yaml:1:14: error: `#1` starts a YAML comment" in result.stderr
