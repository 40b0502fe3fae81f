"""The sample values `site-builder new event` writes for the editor to replace: the scaffold
writes them from here, and `check` refuses them in a published event (a draft lists them)."""

from __future__ import annotations

from site_builder.content.fields import Record
from site_builder.errors import Diagnostic

SOURCE = "replace-with-a-source-id"

# field -> (the sample text, what to write instead); each group as the event file nests it.
EVENT = {
    "short_title": ("A few words", "a shorter title for the chart, or delete the line"),
    "place": ("Town, Region, Country", "where it happened, or delete the line"),
    "summary": ("What happened, in one or two neutral sentences.",
                "write what happened in one or two neutral sentences"),
}
EXCERPT = {
    "source": (SOURCE, "the id of a source archived under content/sources/ "
                       "(`site-builder new source` starts one)"),
    "quote": ("Paste the words here exactly as the source has them.",
              "paste the words exactly as the source has them"),
    "note": ("A few words of context for the reader.", "a note shown with the excerpt, or delete the line"),
}
MEDIA = {
    "alt": ("What the photo shows", "say what the image shows, for readers who cannot see it"),
    "caption": ("One line about it.", "a line shown under the figure, or delete it"),
    "credit": ("Who took it", "who made it, e.g. AP Photo / Jane Doe, or delete it"),
}

MESSAGE = "this is the placeholder `new` wrote"


def sample(group: dict[str, tuple[str, str]]) -> dict[str, str]:
    """field -> sample text, for the scaffold's template."""
    return {name: text for name, (text, _) in group.items()}


def placeholders_in(record: Record) -> list[Diagnostic]:
    """Each field of the event that still holds the sample `new` wrote, located, with a hint."""
    found = _in(record, EVENT, "")
    for n, item in enumerate(record.values.get("excerpts", ()), start=1):
        found += _in(item, EXCERPT, f"excerpt {n}: ")
    for n, item in enumerate(record.values.get("media", ()), start=1):
        found += _in(item, MEDIA, f"media {n}: ")
    return found


def is_placeholder_excerpt(item: Record) -> bool:
    """An excerpt whose source or quote is still the sample: nothing to verify yet."""
    return any(_same(item.values.get(name), EXCERPT[name][0]) for name in ("source", "quote"))


def _in(record: Record, group: dict[str, tuple[str, str]], where: str) -> list[Diagnostic]:
    found = []
    for name, (text, hint) in group.items():
        if _same(record.values.get(name), text):
            loc = record.loc_of(name)
            found.append(Diagnostic(loc.path, loc.line, loc.column, f"{where}{name}: {MESSAGE}", hint))
    return found


def _same(value, text: str) -> bool:
    return isinstance(value, str) and " ".join(value.split()).casefold() == text.casefold()
