"""Findings of attack18 against stop 18 (kept pieces, counts in the site's digits, image cache
pruning): each test fails on main as it is and passes once its finding is fixed."""

from __future__ import annotations

import json


from site_builder.build import Options, build
from site_builder.render import media
from tests.conftest import REPO

# A site's own version of the theme's event text (feeds, TimelineJS slides) naming the related
# events: a template that built before the kept pieces (the feed still renders it).
RELATED_TEXT = ('{% for r in event.related %}<p>See also: {{ site.events_by_id[r].title }}</p>'
                '{% endfor %}\n')


def test_a_sites_own_event_text_template_may_name_related_events(real_site, tmp_path, monkeypatch):
    """A kept TimelineJS slide is made with a site narrowed to the event and its sources, so a
    site's templates/exports/event_text.html that reads another event (valid, and rendered for the
    Atom feed with the whole site) now fails the build with 'a kept piece read site.events_by_id'."""
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    own = real_site.root / "templates" / "exports"
    own.mkdir(parents=True)
    theme_text = (REPO / "themes/default/templates/exports/event_text.html").read_text("utf-8")
    (own / "event_text.html").write_text(theme_text + RELATED_TEXT, "utf-8")
    build(Options(root=real_site.root, out=tmp_path / "out"))
    slides = json.loads((tmp_path / "out" / "timeline.json").read_text("utf-8"))["events"]
    assert any("See also:" in slide["text"]["text"] for slide in slides)


def test_pruning_the_image_cache_leaves_a_folder_it_did_not_make(tmp_path, monkeypatch):
    """SITE_BUILDER_CACHE may name a folder holding other files (docs: the folder may be anyone's).
    A folder whose name looks like an entry but holds no list of digests was not made by the
    cache (cached_encode writes the list last), yet prune_cache removes it with all it holds."""
    monkeypatch.setattr(media, "UNUSED_BYTES", 0)
    folder = tmp_path / "media"
    theirs = folder / "0123456789abcdef0123-1"
    theirs.mkdir(parents=True)
    (theirs / "holiday.jpg").write_bytes(b"not the cache's")
    media.prune_cache(folder, used=set())
    assert (theirs / "holiday.jpg").exists()


def test_pruning_the_image_cache_removes_its_own_unused_entries(tmp_path, monkeypatch):
    """The other side of the test above: an entry the cache made (its list of digests) does go."""
    monkeypatch.setattr(media, "UNUSED_BYTES", 0)
    folder = tmp_path / "media"
    entry = folder / f"0123456789abcdef0123-{media.CACHE_FORMAT}"
    entry.mkdir(parents=True)
    (entry / "a.webp").write_bytes(b"x")
    (entry / "sha256").write_text("0" * 64 + " a.webp\n", "ascii")
    media.prune_cache(folder, used=set())
    assert not entry.exists()


COUNTS = (0, 7, 999, 1000, 1234, 12345, 123456, 1234567, 10**9)  # also the browser test's (test_script_counts.py)


def test_a_count_is_grouped_as_babel_groups_it_in_every_language():
    """Language.number writes a count from digit_groups, the data strings.js reads: for every
    language Babel knows it is what format_decimal writes, save an apostrophe group mark, which
    format_decimal loses (de-CH 1234567 for 1'234'567)."""
    from babel import Locale, localedata
    from babel.numbers import format_decimal

    from site_builder.render.i18n import digit_groups, group_digits

    differ = {}
    for name in localedata.locale_identifiers():
        locale = Locale.parse(name)
        groups = digit_groups(locale)
        if "'" in groups["group"]:
            continue
        for count in (*COUNTS, 10**15 + 123):
            if group_digits(count, groups) != format_decimal(count, locale=locale):
                differ[name, count] = (group_digits(count, groups), format_decimal(count, locale=locale))
    assert not differ
    assert group_digits(1234567, digit_groups(Locale.parse("de_CH"))) == "1'234'567"


def test_an_empty_sites_chart_follows_the_build_date_not_the_wall_clock(tmp_path, monkeypatch):
    """chart._domain centres an empty site's chart on date.today(), not on build_date(): a build
    with SOURCE_DATE_EPOCH is not reproducible, and the page store (whose scope holds the build date
    only when an event is ongoing) keeps a home page made on another day."""
    import datetime as real

    from site_builder.build import render
    from site_builder.render import chart

    root = tmp_path / "empty"
    (root / "content" / "events").mkdir(parents=True)
    (root / "content" / "sources").mkdir()
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text("utf-8"), "utf-8")
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")  # 2010-01-01
    _, today = render(Options(root=root))

    class OtherDay(real.date):
        @classmethod
        def today(cls):
            return cls(1999, 6, 1)

    monkeypatch.setattr(chart, "date", OtherDay)
    _, other_day = render(Options(root=root))
    assert other_day["index.html"] == today["index.html"]
