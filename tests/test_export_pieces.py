"""The whole-site exports' per-event pieces (render/pieces.py): the preview server makes only the
edited event's piece again, and a changed source, template or setting never serves a stale one."""

from __future__ import annotations

import os
from datetime import timedelta

import icalendar
import pytest

from site_builder.build import Options, render
from site_builder.content.load import load_site
from site_builder.preview.incremental import IncrementalRenderer, Session, SiteView
from site_builder.render import calendar, exports, feeds
from site_builder.render.calendar import events_ics, vevent_properties
from site_builder.render.pages import RenderContext
from site_builder.render.pieces import Pieces
from site_builder.render.site import static_outputs
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls
from tests.conftest import SOURCE_TEXT

TASS = "tass-2025-08-16-putin-alaska-takeaways"
SUMMIT = "2025-08-15-anchorage-summit"
EXPORTS = ("events.ics", "events.json", "events.csv", "timeline.json", "feed.xml", "sitemap.xml")
EVENT_PIECES = {"events.ics": calendar._VEVENTS, "events.json": exports._EVENT_RECORDS,
                "events.csv": exports._CSV_ROWS, "timeline.json": exports._SLIDES}


def full_build(root) -> dict[str, bytes]:
    return render(Options(root=root))[1]


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    st = os.stat(path)  # a coarse clock still sees a change
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def assert_exports_equal(files: dict[str, bytes], expected: dict[str, bytes]) -> None:
    for name in EXPORTS:
        assert files[name] == expected[name], name
    assert files == expected


@pytest.fixture
def session(real_site):
    # Every renderer run at each rebuild, as the memo is meant for (the preview server makes these
    # files only when asked for: incremental.DEFERRED, tested in test_serve_incremental.py).
    s = Session(real_site.root, renderer=IncrementalRenderer())
    s.rebuild()
    return s


def test_unchanged_events_keep_their_objects_across_rebuilds(session, real_site):
    before = session.rebuild().site
    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(path, "title: ", "title: Edited ")
    after = session.rebuild({path}).site
    for event in after.events:
        assert (event is before.events_by_id[event.id]) == (event.id != "2025-09-01-putin-briefed-xi"), event.id


def test_an_edit_makes_only_that_events_pieces_again(session, real_site):
    path = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(path, "title: ", "title: Edited ")
    generation = session.rebuild({path})
    for name, memo in EVENT_PIECES.items():
        assert memo.made == 1, name
        assert len(memo) == len(generation.site.events), name  # the replaced piece is gone
    assert exports._SOURCE_RECORDS.made == 0
    assert b"Edited " in generation.files["events.ics"]
    assert_exports_equal(generation.files, full_build(real_site.root))


def test_a_source_title_edit_reaches_the_calendar_and_json_of_the_events_citing_it(session, real_site):
    # First an edit elsewhere: the renderers run with every other piece kept, and must still have
    # recorded that they read the source (else the next edit would not run them at all).
    other = real_site.root / "content/events/2025-09-01-putin-briefed-xi.yaml"
    edit(other, "title: ", "title: Edited ")
    session.rebuild({other})
    path = real_site.root / f"content/sources/{TASS}.md"
    edit(path, "title: \"Key takeaways", "title: \"Main points")
    generation = session.rebuild({path})
    citing = {e.id for e in generation.site.events if any(x.source_id == TASS for x in e.excerpts)}
    assert 0 < len(citing) < len(generation.site.events)
    # The citing events were verified again (new objects); events.csv shows no source title: the
    # preview server does not even run its renderer.
    for name in ("events.ics", "events.json", "timeline.json"):
        assert EVENT_PIECES[name].made == len(citing), name
    assert exports._SOURCE_RECORDS.made == 1
    ics = icalendar.Calendar.from_ical(generation.files["events.ics"])
    events = {str(e["uid"]).split("@")[0]: e for e in ics.walk("VEVENT")}
    assert all(("Main points" in str(events[eid]["description"])) == (eid in citing) for eid in events)
    assert b"Key takeaways" not in generation.files["events.json"]
    assert b"Key takeaways" not in generation.files["timeline.json"]
    assert_exports_equal(generation.files, full_build(real_site.root))


def test_editing_the_event_text_template_changes_timeline_json(session, real_site):
    path = real_site.root / "themes/default/templates/exports/event_text.html"
    edit(path, "<blockquote>", '<blockquote class="quoted">')
    generation = session.rebuild({path})
    assert b'<blockquote class=\\"quoted\\">' in generation.files["timeline.json"]
    assert exports._SLIDES.made == len(generation.site.events)
    assert calendar._VEVENTS.made == 0  # the calendar renders no template
    assert_exports_equal(generation.files, full_build(real_site.root))


def test_a_lane_label_edit_reaches_every_piece_that_shows_it(session, real_site):
    path = real_site.root / "site.yaml"
    text = path.read_text()
    label = "Russia–US"
    assert f"label: {label}" in text or f'label: "{label}"' in text
    edit(path, label, "Russia and the US")
    generation = session.rebuild({path})
    for name in ("events.ics", "events.csv", "timeline.json", "feed.xml"):
        assert b"Russia and the US" in generation.files[name], name
    assert_exports_equal(generation.files, full_build(real_site.root))


def test_a_one_off_build_keeps_no_piece(real_site):
    full_build(real_site.root)
    for memo in (*EVENT_PIECES.values(), exports._SOURCE_RECORDS, feeds._ENTRIES):
        assert len(memo) == 0


