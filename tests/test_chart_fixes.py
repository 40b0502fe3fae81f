"""The chart's ticks run across the whole span shown, its buttons fit the span, deep ticks read as
round numbers of years ago, and a view opens on events, never on an empty padding."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.content.load import load_site
from site_builder.model.dates import PartialDate
from site_builder.render import chart_axis as axis
from site_builder.render.chart import build_chart
from site_builder.render.memo import Memo

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("most", [4, 8])
def test_ticks_reach_the_right_edge_of_a_few_months(most):
    lo, hi = axis.year_fraction(2025, 5, 30), axis.year_fraction(2025, 9, 3)
    found = axis.ticks(lo, hi, most)
    assert hi - found[-1].at < (hi - lo) / 4, [t.label for t in found]
    assert found[0].at - lo < (hi - lo) / 4
    assert len({t.label for t in found}) == len(found)


def test_two_week_ticks_fall_on_the_first_and_fifteenth():
    found = axis.ticks(axis.year_fraction(2025, 5, 30), axis.year_fraction(2025, 9, 3), 8)
    assert [t.label for t in found] == ["Jun 1, 2025", "Jun 15", "Jul 1", "Jul 15", "Aug 1", "Aug 15", "Sep 1"]


def test_buttons_of_a_four_month_span_offer_three_months():
    span = axis.year_fraction(2025, 9, 3) - axis.year_fraction(2025, 5, 30)
    labels = [label for _width, label in axis.range_buttons(span)]
    assert labels[-2:] == ["1 month", "3 months"]


def test_a_tick_of_a_billion_years_ago_sits_that_far_before_the_origin():
    found = axis.ticks(-13.8e9, 2025, 8)
    assert found
    billion = [t for t in axis.ticks(-3e9, 2025, 4) if t.label.startswith("1 bn")]
    assert billion and billion[0].at == axis.YEARS_AGO_FROM - 1e9
    assert all((axis.YEARS_AGO_FROM - t.at) % 1e9 == 0 for t in found)


def test_far_future_years_are_grouped_not_raw():
    assert axis.year_label(50_000_000) == "50,000,000"


def _deep_site(start_at):
    site = load_site(REPO)
    years = [-13_800_000_000, -66_000_000, -10_000, 1, 1492, 1914, 1969, 2000, 2025]
    events = tuple(replace(e, when=replace(e.when, start=PartialDate(years[n % len(years)]), end=None, ongoing=False))
                   for n, e in enumerate(site.events))
    return replace(site, events=events, config=replace(site.config, start_at=start_at))


def test_latest_on_deep_time_opens_on_the_last_events_not_the_padding():
    chart = build_chart(_deep_site("latest"), Memo())
    lo, hi = chart.view
    assert hi < 2100 and lo < 2000, chart.view


def test_start_at_after_every_event_still_shows_events():
    chart = build_chart(_deep_site(PartialDate(3000)), Memo())
    lo, hi = chart.view
    assert lo <= 2026 <= hi


def _config(text: str):
    from site_builder.content.fields import SITE_FIELDS, read_record
    from site_builder.content.yamlsafe import parse_yaml
    from site_builder.errors import Report

    report = Report()
    record = read_record(parse_yaml(text, "site.yaml", report), SITE_FIELDS, report, "site.yaml")
    return record, report


def test_an_era_may_end_at_present():
    from site_builder.content.eras import read_eras
    from site_builder.model.dates import build_date

    record, report = _config("title: T\neras:\n  - label: Now\n    start: 2020\n    end: present\n")
    eras = read_eras(record, report)
    today = build_date()
    assert not report and eras[0].end == PartialDate(today.year, today.month, today.day)


def test_the_chart_shows_quotation_marks_as_they_are_and_markup_as_text():
    """plotly decodes only a few entities: `&quot;` would show as it is (an attacker found it in the
    curated site's hover labels); < > & must stay escaped, since plotly reads a little HTML."""
    from site_builder.render.chart import figure

    site = load_site(REPO)
    event = next(e for e in site.events if '"' in e.title)
    bad = replace(event, title='He said "no" <b>twice</b> & left', short_title=None)
    site = replace(site, events=tuple(bad if e is event else e for e in site.events))
    shown = json.dumps(figure(build_chart(site, Memo()), Memo()))
    assert "&quot;" not in shown and "&#x27;" not in shown
    assert 'He said \\"no\\" &lt;b&gt;twice&lt;/b&gt; &amp; left' in shown
