"""The search page (/search/): the form and the results list; static/js/search.js fills it from Pagefind."""

from __future__ import annotations

from typing import Iterable

from site_builder.render.pages import Page, RenderContext
from site_builder.search import BUNDLE_DIR


def search_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    page = Page(ctx.urls.page("search/"), "Search", f"Search the events and archived sources of {ctx.site.config.title}.",
                "search")
    yield ctx.render("search_page.html", page, bundle=ctx.urls.page(f"{BUNDLE_DIR}/pagefind.js"))
