"""The preview's files kept compressed in memory. A page is deflated against another page of its
template (their shared head, header and footer then cost next to nothing) and always served plain,
since livereload adds its script to it; any other file is a gzip member, sent as it is when accepted."""

from __future__ import annotations

import zlib

# Deflate levels for pages (against a dictionary) and other files: higher ones cost more CPU than
# the memory they save is worth.
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
            # into the result, twice the file's size for a moment.
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
