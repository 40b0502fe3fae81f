"""Incremental rebuilds for the preview server: the build pipeline, memoized.

Nothing here knows what a page shows. Each step records what it actually read, and
is redone only when one of those inputs changed:

- loading (cached_steps.py): a file's parse is kept while its stat is the same; an event's excerpt
  verification is kept while its record, the site settings and the sources it
  looked up are the same objects (so editing a source re-verifies only its citers);
- rendering: each renderer, and each page inside it, records the parts of the site
  it read (through SiteView), the templates it uses and the values it was given.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from collections.abc import Callable

import jinja2
import jinja2.meta
from markupsafe import Markup

from site_builder.preview.load_steps import MISSING, CachedSteps, Recorder, same, stamp
from site_builder.errors import ContentError, Diagnostic
from site_builder.model import Site
from site_builder.preview.packing import Dictionaries, Packed, pack, unpack
from site_builder.render.memo import Memo
from site_builder.render.pages import CARD_TEMPLATE, RenderContext
from site_builder.render.site import render_site
from site_builder.render.template_errors import template_diagnostic
from site_builder.render.theme import Theme, ThemeError
from site_builder.render.urls import Urls, output_path

# A method of Site may read anything of the content.
_CONTENT = frozenset({("events",), ("sources",), ("config",)})
# Sequences of the Site whose length alone is often all a page reads ("All 10,000 events").
_COUNTED = frozenset({"events", "sources"})


class SiteView:
    """The Site as renderers and templates see it, noting every attribute (or dict key) read.

    A dependency is ("events",) for a whole attribute or ("events_by_id", "some-id") for one key.
    """

    __slots__ = ("_site", "deps", "_recorders")

    def __init__(self, site: Site):
        self._site = site
        self.deps: set = set()
        self._recorders: dict[str, Recorder] = {}

    def __getattr__(self, name: str):
        recorder = self._recorders.get(name)
        if recorder is not None:  # the same dict is read for every page: one Recorder will do
            return recorder
        value = getattr(self._site, name)
        if isinstance(value, dict):
            recorder = self._recorders[name] = Recorder(value, name, self._note)
            return recorder
        if name in _COUNTED:
            recorder = self._recorders[name] = Counted(value, name, self._note)
            return recorder
        if callable(value):
            self.deps |= _CONTENT
        else:
            self.deps.add((name,))
        return value

    def _note(self, dep: tuple) -> None:
        self.deps.add(dep)


class Counted(Sequence):
    """A read-only view of a tuple of the Site that notes whether only its length was read
    (dependency ("len", name)) or its items (the whole attribute)."""

    __slots__ = ("_data", "_name", "_note")

    def __init__(self, data: tuple, name: str, note: Callable[[tuple], None]):
        self._data, self._name, self._note = data, name, note

    def __len__(self):
        self._note(("len", self._name))
        return len(self._data)

    def __bool__(self):
        self._note(("len", self._name))
        return bool(self._data)

    def __getitem__(self, index):
        self._note((self._name,))
        return self._data[index]

    def __iter__(self):
        self._note((self._name,))
        return iter(self._data)

    def __eq__(self, other):
        self._note((self._name,))
        return self._data == (other._data if isinstance(other, Counted) else other)

    def __hash__(self):
        return hash(self._data)


# --- rendering -------------------------------------------------------------------------


@dataclass
class _Page:
    template: str
    page: Any
    values: dict
    deps: frozenset
    site: Site  # the site these deps were last checked against
    templates: frozenset | None  # the templates it uses; None: cannot tell (a dynamic include)
    version: int  # template version it was rendered with
    data: bytes | Packed  # packed.py: the preview keeps every page
    key: tuple | None = None  # render_keyed's key


@dataclass
class _Card:
    event: Any
    deps: frozenset
    site: Site
    version: int
    packed: bytes | Packed  # its HTML in UTF-8, packed: as str, the cards were 45 MB at 10,000 events

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
    pages_rendered: int = 0
    pages_reused: int = 0
    renderers_run: int = 0
    renderers_reused: int = 0
    renderers_deferred: int = 0  # made when first asked for (DEFERRED)
    renderers_later: int = 0  # not run yet: the preview's start makes them in a second step (LATER)
    rendered: list[str] = field(default_factory=list)  # paths of the pages rendered again


class Templates:
    """The theme's Jinja environment, kept while no template changes, and what each template uses."""

    def __init__(self) -> None:
        self.env: jinja2.Environment | None = None
        self.files: dict[str, tuple] = {}
        self.version = 0
        self.changes: list[set | None] = []  # changes[v] = names changed going to version v+1
        self._closures: dict[str, frozenset | None] = {}

    def refresh(self, theme: Theme) -> None:
        files = {}
        for folder in reversed(theme.template_dirs):  # the first folder wins, as in the loader
            for path in folder.rglob("*"):
                if path.is_file():
                    files[path.relative_to(folder).as_posix()] = (str(path), *stamp(path))
        if self.env is not None and files == self.files:
            return
        changed = {n for n in files.keys() | self.files.keys() if files.get(n) != self.files.get(n)}
        self.changes.append(changed if self.env is not None else None)
        self.version += 1
        self.files = files
        self.env = theme.environment()
        self._closures = {}

    def changed_since(self, version: int, names: frozenset | None) -> bool:
        for changed in self.changes[version:]:
            if changed is None or names is None or changed & names:
                return True
        return False

    def closure_of(self, name: str, shown: set[str]) -> frozenset | None:
        """closure(name) and the closures of the templates it showed by calling them (once(),
        card()), kept once per set of names: the pages of one template mostly show the same."""
        if not shown:
            return self.closure(name)
        key = (name, frozenset(shown))
        found = self._closures.get(key, MISSING)
        if found is MISSING:
            found = self.closure(name)
            for other in shown:
                more = self.closure(other)
                found = None if found is None or more is None else found | more
            self._closures[key] = found
        return found

    def closure(self, name: str) -> frozenset | None:
        """The template and everything it extends, includes or imports."""
        if name in self._closures:
            return self._closures[name]
        self._closures[name] = None  # a cycle reads as "cannot tell"
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]
            for ref in jinja2.meta.find_referenced_templates(self.env.parse(source)):
                if ref is None:
                    return None
                todo.append(ref)
        self._closures[name] = frozenset(seen)
        return self._closures[name]


