"""render_site with memory: each renderer, page and card records what it read of the site (reads.py),
the templates it uses and the values it was given, and is rendered again only when one changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from site_builder.model import Site
from site_builder.preview.on_request import (NAMED_WHEN_ASKED, PAGES_WHEN_ASKED, LazyFile, LazyRun,
                                             NamingContext)
from site_builder.preview.packing import Dictionaries, Packed, pack, unpack
from site_builder.speed.reads import MISSING, RecordingMemo, SiteView, same
from site_builder.preview.templates import Templates
from site_builder.render.memo import Memo
from site_builder.render.pages import CARD_TEMPLATE, RenderContext
from site_builder.render.site import render_site
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls, output_path


@dataclass
class _Page:
    template: str
    page: Any
    values: dict
    deps: frozenset
    site: Site  # the site these deps were last checked against
    templates: frozenset | None  # the templates it uses; None: cannot tell (a dynamic include)
    version: int  # template version it was rendered with
    data: bytes | Packed  # packing.py: the preview keeps every page
    key: tuple | None = None  # render_keyed's key


@dataclass
class _Card:
    event: Any
    deps: frozenset
    site: Site
    version: int
    packed: bytes | Packed  # its HTML in UTF-8, packed: kept as str, the cards took much memory

    @property
    def html(self) -> Markup:
        return Markup(unpack(self.packed).decode("utf-8"))


@dataclass
class _Run:
    deps: frozenset
    site: Site
    version: int
    outputs: list


@dataclass
class RenderStats:
    """What one render did, for the terminal's line and the tests."""

    pages_rendered: int = 0
    pages_reused: int = 0
    renderers_run: int = 0
    renderers_reused: int = 0
    renderers_on_request: int = 0  # their files made when first asked for (on_request.ON_REQUEST)
    renderers_after_first_pages: int = 0  # left for the next render (on_request.AFTER_FIRST_PAGES)
    renderers_pages_when_asked: int = 0  # their pages made when asked for until the next render
    rendered: list[str] = field(default_factory=list)  # paths of the pages rendered again


