"""The HTML pages: home (and a large site's pages by period), one per event, one per source, and the 404 page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import jinja2

from site_builder.model import Site
from site_builder.render.archive import Archive, PeriodPage, build_archive, data_assets, is_large
from site_builder.render.chart import build_chart, figure, plotly_style_guards
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


@dataclass
class RenderContext:
    site: Site
    urls: Urls
    env: jinja2.Environment

    def render(self, template: str, page: Page, **values) -> tuple[str, bytes]:
        html = self.env.get_template(template).render(
            site=self.site, config=self.site.config, urls=self.urls, page=page, slug=slugify, **values)
        return output_path(page.url, self.urls.base), html.encode("utf-8")


def home_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    config = ctx.site.config
    yield ctx.render("index.html", Page(ctx.urls.home(), config.title, config.description, "home"),
                     **timeline_values(ctx))


def timeline_values(ctx: RenderContext) -> dict:
    """What the home page and the embed view show: the chart, the filters and the list, which on
    a large site is the latest period's, with the index of periods and the data for the filters."""
    site = ctx.site
    chart = build_chart(site)
    values = dict(chart=chart, figure=figure(chart, site), facets=facets(site),
                  plotly_style_guards=plotly_style_guards())
    if not is_large(site):
        return values | dict(groups=site.periods, archive=None, listing=None, position=None, data=None)
    archive = build_archive(site)
    return values | listing_values(ctx, archive, archive.latest)


def listing_values(ctx: RenderContext, archive: Archive, listing: PeriodPage) -> dict:
    """A large site's list: `groups` of cards (Site.periods' shape) of the period `listing`, the
    `archive`, the `position` of the listing among its pages and `data`, the filters' data files."""
    assets = data_assets(ctx.site, archive, ctx.urls.base)
    at = [n for n, p in enumerate(archive.pages) if p is listing or p is (listing.months or (None,))[0]]
    # a year listed month by month with no year-only event is on no page: it comes before its months
    position: float = at[0] if archive.pages[at[0]] is listing else at[0] - 0.5
    return dict(groups=listing.groups, archive=archive, listing=listing, position=position,
                data={"index": ctx.urls.base + assets.index[0], "text": ctx.urls.base + assets.text[0]})


def period_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    """A large site's pages by period (see archive.py); nothing for a smaller site."""
    if not is_large(ctx.site):
        return
    archive = build_archive(ctx.site)
    config = ctx.site.config
    options = facets(ctx.site)
    for period in archive.every_page():
        before, after = archive.neighbours(period)
        description = f"{config.title}: the {period.total} events of {period.label}."
        yield ctx.render("period.html", Page(ctx.urls.page(period.path), period.label, description, "period"),
                         facets=options, previous=before, next=after, **listing_values(ctx, archive, period))


def timeline_data(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    """A large site's filter data (archive.py), under content-hashed names."""
    if not is_large(ctx.site):
        return
    assets = data_assets(ctx.site, build_archive(ctx.site), ctx.urls.base)
    yield assets.index
    yield assets.text


@dataclass(frozen=True)
class Facet:
    """One filter of the home page: its URL parameter and its options (slug, label, how many events)."""

    param: str
    label: str
    options: tuple[tuple[str, str, int], ...]


def facets(site: Site) -> tuple[Facet, ...]:
    def count(values_of) -> dict[str, int]:
        found: dict[str, int] = {}
        for event in site.events:
            for slug in {slugify(v) for v in values_of(event)}:
                found[slug] = found.get(slug, 0) + 1
        return found

    lanes = count(lambda e: [e.lane])
    tags = count(lambda e: e.tags)
    actors = count(lambda e: e.actors)
    return (
        Facet("lane", "Lanes", tuple((lane.id, lane.label, lanes.get(lane.id, 0)) for lane in site.config.lanes)),
        Facet("tag", "Tags", tuple((slug, label, tags[slug]) for slug, label in site.tags)),
        Facet("actor", "Actors", tuple((slug, label, actors[slug]) for slug, label in site.actors)),
    )


def event_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    archive = build_archive(ctx.site) if is_large(ctx.site) else None
    for event in ctx.site.events:
        before, after = ctx.site.neighbours(event)
        related = [ctx.site.events_by_id[r] for r in event.related if r in ctx.site.events_by_id]
        description = f"{event.when.format()}: {event.title}"
        yield ctx.render("event.html", Page(ctx.urls.event(event), event.title, description, "event"),
                         event=event, previous=before, next=after, related=related,
                         listed_at=listed_at(ctx, archive, event.id))


def listed_at(ctx: RenderContext, archive: Archive | None, event_id: str) -> str:
    """The page whose list holds this event's card, with the card's anchor."""
    if archive is None or archive.pages[archive.page_of[event_id]] is archive.latest:
        return f"{ctx.urls.home()}#{event_id}"
    return f"{ctx.urls.page(archive.pages[archive.page_of[event_id]].path)}#{event_id}"


def source_pages(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    for source in ctx.site.sources:
        excerpts = ctx.site.excerpts_by_source[source.id]
        description = f"{source.publisher}, {source.published.format()}: {source.title} (archived text)"
        yield ctx.render("source.html", Page(ctx.urls.source(source.id), source.title, description, "source"),
                         source=source, paragraphs=source_paragraphs(source, excerpts), excerpts=excerpts)


def sources_index(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    page = Page(ctx.urls.page("sources/"), "Sources", "The archived sources every event quotes.", "sources")
    yield ctx.render("sources.html", page)


def not_found_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    page = Page(ctx.urls.page("404.html"), "Page not found", "This page does not exist.", "404")
    yield ctx.render("404.html", page)


PAGE_RENDERERS: list[Callable[[RenderContext], Iterable[tuple[str, bytes]]]] = [
    home_page, period_pages, timeline_data, event_pages, source_pages, sources_index, not_found_page,
]
