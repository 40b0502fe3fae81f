"""Large sites, listed by period: which page lists each event's card, and the compact data the
browser filters every event with (the cards of other periods are not on the page it is reading)."""

# A site with more than LARGE_SITE events gets one page per year (/years/2025/), or per month for a
# year denser than PAGE_EVENTS (/years/2025/08/; the year's page then lists its year-only events and
# links its months). The home page and the embed view list the latest period and link every other,
# so each card is one link away with JavaScript off. Smaller sites keep every card on the home page.

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Iterable

from site_builder.model.dates import PartialDate
from site_builder.model import Event, Site
from site_builder.render.markdown import markdown_text
from site_builder.render.memo import Memo, keepable_alone
from site_builder.slugs import slugify

LARGE_SITE = 300  # more events than this: the home page lists one period and links the others
PAGE_EVENTS = 300  # a year with more events than this is listed month by month
# Fixed names, served with revalidation (not under /assets/, which is cached forever): a page
# names them, and a page must not change when another period's event does (see data_files).
INDEX_ASSET = "data/timeline-index.json"  # every event, small: id, dates, lane, tags, actors, title
TEXT_ASSET = "data/timeline-text.json"  # every event's searchable text, folded: fetched for a text query

Group = tuple[str, str, tuple[Event, ...]]  # as Site.periods: (period id, label, events)


@dataclass(frozen=True)
class PeriodPage:
    """A page of cards. Two are equal when they show the same in the index of periods (key,
    labels, path, counts): the events themselves are compared apart, so a page listing other
    events is not rendered again when one event's text changes (site_builder/preview/renderer.py)."""

    key: str  # "2025" or "2025-08"
    label: str  # "2025" or "August 2025"
    short: str  # what the index of periods shows: "2025" or "Aug"
    path: str  # relative to the site's base: "years/2025/"
    groups: tuple[Group, ...] = field(compare=False)  # the month groups (Site.periods) it lists
    months: tuple[PeriodPage, ...] = ()  # a year listed month by month: its months' pages
    count: int = -1  # events it lists (computed from groups)

    def __post_init__(self):
        if self.count < 0:
            object.__setattr__(self, "count", sum(len(events) for _, _, events in self.groups))

    @property
    def total(self) -> int:
        """Events of the whole period, its months' included."""
        return self.count + sum(m.count for m in self.months)


@dataclass(frozen=True)
class Archive:
    years: tuple[PeriodPage, ...]  # the index of periods: years, each with its months if split
    pages: tuple[PeriodPage, ...]  # every page listing cards, in reading order (previous/next)
    page_of: dict[str, int] = field(compare=False)  # event id -> index in pages
    latest: PeriodPage | None = None  # what the home page lists

    def neighbours(self, page: PeriodPage) -> tuple[PeriodPage | None, PeriodPage | None]:
        at = [n for n, p in enumerate(self.pages) if p is page]
        if not at:  # a year listed month by month with no year-only event: its months link on
            return None, None
        n = at[0]
        return (self.pages[n - 1] if n else None), (self.pages[n + 1] if n + 1 < len(self.pages) else None)

    def every_page(self) -> Iterable[PeriodPage]:
        for year in self.years:
            yield year
            yield from year.months


def is_large(site: Site) -> bool:
    return len(site.events) > LARGE_SITE


def build_archive(site: Site) -> Archive:
    """The pages by period of a large site, from its month groups (Site.periods)."""
    by_year: dict[int, list[Group]] = {}
    for group in site.periods:
        by_year.setdefault(group[2][0].when.start.year, []).append(group)
    years, pages = [], []
    for year, groups in by_year.items():
        count = sum(len(events) for _, _, events in groups)
        label = groups[0][2][0].when.start.year_text()  # "610", "44 BCE", "66 million years ago"
        if count <= PAGE_EVENTS:
            page = PeriodPage(str(year), label, label, f"years/{year}/", tuple(groups))
            years.append(page)
            pages.append(page)
            continue
        months, year_only = [], []
        for group in groups:
            start = group[2][0].when.start
            if start.month is None:
                year_only.append(group)
                continue
            key = PartialDate(year, start.month)
            months.append(PeriodPage(key.iso(), key.format(), key.format(short=True).split()[0],
                                     f"years/{year}/{start.month:02d}/", (group,)))
        page = PeriodPage(str(year), label, label, f"years/{year}/", tuple(year_only), tuple(months))
        years.append(page)
        pages += months  # year-only events sort after December: so does their page
        if year_only:
            pages.append(page)
    page_of = {event.id: n for n, page in enumerate(pages) for _, _, events in page.groups for event in events}
    with_months = [p for p in pages if not p.months] or pages
    return Archive(tuple(years), tuple(pages), page_of, with_months[-1])


