"""A large site listed by period (site_builder/render/archive.py): which page lists each card, and
the filters' data files."""

from __future__ import annotations

import json
import sys

import pytest

from site_builder.content.load import load_site
from site_builder.render import archive
from site_builder.render.site import render_site
from site_builder.render.theme import Theme
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate_site import generate  # noqa: E402

EVENTS = 400  # over LARGE_SITE: listed by period


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    root = generate(tmp_path_factory.mktemp("archive") / "site", EVENTS, 20)
    return root, load_site(root)


def test_a_site_over_the_threshold_is_listed_by_period_and_a_smaller_one_is_not(large):
    _, site = large
    assert archive.LARGE_SITE < EVENTS
    assert archive.is_large(site)
    assert not archive.is_large(load_site(REPO))


def test_every_event_is_listed_on_exactly_one_page_in_chronological_order(large, monkeypatch):
    _, site = large
    monkeypatch.setattr(archive, "PAGE_EVENTS", 30)  # every year (about 36 events) month by month
    plan = archive.build_archive(site)
    listed = [e.id for page in plan.pages for _, _, events in page.groups for e in events]
    assert listed == [e.id for e in site.events]
    assert all(year.months for year in plan.years)
    for year in plan.years:  # a year's own page lists its year-only events, after its months
        assert all(e.when.start.precision == "year" for _, _, events in year.groups for e in events)
        assert [m.path for m in year.months] == sorted(m.path for m in year.months)
    # the home page lists the last month, not the last year's year-only events
    assert plan.latest is [p for p in plan.pages if not p.months][-1]
    assert len(plan.latest.key) == 7 and plan.latest.key.startswith(str(site.events[-1].when.start.year))


def test_the_index_has_one_row_per_event_and_the_text_the_same_order(large):
    _, site = large
    plan = archive.build_archive(site)
    index = json.loads(archive.index_data(site, plan, "/"))
    text = json.loads(archive.text_data(site))
    assert [row[0] for row in index["events"]] == [e.id for e in site.events]
    assert len(text) == len(site.events)
    event, row = site.events[7], index["events"][7]
    assert row[8] == event.title and index["pages"][row[6]][0] == "/" + plan.pages[plan.page_of[event.id]].path
    assert {index["tags"][n] for n in row[4]} == {t.lower() for t in event.tags}
    assert event.excerpts[0].selector.quoted[0].lower() in text[7]


def test_fold_matches_the_browsers_for_accents_quotes_dashes_and_spaces():
    assert archive.fold("Café “Zoë” — l’été\n  Ünïcode") == 'cafe "zoe" - l\'ete unicode'


def test_a_large_site_renders_the_same_bytes_twice(large):
    root, site = large
    theme = Theme.for_site(root, "default")
    first = render_site(site, theme)
    assert "years/2015/index.html" in first
    assert "data/timeline-index.json" in first and "data/timeline-text.json" in first
    assert first == render_site(load_site(root), theme)