def test_a_piece_that_reads_the_whole_site_is_not_kept(site):
    loaded = load_site(site.root)
    view = SiteView(loaded)
    theme = Theme.for_site(site.root, loaded.config.theme)
    ctx = RenderContext(view, Urls(view, static_outputs(loaded, theme, theme.environment())[0]), None)
    memo = Pieces()
    with memo.run(ctx) as run:
        run.pieces(loaded.events, lambda c, e: len(c.site.sources_by_id))  # iterates nothing it could check
    assert len(memo) == 0
    with memo.run(ctx) as run:
        assert run.pieces(loaded.events, lambda c, e: c.site.sources_by_id["wire"].title) == ["Wire report"]
    assert len(memo) == 1 and memo.made == 1
    view.deps = set()
    with memo.run(ctx) as run:
        run.pieces(loaded.events, lambda c, e: pytest.fail("made again"))
    assert ("sources_by_id", "wire") in view.deps  # read again to check the kept piece


# --- events.ics: the same bytes as the library writing the whole calendar -------------------------

HOSTILE = ["Commas, semicolons; back\\slashes \\N and \\n", "line one\nline two\r\nthree\rfour",
           "\ufeffstarts with a byte order mark", "é" * 80 + "€😀" * 40, "^" * 150, "x" * 74,
           '"quoted" <b>markup</b> & ampersands', "a" * 73 + "\\\\,;" + "b" * 200]


def library_calendar(ctx: RenderContext) -> bytes:
    """events.ics as the library writes it: every VEVENT added property by property, then to_ical."""
    site = ctx.site
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//site-builder//site-builder {calendar.__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", site.config.title)
    if site.config.description:
        cal.add("x-wr-caldesc", site.config.description)
    host = calendar.urlsplit(site.config.base_url).hostname or "localhost"
    vevents = []
    for event in site.events:
        vevent = icalendar.Event()
        for name, value in vevent_properties(ctx, event, host):
            vevent.add(name, value)
        vevents.append(vevent)
    for zone in sorted({v["dtstart"].params.get("TZID") for v in vevents} - {None, "UTC"}):
        cal.add_component(icalendar.Timezone.from_tzid(zone))
    for vevent in vevents:
        cal.add_component(vevent)
    return cal.to_ical()


def plain_context(root) -> RenderContext:
    loaded = load_site(root)
    theme = Theme.for_site(root, loaded.config.theme)
    env = theme.environment()
    return RenderContext(loaded, Urls(loaded, static_outputs(loaded, theme, env)[0]), env)


def test_the_calendar_is_what_the_library_writes_hostile_text_and_every_kind_of_date_included(site):
    site.write("site.yaml",
               (site.root / "site.yaml").read_text().replace("label: Other", 'label: "Other; odd, \\\\label"'))
    title = _yaml('Wire; report, \\ "quoted"')
    # The summaries put "quoted" in quotation marks: the source must hold the word.
    site.source("wire", SOURCE_TEXT + "It was quoted.\n", front=f"title: {title}\npublisher: Wire, Inc.\n"
                "published: 2025-08-16\nurl: https://example.org/wire\n")
    dates = ["date: 2025-08-15\n", "date: 2025-08\n", "date: 2025\n", "date: 2025-08-15\nend: 2025-08-20\n",
             "date: 2025-08-15\ntime: \"11:30\"\ntimezone: America/Anchorage\n",
             "date: 2025-03-30\ntime: \"03:30\"\ntimezone: Europe/Berlin\n",  # just after the gap (02:30 never was)
             "date: 2025-08-15\ntime: \"23:59\"\ntimezone: UTC\n",
             "date: 2025-08-15\ntime: \"00:00\"\ntimezone: Asia/Kathmandu\n"]
    for n, (text, when) in enumerate(zip(HOSTILE, dates)):
        place = f"place: {_yaml(text)}\n" if n % 2 else ""
        site.event(f"2025-08-15-hostile-{n}", (
            f"title: {_yaml(text)}\n{when}{place}lane: {'other' if n % 3 else 'main'}\n"
            f"tags: [{_yaml(text[:20])}, plain]\nsummary: {_yaml(text)}\nexcerpts:\n  - source: wire\n"
            "    quote: The talks took place in a trustful and constructive atmosphere.\n"))
    ctx = plain_context(site.root)
    assert len(ctx.site.events) == len(dates) + 1
    ours = dict(events_ics(ctx))["events.ics"]
    assert ours == library_calendar(ctx)
    zones = [str(tz["tzid"]) for tz in icalendar.Calendar.from_ical(ours).walk("VTIMEZONE")]
    assert zones == ["America/Anchorage", "Asia/Kathmandu", "Europe/Berlin"]


def test_the_calendar_is_what_the_library_writes_for_the_real_site(real_site):
    ctx = plain_context(real_site.root)
    assert dict(events_ics(ctx))["events.ics"] == library_calendar(ctx)


def test_dates_at_the_same_instant_in_different_zones_keep_their_own_lines():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    anchorage = datetime(2025, 8, 15, 11, 30, tzinfo=ZoneInfo("America/Anchorage"))
    moscow = anchorage.astimezone(ZoneInfo("Europe/Moscow"))
    assert anchorage == moscow  # equal, and equal hashes: the cache must still tell them apart
    first = calendar._date_line("dtstart", anchorage, datetime, anchorage.tzinfo)
    second = calendar._date_line("dtstart", moscow, datetime, moscow.tzinfo)
    assert first == ("DTSTART;TZID=America/Anchorage:20250815T113000", "America/Anchorage")
    assert second == ("DTSTART;TZID=Europe/Moscow:20250815T223000", "Europe/Moscow")
    assert calendar._date_line("dtend", anchorage.date() + timedelta(days=1), type(anchorage.date()), None)[0] == \
        "DTEND;VALUE=DATE:20250816"


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar for any text."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\ufeff", "\\ufeff")
