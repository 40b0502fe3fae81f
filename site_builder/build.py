"""The pipeline: load -> render -> write. `check`, `build` and `serve` all go through here."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Callable, Iterator

from site_builder.content.load import in_order, load_content, site_of
from site_builder.model import Site
from site_builder.output.write import staged, write_files
from site_builder.output.folder import OutputError, checked, locked, shown
from site_builder.render.template_errors import compile_templates, template_errors
from site_builder.speed.beside import Beside, Gate
from site_builder.speed.collector import collector_paused
from site_builder.speed.forked_load import ForkedReader
from site_builder.speed.workers import worker_count

if TYPE_CHECKING:
    from site_builder.render.theme import Theme
    from site_builder.speed.page_store import StoredPages

# The renderers (plotly, icalendar, ...) are imported when a build renders: `check` needs only
# the theme's templates.


@dataclass(frozen=True)
class Options:
    root: Path = Path(".")
    out: Path | None = None  # default: <root>/build
    drafts: bool = False
    base_url: str | None = None
    jobs: int | None = None  # processes for a full build; None: one per core on a big site (speed/workers.py)
    spare: bool = True  # keep the replaced site beside the output, for the next build to write over (output.staged)

    @property
    def out_dir(self) -> Path:
        return self.out if self.out is not None else self.root / "build"


@dataclass(frozen=True)
class Result:
    site: Site
    paths: tuple[str, ...]  # the files written, the search index's too
    seconds: float
    drafts_left_out: int = 0  # events marked draft: true that the site does not include
    from_store: int | None = None  # the pages taken from the page store; None: no store used
    cache_unusable: Path | None = None  # the page store's file, when it could not be opened or written

    @property
    def written(self) -> int:
        return len(self.paths)

    @property
    def pages(self) -> int:
        return sum(1 for path in self.paths if path.endswith(".html"))

    @property
    def drafts(self) -> int:
        """The drafts among the site's events."""
        return sum(1 for event in self.site.events if event.draft)

    def summary(self, verb: str, dest: Path | None = None) -> str:
        site = self.site
        drafts = ""
        if self.drafts_left_out:
            drafts = f" ({counted(self.drafts_left_out, 'draft')} left out; --drafts includes them)"
        elif self.drafts:
            drafts = f" ({counted(self.drafts, 'draft')})"
        text = (f"{verb} {counted(len(site.events), 'event')}{drafts}, {counted(len(site.sources), 'source')}, "
                f"{counted(site.excerpt_count, 'excerpt')} verified")
        if dest is not None:
            kept = f"{self.from_store} from the cache; " if self.from_store is not None else ""
            text += f", {self.pages} pages ({kept}{self.written} files) written to {dest}"
        return text + f" in {self.seconds:.2f} s"


def check(options: Options) -> Result:
    """Load and verify everything, write nothing. Raises ContentError."""
    started = time.perf_counter()
    site, _ = _load(options, include_drafts=True, jobs=options.jobs)
    compile_templates(_theme(options, site))  # what a build would refuse of the theme, check refuses
    return Result(site, (), time.perf_counter() - started)


def render(options: Options) -> tuple[Site, dict[str, bytes]]:
    """Every output file in memory, in this one process (the incremental tests compare with it)."""
    from site_builder.render.site import render_site

    site, _ = _load(options, include_drafts=options.drafts, jobs=1)
    theme = _theme(options, site)
    with template_errors():
        return site, render_site(site, theme)


