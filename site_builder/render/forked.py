"""render_into: every output file written into a folder, the renderers spread over forked workers.

Each worker runs whole renderers (the home page, the exports) or a share of the pages of a
renderer that makes one page per event or source, and writes what it renders straight into
the folder, so no page travels back to the parent. The files are the ones render_site makes,
byte for byte (tests/test_parallel_build.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

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


class ShareContext(RenderContext):
    """Renders only this share's pages: the calls of ctx.render numbered share, share+shares, ...
    in turns of PAGES_PER_TURN. The other calls give (path, None) without rendering."""

    def __init__(self, site: Site, urls: Urls, env: jinja2.Environment, share: int, shares: int):
        super().__init__(site, urls, env)
        self.share, self.shares, self.calls = share, shares, 0

    def render(self, template: str, page, **values) -> tuple[str, bytes | None]:
        turn = self.calls // PAGES_PER_TURN
        self.calls += 1
        if turn % self.shares != self.share:
            return output_path(page.url, self.urls.base), None
        return super().render(template, page, **values)


def render_into(folder: Path, site: Site, theme: Theme, workers: int,
                while_rendering: Callable[[], None] | None = None) -> list[str]:
    """Write every output file under folder; returns their paths. while_rendering() runs in this
    process (in a thread) while the workers render. Raises ContentError for a template error."""
    from site_builder.build import template_diagnostic  # late: build imports this module

    env = theme.environment()
    asset_names, outputs = static_outputs(site, theme, env)
    outputs.update(schema_files())
    written = write_files(folder, sorted(outputs.items()))
    ordered = renderers()
    shares = workers * SHARES_PER_WORKER
    # Whole renderers first: they are the long tasks; the shares then fill the gaps.
    shared = [getattr(r, "__name__", None) in SHARED_RENDERERS for r in ordered]
    tasks = [(i, 0, 1) for i in range(len(ordered)) if not shared[i]]
    tasks += [(i, share, shares) for i in range(len(ordered)) if shared[i] for share in range(shares)]

    def run(task: tuple[int, int, int]):
        index, share, count = task
        ctx = ShareContext(site, Urls(site, asset_names), env, share, count)
        try:  # each page written as soon as it is rendered
            return index, 0, write_files(folder, ((p, d) for p, d in ordered[index](ctx) if d is not None)), None
        except jinja2.TemplateError as exc:
            return index, ctx.calls, None, template_diagnostic(exc)

    errors = []
    by_renderer: dict[int, list[str]] = {}
    with ForkedWorkers(run, tasks, workers) as pool:
        side = _Background(while_rendering)  # after the fork: no thread is copied into a worker
        try:
            for index, call, paths, error in pool.results(ordered=False):
                if error is not None:
                    errors.append((index, call, error))
                else:
                    by_renderer.setdefault(index, []).extend(paths)
        finally:
            side.wait()
    if errors:  # the one render_site would have met first
        raise ContentError([min(errors, key=lambda e: (e[0], e[1]))[2]])
    if side.error is not None:
        raise side.error
    return written + _distinct(by_renderer, set(written))


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


class _Background:
    """A function run in a thread; what it raised is kept in .error."""

    def __init__(self, function: Callable[[], None] | None):
        import threading

        self.error: BaseException | None = None
        self.thread = None
        if function is not None:
            def target() -> None:
                try:
                    function()
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    self.error = exc
            self.thread = threading.Thread(target=target, name="site-builder-postprocess")
            self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
