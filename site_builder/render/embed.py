"""The embed view (/embed/): the home page's chart and list without the site around them."""

from __future__ import annotations

from collections.abc import Iterable

from site_builder.render.pages import Page, RenderContext, timeline_values

EMBED_PATH = "embed/"


def embed_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    site = ctx.site
    page = Page(ctx.urls.page(EMBED_PATH), f"{site.config.title} (timeline)", site.config.description, "embed")
    yield ctx.render("embed.html", page, **timeline_values(ctx))
