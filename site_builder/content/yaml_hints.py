"""Hints for the YAML slips editors make: a colon in a value, a key indented wrong, an unclosed
quote, a list item without `-`, tabs. Read from the text around PyYAML's mark, never by guessing."""

from __future__ import annotations

import re
from typing import NamedTuple

import yaml

GENERAL = "check the indentation of this line and the one above"
COLON = "a colon followed by a space starts a new key"
TAB = "YAML does not allow tabs for indentation; indent with spaces"

# `key: value` or `- key: value`: where the key starts, its name, where the value starts.
_ENTRY = re.compile(r"(?P<lead> *(?:- +)*)(?P<key>[^\s\"'#:\-][^:]*?) *(?P<colon>:)(?: +|$)")
_WORD_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_PLAIN_START = re.compile(r"[^\s\"'\[\]{}|>&*!%@`#]")  # a value that is written as plain text


class Slip(NamedTuple):
    line: int  # 0-based, in the parsed text
    column: int  # 0-based
    hint: str | None


class _Entry(NamedTuple):
    indent: int  # the key's column
    key: str
    colon: int  # the colon's column
    value: str  # the rest of the line, trailing spaces dropped
    value_at: int


def _entry(line: str) -> _Entry | None:
    found = _ENTRY.match(line)
    if not found:
        return None
    return _Entry(len(found["lead"]), found["key"], found.start("colon"), line[found.end():].rstrip(), found.end())


def _spaces(count: int) -> str:
    return "at the left margin" if count == 0 else f"{count} space{'s' if count > 1 else ''} in"


def quoted(value: str) -> str:
    """value as a YAML quoted string: double quotes, or single ones when it holds `"` or `\\`."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _content_line(lines: list[str], index: int, step: int = -1) -> int | None:
    """The nearest line above index (below, with step 1) that holds content, not blank or a comment."""
    index = min(index, len(lines)) + step
    while 0 <= index < len(lines):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
        index += step
    return None


def yaml_slip(text: str, exc: yaml.MarkedYAMLError) -> Slip:
    """Where the slip behind a PyYAML error is, with a hint in an editor's words when it is clear."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Slip(0, 0, None)
    lines = re.split("[\n\x85\u2028\u2029]", text)  # as PyYAML counts lines: the caller maps them to the file's
    line = lines[mark.line] if mark.line < len(lines) else ""
    context, problem = exc.context or "", exc.problem or ""
    if "\t" in line[: min(mark.column + 1, len(line) - len(line.lstrip(" \t")))]:  # in the indentation
        return Slip(mark.line, mark.column, TAB)
    if "quoted scalar" in context and exc.context_mark and "end of stream" in problem:
        return _unclosed_quote(lines, exc.context_mark)
    if "mapping values" in problem:
        return _colon(lines, mark)
    if "expected ':'" in problem and exc.context_mark:
        return _no_colon(lines, exc.context_mark)
    if "block collection" in context and exc.context_mark:
        return _in_list(lines, mark, exc.context_mark)
    if "block mapping" in context:
        return _quote_closes_early(lines, mark) or _in_mapping(lines, mark)
    return Slip(mark.line, mark.column, None)


def _colon(lines: list[str], mark) -> Slip:
    """A `: ` where no key may start: inside a plain value, or after a key indented too far."""
    line = lines[mark.line]
    entry = _entry(line)
    if entry and mark.column > entry.colon:
        value = entry.value
        if _PLAIN_START.match(value) and " #" not in value and "\t#" not in value:
            fixed = line[:entry.value_at].lstrip() + quoted(value)
            return Slip(mark.line, mark.column, f"{COLON}; put the value in quotes: {fixed}")
        return Slip(mark.line, mark.column, f"{COLON}; put the whole value in quotes")
    above = _content_line(lines, mark.line)
    parent = _entry(lines[above]) if above is not None else None
    if (entry and mark.column == entry.colon and _WORD_KEY.fullmatch(entry.key) and parent
            and parent.indent < entry.indent and _PLAIN_START.match(parent.value or "|")):
        if _item_key(lines, above, parent):
            return Slip(above, parent.indent, f"`{parent.key}` looks like a new item of the list above without "
                                              f"its `-`: write `- {lines[above].strip()}`")
        return Slip(mark.line, entry.indent,
                    f"`{entry.key}` is indented under `{parent.key}`, which already has a value; if "
                    f"`{entry.key}` is a field, line it up with `{parent.key}`, {_spaces(parent.indent)}; "
                    f"if this line goes on with the value of `{parent.key}`, put that whole value in quotes")
    return Slip(mark.line, mark.column, f"{COLON}; if this line goes on with the value above, put that "
                                        f"whole value in quotes; if it is a key, {GENERAL}")


def _item_key(lines: list[str], at: int, entry: _Entry) -> bool:
    """Whether the line `at` (entry) repeats a key of the `- ` item just above it, at its indentation:
    a list written at the margin whose next item lost its `-`."""
    keys = set()
    for index in range(at - 1, -1, -1):
        found = _entry(lines[index])
        if found is None:
            continue
        lead = lines[index][:found.indent]
        if found.indent < entry.indent or (found.indent == entry.indent and "-" not in lead):
            break  # left the list, or a plain key at this indentation: no item above
        keys.add(found.key)
        if lead.strip().startswith("-") and len(lead) - len(lead.lstrip(" ")) == entry.indent:
            return entry.key in keys
    return False


