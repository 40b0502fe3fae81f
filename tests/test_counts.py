"""Counts readers see are written in the site's language's digits (10,000; 10 000; 10.000), and
the plural is still chosen by the number itself."""

from __future__ import annotations

import json
import re
import sys

import pytest

from site_builder.build import Options, render
from site_builder.render.theme import Theme
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate_site import generate  # noqa: E402

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space


def words_in(language: str):
    env = Theme.for_site(REPO, "default", language).environment()
    return lambda source, **values: env.from_string(source).render(**values)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "All 10,000 events"),
    ("fr", f"Les 10{NNBSP}000 événements"),
    ("de", "Alle 10.000 Ereignisse"),
])
def test_a_count_in_a_template_has_the_languages_thousands_separator(language, expected):
    say = words_in(language)
    assert say('{{ ngettext("All %(num)d events", "All %(num)d events", n) }}', n=10000) == expected


def test_every_whole_number_of_a_string_is_written_so_and_other_values_are_left_alone():
    say = words_in("en")
    assert say('{{ ngettext("%(listed)d of %(num)d events", "%(listed)d of %(num)d events", 12000, '
               'listed=1500) }}') == "1,500 of 12,000 events"
    assert say('{{ _("Show %(num)d earlier", num=2500) }}') == "Show 2,500 earlier"
    assert say('{{ _("Credit: %(credit)s", credit="<b>1000</b>") }}') == "Credit: &lt;b&gt;1000&lt;/b&gt;"


@pytest.mark.parametrize(("language", "n", "expected"), [
    ("ru", 1001, "1\xa0001 событие"),  # one: from the number, not from its digits as written
    ("ru", 1005, "1\xa0005 событий"),
    ("fr", 1, "1 événement"),
    ("de", 1, "1 Ereignis"),
])
def test_the_plural_is_still_chosen_by_the_number(language, n, expected):
    say = words_in(language)
    assert say('{{ ngettext("%(num)d event", "%(num)d events", n) }}', n=n) == expected


@pytest.fixture(scope="module")
def french_pages(tmp_path_factory):
    root = generate(tmp_path_factory.mktemp("counts") / "site", 1001, 5, years=3)  # some years by month
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("language: en", "language: fr"))
    _, files = render(Options(root=root))
    return {path: data.decode() for path, data in files.items() if path.endswith(".html")}


def test_a_french_sites_pages_write_their_counts_with_a_narrow_no_break_space(french_pages):
    home, missing = french_pages["index.html"], french_pages["404.html"]
    period = next(text for path, text in french_pages.items() if path.startswith("years/"))
    assert f'class="counts">1{NNBSP}001 événements · 2{NNBSP}030 citations' in home
    assert f'aria-live="polite">Les filtres portent sur les 1{NNBSP}001 événements<' in home
    assert f'class="period-index-title">Les 1{NNBSP}001 événements, par période' in home
    assert f"les 1{NNBSP}001 événements, avec leurs citations" in missing
    assert re.search(f'class="counts">\\d+ sur 1{NNBSP}001 événements', period)
    for text in french_pages.values():  # no count of a thousand or more left in plain digits
        assert not re.search(r">[^<]*\b\d{4,} (événements|citations|sources)", text)


def test_on_a_site_listed_by_period_the_filters_count_says_it_covers_every_period(french_pages):
    """A period page lists one period; its filters search every event of the site (the index of
    every event): the count says so, as served and as the script writes it again."""
    for path in ("index.html", "years/2023/index.html"):
        html = french_pages[path]
        assert f'aria-live="polite">Les filtres portent sur les 1{NNBSP}001 événements<' in html, path
        words = json.loads(re.search(r'id="ui-strings">(.*?)</script>', html, re.S).group(1))
        assert words["counts"]["all_events"]["other"] == "Les filtres portent sur les %(num)d événements"


def test_an_event_added_to_a_site_listed_by_period_renders_no_other_events_pages(tmp_path):
    """Only the pages with filters read how many events there are for the scripts' words."""
    from site_builder.preview.session import Session

    root = generate(tmp_path / "site", 400, 20)
    session = Session(root)
    session.rebuild()
    template = sorted((root / "content/events").iterdir())[5].read_text(encoding="utf-8")
    added = root / "content/events/zz-added.yaml"
    added.write_text(template.replace("title: ", "title: Added ", 1), encoding="utf-8")
    rendered = session.rebuild({added}).stats.rendered
    assert "events/zz-added/index.html" in rendered
    others = [p for p in rendered if p.startswith("events/") and "zz-added" not in p]
    assert len(others) <= 2, others  # its neighbours at most, whose previous and next links change


def test_a_count_python_fills_in_is_written_in_the_sites_digits_too():
    """Language.filled: the period pages' descriptions (render/pages.py) and other texts made in Python."""
    from site_builder.render.i18n import language_of

    french = language_of(Theme.for_site(REPO, "default", "fr").environment())
    assert french.filled("%(title)s : les %(num)d événements de %(period)s.", title="T", num=12000,
                         period="2015") == f"T : les 12{NNBSP}000 événements de 2015."
    assert french.filled("%(num)s", num=12000) == "12000"  # only a whole number's %d placeholder


def test_a_french_sites_index_of_periods_names_its_months_in_french(french_pages):
    home = french_pages["index.html"]
    months = re.findall(r'<abbr title="([^"]+)">([^<]+)</abbr>', home)
    assert months, "the generated site lists some years month by month"
    for title, short in months:
        assert not re.search(r"January|February|March|April|June|July|August|September|October|November"
                             r"|December|\bJan\b|\bFeb\b|\bMar\b|\bApr\b|\bJun\b|\bJul\b|\bAug\b|\bSep\b|\bOct\b|"
                             r"\bNov\b|\bDec\b", title + short), (title, short)
    assert ("février 2023", "févr.") in months
