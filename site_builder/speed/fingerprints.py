"""Digests that stay the same from one build process to the next for the same values: of the model's
objects, a page's arguments, and of everything outside the model a page's bytes follow from."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import io
import operator
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import site_builder

FORMAT = b"site-builder page store 2\n"  # changes when what is digested changes
# Values pickled as they are, inside the digest of whatever holds them.
_INLINE = frozenset({str, bytes, int, float, bool, type(None), tuple, list, dict})
_SCALARS = frozenset({str, bytes, int, float, bool, type(None)})


class Unstable(Exception):
    """A value with no digest that another process would make the same: its page is not kept."""


class Fingerprints:
    """sha256 digests of values, each object's worked out once a build: a dataclass by the fields
    its == compares (as the preview compares a page's arguments; not its cached properties, which a
    render may or may not have filled in), a set by its sorted items' digests, anything else as
    pickle writes it, its objects by their own digests."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[object, bytes]] = {}  # the object held: its id stays its own
        self._picklers: list[_Pickler] = []  # one per depth of digests being made, used again

    def of(self, value) -> bytes:
        kept = self._by_id.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        digest = self._by_id[id(value)] = (value, self.fresh(value))
        return digest[1]

    def fresh(self, value) -> bytes:
        """The digest of a value made for this one use (a page's arguments), not kept."""
        return hashlib.sha256(self._dumps(value)).digest()

    def _dumps(self, value) -> bytes:
        cls = type(value)
        compared = _compared_fields(cls)
        if compared is not None:
            value = (b"dataclass", cls.__module__, cls.__qualname__, compared(value))
        elif isinstance(value, (set, frozenset)):
            value = (b"set", tuple(sorted(self.of(item) for item in value)))
        pickler = next((p for p in self._picklers if not p.busy), None)  # the busy ones: values it holds
        if pickler is None:
            pickler = _Pickler(self)
            self._picklers.append(pickler)
        try:
            return pickler.digestible(value)
        except BaseException as exc:
            self._picklers.remove(pickler)  # one stopped half-way is not used again
            if isinstance(exc, (pickle.PicklingError, TypeError, ValueError, AttributeError, RecursionError)):
                raise Unstable(str(exc)) from exc
            raise


_COMPARED: dict[type, Callable | None] = {}


def _compared_fields(cls: type) -> Callable | None:
    """For a dataclass, what gives the tuple of an instance's fields its == compares; else None."""
    try:
        return _COMPARED[cls]
    except KeyError:
        pass
    getter = None
    if dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        names = [f.name for f in dataclasses.fields(cls) if f.compare]
        getter = operator.attrgetter(*names) if len(names) > 1 else lambda v, n=tuple(names): tuple(
            getattr(v, name) for name in n)
    _COMPARED[cls] = getter
    return getter


class _Pickler(pickle.Pickler):
    """Pickles a value with each object in it that is not of _INLINE given as its own digest."""

    def __init__(self, prints: Fingerprints) -> None:
        self._buffer = io.BytesIO()
        super().__init__(self._buffer, protocol=5)
        self._prints, self._root, self.busy = prints, None, False
        # No memo: a value is written the same whether or not it holds one object twice, and the
        # pickler is used again without a memo to clear (a cycle raises ValueError: Unstable).
        self.fast = True

    def digestible(self, value) -> bytes:
        self.busy, self._root = True, value
        try:
            self.dump(value)
            return self._buffer.getvalue()
        finally:
            self.busy, self._root = False, None
            self._buffer.seek(0)
            self._buffer.truncate()

    def persistent_id(self, obj):
        cls = type(obj)
        if obj is self._root or cls in _INLINE:
            return None
        compared = _compared_fields(cls)
        if compared is not None and _SCALARS.issuperset(map(type, compared(obj))):
            return None  # a dataclass of strings and numbers (a page's Page): written in place
        return self._prints.of(obj)

    def reducer_override(self, obj):
        cls = type(obj)
        compared = _compared_fields(cls)
        if compared is None or obj is self._root:
            return NotImplemented
        return _dataclass, (cls.__module__, cls.__qualname__, compared(obj))


def _dataclass(*fields) -> None:
    """What a dataclass written in place is pickled as a call of (its module, name and fields)."""


def scope_digest(theme_dirs: Iterable[Path], site_yaml: Path, settings: Iterable[str]) -> bytes:
    """A digest of what a page's bytes follow from outside the model: site-builder's own files and
    the packages installed beside it, the theme's and the site's templates, static files and
    catalogues, site.yaml, and the build's settings (language, drafts, base URL)."""
    digest = hashlib.sha256(FORMAT)
    digest.update(sys.version.encode() + b"\n")
    for name in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(name.encode() + b"\n")
    _digest_folder(digest, Path(site_builder.__file__).parent)
    for folder in theme_dirs:
        _digest_folder(digest, Path(folder))
    digest.update(_read(site_yaml))
    for setting in settings:
        digest.update(b"\n" + setting.encode("utf-8", "surrogateescape"))
    return digest.digest()


def _digest_folder(digest, folder: Path) -> None:
    digest.update(b"\0folder " + os.fsencode(folder) + b"\0")
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(parent, name)
            digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
            digest.update(_read(path))


def _read(path: Path) -> bytes:
    """A file's bytes with their length before them; a file that cannot be read as a mark of its own."""
    try:
        data = path.read_bytes()
    except OSError:
        return b"unreadable\0"
    return b"%d\0%b" % (len(data), data)
