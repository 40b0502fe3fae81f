"""Memo: the values a render works out once, though several renderers and pages ask for them. Each
render has its own, so nothing outlives it but what an owner keeps: the preview passes the same
`kept` to every rebuild, so an unchanged event's values are not worked out again."""

from __future__ import annotations

from typing import Any, TypeVar
from collections.abc import Callable

T = TypeVar("T")

LIMIT = 200_000  # entries of `kept`; past this it starts again (objects of sites no longer built)

# name -> make: make(event) (`of`), or make(scope, event) for a piece (render/pieces.py). Their values
# are plain data (bytes, str, numbers, None, tuples, lists, dicts, frozensets: what marshal writes and
# gives back the same), which a build may keep between builds (speed/pieces.py).
REGISTERED: dict[str, Callable] = {}


class OutsidePiece(RuntimeError):
    """A kept value's function read what its key does not hold (not an AttributeError nor a KeyError:
    nothing, not even a template's `is defined`, takes it for a value that is not there)."""


def keepable(make: Callable[..., T]) -> Callable[..., T]:
    """Registers make(scope, event), a piece of a whole-site file: a value of its event, the sources
    it quotes and the site's settings (site.yaml, the language, the URLs), which a build may keep
    between builds. render/pieces.py gives it a scope whose site holds nothing else."""
    return _registered(make, alone=False)


def keepable_alone(make: Callable[[Any], T]) -> Callable[[Any], T]:
    """Registers make(event), a value of its event alone (asked for with Memo.of), which a build may
    keep between builds."""
    return _registered(make, alone=True)


def _registered(make: Callable, alone: bool) -> Callable:
    name = f"{make.__module__}.{make.__qualname__}"
    if "<" in name:
        raise TypeError(f"{name}: a kept value is made by a module-level function")
    REGISTERED[name] = make
    make.kept_as = (name, alone)  # type: ignore[attr-defined]
    return make


class Memo:
    """Values a render works out once, though several renderers and pages ask for them."""

    def __init__(self, kept: dict | None = None) -> None:
        self.kept: dict = kept if kept is not None else {}
        self._values: dict[tuple, tuple[tuple, Any]] = {}

    def value(self, make: Callable[..., T], *args) -> T:
        """make(*args), made once in this render for the same arguments (the same objects)."""
        key = (make, *map(id, args))
        entry = self._values.get(key)
        if entry is None or not all(a is b for a, b in zip(entry[0], args)):
            entry = self._values[key] = (args, make(*args))  # args held: their ids stay theirs
        return entry[1]

    def of(self, make: Callable[[Any], T], obj) -> T:
        """make(obj), for a value that depends on obj alone: kept in `kept`, with obj, for as
        long as the owner keeps passing `kept` to the next render."""
        key = (make, id(obj))
        entry = self.kept.get(key)
        if entry is None or entry[0] is not obj:
            if len(self.kept) >= LIMIT:
                self.kept.clear()
            entry = self.kept[key] = (obj, make(obj))
        return entry[1]

    def piece(self, make: Callable[[Any, Any], T], scope, event) -> T:
        """make(scope, event), a piece registered with keepable (render/pieces.py gives the scope):
        made each time here; a build's memo may give a kept one (speed/pieces.py)."""
        return make(scope, event)

    def done(self) -> None:
        """The caller asks for no more: a memo that keeps values between builds writes them and
        lets them go (speed/pieces.py); nothing to do here."""

    def alike(self, make: Callable[[Any], T], arg) -> T:
        """make(arg), or the value the last call made for an equal arg (in `kept`): for a value
        dear to make from a small one that an edit rarely changes (the chart's figure)."""
        key = (make, "alike")
        entry = self.kept.get(key)
        if entry is None or entry[0] != arg:
            entry = self.kept[key] = (arg, make(arg))
        return entry[1]
