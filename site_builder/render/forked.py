"""render_into: every output file written into a folder, the renderers spread over forked workers.

Each worker runs whole renderers (the home page, the exports) or a share of the pages of a
renderer that makes one page per event or source, and writes what it renders straight into
the folder, so no page travels back to the parent. The files are the ones render_site makes,
byte for byte (tests/test_parallel_build.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import jinja2

from site_builder.errors import ContentError
from site_builder.model import Site
from site_builder.output import write_files
from site_builder.parallel import ForkedWorkers
from site_builder.render.pages import RenderContext
from site_builder.render.site import renderers, static_outputs
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls, output_path
from site_builder.schema import schema_files

# Renderers that make each page with one ctx.render call and yield it as it is, so a worker can
# skip the others' pages: one page per event, per source, per period of a large site.
SHARED_RENDERERS = frozenset({"event_pages", "source_pages", "period_pages"})
PAGES_PER_TURN = 4  # a worker renders this many pages of a shared renderer, then skips the next ones
SHARES_PER_WORKER = 3  # more shares than workers: one slow share does not leave a core idle
# A renderer that reuses what another made, through the context they share, runs in that one's
# task, after it, as in render_site. (The embed view takes the home page's chart, filters and
# list: in a task of its own another worker made them again, 0.45 s of CPU and 27 MB at 10,000 events.)
IN_TASK_OF = {"embed_page": "home_page"}


class ShareContext(RenderContext):
    """Renders only this share's pages: the calls of ctx.render (or render_keyed) numbered share,
    share+shares, ... in turns of PAGES_PER_TURN. The other calls give (path, None) without
    rendering, and render_keyed's without calling make(): a source page's make() splits the text
    into paragraphs, which every share did for every source (0.1 s of CPU a share at 10,000 events)."""

    def __init__(self, site: Site, urls: Urls, env: jinja2.Environment, share: int, shares: int):
        super().__init__(site, urls, env)
        self.share, self.shares, self.calls = share, shares, 0

    def _mine(self) -> bool:
        """Whether the next page is this share's; counts it either way."""
        turn = self.calls // PAGES_PER_TURN
        self.calls += 1
        return turn % self.shares == self.share

    def render(self, template: str, page, **values) -> tuple[str, bytes | None]:
        if not self._mine():
            return output_path(page.url, self.urls.base), None
        return super().render(template, page, **values)

    def render_keyed(self, template: str, url: str, key: tuple, make: Callable[..., tuple],
                     *args) -> tuple[str, bytes | None]:
        if not self._mine():
            return output_path(url, self.urls.base), None
        page, values = make(*args)
        return super().render(template, page, **values)


def render_into(folder: Path, site: Site, theme: Theme, workers: int) -> list[str]:
    """Write every output file under folder; returns their paths. Raises ContentError for a
    template error."""
    from site_builder.build import template_diagnostic  # late: build imports this module

    env = theme.environment()
    asset_names, outputs = static_outputs(site, theme, env)
    outputs.update(schema_files())
    written = write_files(folder, sorted(outputs.items()))
    ordered = renderers()

    def run(task: tuple[tuple[int, ...], int, int]):
        indices, share, count = task
        ctx = ShareContext(site, Urls(site, asset_names), env, share, count)
        paths: dict[int, list[str]] = {}
        for index in indices:
            try:  # each page written as soon as it is rendered
                paths[index] = write_files(folder, ((p, d) for p, d in ordered[index](ctx) if d is not None))
            except jinja2.TemplateError as exc:
                return paths, (index, ctx.calls, template_diagnostic(exc))
        return paths, None

    errors = []
    by_renderer: dict[int, list[str]] = {}
    with ForkedWorkers(run, _tasks(ordered, workers * SHARES_PER_WORKER), workers) as pool:
        for paths, error in pool.results(ordered=False):
            for index, rendered in paths.items():
                by_renderer.setdefault(index, []).extend(rendered)
            if error is not None:
                errors.append(error)
    if errors:  # the one render_site would have met first
        raise ContentError([min(errors, key=lambda e: (e[0], e[1]))[2]])
    return written + _distinct(by_renderer, set(written))


def _tasks(ordered: Sequence[Callable], shares: int) -> list[tuple[tuple[int, ...], int, int]]:
    """(renderer indices, share, shares): whole renderers first, the long tasks; the shares of
    the renderers of one page per event, source or period then fill the gaps."""
    names = [getattr(r, "__name__", None) for r in ordered]
    whole: dict[int, list[int]] = {}
    for i, name in enumerate(names):
        if name not in SHARED_RENDERERS:
            lead = IN_TASK_OF.get(name)
            whole.setdefault(names.index(lead) if lead in names else i, []).append(i)
    return [(tuple(group), 0, 1) for group in whole.values()] + [
        ((i,), share, shares) for i, name in enumerate(names) if name in SHARED_RENDERERS for share in range(shares)]


def _distinct(by_renderer: dict[int, list[str]], taken: set[str]) -> list[str]:
    """The renderers' paths; two writing the same file would race, so it is an error here."""
    paths = []
    for index in sorted(by_renderer):
        for path in by_renderer[index]:
            if path in taken:
                raise RuntimeError(f"two renderers wrote {path}; their order decides which one wins, "
                                   "which forked workers cannot keep")
            taken.add(path)
            paths.append(path)
    return paths