class IncrementalRenderer:
    """render_site with memory: renderers and pages are reused while their inputs are unchanged."""

    def __init__(self, on_request: frozenset = frozenset()) -> None:
        self.on_request = on_request  # names of renderers whose files are made when asked for
        self._after_first_pages: frozenset = frozenset()
        self.templates = Templates()
        self.pages: dict[str, _Page] = {}
        self.cards: dict[str, _Card] = {}  # event id -> its card, as the lists show it
        # the Site attributes dependencies name: whole, by length, by key (see SiteView)
        self._dep_names: dict[str, set[str]] = {"whole": set(), "len": set(), "keyed": set()}
        self.runs: dict[Any, _Run] = {}
        self.assets: dict[str, str] | None = None
        self._compared: dict[tuple, bool] = {}
        self._changed_by: dict[int, frozenset] = {}  # id(earlier site) -> what reads differently now
        self._keep_alive: list = []
        self.stats = RenderStats()
        self.dictionaries = Dictionaries()  # to pack pages with
        self.kept: dict = {}  # Memo.of's values, kept across rebuilds with their (unchanged) objects

    def render(self, site: Site, theme: Theme,
               after_first_pages: frozenset = frozenset()) -> dict[str, bytes | Packed]:
        """after_first_pages: renderers not to run now if they never ran (their files are then
        missing until a render without them)."""
        self._after_first_pages = after_first_pages
        self.templates.refresh(theme)
        self._compared = {}
        self._changed_by = {}
        self._keep_alive = []
        self.stats = RenderStats()
        self._site = site
        seen_pages: set[str] = set()
        view = SiteView(site)
        memo = RecordingMemo(view, self.recorded, self.kept)
        try:
            return render_site(site, theme, self.templates.env, self._context(view, seen_pages), self._run, memo)
        finally:
            for path in [p for p in self.pages if p not in seen_pages]:
                self.pages.pop(path)  # a page no longer produced (or unknown after a failure)
            for event_id in [e for e in self.cards if e not in site.events_by_id]:
                self.cards.pop(event_id)

    def _context(self, view: SiteView, seen_pages: set[str]):
        renderer = self

        def make(site: Site, asset_names: dict[str, str], env: jinja2.Environment, memo: Memo) -> RenderContext:
            if asset_names != renderer.assets:  # new CSS means new hashed names in every page
                renderer.assets = asset_names
                renderer.pages.clear()
                renderer.cards.clear()
                renderer.runs.clear()
            return _CachingContext(view, Urls(view, asset_names), env, memo, renderer=renderer, seen=seen_pages)
        return make

    # --- whether what a page read is unchanged ------------------------------------------------

    def unchanged(self, since: Site, deps: frozenset) -> bool:
        """Whether every dependency reads the same now as in `since`."""
        if since is self._site:
            return True
        changed = self._changed_by.get(id(since))
        if changed is None:  # once per rebuild and earlier site (every page asks)
            changed = frozenset() if self._same_content(since) else self._changed_deps(since)
            self._changed_by[id(since)] = changed
            self._keep_alive.append(since)  # its id is not taken by another object meanwhile
        return not changed or deps.isdisjoint(changed)

    def _changed_deps(self, since: Site) -> frozenset:
        """Every dependency (of the shapes recorded so far) that reads differently now than in
        `since`, worked out once per rebuild: a page's check is then one set operation."""
        key = (id(since), "changed")
        found = self._compared.get(key)
        if found is None:
            now = self._site
            changed = {(name,) for name in self._dep_names["whole"]
                       if not same(getattr(since, name), getattr(now, name))}
            changed |= {("len", name) for name in self._dep_names["len"]
                        if len(getattr(since, name)) != len(getattr(now, name))}
            for name in self._dep_names["keyed"]:
                changed |= {(name, k) for k in self._changed_keys(since, name)}
            found = self._compared[key] = frozenset(changed)
        return found

    def _changed_keys(self, since: Site, name: str) -> frozenset:
        """The keys of a dict of the site (events_by_id, ...) whose value differs between `since`
        and now: one pass over the dict, where each page asking about its few keys would repeat it."""
        key = (id(since), name, "keys")
        found = self._compared.get(key)
        if found is None:
            old, new = getattr(since, name), getattr(self._site, name)
            if old is new:
                found = frozenset()
            else:
                found = frozenset(k for k, v in new.items() if not same(old.get(k, MISSING), v))
                found |= old.keys() - new.keys()
            self._compared[key] = found
        return found

    def same_value(self, old, new) -> bool:
        """same(old, new), answered once per pair of objects in a rebuild: the pages of one
        renderer are often given the same object (the index of periods, the filters)."""
        if old is new:
            return True
        if type(old) in (str, int, float, bool, type(None)):
            return old == new
        key = (id(old), id(new), "value")
        kept = self._compared.get(key)
        if kept is None:
            kept = old == new
            self._compared[key] = kept
            self._keep_alive.append((old, new))  # no other object takes these ids during the rebuild
        return kept

    def recorded(self, deps) -> frozenset:
        """The dependencies to keep with a page, card or run; their shapes (whole attribute,
        length, one key of a dict) are noted for _changed_deps."""
        names = self._dep_names
        for dep in deps:
            if len(dep) == 1:
                names["whole"].add(dep[0])
            elif dep[0] == "len":
                names["len"].add(dep[1])
            else:
                names["keyed"].add(dep[0])
        return frozenset(deps)

    def _same_content(self, since: Site) -> bool:
        """Everything a Site has is derived from these three: equal, and no dependency can differ."""
        key = (id(since), "__all__")
        kept = self._compared.get(key)
        if kept is None:
            now = self._site
            kept = self._compared[key] = (same(since.config, now.config) and same(since.events, now.events)
                                          and same(since.sources, now.sources))
        return kept

    # --- renderers ------------------------------------------------------------------------------

    def _run(self, renderer: Callable, ctx: _CachingContext):
        """The renderer's files: its last ones while its inputs are unchanged, else made again
        (now, or when first asked for if it is one of on_request)."""
        key = getattr(renderer, "__qualname__", renderer)
        name = getattr(renderer, "__name__", "")
        run = self.runs.get(key)
        if run is None and name in self._after_first_pages:
            if name in PAGES_WHEN_ASKED:
                return self._pages_named(renderer, ctx)
            if name in NAMED_WHEN_ASKED:
                return self._files_named(renderer, NAMED_WHEN_ASKED[name](self._site), ctx)
            self.stats.renderers_after_first_pages += 1
            return []
        if run is not None and run.version == self.templates.version and self.unchanged(run.site, run.deps):
            run.site = self._site
            self.stats.renderers_reused += 1
            ctx.seen.update(p for p, _ in run.outputs if p in self.pages)
            return run.outputs
        if run is not None and run.outputs and run.version == self.templates.version and name in self.on_request:
            return self._run_on_request(key, renderer, run, ctx)
        self.stats.renderers_run += 1
        view = ctx.site
        view.deps = set()
        # the exports packed here; the pages come packed (_CachingContext.render)
        outputs = [(path, data if isinstance(data, Packed) else pack(data)) for path, data in renderer(ctx)]
        self.runs[key] = _Run(self.recorded(view.deps), self._site, self.templates.version, outputs)
        return outputs

    def _pages_named(self, renderer: Callable, ctx: _CachingContext) -> list:
        """The renderer's pages, each made when first asked for (on_request.NamingContext); no
        run is kept, so the next render renders them all, with what each read."""
        self.stats.renderers_pages_when_asked += 1
        plain = RenderContext(self._site, Urls(self._site, ctx.urls.assets), ctx.env, Memo())
        return list(renderer(NamingContext(ctx, plain)))

    def _files_named(self, renderer: Callable, names: tuple[str, ...], ctx: _CachingContext) -> list:
        """The renderer's files, under the names it is known to write, made when first asked for;
        no run is kept, as in _pages_named."""
        self.stats.renderers_pages_when_asked += 1
        lazy = LazyRun(renderer, RenderContext(self._site, Urls(self._site, ctx.urls.assets), ctx.env, Memo()))
        return [(path, LazyFile(path, lazy)) for path in names]

    def _run_on_request(self, key, renderer: Callable, run: _Run, ctx: _CachingContext) -> list:
        """The content changed: its files again, made when first asked for. (A template change runs
        it now, so a template error shows at once.) The deps are those of its last real run: these
        renderers read the same parts of the site (events, sources, config) every time."""
        view = SiteView(self._site)  # as in a real run
        lazy = LazyRun(renderer, RenderContext(view, Urls(view, ctx.urls.assets), ctx.env, Memo(self.kept)))
        outputs = [(path, LazyFile(path, lazy)) for path, _ in run.outputs]
        self.runs[key] = _Run(run.deps, self._site, self.templates.version, outputs)
        self.stats.renderers_on_request += 1
        return outputs


