"""The whole-site files no page needs to show (feeds, exports, the filters' data, the sitemap):
after an edit the preview makes them when one is first asked for, through the lazy files here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from site_builder.preview.packing import Packed, pack, unpack
from site_builder.model import Site
from site_builder.render.archive import INDEX_ASSET, TEXT_ASSET, is_large
from site_builder.render.pages import RenderContext
from site_builder.render.urls import output_path

# The renderers whose files, after an edit, are made when first asked for.
ON_REQUEST = frozenset({"timeline_data", "atom_feed", "events_ics", "events_json", "events_csv",
                        "timelinejs_json", "sitemap_xml"})

# Of those, the ones the first build of a large site leaves out, to make right after its pages are
# served (watch.Rebuilder.complete): no page fetches their files, as pages do the filters' data.
AFTER_FIRST_PAGES = ON_REQUEST - {"timeline_data"}

# The renderers of one page per period, event or source: the first build of a large site only
# names their pages, each made when first asked for, until the second step renders them all.
PAGES_WHEN_ASKED = frozenset({"period_pages", "event_pages", "source_pages"})

# Renderers of files under fixed names (given the site): in serve's first build they are made
# when first asked for too. The filters' data: the pages fetch it once shown.
NAMED_WHEN_ASKED: dict[str, Callable[[Site], tuple[str, ...]]] = {
    "timeline_data": lambda site: (INDEX_ASSET, TEXT_ASSET) if is_large(site) else ()}

# What serve's first build leaves out (watch.Rebuilder.complete makes it right after).
FIRST_BUILD_LEAVES = AFTER_FIRST_PAGES | PAGES_WHEN_ASKED | NAMED_WHEN_ASKED.keys()


class LazyRun:
    """A renderer's run, done on first use (by whichever thread asks first) and then kept."""

    def __init__(self, renderer: Callable, ctx: RenderContext):
        self._renderer, self._ctx = renderer, ctx
        self._lock = threading.Lock()
        self._files: dict[str, bytes | Packed] | None = None

    def files(self) -> dict[str, bytes | Packed]:
        with self._lock:
            if self._files is None:
                self._files = {path: pack(data) for path, data in self._renderer(self._ctx)}
                self._renderer = self._ctx = None
            return self._files


class LazyPage:
    """One page, rendered on first use with a plain RenderContext (the bytes a full build
    writes); the pages of one first build share that context and a lock (its memo is not
    thread-safe)."""

    def __init__(self, ctx: RenderContext, lock: threading.Lock, template: str, page, values: dict):
        self._ctx, self._lock = ctx, lock
        self._args: tuple | None = (template, page, values)
        self._files: dict[str, bytes | Packed] | None = None

    def files(self) -> dict[str, bytes | Packed]:
        with self._lock:
            if self._files is None:
                template, page, values = self._args
                path, data = self._ctx.render(template, page, **values)
                self._files, self._args = {path: pack(data)}, None
            return self._files


class NamingContext(RenderContext):
    """The context a PAGES_WHEN_ASKED renderer is given in serve's first build: each page it
    would render is named, as a LazyFile of a LazyPage made with `plain`."""

    def __init__(self, ctx: RenderContext, plain: RenderContext):
        super().__init__(ctx.site, ctx.urls, ctx.env, ctx.memo)
        self._plain, self._lock = plain, threading.Lock()

    def render(self, template: str, page, **values) -> tuple[str, LazyFile]:
        path = output_path(page.url, self.urls.base)
        return path, LazyFile(path, LazyPage(self._plain, self._lock, template, page, values))

    def render_keyed(self, template: str, url: str, key: tuple, make: Callable, *args) -> tuple[str, LazyFile]:
        page, values = make(*args)
        return self.render(template, page, **values)


@dataclass(frozen=True)
class LazyFile:
    """One file of a LazyRun, standing in the outputs until it is read."""

    path: str
    run: LazyRun | LazyPage

    def data(self) -> bytes | Packed | None:
        """None: the renderer no longer makes this file."""
        return self.run.files().get(self.path)


class LazyFiles(Mapping):
    """A rebuild's files for serving, as plain bytes: lazy ones are made when read (a template
    error then raises jinja2.TemplateError to the reader), packed ones unpacked."""

    def __init__(self, outputs: dict):
        self._outputs = outputs

    def __getitem__(self, path: str) -> bytes:
        return unpack(self._stored(path))

    def gzipped(self, path: str) -> bytes | None:
        """The file as a gzip member, if it is kept as one (None also for a missing file)."""
        try:
            data = self._stored(path)
        except KeyError:
            return None
        return data.gzip if isinstance(data, Packed) else None

    def _stored(self, path: str) -> bytes | Packed:
        data = self._outputs[path]
        if isinstance(data, LazyFile):
            data = data.data()
            if data is None:
                raise KeyError(path)
        return data

    def __contains__(self, path) -> bool:
        return path in self._outputs

    def __iter__(self):
        return iter(self._outputs)

    def __len__(self) -> int:
        return len(self._outputs)
