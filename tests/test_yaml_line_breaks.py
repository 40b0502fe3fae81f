"""PyYAML also ends a line at NEL, U+2028 and U+2029: an error after one is still located at the
line and column an editor's text editor shows (which counts only line feeds)."""

from __future__ import annotations

import pytest

from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Report

SEPARATORS = ["\u2028", "\u2029", "\x85"]


def errors(text: str, line_offset: int = 0) -> list[str]:
    report = Report()
    parse_yaml(text, "e.yaml", report, line_offset)
    return [f"{e.line}:{e.column} {e.message}" for e in report.errors]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_a_located_value_after_a_separator_keeps_its_line(sep):
    report = Report()
    node = parse_yaml(f'title: "a{sep}b{sep}c"\nsummary: x\nlane: y\n', "e.yaml", report)
    assert not report and node.items["lane"][0].line == 3 and node.items["lane"][1].loc.column == 7


@pytest.mark.parametrize("sep", SEPARATORS)
def test_an_error_after_a_separator_is_at_its_line_and_column(sep):
    assert errors(f'title: "a{sep}b"\nsummary: x\nlane: &y y\n') == ["3:7 anchors (&y) are not allowed in content"]
    assert errors(f'title: "a{sep}b"\nlane: &y y\n', line_offset=1) == ["3:7 anchors (&y) are not allowed in content"]
    [malformed] = errors(f'title: "a{sep}b"\nsummary: x\nlane: [oops\n')
    assert malformed.startswith("4:1 malformed YAML"), malformed


@pytest.mark.parametrize("sep", SEPARATORS)
def test_a_slip_just_after_a_separator_is_on_the_same_line_of_the_file(sep):
    [malformed] = errors(f"summary: x\ntitle: a{sep}b\n")
    assert malformed.startswith("2:10 malformed YAML"), malformed


def test_an_event_file_with_a_line_separator_is_located_by_check(site):
    site.event("2025-08-15-talks", 'title: "Talks\u2028in Anchorage"\ndate: 2025-08-15\nlane: nowhere\n'
                                   "summary: x\nexcerpts: []\n")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:3:7" in result.stderr + result.stdout, result.stderr
