"""Incremental rebuilds: only what an edit affects is redone, and the result equals a full build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.build import Options, render
from site_builder.errors import ContentError
from site_builder.preview.session import Session

from .conftest import EVENT_YAML


def full_build(root) -> dict[str, bytes]:
    return render(Options(root=root))[1]


def touch_later(path) -> None:
    """A save on a file system with coarse timestamps still counts: move mtime on explicitly."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def session(real_site):
    s = Session(real_site.root)
    s.rebuild()
    return s


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    touch_later(path)


def test_first_rebuild_equals_the_full_build(real_site):
    generation = Session(real_site.root).rebuild()
    assert generation.files == full_build(real_site.root)


def test_a_rebuild_with_nothing_changed_reads_and_renders_nothing(session):
    generation = session.rebuild()
    assert (generation.parsed, generation.verified) == (0, 0)
    assert generation.stats.pages_rendered == 0 and generation.stats.renderers_run == 0


def test_editing_one_event_renders_its_page_its_neighbours_and_the_lists_not_every_page(session, real_site):
    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(path, "title: ", "title: Edited ")
    generation = session.rebuild({path})
    assert (generation.parsed, generation.verified) == (1, 1)
    total = sum(1 for p in generation.files if p.endswith(".html"))
    assert 0 < generation.stats.pages_rendered < total / 2
    assert generation.stats.pages_reused > 0
    assert generation.files == full_build(real_site.root)


def test_pages_that_do_not_show_the_edited_event_are_not_rendered_again(session, real_site):
    path = real_site.root / "content/events/2025-06-istanbul-direct-talks.yaml"
    edit(path, "summary: ", "summary: Edited. ")
    generation = session.rebuild({path})
    rendered = set(generation.stats.rendered)
    assert {"index.html", "events/2025-06-istanbul-direct-talks/index.html"} <= rendered
    ids = [e.id for e in generation.site.events]
    next_event = generation.site.events[ids.index("2025-06-istanbul-direct-talks") + 1]
    assert f"events/{next_event.id}/index.html" in rendered  # its pager names the edited event
    # Not a neighbour, not related, cites no source the edited event cites:
    assert "events/2025-09-01-putin-sco-blames-west/index.html" not in rendered
    assert "sources/index.html" not in rendered
    assert generation.files == full_build(real_site.root)


def test_editing_a_source_reverifies_only_the_events_that_cite_it(session, real_site):
    path = real_site.root / "content/sources/tass-2025-08-16-putin-alaska-takeaways.md"
    edit(path, "TASS has gathered", "TASS has  gathered")
    generation = session.rebuild({path})
    citing = {e.id for e in generation.site.events
              if any(x.source_id == "tass-2025-08-16-putin-alaska-takeaways" for x in e.excerpts)}
    assert 0 < generation.verified == len(citing) < len(generation.site.events)
    assert generation.parsed == 1 + len(citing)  # the source, and the files of the events built again
    assert generation.files == full_build(real_site.root)


def test_editing_a_template_rerenders_only_the_pages_that_use_it(session, real_site):
    path = real_site.root / "themes/default/templates/source.html"
    edit(path, '<p class="kicker">{{ _("Archived source") }}</p>', '<p class="kicker">Archived copy</p>')
    generation = session.rebuild({path})
    sources = len(generation.site.sources)
    assert generation.stats.pages_rendered == sources
    assert generation.files == full_build(real_site.root)


def test_editing_site_yaml_rerenders_everything(session, real_site):
    path = real_site.root / "site.yaml"
    edit(path, 'title: "Ukraine war diplomacy, 2025"', 'title: "Diplomacy, 2025"')
    generation = session.rebuild({path})
    assert generation.stats.pages_reused == 0
    assert generation.files == full_build(real_site.root)


def test_a_failed_rebuild_raises_and_the_next_good_one_matches_a_full_build(session, real_site):
    path = real_site.root / "content/events/2025-08-15-anchorage-summit.yaml"
    original = path.read_text()
    edit(path, "date: 2025-08-15", "date: 2025-13-15")
    with pytest.raises(ContentError) as raised:
        session.rebuild({path})
    assert any(d.path.endswith("2025-08-15-anchorage-summit.yaml") and d.line == 2 for d in raised.value.diagnostics)
    path.write_text(original.replace("lasted over three hours.", "lasted over three hours."))
    touch_later(path)
    assert session.rebuild({path}).files == full_build(real_site.root)


def test_adding_and_removing_an_event_adds_and_removes_its_page(site):
    session = Session(site.root)
    session.rebuild()
    added = site.event("2025-08-20-more-talks", EVENT_YAML.replace("Talks in Anchorage", "More talks"))
    generation = session.rebuild({added})
    assert "events/2025-08-20-more-talks/index.html" in generation.files
    assert generation.files == full_build(site.root)
    added.unlink()
    generation = session.rebuild({added})
    assert "events/2025-08-20-more-talks/index.html" not in generation.files
    assert generation.files == full_build(site.root)


