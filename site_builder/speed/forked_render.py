"""render_into: render_site's files, byte for byte, written into a folder by forked workers, each
running whole renderers or a share of a per-event or per-source renderer's pages and writing them
itself, so no page travels back to the parent."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable, Iterator, Sequence

import jinja2

from site_builder.errors import ContentError
from site_builder.model import Site
from site_builder.output.write import write_files
from site_builder.speed.workers import ForkedWorkers
from site_builder.render.memo import Memo
from site_builder.render.pages import RenderContext
from site_builder.render.site import renderers, static_outputs
from site_builder.render.template_errors import template_diagnostic
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls
from site_builder.content.schema import schema_files

# Renderers of one page per item (event, source, period of a large site), which make their pages
# for the numbers ctx.turns() gives: each share of them renders its turns only.
SHARED_RENDERERS = frozenset({"event_pages", "source_pages", "period_pages"})
PAGES_PER_TURN = 4  # a share renders this many pages of a shared renderer, then skips the next ones
SHARES_PER_WORKER = 3  # more shares than workers: one slow share does not leave a core idle
# A renderer that reuses what another made, through the context they share, runs in that one's
# task, after it, as in render_site (the embed view takes the home page's chart, filters and list
# from the memo, where another worker would make them again).
IN_TASK_OF = {"embed_page": "home_page"}


class ShareContext(RenderContext):
    """Renders only this share's pages of a renderer of one page per item, the items numbered
    share, share+shares, ... in turns of PAGES_PER_TURN, and does not even look at the others'.
    `calls` is the number of the page being made plus one: a template error's place in the order."""

    def __init__(self, site: Site, urls: Urls, env: jinja2.Environment, share: int, shares: int,
                 memo: Memo | None = None):
        super().__init__(site, urls, env, memo if memo is not None else Memo())
        self.share, self.shares, self.calls = share, shares, 0

    def turns(self, count: int) -> Iterator[int]:
        for first in range(self.share * PAGES_PER_TURN, count, self.shares * PAGES_PER_TURN):
            for n in range(first, min(first + PAGES_PER_TURN, count)):
                self.calls = n + 1
                yield n


ContextFactory = Callable[[dict[str, str], jinja2.Environment, int, int], ShareContext]


def render_into(folder: Path, site: Site, theme: Theme, workers: int, contexts: ContextFactory | None = None,
                after_task: Callable[[], None] | None = None, forked: Callable[[], None] | None = None) -> list[str]:
    """Write every output file under folder; returns their paths. Raises ContentError for a
    template error. contexts(asset names, env, share, shares) makes each task's context (the page
    store's, speed/page_store.py), after_task runs in the worker when a task ends, forked runs in
    this process once the workers are forked (a thread may start then: speed/beside.py)."""
    env = theme.environment()
    asset_names, outputs = static_outputs(site, theme, env)
    outputs.update(schema_files())
    written = write_files(folder, sorted(outputs.items()))
    ordered = renderers()
    memo = Memo()  # each worker fills its own copy: the tasks a worker runs share what it works out

    def run(task: tuple[tuple[int, ...], int, int]):
        indices, share, count = task
        if contexts is not None:
            ctx = contexts(asset_names, env, share, count)
        else:
            ctx = ShareContext(site, Urls(site, asset_names), env, share, count, memo)
        paths: dict[int, list[str]] = {}
        try:
            for index in indices:
                try:  # each page written as soon as it is rendered
                    paths[index] = write_files(folder, ordered[index](ctx))
                except Exception as exc:
                    diagnostic = template_diagnostic(exc)
                    if diagnostic is None:
                        raise
                    return paths, (index, ctx.calls, diagnostic)
            return paths, None
        finally:
            if after_task is not None:
                after_task()

    errors = []
    by_renderer: dict[int, list[str]] = {}
    with ForkedWorkers(run, _tasks(ordered, workers * SHARES_PER_WORKER), workers) as pool:
        if forked is not None:
            forked()
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
