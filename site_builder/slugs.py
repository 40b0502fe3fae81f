"""One slug rule for ids, file names, tags and actors."""

import re
import unicodedata

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "item"


def is_slug(text: str) -> bool:
    return bool(_ID_RE.match(text))
