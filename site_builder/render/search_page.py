"""The search page (/search/): the form and the results list; static/js/search.js fills it from Pagefind."""

from __future__ import annotations

from collections.abc import Iterable

from site_builder.render.i18n import words
from site_builder.render.pages import Page, RenderContext
from site_builder.render.search_index import BUNDLE_DIR, part_count, part_dirs


def search_page(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    _ = words(ctx.env).gettext
    page = Page(ctx.urls.page("search/"), _("Search"),
                _("Search the events and archived sources of %(title)s.") % {"title": ctx.site.config.title}, "search")
    # A large site's index comes in parts (search_index.py): the bundle, and the others to merge into it.
    merge = " ".join(ctx.urls.page(f"{d}/") for d in part_dirs(part_count(ctx.site, ctx.memo))[1:])
    yield ctx.render("search_page.html", page, bundle=ctx.urls.page(f"{BUNDLE_DIR}/pagefind.js"), merge=merge)