class IncrementalRenderer:
    """render_site with memory: renderers and pages are reused while their inputs are unchanged."""

    def __init__(self, deferred: frozenset = frozenset()) -> None:
        self.deferred = deferred  # names of renderers whose files are made when asked for (DEFERRED)
        self._later: frozenset = frozenset()
        self.templates = Templates()
        self.pages: dict[str, _Page] = {}
        self.cards: dict[str, _Card] = {}  # event id -> its card, as the lists show it
        # the Site attributes dependencies name: whole, by length, by key (see SiteView)
        self._dep_names: dict[str, set[str]] = {"whole": set(), "len": set(), "keyed": set()}
        self.runs: dict[Any, _Run] = {}
        self.assets: dict[str, str] | None = None
        self._compared: dict[tuple, bool] = {}
        self._changed_by: dict[int, frozenset] = {}  # id(earlier site) -> what reads differently now
        self.stats = RenderStats()
        self.dictionaries = Dictionaries()  # to pack pages with
        self.kept: dict = {}  # Memo.of's values, kept across rebuilds with their (unchanged) objects

    def render(self, site: Site, theme: Theme, later: frozenset = frozenset()) -> dict[str, bytes | Packed]:
        """later: names of renderers not to run now if they never ran (their files are then
        missing until a render without them)."""
        self._later = later
        self.templates.refresh(theme)
        self._compared = {}
        self._changed_by = {}
        self._keep_alive: list = []
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

    def unchanged(self, since: Site, deps: frozenset) -> bool:
        """Whether every dependency reads the same now as in `since`."""
        if since is self._site:
            return True
        changed = self._changed_by.get(id(since))
        if changed is None:  # once per rebuild and earlier site (10,000 pages ask)
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
        and now: one pass over the dict, where a page asking about its few keys would do
        thousands of lookups."""
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

    def _run(self, renderer: Callable, ctx: _CachingContext):
        key = getattr(renderer, "__qualname__", renderer)
        run = self.runs.get(key)
        if run is None and getattr(renderer, "__name__", "") in self._later:
            self.stats.renderers_later += 1
            return []
        if run is not None and run.version == self.templates.version and self.unchanged(run.site, run.deps):
            run.site = self._site
            self.stats.renderers_reused += 1
            ctx.seen.update(p for p, _ in run.outputs if p in self.pages)
            return run.outputs
        if (run is not None and run.outputs and run.version == self.templates.version
                and getattr(renderer, "__name__", "") in self.deferred):
            # Content changed: its files again, made when first asked for. (A template change runs
            # it now, so a template error shows at once.) The deps are those of its last real run:
            # these renderers read the same parts of the site (events, sources, config) every time.
            view = SiteView(self._site)  # as in a real run
            later = Deferred(renderer, RenderContext(view, Urls(view, ctx.urls.assets), ctx.env, Memo(self.kept)))
            outputs = [(path, LazyFile(path, later)) for path, _ in run.outputs]
            self.runs[key] = _Run(run.deps, self._site, self.templates.version, outputs)
            self.stats.renderers_deferred += 1
            return outputs
        self.stats.renderers_run += 1
        view = ctx.site
        view.deps = set()
        # the exports packed here; the pages come packed (_CachingContext.render)
        outputs = [(path, data if isinstance(data, Packed) else pack(data)) for path, data in renderer(ctx)]
        self.runs[key] = _Run(self.recorded(view.deps), self._site, self.templates.version, outputs)
        return outputs


# Renderers of whole-site files no page needs to show (feeds, exports, the filters' data, the
# sitemap): after an edit the preview makes them again only when one of their files is asked for.
DEFERRED = frozenset({"timeline_data", "atom_feed", "events_ics", "events_json", "events_csv",
                      "timelinejs_json", "sitemap_xml"})


# Of those, the ones the preview's first build of a large site leaves to a second step, once its
# pages are served (serve.Rebuilder): no page fetches their files (the filters' data files,
# timeline_data, they do fetch). 10,000 events: 2.3 s of the 10.5 s before the first page showed.
LATER = DEFERRED - {"timeline_data"}
LATER_FROM_EVENTS = 500  # a smaller site makes them in well under a second: in one step


class Deferred:
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


@dataclass(frozen=True)
class LazyFile:
    path: str
    run: Deferred

    def data(self) -> bytes | Packed | None:
        """None: the renderer no longer makes this file."""
        return self.run.files().get(self.path)


class LazyFiles(Mapping):
    """A rebuild's files for serving, as plain bytes: deferred ones are made when read (a
    template error then raises jinja2.TemplateError to the reader), packed ones unpacked."""

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


class RecordingMemo(Memo):
    """A Memo whose values carry what making them read of the site (SiteView's deps): a page
    given a kept value counts as having read it too, as with once()'s fragments."""

    def __init__(self, view: SiteView, recorded: Callable[[set], frozenset], kept: dict) -> None:
        super().__init__(kept)  # (Memo.of starts `kept` again past memo.LIMIT entries)
        self._view, self._recorded = view, recorded

    def value(self, make, *args):
        made, deps = super().value(self._reading, make, *args)
        self._view.deps |= deps
        return made

    def _reading(self, make, *args):
        view = self._view
        outer, view.deps = view.deps, set()
        try:
            made = make(*args)
        finally:
            inner, view.deps = view.deps, outer
        return made, self._recorded(inner)


class _CachingContext(RenderContext):
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
            cached.site = r._site
            cached.version = r.templates.version
            view.deps |= cached.deps
            r.stats.pages_reused += 1
            return path, cached.data
        outer, view.deps = view.deps, set()
        self._shown = set()
        try:
            path, data = super().render(template, page, **values)
        finally:
            inner, view.deps = view.deps, outer
        outer |= inner
        data = r.dictionaries.pack(template, data)
        r.pages[path] = _Page(template, page, values, r.recorded(inner), r._site,
                              r.templates.closure_of(template, self._shown), r.templates.version, data)
        r.stats.pages_rendered += 1
        r.stats.rendered.append(path)
        return path, data

    def render_keyed(self, template: str, url: str, key: tuple, make, *args) -> tuple[str, bytes]:
        r = self.renderer
        path = output_path(url, self.urls.base)
        cached = r.pages.get(path)
        if (cached is not None and cached.key is not None and cached.template == template and cached.key == key
                and not r.templates.changed_since(cached.version, cached.templates)
                and r.unchanged(cached.site, cached.deps)):
            self.seen.add(path)
            cached.site = r._site
            cached.version = r.templates.version
            self.site.deps |= cached.deps
            r.stats.pages_reused += 1
            return path, cached.data
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
            outer, view.deps = view.deps, set()
            try:
                html = self.render_fragment(template, kind)
            finally:
                inner, view.deps = view.deps, outer
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
        outer, view.deps = view.deps, set()
        try:
            html = self.render_card(event)
        finally:
            inner, view.deps = view.deps, outer
        outer |= inner
        packed = r.dictionaries.pack(CARD_TEMPLATE, html.encode("utf-8"))
        r.cards[event.id] = _Card(event, r.recorded(inner), r._site, r.templates.version, packed)
        return html


# --- the session -----------------------------------------------------------------------


@dataclass
class Generation:
    """One successful rebuild: the site, every output file, and what it took."""

    site: Site
    outputs: dict  # output path -> bytes, Packed, or a LazyFile the preview makes when it is asked for
    seconds: float
    stats: RenderStats
    verified: int  # events whose excerpts were verified again
    parsed: int  # files read and parsed again

    @property
    def pages(self) -> int:
        return sum(1 for path in self.outputs if path.endswith(".html"))

    @cached_property
    def files(self) -> dict[str, bytes]:
        """Every output file, the deferred ones made now."""
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
    renderer: IncrementalRenderer = field(default_factory=lambda: IncrementalRenderer(DEFERRED))

    def rebuild(self, changed: set[Path] | None = None, later: frozenset = frozenset()) -> Generation:
        """The site after these files changed (None: check every file's stat). Raises ContentError.
        later: renderers that never ran to leave for the next rebuild, on a site of
        LATER_FROM_EVENTS events or more (Generation.stats.renderers_later says how many were)."""
        started = time.perf_counter()
        if changed:
            self.steps.forget(changed)
        before = dict(self.steps.counts)
        # `changed` is every file that changed (the preview's watcher sees them all): the other
        # event files are taken as they were, without walking the folder or a stat each.
        site = self.steps.load(self.root, include_drafts=self.drafts, base_url=self.base_url, changed=changed)
        try:
            theme = Theme.for_site(Path(self.root), site.config.theme)
            files = self.renderer.render(site, theme, later if len(site.events) >= LATER_FROM_EVENTS else frozenset())
        except ThemeError as exc:
            raise ContentError([Diagnostic(exc.path or str(Path(self.root) / "site.yaml"), 1, 1, str(exc))])
        except Exception as exc:
            diagnostic = template_diagnostic(exc)
            if diagnostic is None:
                raise
            raise ContentError([diagnostic]) from None
        counts = self.steps.counts
        return Generation(site, files, time.perf_counter() - started, self.renderer.stats,
                          counts["verified"] - before["verified"], counts["parsed"] - before["parsed"])
