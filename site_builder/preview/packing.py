"""Files the preview server keeps compressed in memory: at 10,000 events its pages are 145 MB of
HTML, its event cards 45 MB (as str) and its exports 69 MB; packed, about 16, 5 and 16 MB.

A page is deflated against a dictionary, another page of its template (the head, header and
footer every page repeats then cost next to nothing: at level 1, 145 MB of HTML packs to 19 MB
this way, to 39 MB without); it is always served plain, since livereload adds its script to the plain HTML.
Any other file is a gzip member, which the preview sends as it is to a client that accepts gzip.
"""

from __future__ import annotations

import zlib

# Measured at 10,000 events (CPU s, MB kept): pages against a dictionary at level 1 0.9 s, 19 MB,
# at 3 1.05 s, 15.5 MB, at 6 1.8 s, 14 MB; the exports in gzip at level 1 0.5 s, 16 MB, at 3 1.0 s, 15 MB.
PAGE_LEVEL = 3
LEVEL = 1
SMALL = 512  # below this, deflate saves too little to be worth a call on every read
_WINDOW = 32768  # deflate looks back this far: a longer dictionary is wasted
_GZIP = 31  # zlib's wbits for a gzip member
_DEFLATE = 15


class Packed:
    """One file's bytes, deflated. zdict None: a gzip member (see gzip)."""

    __slots__ = ("deflated", "zdict", "size")

    def __init__(self, deflated: bytes, zdict: bytes | None, size: int):
        self.deflated, self.zdict, self.size = deflated, zdict, size

    def unpack(self) -> bytes:
        if self.zdict is None:
            # Told the size, zlib fills one buffer: else it gathers blocks and then copies them
            # into the result, twice the file's size for a moment (50 MB for events.json).
            return zlib.decompress(self.deflated, _GZIP, self.size)
        return zlib.decompressobj(_DEFLATE, self.zdict).decompress(self.deflated)

    @property
    def gzip(self) -> bytes | None:
        """The file as a gzip member (Content-Encoding: gzip), if it is kept as one."""
        return self.deflated if self.zdict is None else None


def pack(data: bytes | Packed, zdict: bytes | None = None) -> bytes | Packed:
    """The file to keep: small files as they are, others deflated (against zdict if given)."""
    if not isinstance(data, bytes) or len(data) < SMALL:
        return data
    if zdict is None:
        return Packed(zlib.compress(data, LEVEL, _GZIP), None, len(data))
    packer = zlib.compressobj(PAGE_LEVEL, zlib.DEFLATED, _DEFLATE, 8, zlib.Z_DEFAULT_STRATEGY, zdict)
    return Packed(packer.compress(data) + packer.flush(), zdict, len(data))


def unpack(data: bytes | Packed) -> bytes:
    return data.unpack() if isinstance(data, Packed) else data


def dictionary(sample: bytes) -> bytes:
    """A dictionary for the other pages of a template, from one of them."""
    return sample[-_WINDOW:]


class Dictionaries:
    """One deflate dictionary per template, the first page it rendered. A page keeps the
    dictionary it was packed with, so a later choice never affects what a page unpacks to."""

    def __init__(self) -> None:
        self._by_template: dict[str, bytes] = {}

    def pack(self, template: str, data: bytes) -> bytes | Packed:
        zdict = self._by_template.get(template)
        if zdict is None:
            zdict = self._by_template[template] = dictionary(data)
        return pack(data, zdict)
