"""Outputs for publishing beyond the HTML pages (feeds, exports, sitemap): see PUBLISHING_RENDERERS."""

from __future__ import annotations

from collections.abc import Callable

from site_builder.render.admin import web_editor
from site_builder.render.calendar import events_ics
from site_builder.render.embed import embed_page
from site_builder.render.exports import events_csv, events_json, timelinejs_json
from site_builder.render.feeds import atom_feed
from site_builder.render.media import link_host, media_files, picture, video_urls
from site_builder.render.search_page import search_page
from site_builder.render.seo import robots_txt, sitemap_xml, structured_data
from site_builder.render.search_index import index_site

# Each renderer takes the RenderContext and yields (output path, bytes), like the page renderers.
PUBLISHING_RENDERERS: list[Callable] = [
    atom_feed, events_ics, events_json, events_csv, timelinejs_json, sitemap_xml, robots_txt, search_page,
    embed_page, media_files, web_editor,
]

# Work from the model alone, never from the pages: each takes (output folder being staged, Site, the
# search index's parts kept between builds or None, a gate to enter around each heavy process) and
# may add files to it. They run while the pages are rendered (build.py), before the new site
# replaces the old one.
BESIDE_RENDER: list[Callable] = [index_site]  # Pagefind: a failed index leaves build/ as it was

# Functions the theme's publishing partials call (head_meta.html: structured_data()).
TEMPLATE_GLOBALS: dict[str, Callable] = {"structured_data": structured_data, "picture": picture,
                                         "video_urls": video_urls, "link_host": link_host}  # partials/media.html
