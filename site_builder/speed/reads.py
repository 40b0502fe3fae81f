"""The one way the preview and the build record what a step read: views of the Site and of its dicts
that note each part read, so a page, a card or a verdict is made again only when one of those parts
changed (the preview's renderer, the build's page store)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from site_builder.model import Site
from site_builder.render.memo import Memo

MISSING = object()  # a key's value when the dict did not have it

# A method of Site may read anything of the content.
_CONTENT = frozenset({("events",), ("sources",), ("config",)})
# Sequences of the Site whose length alone is often all a page reads ("All 120 events").
_COUNTED = frozenset({"events", "sources"})


def same(a, b) -> bool:
    return a is b or a == b


class Recorder(Mapping):
    """A read-only view of a dict that notes each key read, or that it was read whole."""

    __slots__ = ("_data", "_name", "_note")

    def __init__(self, data: dict, name: str, note: Callable[[tuple], None]):
        self._data, self._name, self._note = data, name, note

    def __getitem__(self, key):
        self._note((self._name, key))
        return self._data[key]

    def get(self, key, default=None):
        self._note((self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key):
        self._note((self._name, key))
        return key in self._data

    def __iter__(self):
        self._note((self._name,))
        return iter(self._data)

    def __len__(self):
        self._note((self._name,))
        return len(self._data)


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


class SiteView:
    """The Site as renderers and templates see it, noting every attribute (or dict key) read:
    a dependency is ("events",) for a whole attribute, ("events_by_id", "some-id") for one key."""

    __slots__ = ("_site", "deps", "_recorders")

    def __init__(self, site: Site):
        self._site = site
        self.deps: set = set()
        self._recorders: dict[str, Recorder | Counted] = {}

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

    def reading(self, make: Callable, /, *args, **kwargs) -> tuple:
        """(make(*args, **kwargs), what it read), its reads kept apart from those noted before."""
        outer, self.deps = self.deps, set()
        try:
            made = make(*args, **kwargs)
        finally:
            inner, self.deps = self.deps, outer
        return made, inner


class RecordingMemo(Memo):
    """A Memo whose values carry what making them read of the site: a page given a kept value
    counts as having read it too, as with once()'s fragments."""

    def __init__(self, view: SiteView, recorded: Callable[[set], frozenset], kept: dict) -> None:
        super().__init__(kept)  # (Memo.of starts `kept` again past memo.LIMIT entries)
        self._view, self._recorded = view, recorded

    def value(self, make, *args):
        made, deps = super().value(self._reading, make, *args)
        self._view.deps |= deps
        return made

    def _reading(self, make, *args):
        made, inner = self._view.reading(make, *args)
        return made, self._recorded(inner)
