"""A new Site given the indexes of the one before it (preview/indexes.py) reads exactly as a
Site that works them out from scratch, whatever the edit."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from site_builder.content.load import load_site
from site_builder.model import Site
from site_builder.preview.indexes import CARRY_LIMIT, carry_indexes

INDEXES = ("events_by_id", "sources_by_id", "lanes_by_id", "excerpts_by_source", "tags", "actors",
           "periods", "excerpt_count")


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Site:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate_site import generate

    site = load_site(generate(tmp_path_factory.mktemp("carry") / "site", 400, 20))
    for name in INDEXES:
        getattr(site, name)  # worked out, as the last rebuild's pages did
    return site


def edited(previous: Site, changes: dict[int, dict]) -> Site:
    events = list(previous.events)
    for n, fields in changes.items():
        events[n] = dataclasses.replace(events[n], **fields)
    return Site(previous.config, tuple(sorted(events, key=lambda e: e.sort_key())), previous.sources)


def carried(previous: Site, site: Site) -> set[str]:
    carry_indexes(site, previous)
    return {name for name in INDEXES if name in site.__dict__}


def assert_as_from_scratch(site: Site) -> None:
    fresh = Site(site.config, site.events, site.sources)
    for name in INDEXES:
        assert getattr(site, name) == getattr(fresh, name), name
    assert list(site.excerpts_by_source) == list(fresh.excerpts_by_source)  # the same order of sources


def test_a_title_edit_carries_every_index(previous):
    site = edited(previous, {200: {"title": "Edited"}})
    assert carried(previous, site) == set(INDEXES)
    assert_as_from_scratch(site)
    assert site.events_by_id[site.events[200].id].title == "Edited"
    assert site.periods is not previous.periods  # the group holding the event is made again


def test_a_tag_edit_leaves_the_tags_to_be_worked_out_again(previous):
    site = edited(previous, {10: {"tags": ("a-brand-new-tag",)}, 11: {"actors": ("Somebody New",)}})
    assert not {"tags", "actors"} & carried(previous, site)
    assert_as_from_scratch(site)
    assert ("a-brand-new-tag", "a-brand-new-tag") in site.tags


def test_removed_and_added_excerpts_are_patched_into_their_sources_lists(previous):
    with_two = next(n for n, e in enumerate(previous.events) if len(e.excerpts) >= 2)
    other = next(n for n, e in enumerate(previous.events) if n != with_two and e.excerpts)
    moved = dataclasses.replace(previous.events[with_two].excerpts[0], event_id=previous.events[other].id,
                                number=len(previous.events[other].excerpts) + 1)
    site = edited(previous, {with_two: {"excerpts": previous.events[with_two].excerpts[1:]},
                             other: {"excerpts": (*previous.events[other].excerpts, moved)}})
    assert "excerpts_by_source" in carried(previous, site)
    assert_as_from_scratch(site)


def test_an_event_given_another_month_in_its_place_regroups_the_periods(previous):
    later = previous.events[-5].when
    assert (later.start.year, later.start.month) != (previous.events[5].when.start.year,
                                                     previous.events[5].when.start.month)
    events = list(previous.events)
    events[5] = dataclasses.replace(events[5], when=later)  # left where it was: only its month differs
    site = Site(previous.config, tuple(events), previous.sources)
    assert carried(previous, site) == set(INDEXES) - {"periods"}
    assert_as_from_scratch(site)


def test_an_event_moved_in_the_order_leaves_every_index_to_the_properties(previous):
    site = edited(previous, {5: {"when": previous.events[-5].when}})
    assert carried(previous, site) == set()
    assert_as_from_scratch(site)


def test_an_added_event_or_many_edits_leave_every_index_to_the_properties(previous):
    added = Site(previous.config, previous.events[:-1], previous.sources)
    assert carried(previous, added) == set()
    many = edited(previous, {n: {"title": f"Edited {n}"} for n in range(CARRY_LIMIT + 1)})
    assert carried(previous, many) == set()
    assert_as_from_scratch(many)


def test_only_what_the_previous_site_worked_out_is_carried(previous):
    untouched = Site(previous.config, previous.events, previous.sources)
    site = Site(previous.config, previous.events, previous.sources)
    assert carried(untouched, site) == set()
