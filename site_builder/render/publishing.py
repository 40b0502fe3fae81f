"""Outputs for publishing beyond the HTML pages (feeds, exports, sitemap): see PUBLISHING_RENDERERS."""

from __future__ import annotations

from typing import Callable, Iterable

# Each renderer takes the RenderContext and yields (output path, bytes), like the page renderers.
PUBLISHING_RENDERERS: list[Callable] = []

# Each post-processor takes (output folder being staged, Site) and may add files to it
# (a search index, say). They run before the new site replaces the old one.
POSTPROCESSORS: list[Callable] = []