# ---- what the browser filters with -------------------------------------------------------------

def index_data(site: Site, archive: Archive, base: str, memo: Memo | None = None) -> bytes:
    """Every event as one short row, tags and actors as positions in the filter's option lists:
    [id, first day, last day ("" when the same), lane, [tags], [actors], page, date, title],
    a page being [url, label, key ("2025" or "2025-08")]."""
    lanes = {lane.id: n for n, lane in enumerate(site.config.lanes)}
    tags = {slug: n for n, (slug, _) in enumerate(site.tags)}
    actors = {slug: n for n, (slug, _) in enumerate(site.actors)}
    memo = memo or Memo()
    rows = []
    for event in site.events:
        first, last, event_tags, event_actors, date, _ = memo.of(_event_facts, event)
        rows.append([event.id, first, last, lanes[event.lane],
                     sorted({tags[t] for t in event_tags}), sorted({actors[a] for a in event_actors}),
                     archive.page_of[event.id], date, event.title])
    data = {
        "lanes": [[lane.id, lane.label] for lane in site.config.lanes],
        "tags": [slug for slug, _ in site.tags],
        "actors": [slug for slug, _ in site.actors],
        "pages": [[base + page.path, page.label, page.key] for page in archive.pages],
        "events_base": base + "events/",
        "events": rows,
    }
    return _compact_json(data)


def text_data(site: Site, memo: Memo | None = None) -> bytes:
    """Each event's title, summary and quotations as the text filter reads them, already folded
    (timeline.js folds the reader's words the same way), in the order of the index's rows."""
    memo = memo or Memo()
    return _compact_json([memo.of(_event_facts, event)[5] for event in site.events])


@keepable_alone
def _event_facts(event: Event) -> tuple[str, str, tuple[str, ...], tuple[str, ...], str, str]:
    """What the data files say of one event: (first ISO day, last ISO day or "" when the same, tag
    slugs, actor slugs, its date's words, its folded text)."""
    first = event.when.start.first_iso_day()
    last = (event.when.end or event.when.start).last_iso_day()
    quotes = " ".join(" ".join(excerpt.selector.quoted) for excerpt in event.excerpts)
    return (first, "" if last == first else last, tuple(slugify(t) for t in event.tags),
            tuple(slugify(a) for a in event.actors), event.when.format(),
            fold(f"{event.title} {markdown_text(event.summary)} {quotes}"))


_MARKS = re.compile("[\u0300-\u036f]")
_FOLDS = [(re.compile("[\u2018\u2019\u201b\u2032]"), "'"), (re.compile("[\u201c\u201d\u201e\u2033]"), '"'),
          (re.compile("[\u2010-\u2015\u2212]"), "-")]


def fold(text: str) -> str:
    """timeline.js's fold(), in Python: accents, typographic quotes and dashes, case, spaces."""
    if not text.isascii():  # (ASCII text has none of these)
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
        for pattern, replacement in _FOLDS:
            text = pattern.sub(replacement, text)
    return " ".join(text.split()).lower()


def _compact_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def data_files(site: Site, archive: Archive, base: str, memo: Memo) -> list[tuple[str, bytes]]:
    """The two data files, (output path, bytes). Their names do not change with their content,
    so no page has to be written again when another page's event changes."""
    return [(INDEX_ASSET, index_data(site, archive, base, memo)), (TEXT_ASSET, text_data(site, memo))]