class _CachingContext(RenderContext):
    """The RenderContext the renderers are given: each page, card and fragment is taken from the
    last rebuild while what it read is unchanged, else rendered and kept with what it read."""

    def __init__(self, site, urls, env, memo, *, renderer: IncrementalRenderer, seen: set[str]):
        super().__init__(site, urls, env, memo)
        self.renderer = renderer
        self.seen = seen
        # The templates the page being rendered shows through once() and card(): calls, which
        # the closure of its own template (its includes) does not name.
        self._shown: set[str] = set()

    def render(self, template: str, page, **values) -> tuple[str, bytes]:
        r = self.renderer
        path = output_path(page.url, self.urls.base)
        self.seen.add(path)
        view: SiteView = self.site
        cached = r.pages.get(path)
        if (cached is not None and cached.template == template and same(cached.page, page)
                and cached.values.keys() == values.keys()
                and all(r.same_value(cached.values[k], v) for k, v in values.items())
                and not r.templates.changed_since(cached.version, cached.templates)
                and r.unchanged(cached.site, cached.deps)):
            return self._reused(path, cached)
        self._shown = set()
        (path, data), inner = view.reading(super().render, template, page, **values)
        view.deps |= inner
        data = r.dictionaries.pack(template, data)
        r.pages[path] = _Page(template, page, values, r.recorded(inner), r._site,
                              r.templates.closure_of(template, self._shown), r.templates.version, data)
        r.stats.pages_rendered += 1
        r.stats.rendered.append(path)
        return path, data

    def _reused(self, path: str, cached: _Page) -> tuple[str, bytes | Packed]:
        """The page as last rendered, which now counts as rendered with this site."""
        r = self.renderer
        cached.site = r._site
        cached.version = r.templates.version
        self.site.deps |= cached.deps
        r.stats.pages_reused += 1
        return path, cached.data

    def render_keyed(self, template: str, url: str, key: tuple, make, *args) -> tuple[str, bytes]:
        r = self.renderer
        path = output_path(url, self.urls.base)
        cached = r.pages.get(path)
        if (cached is not None and cached.key is not None and cached.template == template and cached.key == key
                and not r.templates.changed_since(cached.version, cached.templates)
                and r.unchanged(cached.site, cached.deps)):
            self.seen.add(path)
            return self._reused(path, cached)
        page, values = make(*args)
        path, data = self.render(template, page, **values)
        r.pages[path].key = key
        return path, data

    def once(self, template: str, kind: str = ""):
        """As RenderContext.once, for this rebuild; what the fragment read counts as read by
        every page showing it."""
        fragments = self.__dict__.setdefault("_fragments", {})
        view: SiteView = self.site
        self._shown.add(template)
        kept = fragments.get((template, kind))
        if kept is None:
            html, inner = view.reading(self.render_fragment, template, kind)
            kept = fragments[(template, kind)] = (html, self.renderer.recorded(inner))
        view.deps |= kept[1]
        return kept[0]

    def card(self, event):
        """A card kept across rebuilds while its event (the same object), the site parts it read
        and its templates are unchanged; what it read counts as read by the page showing it."""
        r = self.renderer
        view: SiteView = self.site
        self._shown.add(CARD_TEMPLATE)
        cached = r.cards.get(event.id)
        if (cached is not None and cached.event is event
                and not r.templates.changed_since(cached.version, r.templates.closure(CARD_TEMPLATE))
                and r.unchanged(cached.site, cached.deps)):
            cached.site = r._site
            cached.version = r.templates.version
            view.deps |= cached.deps
            return cached.html
        html, inner = view.reading(self.render_card, event)
        view.deps |= inner
        packed = r.dictionaries.pack(CARD_TEMPLATE, html.encode("utf-8"))
        r.cards[event.id] = _Card(event, r.recorded(inner), r._site, r.templates.version, packed)
        return html