def build(options: Options) -> Result:
    """Render and write the site atomically. On any error build/ is left as it was. Raises
    ContentError, and OutputError for an output folder refused or one that could not be written."""
    started = time.perf_counter()
    dest = checked(options.out_dir, options.root)  # before anything is read or written
    from site_builder.render.publishing import BESIDE_RENDER
    from site_builder.scaffold import refresh_site_schemas
    from site_builder.speed.page_store import StoredPages
    from site_builder.speed.search_cache import PartCache

    site, left_out = _load(options, include_drafts=options.drafts, jobs=options.jobs)
    theme = _theme(options, site)
    workers = worker_count(len(site.events), options.jobs)

    # Written over the site before the previous one (output.staged: rewriting files is much cheaper
    # than deleting and creating them), which is then kept for the next build.
    written: set[str] = set()  # what this build wrote: the rest of a reused spare goes (output.staged)
    name = shown(options.out_dir)
    with locked(dest, name), _write_errors(dest, name):
        checked(options.out_dir, options.root)  # again, now that no other build can be changing it
        with staged(dest, reuse=options.spare, written=written) as staging:
            # Pages whose reads are unchanged since an earlier build come from the page store.
            pages = StoredPages.for_build(options.root, site, theme, options.drafts, options.base_url)
            # The search index from the model, in a thread while the pages render: its records and
            # cached parts meanwhile, its Pagefind processes once the render workers' memory is free.
            gate = Gate(0)
            search_parts = PartCache.default()
            records = pages.search_memo(prepared=workers > 1) if pages is not None else None
            if search_parts is not None:
                search_parts.records = records
            beside = Beside(lambda: _beside_render(BESIDE_RENDER, staging, site, search_parts, gate, records))
            try:
                paths = _render(staging, site, theme, workers, pages, beside.start)
                gate.open()
                if pages is not None:
                    pages.finish(paths)
                paths += beside.result()  # the search index's files
                written.update(paths)
            finally:
                gate.close()  # after a failure: the index stops at its next Pagefind process
                beside.wait()  # and nothing writes into the staging folder once it is discarded
    refresh_site_schemas(options.root, site)  # the editors' schema/ lists the ids this build saw
    return Result(site, tuple(paths), time.perf_counter() - started, left_out,
                  pages.taken if pages is not None else None,
                  pages.store.path if pages is not None and pages.store.broken else None)


def _render(staging: Path, site: Site, theme: Theme, workers: int, pages: StoredPages | None,
            started: Callable[[], None]) -> list[str]:
    """Every file of the render written into staging, its paths: by forked workers on a big site,
    else in this process; the page store's pages (pages: StoredPages or None) where their reads are
    unchanged. started() runs once no process is forked any more (the work beside the render)."""
    from site_builder.render.site import render_site
    from site_builder.speed.forked_render import render_into

    with template_errors():
        if workers > 1 and pages is not None:
            pages.prepare()
            return render_into(staging, site, theme, workers, pages.context, pages.flush, started)
        if workers > 1:
            return render_into(staging, site, theme, workers, forked=started)
        started()
        if pages is not None:
            files = render_site(site, theme, make_context=pages.make_context, memo=pages.memo)
        else:
            files = render_site(site, theme)
        return write_files(staging, sorted(files.items()))


def _beside_render(work: list, staging: Path, site: Site, search_parts, gate: Gate, records=None) -> list[str]:
    """Run each of BESIDE_RENDER (render/publishing.py); the paths they wrote. `records`: the search
    records' memo, done in this thread, which uses it (speed/pieces.KeptMemo), even after a failure."""
    try:
        return [path for step in work for path in step(staging, site, search_parts, gate) or ()]
    finally:
        if records is not None:
            records.done()


def counted(count: int, noun: str) -> str:
    """'1 event', '2 events': a count and its noun (a regular plural)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _load(options: Options, include_drafts: bool, jobs: int | None) -> tuple[Site, int]:
    """load_site with the collector paused, the events read by `jobs` forked workers (None: as
    many as the site's size is worth; speed/forked_load.py); and how many drafts it left out."""
    with collector_paused():
        config, sources, events = load_content(options.root, options.base_url, ForkedReader(jobs))
    shown = in_order(events, include_drafts)
    return site_of(config, sources, shown), len(events) - len(shown)


@contextmanager
def _write_errors(dest: Path, name: str) -> Iterator[None]:
    """An OSError while writing the output becomes an OutputError naming the file as the user
    knows it: build/events/..., not .build.new-x7k2/events/... (output.staged)."""
    try:
        yield
    except OSError as exc:
        where = os.fspath(exc.filename) if exc.filename is not None else os.fspath(dest)
        beside = os.path.join(dest.parent, f".{dest.name}.")  # the staging and spare folders
        if where.startswith(beside):
            inside = where[len(beside):].partition(os.sep)[2]  # the path under `new-x7k2`
            where = os.path.join(dest, inside) if inside else os.fspath(dest)
        if where == os.fspath(dest) or where.startswith(os.fspath(dest) + os.sep):
            where = name + where[len(os.fspath(dest)):]
        raise OutputError(f"could not write {shown(where)}: {exc.strerror or exc}",
                          "the previous output was left as it was") from exc


def _theme(options: Options, site: Site) -> Theme:
    from site_builder.render.theme import Theme

    return Theme.checked_for_site(Path(options.root), site.config)
