"""The HTML pages: home (and a large site's pages by period), one per event, one per source, and the 404 page."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Callable, Iterable

import jinja2
from markupsafe import Markup

from site_builder.model import Event, Site
from site_builder.render.archive import (INDEX_ASSET, TEXT_ASSET, Archive, PeriodPage, build_archive, data_files,
                                         is_large)
from site_builder.render.i18n import N_, Language, language_of, words
from site_builder.render.chart import build_chart, figure, plotly_style_guards
from site_builder.render.memo import Memo, keepable_alone
from site_builder.render.source_text import source_paragraphs
from site_builder.render.urls import Urls, output_path
from site_builder.slugs import slugify


@dataclass(frozen=True)
class Page:
    """What a template knows about the page it renders."""

    url: str
    title: str
    description: str
    kind: str


CARD_TEMPLATE = "partials/event_card.html"


@dataclass
class RenderContext:
    site: Site
    urls: Urls
    env: jinja2.Environment
    memo: Memo = field(default_factory=Memo)  # what this render works out once (render_site gives it)

    def render(self, template: str, page: Page, **values) -> tuple[str, bytes]:
        html = self.env.get_template(template).render(
            site=self.site, config=self.site.config, urls=self.urls, page=page, slug=slugify, card=self.card,
            once=self.once, memo=self.memo, **values)
        return output_path(page.url, self.urls.base), html.encode("utf-8")

    def render_keyed(self, template: str, url: str, key: tuple, make: Callable[..., tuple[Page, dict]],
                     *args) -> tuple[str, bytes]:
        """render(template, *make(*args)) for the page at `url`, where `key` holds everything make()
        reads that may change (compared item by item, the same object first): the preview server
        skips make() and the rendering while the key is the same (preview/renderer.py)."""
        page, values = make(*args)
        return self.render(template, page, **values)

    def turns(self, count: int) -> Iterable[int]:
        """The numbers, out of `count`, of the pages this context renders, for a renderer that
        makes one page per item: all of them here; a forked worker's share of them (speed/forked_render.py)."""
        return range(count)

    def card(self, event: Event) -> Markup:
        """An event's card (partials/event_card.html), as every list shows it: made once per event.
        It knows the site, config, urls, slug and event, not the page it is on."""
        cards = self.__dict__.setdefault("_cards", {})
        kept = cards.get(event.id)
        if kept is None or kept[0] is not event:
            kept = cards[event.id] = (event, self.render_card(event))
        return kept[1]

    def once(self, template: str, kind: str = "") -> Markup:
        """A partial that is the same on every page (or every page of one `kind`): the site
        header and footer, the links in <head>. It knows site, config, urls, slug and kind."""
        fragments = self.__dict__.setdefault("_fragments", {})
        kept = fragments.get((template, kind))
        if kept is None:
            kept = fragments[(template, kind)] = self.render_fragment(template, kind)
        return kept

    def render_fragment(self, template: str, kind: str) -> Markup:
        html = self.env.get_template(template).render(
            site=self.site, config=self.site.config, urls=self.urls, slug=slugify, kind=kind)
        return Markup(html.removesuffix("\n"))  # `{{ once(...) }}` stands on a line of its own

    def render_card(self, event: Event) -> Markup:
        return Markup(self.env.get_template(CARD_TEMPLATE).render(
            site=self.site, config=self.site.config, urls=self.urls, slug=slugify, event=event))


def home_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    config = ctx.site.config
    yield ctx.render("index.html", Page(ctx.urls.home(), config.title, config.description, "home"),
                     **timeline_values(ctx))


def timeline_values(ctx: RenderContext) -> dict:
    """What the home page and the embed view show: the chart, the filters and the list, which on
    a large site is the latest period's, with the index of periods and the data for the filters."""
    return ctx.memo.value(_timeline_values, ctx)


def _timeline_values(ctx: RenderContext) -> dict:
    site, memo = ctx.site, ctx.memo
    chart = memo.value(build_chart, site, memo)
    values = dict(chart=chart, figure=figure(chart, memo), facets=facets(ctx),
                  period_options=period_options(site), plotly_style_guards=plotly_style_guards())
    if not is_large(site):
        values |= dict(groups=site.periods, archive=None, listing=None, position=None, data=None)
    else:
        archive = site_archive(ctx)
        values |= listing_values(ctx, archive, archive.latest)
    return values


def site_archive(ctx: RenderContext) -> Archive:
    """A large site's pages by period (archive.py), worked out once per render."""
    return ctx.memo.value(build_archive, ctx.site)


def period_options(site: Site) -> tuple[tuple[str, str], ...]:
    """The filter's periods: (period id, label), as Site.periods has them."""
    return tuple((period_id, label) for period_id, label, _ in site.periods)


def listing_values(ctx: RenderContext, archive: Archive, listing: PeriodPage) -> dict:
    """A large site's list: `groups` of cards of the period `listing`, the `archive`, the listing's
    `position` and `data` (the filters' data files). All but `groups` compare equal while the index
    of periods is the same, so the preview renders again only pages whose own events changed."""
    at = [n for n, p in enumerate(archive.pages) if p is listing or p is (listing.months or (None,))[0]]
    # a year listed month by month with no year-only event is on no page: it comes before its months
    position: float = at[0] if archive.pages[at[0]] is listing else at[0] - 0.5
    return dict(groups=listing.groups, archive=archive, listing=listing, position=position,
                data={"index": ctx.urls.page(INDEX_ASSET), "text": ctx.urls.page(TEXT_ASSET)})


