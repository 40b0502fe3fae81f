"""The preview's long-lived build of one site folder: each save loads (load_steps.py) and renders
(renderer.py) again only what changed, and gives a Generation, the whole site in memory."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from site_builder.model import Site
from site_builder.preview.load_steps import CachedSteps
from site_builder.preview.on_request import ON_REQUEST, LazyFiles
from site_builder.preview.renderer import IncrementalRenderer, RenderStats
from site_builder.render.template_errors import template_errors
from site_builder.render.theme import Theme
from site_builder.scaffold import refresh_site_schemas

# A site with fewer events makes the AFTER_FIRST_PAGES renderers in its first build: in one step.
AFTER_FIRST_PAGES_FROM_EVENTS = 500


@dataclass
class Generation:
    """One successful rebuild: the site, every output file, and what it took."""

    site: Site
    outputs: dict  # output path -> bytes, Packed, or a LazyFile made when it is asked for
    seconds: float
    stats: RenderStats
    verified: int  # events whose excerpts were verified again
    parsed: int  # files read and parsed again

    @property
    def pages(self) -> int:
        return sum(1 for path in self.outputs if path.endswith(".html"))

    @cached_property
    def files(self) -> dict[str, bytes]:
        """Every output file, the lazy ones made now."""
        lazy = LazyFiles(self.outputs)
        return {path: data for path in self.outputs if (data := lazy.get(path)) is not None}

    def serving(self) -> LazyFiles:
        return LazyFiles(self.outputs)


@dataclass
class Session:
    """A long-lived build of one site folder, as the preview server keeps it."""

    root: Path
    drafts: bool = False
    base_url: str | None = None
    steps: CachedSteps = field(default_factory=CachedSteps)
    renderer: IncrementalRenderer = field(default_factory=lambda: IncrementalRenderer(ON_REQUEST))

    def rebuild(self, changed: set[Path] | None = None, after_first_pages: frozenset = frozenset()) -> Generation:
        """The site after these files changed (None: check every file's stat). Raises ContentError.
        after_first_pages: renderers that never ran to leave for the next rebuild, on a site of
        AFTER_FIRST_PAGES_FROM_EVENTS events or more (stats.renderers_after_first_pages counts them)."""
        started = time.perf_counter()
        if changed:
            self.steps.forget(changed)
        before = dict(self.steps.counts)
        # `changed` is every file that changed (the preview's watcher sees them all): the other
        # event files are taken as they were, without walking the folder or a stat each.
        site = self.steps.load(self.root, include_drafts=self.drafts, base_url=self.base_url, changed=changed)
        if len(site.events) < AFTER_FIRST_PAGES_FROM_EVENTS:
            after_first_pages = frozenset()
        theme = Theme.checked_for_site(Path(self.root), site.config)
        with template_errors():
            files = self.renderer.render(site, theme, after_first_pages)
        refresh_site_schemas(self.root, site)  # the editors' schema/ lists the ids this rebuild saw
        counts = self.steps.counts
        return Generation(site, files, time.perf_counter() - started, self.renderer.stats,
                          counts["verified"] - before["verified"], counts["parsed"] - before["parsed"])