def test_after_an_edit_the_whole_site_files_are_made_when_asked_for_and_equal_a_full_build(session, real_site):
    from site_builder.preview.on_request import ON_REQUEST, LazyFile

    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(path, "title: ", "title: Edited ")
    generation = session.rebuild({path})
    lazy = {p for p, data in generation.outputs.items() if isinstance(data, LazyFile)}
    assert {"events.ics", "events.json", "events.csv", "timeline.json", "feed.xml", "sitemap.xml"} <= lazy
    # a small site: no data files
    assert generation.stats.renderers_on_request == len([n for n in ON_REQUEST if n != "timeline_data"])
    serving = generation.serving()
    assert b"Edited " in serving["events.ics"] and b"Edited " in serving["timeline.json"]
    assert generation.files == full_build(real_site.root)
    # unchanged since: the same deferred files, made once
    again = session.rebuild()
    assert again.outputs["events.ics"] is generation.outputs["events.ics"]


def test_a_template_edit_runs_the_whole_site_renderers_at_once_so_errors_show(session, real_site):
    path = real_site.root / "themes/default/templates/exports/event_text.html"
    edit(path, "<blockquote>", "<blockquote>{{ broken(")
    with pytest.raises(ContentError) as caught:
        session.rebuild({path})
    assert "event_text.html" in caught.value.diagnostics[0].path


def test_the_preview_serves_a_deferred_file_with_the_edit(session, real_site):
    from site_builder.preview.app import Preview, Snapshot

    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(path, "title: ", "title: Edited ")
    preview = Preview(real_site.root)
    preview.publish(Snapshot(session.rebuild({path}).serving()))
    answers = []
    body = b"".join(preview({"PATH_INFO": "/events.json", "QUERY_STRING": ""}, lambda s, h: answers.append(s)))
    assert answers == ["200 OK"] and b"Edited " in body


@pytest.fixture
def large_site(tmp_path):
    """A site listed by period (render/archive.py): 400 events, 20 sources."""
    import sys

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_site import generate

    return generate(tmp_path / "site", 400, 20)


def test_on_a_large_site_an_edit_renders_its_period_page_not_every_period_page(large_site):
    session = Session(large_site)
    first = session.rebuild()
    periods = [p for p in first.outputs if p.startswith("years/")]
    events = sorted((large_site / "content/events").glob("*.yaml"))
    path = events[len(events) // 2]
    edit(path, "title: ", "title: Edited ")
    generation = session.rebuild({path})
    rendered_periods = [p for p in generation.stats.rendered if p.startswith("years/")]
    assert len(rendered_periods) == 1 and len(periods) > 10
    assert b"Edited " in generation.files[rendered_periods[0]]
    assert generation.files == full_build(large_site)


def test_on_a_large_site_a_source_edit_reaches_every_card_that_quotes_it(large_site):
    session = Session(large_site)
    session.rebuild()
    source = sorted((large_site / "content/sources").glob("*"))[0]
    edit(source, "title: ", "title: Renamed ")
    generation = session.rebuild({source})
    assert generation.files == full_build(large_site)


def test_on_a_large_site_moving_an_event_to_another_month_updates_every_index_of_periods(large_site):
    session = Session(large_site)
    session.rebuild()
    events = sorted((large_site / "content/events").glob("*.yaml"))
    path = events[3]
    text = path.read_text()
    import re

    old = re.search(r"^date: (\S+)", text, re.M).group(1)
    path.write_text(text.replace(f"date: {old}", "date: 2031-01-15", 1))
    touch_later(path)
    generation = session.rebuild({path})
    assert generation.files == full_build(large_site)


def test_the_files_named_changed_are_read_again_and_the_others_taken_as_they_were(session, real_site):
    # The preview's watcher names every file that changed; the Session trusts it (no walk, no stat
    # of the 10,000 others on a big site). Without a list, every file's stat is checked.
    named = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    unnamed = real_site.root / "content/events/2025-06-istanbul-direct-talks.yaml"
    edit(named, "title: ", "title: Named ")
    edit(unnamed, "title: ", "title: Unnamed ")
    titles = {e.title for e in session.rebuild({named}).site.events}
    assert any(t.startswith("Named ") for t in titles) and not any(t.startswith("Unnamed ") for t in titles)
    generation = session.rebuild()
    assert any(e.title.startswith("Unnamed ") for e in generation.site.events)
    assert generation.files == full_build(real_site.root)


def test_named_changes_are_found_whatever_form_the_site_folder_is_given_in(real_site, monkeypatch):
    monkeypatch.chdir(real_site.root.parent)
    session = Session(Path(real_site.root.name))  # relative, as `serve -C site` gives it
    session.rebuild()
    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    relative = Path(real_site.root.name) / "content/events/2025-09-01-putin-briefed-xi.yaml"
    for n, changed in enumerate(({path}, {relative})):
        edit(path, "title: ", f"title: Edit{n} ")
        generation = session.rebuild(changed)
        assert any(e.title.startswith(f"Edit{n} ") for e in generation.site.events), changed


@pytest.mark.parametrize("partial, old, new", [
    ("partials/site_header.html", "</header>", "<p>Edited header</p></header>"),  # shown through once()
    ("partials/excerpt.html", "<blockquote", "<blockquote data-edited"),  # shown in every card
])
def test_editing_a_partial_a_page_shows_by_calling_it_rerenders_that_page(session, real_site, partial, old, new):
    path = real_site.root / "themes/default/templates" / partial
    edit(path, old, new)
    generation = session.rebuild({path})
    assert "index.html" in generation.stats.rendered
    assert generation.files == full_build(real_site.root)
