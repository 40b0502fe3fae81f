"""The docs hold together: every relative link leads somewhere, and the README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README_LIMIT = 8192  # bytes: what it is, the two commands, a picture, links; the guides live in docs/

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def doc_files() -> list[Path]:
    return [REPO / "README.md", REPO / "benchmarks" / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def prose(text: str) -> str:
    """The text a reader sees as Markdown, with code blocks and code spans taken out."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    return LINK.findall(prose(text))


def anchors(text: str):
    """The ids GitHub gives the headings: lower case, punctuation dropped, spaces as dashes."""
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", text)):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        yield slug if count == 0 else f"{slug}-{count}"


def broken_links(doc: Path) -> list[str]:
    broken = []
    for target in links(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto: ...: not ours to check
            continue
        path, _, fragment = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in set(anchors(file.read_text(encoding="utf-8"))):
            broken.append(f"{target}: no such heading in {file.name}")
    return broken


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_leads_to_a_file_and_heading(doc):
    assert broken_links(doc) == []


def test_readme_is_at_most_8_kb():
    assert len((REPO / "README.md").read_bytes()) <= README_LIMIT


def test_readme_links_every_doc():
    linked = {(REPO / target.partition("#")[0]).resolve() for target in links((REPO / "README.md").read_text())}
    assert [p.name for p in doc_files()[1:] if p.resolve() not in linked] == []


def test_a_broken_link_or_heading_is_found(tmp_path):
    (tmp_path / "a.md").write_text("# Top\n\n## Where `build` writes\n", encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("[ok](a.md#where-build-writes) [gone](missing.md) [bad](a.md#nowhere)\n"
                   "`[code](skipped.md)` [web](https://example.org/x) [again](#top-1) [none](#top-2)\n\n"
                   "# Top\n\n# Top\n\n```\n[fenced](skipped.md)\n```\n", encoding="utf-8")
    assert broken_links(doc) == ["missing.md: no such file", "a.md#nowhere: no such heading in a.md",
                                 "#top-2: no such heading in doc.md"]
