"""One slug rule for ids, file names, tags and actors."""

import re
import unicodedata
from functools import lru_cache

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)  # the same tags and actors come back on every event of a big site
def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "item"


def is_slug(text: str) -> bool:
    return bool(_ID_RE.match(text))
