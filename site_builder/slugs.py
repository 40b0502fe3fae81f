"""One slug rule for ids, file names, tags and actors."""

import re
import unicodedata
from functools import lru_cache

MAX_ID_LENGTH = 100  # an id is a URL path segment and a file name: short enough for both, with room
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)  # the same tags and actors come back on every event of a big site
def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "item"


def is_slug(text: str) -> bool:
    """Lowercase ASCII letters and digits in dash-separated words, the whole text (a trailing
    newline included), at most MAX_ID_LENGTH characters."""
    return len(text) <= MAX_ID_LENGTH and _ID_RE.fullmatch(text) is not None


def id_hint(text: str) -> str:
    """What to write instead of text, which is not a slug."""
    if len(text) > MAX_ID_LENGTH:
        return f"an id has at most {MAX_ID_LENGTH} characters; this one has {len(text)}"
    return f"use lowercase letters, digits and dashes, e.g. '{slugify(text)}'"
