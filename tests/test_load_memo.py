"""Loading the same site again through the preview's steps (CachedSteps.load) hands back the same
objects while nothing changed, and a fresh, correct site as soon as anything did."""

from __future__ import annotations

import os

import pytest

from site_builder.preview.load_steps import CachedSteps
from site_builder.content.load import content_files, load_site
from site_builder.errors import ContentError, Report

from .conftest import EVENT_YAML


def touch_later(path) -> None:
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def small(site):
    (site.root / "content/events/2025-08-15-talks.yaml").unlink()
    site.event("talks", EVENT_YAML)
    site.event("later", EVENT_YAML.replace("2025-08-15", "2025-08-16").replace("title: Talks", "title: Later talks"))
    return site


def test_nothing_changed_gives_the_very_same_site(small):
    steps = CachedSteps()
    first = steps.load(small.root)
    counts = dict(steps.counts)
    again = steps.load(small.root)
    assert again is first
    assert steps.counts == counts


def test_an_edit_gives_a_new_site_equal_to_a_plain_load(small):
    steps = CachedSteps()
    first = steps.load(small.root)
    path = small.root / "content/events/talks.yaml"
    path.write_text(EVENT_YAML.replace("title: Talks", "title: Edited talks"))
    touch_later(path)
    again = steps.load(small.root)
    assert again is not first and again == load_site(small.root)
    assert [e.title for e in again.events] == ["Edited talks in Anchorage", "Later talks in Anchorage"]
    assert again.events[1] is first.events[1]  # the other event was neither parsed nor verified again


def test_drafts_setting_and_site_yaml_are_part_of_the_same_site(small):
    steps = CachedSteps()
    first = steps.load(small.root)
    assert steps.load(small.root, include_drafts=True) is not first
    small.write("site.yaml", (small.root / "site.yaml").read_text().replace("Test timeline", "Renamed"))
    touch_later(small.root / "site.yaml")
    renamed = steps.load(small.root)
    assert renamed.config.title == "Renamed" and renamed.events == first.events


def test_a_new_file_a_deleted_file_and_a_changed_source_are_seen(small):
    steps = CachedSteps()
    first = steps.load(small.root)
    extra = small.event("extra", EVENT_YAML.replace("title: Talks", "title: Extra talks"))
    assert len(steps.load(small.root).events) == 3
    extra.unlink()
    assert steps.load(small.root) == first
    source = small.root / "content/sources/wire.md"
    source.write_text(source.read_text().replace("trustful and constructive", "tense"))
    touch_later(source)
    with pytest.raises(ContentError) as caught:
        steps.load(small.root)
    assert sorted(d.line for d in caught.value.diagnostics) == [9, 9]
    assert all("the quote is not in source 'wire'" in d.message for d in caught.value.diagnostics)


def test_errors_are_reported_again_on_every_load(small):
    steps = CachedSteps()
    small.event("bad", "title: [unclosed\n")
    for _ in range(2):
        with pytest.raises(ContentError) as caught:
            steps.load(small.root)
        assert [(os.path.basename(d.path), d.line) for d in caught.value.diagnostics] == [("bad.yaml", 2)]


def test_content_files_sorts_nested_folders_by_path_components(site):
    for name in ("a-b/x.yaml", "a/x.yaml", "a/y.yml", "b.yaml", ".hidden.yaml", "notes.txt"):
        site.write(f"content/events/{name}", "title: x\n")
    names = [p.relative_to(site.root / "content/events").as_posix()
             for p in content_files(site.root / "content/events", (".yaml", ".yml"), site.root, Report())]
    assert names == ["2025-08-15-talks.yaml", "a/x.yaml", "a/y.yml", "a-b/x.yaml", "b.yaml"]


def test_after_an_edit_the_events_are_in_the_order_a_plain_load_gives(small):
    steps = CachedSteps()
    first = steps.load(small.root)
    assert [e.id for e in first.events] == ["talks", "later"]
    talks = small.root / "content/events/talks.yaml"
    for edit in (("title: Talks", "title: Talks, retitled"),  # stays in its place: the last order kept
                 ("2025-08-15", "2025-08-17")):  # moves after "later": sorted again
        talks.write_text(talks.read_text().replace(*edit))
        touch_later(talks)
        again = steps.load(small.root)
        plain = load_site(small.root)
        assert again.events == plain.events
    assert [e.id for e in again.events] == ["later", "talks"]
