"""Values worked out once per object.

The preview server keeps an unchanged event's (and source's) object from one rebuild to the
next, so what is derived from one event alone can be kept with it: a rebuild after an edit then
works out the edited event's values only. Keyed by the object's id, holding the object itself
so that id is not reused while the entry lives.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")

LIMIT = 200_000  # entries; past this the memo starts again (objects of sites no longer built)


class PerObject(Generic[T]):
    def __init__(self, make: Callable[[Any], T]):
        self._make = make
        self._kept: dict[int, tuple[Any, T]] = {}

    def __call__(self, obj) -> T:
        kept = self._kept.get(id(obj))
        if kept is not None and kept[0] is obj:
            return kept[1]
        value = self._make(obj)
        if len(self._kept) >= LIMIT:
            self._kept.clear()
        self._kept[id(obj)] = (obj, value)
        return value
