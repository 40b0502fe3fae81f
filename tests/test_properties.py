"""Properties that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.content.dates import parse_partial_date

from site_builder.model.dates import MONTHS, PartialDate
from site_builder.content.excerpts import locate_quote, selector_for
from site_builder.content.normal_text import fold
from site_builder.content.fields import EVENT_FIELDS, read_record
from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Report

REPO = Path(__file__).resolve().parent.parent
SOURCES = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
           for p in sorted((REPO / "content/sources").glob("*.md"))]

yaml_like = st.text(alphabet=st.sampled_from(list("abc:- \n\t'\"[]{}&*!|>#%@`,?~0123456789.\\\u00e9\u2019")),
                    max_size=200)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(yaml_like, st.text(max_size=200)))
def test_arbitrary_yaml_text_never_raises_only_reports(text):
    report = Report()
    node = parse_yaml(text, "case.yaml", report)
    read_record(node, EVENT_FIELDS, report, "the event")
    for d in report.errors:
        assert d.line >= 1 and d.column >= 1 and d.message


@st.composite
def cut_from_source(draw):
    """A stretch of an archived text starting and ending at white space, so no word is cut."""
    text = draw(st.sampled_from(SOURCES))
    edges = [0] + [m.end() for m in re.finditer(r"\s+", text)]
    i = draw(st.integers(0, len(edges) - 2))
    j = draw(st.integers(i + 1, min(len(edges) - 1, i + 60)))
    quote = text[edges[i]:edges[j]].strip()
    return text, quote


@settings(max_examples=300, deadline=None)
@given(cut_from_source())
def test_any_cut_from_a_source_verifies_and_its_fragment_round_trips(case):
    text, quote = case
    if not re.search(r"[^\W_]", quote) or re.search(r"\.\.\.|\u2026", quote):
        return  # a quote without a letter or digit proves nothing; elision marks mean something else
    spans = locate_quote(quote, text)
    assert spans is not None, quote
    selector = selector_for(spans, text, 1)
    assert fold(selector.exact) == fold(quote)
    directive = selector.fragment.removeprefix("#:~:text=")
    pieces = [unquote(p) for p in directive.split(",")]
    assert all(p.strip() for p in pieces)
    folded_exact = fold(selector.exact)
    assert folded_exact.startswith(fold(pieces[0])) and folded_exact.endswith(fold(pieces[-1]))


@st.composite
def partial_dates(draw):
    year = draw(st.integers(1900, 2100))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, PartialDate(year, month).last_day().day)))


@given(partial_dates())
def test_partial_dates_round_trip_through_their_iso_form(date):
    assert parse_partial_date(date.iso()) == date
    shown = date.format()
    assert str(date.year) in shown
    if date.month:
        assert MONTHS[date.month - 1] in shown
    else:
        assert not any(month in shown for month in MONTHS)


RANK = {"day": 0, "month": 1, "year": 2}


@given(st.lists(partial_dates(), min_size=2, max_size=30))
def test_partial_dates_sort_by_the_end_of_their_period_then_precision(dates):
    by_rule = sorted(dates, key=lambda d: (d.last_day(), RANK[d.precision]))
    assert sorted(dates, key=PartialDate.sort_key) == by_rule
