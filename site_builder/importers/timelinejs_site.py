"""What an import adds to site.yaml (title, description, lanes, eras), appended as text so the
editor's comments, order and values stay exactly as they were."""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from pathlib import Path

import yaml

from site_builder.content.eras import read_eras
from site_builder.content.fields import SITE_FIELDS, read_record
from site_builder.content.load import SitePaths, load_config
from site_builder.content.yamlsafe import parse_yaml
from site_builder.errors import Diagnostic, Report
from site_builder.model import SiteConfig

# Distinct on white and on the dark theme; lanes the site has keep their colours.
PALETTE = ("#1d6fa3", "#b23a48", "#2a7f62", "#6b4fa0", "#a35d1d", "#4d5b66", "#8a3b8f", "#3f6e2a")
_EMPTY = r"[ \t]*(?:\"\"|''|~|null)?[ \t]*(#.*)?$"


class SiteYamlChanged(OSError):
    """site.yaml changed while the import ran: it is left as the editor has it."""


# What the title slide may fill: site.yaml's errors for these, field by field.
_UNFILLED = {"'title' is empty": "title", "site.yaml is missing the required field 'title'": "title",
             "'description' is empty": "description"}


def site_config(root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """site.yaml as the import reads it (lanes, eras, time zone): as `check` does, except that its
    title and description may be empty or missing, for the title slide to fill. (config, []) or
    (None, errors)."""
    report = Report()
    config = load_config(SitePaths(root), report, None)
    if config is not None and not report:
        return config, []
    if not report.errors or any(d.message not in _UNFILLED for d in report.errors):
        return None, report.errors
    unfilled = {_UNFILLED[d.message]: "" for d in report.errors}
    text = SitePaths(root).config.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:  # the same file with stand-ins where they are unfilled
        stand_ins = {key: "Untitled" for key in unfilled}
        Path(folder, "site.yaml").write_text(with_additions(text, **stand_ins), encoding="utf-8")
        retry = Report()
        config = load_config(SitePaths(Path(folder)), retry, None)
    if config is None or retry:
        return None, report.errors
    return dataclasses.replace(config, **unfilled), []


_ERAS = tuple(f for f in SITE_FIELDS if f.name == "eras")


def era_errors(era: dict) -> list[Diagnostic]:
    """What `check` would say of this era in site.yaml (a date it cannot read, an end before
    its start): the import writes only eras the site accepts."""
    found = Report()
    text = yaml.safe_dump({"eras": [era]}, allow_unicode=True, sort_keys=False)
    record = read_record(parse_yaml(text, "site.yaml", found), _ERAS, found, "site.yaml")
    if record is not None:
        read_eras(record, found)
    return found.errors


def added(before: str, after: str, lanes: int, eras: int) -> list[str]:
    """What site.yaml gained between the two texts, in words for the import's report."""
    was, now = (yaml.safe_load(text) or {} for text in (before, after))
    found = [f"{lanes} lane{'s' if lanes != 1 else ''}" if lanes else "",
             f"{eras} era{'s' if eras != 1 else ''}" if eras else ""]
    found += [f"the {key} (from the title slide)" for key in ("title", "description")
              if not was.get(key) and now.get(key)]
    return [item for item in found if item]


def lane_colors(count: int, used: set[str]) -> list[str]:
    """`count` colours from the palette, the ones the site uses last; round again past its end."""
    fresh = [c for c in PALETTE if c.lower() not in used] + [c for c in PALETTE if c.lower() in used]
    return [fresh[n % len(fresh)] for n in range(count)]


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6, default_flow_style=False)


def with_additions(text: str, title: str = "", description: str = "", lanes: list[dict] = (),
                   eras: list[dict] = ()) -> str:
    """site.yaml's text with title and description filled where empty, and lanes and eras added
    (after the ones it lists, or as new keys at the end). Nothing already written is changed."""
    top = _top_keys(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for key, value in (("title", title), ("description", description)):
        if not value:
            continue
        if key not in top:
            lines.append(_dump({key: value}))
        elif empty := re.match(rf"{key}:{_EMPTY}", lines[top[key][0]]):  # keep its comment
            comment = f"  {empty.group(1)}" if empty.group(1) else ""
            lines[top[key][0]] = _dump({key: value}).rstrip("\n") + comment + "\n"
    additions = []
    for key, items in (("lanes", lanes), ("eras", eras)):
        if not items:
            continue
        if key in top and top[key][2] is not None:
            start, end, column = top[key]
            block = _dump(list(items))
            block = "".join(" " * column + line for line in block.splitlines(keepends=True))
            additions.append((end, block))
        else:
            lines.append(f"{key}:\n" + "".join("  " + line for line in _dump(list(items)).splitlines(True)))
    for end, block in sorted(additions, reverse=True):
        lines.insert(end, block)
    return "".join(lines)


def _top_keys(text: str) -> dict[str, tuple[int, int, int | None]]:
    """Each top-level key: (its first line, the line after its value, the column of its block
    sequence's items, or None when its value is not a block sequence); 0-based lines."""
    node = yaml.compose(text) if text.strip() else None
    if not isinstance(node, yaml.MappingNode):
        return {}
    found = {}
    for key, value in node.value:
        column = None
        end = value.end_mark.line + (1 if value.end_mark.column else 0)
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            column = value.value[0].start_mark.column - 2
            last = _last_scalar(value)  # after its last item, before any comment that follows
            end = last.end_mark.line + 1
        found[str(key.value)] = (key.start_mark.line, end, column)
    return found


def _last_scalar(node: yaml.Node) -> yaml.Node:
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node


def replace_text(path: Path, before: str, after: str) -> None:
    """Write `after` over path, whole or not at all, unless its text is no longer `before`."""
    if path.read_text(encoding="utf-8") != before:
        raise SiteYamlChanged(0, "it changed while the import ran; it is left as it is", str(path))
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(after)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
