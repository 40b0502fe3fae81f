"""The embed view (/embed/): the home page's chart and list without the site around them."""

from __future__ import annotations

from typing import Iterable

from site_builder.render.chart import build_chart, figure, plotly_style_guards
from site_builder.render.pages import Page, RenderContext, facets

EMBED_PATH = "embed/"


def embed_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site = ctx.site
    chart = build_chart(site)
    page = Page(ctx.urls.page(EMBED_PATH), f"{site.config.title} (timeline)", site.config.description, "embed")
    yield ctx.render("embed.html", page, chart=chart, figure=figure(chart, site), facets=facets(site),
                     plotly_style_guards=plotly_style_guards())
