"""The HTML pages: home, one per event, one per source, and the 404 page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import jinja2

from site_builder.model import Site
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
    chart = build_chart(ctx.site)
    yield ctx.render("index.html", Page(ctx.urls.home(), config.title, config.description, "home"),
                     chart=chart, figure=figure(chart, ctx.site), facets=facets(ctx.site),
                     plotly_style_guards=plotly_style_guards())


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
    for event in ctx.site.events:
        before, after = ctx.site.neighbours(event)
        related = [ctx.site.events_by_id[r] for r in event.related if r in ctx.site.events_by_id]
        description = f"{event.when.format()}: {event.title}"
        yield ctx.render("event.html", Page(ctx.urls.event(event), event.title, description, "event"),
                         event=event, previous=before, next=after, related=related)


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
    home_page, event_pages, source_pages, sources_index, not_found_page,
]
