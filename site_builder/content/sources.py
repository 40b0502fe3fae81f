"""Archived sources: files with YAML front matter and the text as published (plain, or Markdown
as web clippers save pages: `format: markdown`)."""

from __future__ import annotations

from pathlib import Path

from site_builder.content.archived import FORMATS
from site_builder.content.fields import SOURCE_FIELDS, read_record
from site_builder.content.yamlsafe import decode_text, parse_yaml, read_content
from site_builder.model.dates import PartialDate
from site_builder.errors import Report
from site_builder.model import Source

MAX_SOURCE_BYTES = 5 * 1024 * 1024


def load_source(path: Path, report: Report) -> Source | None:
    data = read_content(str(path), report, MAX_SOURCE_BYTES)
    text = decode_text(data, str(path), report, MAX_SOURCE_BYTES) if data is not None else None
    if text is None:
        return None
    if not text.startswith("---\n"):
        report.error(str(path), 1, 1, "a source file must start with front matter",
                     hint="begin with a line '---', the fields (title, publisher, published), and another '---'")
        return None
    close = text.find("\n---\n", 3)
    if close == -1 and text.endswith("\n---"):
        close = len(text) - 4
    if close == -1:
        report.error(str(path), 1, 1, "front matter is not closed", hint="end it with a line '---'")
        return None
    header = text[4:close + 1]
    body = text[close + 5:]
    node = parse_yaml(header, str(path), report, line_offset=1)
    record = read_record(node, SOURCE_FIELDS, report, "source front matter")
    if record is None or not body.strip():
        if not body.strip():
            report.error(str(path), header.count("\n") + 2, 1, "the source has no archived text",
                         hint="paste the article's text below the front matter, as published")
        return None
    required = ("title", "publisher", "published")
    if any(name not in record.values for name in required):
        return None
    form = record.get("format", "text")
    if form not in FORMATS:
        report.at(record.loc_of("format"), f"'{form}' is not a source format",
                  hint="write `format: markdown` for a page saved as Markdown, "
                       "`format: text` (the default) for plain text")
        return None
    published, published_at = record.values["published"]
    return Source(
        id=record.get("id", path.stem),
        title=record.values["title"],
        publisher=record.values["publisher"],
        published=published,
        published_at=published_at,
        url=record.get("url"),
        language=record.get("language", "en"),
        author=record.get("author"),
        text=body,
        path=str(path),
        body_line=header.count("\n") + 3,
        title_supplied=record.get("title_supplied", False),
        format=form,
    )


def failed_source(path: Path) -> Source:
    """Stands, in a load that fails, for a source file with errors of its own, so that the events
    citing it are not told that they cite an unknown source: the file's own errors say what to fix."""
    return Source(id=path.stem, title="", publisher="", published=PartialDate(1000), published_at=None,
                  url=None, language="en", author=None, text="", path=str(path), body_line=1, failed=True)