def period_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    """A large site's pages by period (see archive.py); nothing for a smaller site."""
    if not is_large(ctx.site):
        return
    archive = site_archive(ctx)
    config = ctx.site.config
    options = facets(ctx)
    periods = period_options(ctx.site)
    every = tuple(archive.every_page())
    for n in ctx.turns(len(every)):
        period = every[n]
        before, after = archive.neighbours(period)
        label = language_of(ctx.env).period(period.key, period.label)
        description = words(ctx.env).ngettext("%(title)s: the %(num)d events of %(period)s.",
                                              "%(title)s: the %(num)d events of %(period)s.", period.total)
        description = language_of(ctx.env).filled(description, title=config.title, num=period.total, period=label)
        yield ctx.render("period.html", Page(ctx.urls.page(period.path), label, description, "period"),
                         facets=options, period_options=periods, previous=before, next=after,
                         **listing_values(ctx, archive, period))


def timeline_data(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    """A large site's filter data (archive.py), under fixed names."""
    if not is_large(ctx.site):
        return
    yield from data_files(ctx.site, site_archive(ctx), ctx.urls.base, ctx.memo)


@dataclass(frozen=True)
class Facet:
    """One filter of the home page: its URL parameter and its options (slug, label, how many events)."""

    param: str
    label: str
    options: tuple[tuple[str, str, int], ...]


def facets(ctx: RenderContext) -> tuple[Facet, ...]:
    """The filters' options with their counts: the home page and the pages by period both ask."""
    _ = words(ctx.env).gettext
    return tuple(replace(f, label=_(f.label)) for f in ctx.memo.value(_facets, ctx.site, ctx.memo))


def _facets(site: Site, memo: Memo) -> tuple[Facet, ...]:
    lanes: dict[str, int] = {}
    tags: dict[str, int] = {}
    actors: dict[str, int] = {}
    for event in site.events:
        slugs = memo.of(_event_slugs, event)
        lanes[slugs[2]] = lanes.get(slugs[2], 0) + 1
        for slug in slugs[0]:
            tags[slug] = tags.get(slug, 0) + 1
        for slug in slugs[1]:
            actors[slug] = actors.get(slug, 0) + 1
    return (
        Facet("lane", N_("Lanes"), tuple((lane.id, lane.label, lanes.get(lane.id, 0)) for lane in site.config.lanes)),
        Facet("tag", N_("Tags"), tuple((slug, label, tags[slug]) for slug, label in site.tags)),
        Facet("actor", N_("Actors"), tuple((slug, label, actors[slug]) for slug, label in site.actors)),
    )


@keepable_alone
def _event_slugs(event: Event) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(tag slugs, actor slugs, lane slug), each slug once: facets count each once per event.
    Sorted tuples, not sets: a kept value is iterated in the order it was made in."""
    return (tuple(sorted(set(map(slugify, event.tags)))), tuple(sorted(set(map(slugify, event.actors)))),
            slugify(event.lane))


def event_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site = ctx.site
    lists = listing_urls(ctx)
    events_by_id = site.events_by_id
    events = tuple(site.events)  # an event page's neighbours: the events before and after it
    last = len(events) - 1
    language = language_of(ctx.env)
    for n in ctx.turns(len(events)):
        event = events[n]
        before = events[n - 1] if n else None
        after = events[n + 1] if n < last else None
        related = tuple(events_by_id[r] for r in event.related if r in events_by_id) if event.related else ()
        at = f"{lists(event.id)}#{event.id}"
        url = ctx.urls.event(event)
        yield ctx.render_keyed("event.html", url, (event, before, after, related, at, language), _event_page,
                               url, event, before, after, related, at, language)


def _event_page(url: str, event: Event, before, after, related, at, language: Language) -> tuple[Page, dict]:
    page = Page(url, event.title, f"{language.when(event.when)}: {event.title}", "event")
    return page, dict(event=event, previous=before, next=after, related=list(related), listed_at=at)


def listing_urls(ctx: RenderContext) -> Callable[[str], str]:
    """event id -> the URL of the page whose list holds its card (the home page on a small site)."""
    home = ctx.urls.home()
    if not is_large(ctx.site):
        return lambda event_id: home
    archive = site_archive(ctx)
    urls = [home if page is archive.latest else ctx.urls.page(page.path) for page in archive.pages]
    page_of = archive.page_of
    return lambda event_id: urls[page_of[event_id]]


def source_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    sources = tuple(ctx.site.sources)
    for n in ctx.turns(len(sources)):
        source = sources[n]
        excerpts = ctx.site.excerpts_by_source[source.id]

        yield ctx.render_keyed("source.html", ctx.urls.source(source.id), (source, excerpts), _source_page,
                               ctx, source, excerpts)


def _source_page(ctx: RenderContext, source, excerpts) -> tuple[Page, dict]:
    description = words(ctx.env).gettext("%(publisher)s, %(date)s: %(title)s (archived text)") % {
        "publisher": source.publisher, "date": language_of(ctx.env).date(source.published), "title": source.title}
    page = Page(ctx.urls.source(source.id), source.title, description, "source")
    return page, dict(source=source, paragraphs=source_paragraphs(source, excerpts), excerpts=excerpts)


def sources_index(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    _ = words(ctx.env).gettext
    page = Page(ctx.urls.page("sources/"), _("Sources"), _("The archived sources every event quotes."), "sources")
    yield ctx.render("sources.html", page)


def not_found_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    _ = words(ctx.env).gettext
    page = Page(ctx.urls.page("404.html"), _("Page not found"), _("This page does not exist."), "404")
    yield ctx.render("404.html", page)


PAGE_RENDERERS: list[Callable[[RenderContext], Iterable[tuple[str, bytes]]]] = [
    home_page, period_pages, timeline_data, event_pages, source_pages, sources_index, not_found_page,
]