def _unclosed_quote(lines: list[str], opened) -> Slip:
    """A quoted value whose closing quote never comes: YAML read on to the end of the file."""
    line = lines[opened.line]
    mark = line[opened.column]
    hint = f"the {mark} here is never closed, so YAML read on to the end of the file; close it where the value ends"
    rest = line[opened.column + 1:]
    if mark not in rest and rest.strip() and not (mark == '"' and "\\" in rest):
        hint += f": {line.strip()}{mark}"
    elif mark == '"' and "\\" in rest:  # in double quotes a backslash starts an escape (\n, \t)
        hint += "; in double quotes a \\ starts an escape: write \\\\ for a backslash, or use single quotes"
    return Slip(opened.line, opened.column, hint)


def _quote_closes_early(lines: list[str], mark) -> Slip | None:
    """`"He said "no""`: a quoted value that ends before its line does (it holds its own quote mark)."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    entry = _entry(line)
    if not entry or not entry.value or entry.value[0] not in "\"'" or mark.column <= entry.value_at:
        return None
    mark_char, start = entry.value[0], entry.value_at
    if mark.column == start + 1:  # the quote before the value closes one opened further up
        return Slip(mark.line, start, f"this {mark_char} closes a quoted value that starts on a line above; "
                                      f"look above for a {mark_char} that is never closed")
    closes = line.find(mark_char, start + 1)
    if closes == -1 or closes >= mark.column:
        return None
    hint = f"the quoted value ends at this {mark_char}, but text follows it"
    if len(entry.value) > 1 and entry.value.endswith(mark_char) and "\\" not in entry.value:
        inner = entry.value[1:-1]
        other = "'" + inner.replace("'", "''") + "'" if mark_char == '"' else quoted(inner)
        hint += f"; if the value holds a {mark_char}, quote it the other way: {line[:start].lstrip()}{other}"
    else:
        hint += "; put the whole value in one pair of quotes"
    return Slip(mark.line, closes, hint)


def _no_colon(lines: list[str], started) -> Slip:
    """A line that is neither `key: value` nor `- item`, in a mapping: often a list item without `-`."""
    line = lines[started.line]
    above = _content_line(lines, started.line)
    if above is not None and lines[above][started.column:].startswith("- ") and \
            not lines[above][: started.column].strip():
        return Slip(started.line, started.column,
                    f"this looks like an item of the list above without its `-`; write it `- {line.strip()}`")
    return Slip(started.line, started.column, "this line is not `key: value`; if it goes on with the value "
                                              f"above, put that whole value in quotes; otherwise {GENERAL}")


def _in_list(lines: list[str], mark, listed) -> Slip:
    """A line inside a list of mappings that is not a new `- ` item: a key indented too little,
    or a new item whose `-` is missing."""
    entry = _entry(lines[mark.line]) if mark.line < len(lines) else None
    dash = listed.column
    first = next((i for i in range(mark.line - 1, -1, -1)
                  if lines[i][dash:].startswith("-") and not lines[i][:dash].strip()), None)
    item = _entry(lines[first]) if first is not None else None
    if not entry or not item or item.indent == dash:
        return Slip(mark.line, mark.column, GENERAL)
    siblings = {e.key for e in map(_entry, lines[first:mark.line]) if e and e.indent == item.indent}
    below = _content_line(lines, mark.line, step=1)
    deeper = below is not None and len(lines[below]) - len(lines[below].lstrip(" ")) > entry.indent
    if entry.indent == dash and (entry.key in siblings or deeper):
        fixed = lines[mark.line].lstrip()
        return Slip(mark.line, entry.indent, f"`{entry.key}` starts a new item but has no `-`: write "
                                             f"`- {fixed}`, and indent the lines under it like the item above")
    if dash <= entry.indent < item.indent:
        return Slip(mark.line, entry.indent, f"`{entry.key}` belongs to the item above: indent it like "
                                             f"`{item.key}`, {_spaces(item.indent)}")
    return Slip(mark.line, mark.column, GENERAL)


def _in_mapping(lines: list[str], mark) -> Slip:
    """A key whose indentation lines up with no key above it: name the keys it could line up with."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    entry = _entry(line)
    if not entry or entry.indent != mark.column:  # mid-line, nothing here says which slip it is
        at_start = line[:mark.column].strip() == ""
        return Slip(mark.line, mark.column, GENERAL if at_start else None)
    below = above = None  # the nearest enclosing keys left and right of this one
    limit = None
    for index in range(mark.line - 1, -1, -1):
        found = _entry(lines[index])
        if not found or (limit is not None and found.indent >= limit):
            continue
        limit = found.indent
        if found.indent < entry.indent and below is None:
            below = found
        elif found.indent > entry.indent:
            above = found
        if found.indent == 0:
            break
    if below is None or above is None:
        return Slip(mark.line, mark.column, GENERAL)
    return Slip(mark.line, entry.indent,
                f"`{entry.key}` is indented {entry.indent} space{'s' if entry.indent > 1 else ''}, "
                f"like no key above it; line it up with `{below.key}` ({_spaces(below.indent)}) "
                f"or with `{above.key}` ({_spaces(above.indent)})")

