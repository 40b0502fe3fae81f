"""The chart's axis: ticks for any span, never zero-padded or repeated; eras and start_at in site.yaml."""

from __future__ import annotations

import pytest

from site_builder.content.eras import read_eras, read_start_at
from site_builder.content.fields import SITE_FIELDS, read_record
from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Report
from site_builder.model.dates import PartialDate
from site_builder.render.chart_axis import DAY, fitting_ticks, range_buttons, ticks, year_fraction

SPANS = {
    "a week": (year_fraction(2025, 3, 3), year_fraction(2025, 3, 10)),
    "a year": (year_fraction(2025, 1, 1), year_fraction(2025, 12, 31)),
    "three years": (2024.2, 2027.1),
    "1,500 years": (560.0, 2060.0),
    "deep time": (-13.8e9, 2025.0),
}


@pytest.mark.parametrize("most", [4, 8])
@pytest.mark.parametrize("span", SPANS)
def test_ticks_are_unique_unpadded_and_few_enough(span, most):
    lo, hi = SPANS[span]
    found = ticks(lo, hi, most)
    labels = [t.label for t in found]
    assert 2 <= len(found) <= most + 1, labels
    assert len(set(labels)) == len(labels), labels
    assert not any(label.startswith("0") for label in labels), labels
    assert all(lo <= t.at <= hi for t in found)


def test_deep_time_ticks_read_as_years_ago():
    labels = [t.label for t in ticks(-13.8e9, 2025.0, 4)]
    assert labels == ["10 bn", "5 bn years ago"]  # the unit once, so that the labels fit a phone


def test_fitting_ticks_take_fewer_when_the_labels_would_touch():
    found = fitting_ticks(-13.8e9, 2025.0, 4, 230, 7)
    px = [(t.at + 13.8e9) / (13.8e9 + 2025) * 230 for t in found]
    assert len(found) >= 2
    assert all(px[n] + (len(t.label) + 2) * 7 <= px[n + 1] for n, t in enumerate(found[:-1]))
    assert len(ticks(-13.8e9, 2025.0, 8)) > len(fitting_ticks(-13.8e9, 2025.0, 8, 230, 7))


def test_years_before_one_read_bce():
    assert [t.label for t in ticks(-500.0, 700.0, 4)] == ["500 BCE", "1", "500"]


def test_range_buttons_fit_the_span():
    assert [label for _, label in range_buttons(13.8e9)][-1] == "1 billion years"
    assert "1 month" not in [label for _, label in range_buttons(13.8e9)]
    assert range_buttons(7 * DAY) == ()


def _config(text: str):
    report = Report()
    record = read_record(parse_yaml(text, "site.yaml", report), SITE_FIELDS, report, "site.yaml")
    return record, report


def test_an_era_ending_before_it_starts_is_located():
    record, report = _config("title: T\neras:\n  - label: Talks\n    start: 2025-07\n    end: 2025-05\n")
    assert read_eras(record, report) == ()
    (error,) = report.diagnostics
    assert (error.line, error.column) == (5, 10)
    assert "ends (2025-05) before it starts (2025-07)" in error.message


def test_eras_get_a_default_colour_and_hold_their_dates():
    record, report = _config("title: T\neras:\n  - label: Talks\n    start: 2025-05-16\n    end: 2025-07\n")
    (era,) = read_eras(record, report)
    assert era.color.startswith("#") and not report.diagnostics
    assert era.holds(PartialDate(2025, 7, 31)) and not era.holds(PartialDate(2025, 8))


def test_start_at_takes_latest_first_or_a_date():
    assert read_start_at(*_config("title: T\nstart_at: latest\n")) == "latest"
    assert read_start_at(*_config("title: T\nstart_at: 2025-06\n")) == PartialDate(2025, 6)
    record, report = _config("title: T\nstart_at: soon\n")
    assert read_start_at(record, report) == "first"
    assert report.diagnostics[0].line == 2
