"""A strict YAML reader: every value is a located string, list or mapping. PyYAML's parser only
produces events and composing them is ours, so no `NO` becomes False, no duplicate key is dropped
and no alias expands (an alias bomb)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from site_builder.content.yaml_hints import quoted, yaml_slip
from site_builder.errors import Location, Report

try:  # the C parser is much faster; the pure-Python one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

_STD = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")} | {"!"}


class _StringLoader(_Loader):
    """Every scalar is a string to us, so skip PyYAML's type guessing altogether."""

    # The C composer calls these three for every node: C callables that ignore their arguments
    # (str.format of a text without fields), as Python methods they were much of its own time.
    # Every untagged node gets the plain string tag (its kind is its class), which _from_node allows.

    resolve = (_STD + "str").format
    descend_resolver = "".format
    ascend_resolver = "".format

MAX_FILE_BYTES = 1024 * 1024
_NULLS = {"", "~", "null", "Null", "NULL"}


class Scalar(NamedTuple):
    text: str
    loc: Location
    plain: bool = True

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in _NULLS


class Sequence(NamedTuple):
    items: list
    loc: Location


class Mapping(NamedTuple):
    items: dict  # key -> (key Location, value node)
    loc: Location

    def get(self, key: str):
        entry = self.items.get(key)
        return entry[1] if entry else None


Node = Scalar | Sequence | Mapping

KIND_NAMES = {Scalar: "a single value", Sequence: "a list", Mapping: "a mapping of fields"}


# Characters no output format can carry safely (XML 1.0 refuses them, a terminal obeys them):
# C0 controls but tab, LF and CR; DEL; C1 controls; surrogates; the 66 non-characters.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                          + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
                          + "]")
_C0_NAMES = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
             "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
             "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
             "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
             "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
             "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
             "INFORMATION SEPARATOR ONE")


def char_name(char: str) -> str:
    """`U+001B ESCAPE`: how an error names a character the editor cannot see."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif code <= 0x9F:
        name = "C1 CONTROL"
    elif 0xD800 <= code <= 0xDFFF:
        name = "LONE SURROGATE"
    else:
        name = "NON-CHARACTER"
    return f"U+{code:04X} {name}"


def unsafe_char_error(char: str) -> tuple[str, str]:
    """The message and hint for a character content may not hold."""
    code = ord(char)
    what = ("a control character" if code <= 0x9F else "half of a UTF-16 surrogate pair" if code <= 0xDFFF
            else "a Unicode non-character")
    hint = f"{char_name(char)}: remove it"
    if 0x80 <= code <= 0x9F:
        hint += " (often a Windows-1252 quote or dash pasted as Latin-1: retype it)"
    return f"{what} is not allowed in content: it breaks the feed and the exports", hint


def refuse_unsafe_chars(text: str, path: str, report: Report) -> str:
    """Report every unsafe character of text where it stands; the text with each replaced by
    U+FFFD, so that reading goes on and finds the file's other errors (the report fails the run)."""
    if not UNSAFE_CHARS.search(text):
        return text
    for found in UNSAFE_CHARS.finditer(text):
        start = found.start()
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        report.error(path, line, col, *unsafe_char_error(found.group()))
    return UNSAFE_CHARS.sub("\ufffd", text)


def read_content(path: str, report: Report, max_bytes: int = MAX_FILE_BYTES) -> bytes | None:
    """A content file's bytes, or None with a located error: one that cannot be read (gone, a
    folder, no permission) or is over max_bytes (not read past the limit)."""
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
            size = os.fstat(file.fileno()).st_size if len(data) > max_bytes else len(data)
    except OSError as exc:
        reason = "it is a folder" if isinstance(exc, IsADirectoryError) else exc.strerror or str(exc)
        report.error(path, 1, 1, f"cannot read the file: {reason}", hint="check that it is a plain file you can read")
        return None
    if len(data) > max_bytes:
        report.error(path, 1, 1, f"file is {max(size, len(data)):,} bytes, over the limit of {max_bytes:,}",
                     hint="split it, or check that it is the file you meant")
        return None
    return data


def decode_text(data: bytes, path: str, report: Report, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Bytes to text: size-capped, strict UTF-8, BOM dropped, line endings made LF, no character
    that is unsafe in an output (refuse_unsafe_chars)."""
    if len(data) > max_bytes:
        report.error(path, 1, 1, f"file is {len(data):,} bytes, over the limit of {max_bytes:,}",
                     hint="split it, or check that it is the file you meant")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        report.error(path, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                     hint="the file is UTF-16: save it as UTF-8" if utf16 else "save the file as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return refuse_unsafe_chars(text.replace("\r\n", "\n").replace("\r", "\n"), path, report)


def parse_yaml(text: str, path: str, report: Report, line_offset: int = 0) -> Node | None:
    """One YAML document as located nodes; errors go to the report and give None."""
    builder = _Composer(path, report, line_offset, text if "\\" in text else None,
                        lines=yaml_lines(text))
    try:
        if "&" not in text and builder.lines is None:
            # No anchor means no alias can resolve: the C composer is safe and much faster.
            node = yaml.compose(text, Loader=_StringLoader)
            builder.root = _from_node(node, builder) if node is not None else None
            if builder.failed:
                return None
        else:
            for event in yaml.parse(text, Loader=_Loader):
                if not builder.feed(event):
                    return None
    except yaml.MarkedYAMLError as exc:
        message = exc.problem or exc.context or "malformed YAML"
        slip = yaml_slip(text, exc)  # the line and column of the slip itself, and what to do
        line, column = builder.true_position(slip.line, slip.column)
        report.error(path, line, column, f"malformed YAML: {message}", slip.hint)
        return None
    except yaml.YAMLError as exc:
        report.error(path, 1 + line_offset, 1, f"malformed YAML: {exc}")
        return None
    if builder.root is not None and _NUMBER_SIGN.search(text):
        _refuse_number_signs(text, builder)
    if builder.root is None:
        report.error(path, 1 + line_offset, 1, "file is empty",
                     hint="an event file is a mapping of fields, e.g. `title: ...`")
    return builder.root


# ` #1` after a plain value starts a comment, so `title: Putin #1` is silently "Putin". A comment
# after a value is legit YAML (`lane: main  # the first lane`), so only the one shape no one writes
# as a comment is refused: one space, `#`, then a digit (a number sign: #1, #10).
_NUMBER_SIGN = re.compile(r"[^\s] #\d")


def _refuse_number_signs(text: str, builder: _Composer) -> None:
    """Each plain value that a ` #<digit>` right after it cut short, as an error at the `#`
    (read from PyYAML's tokens: only files with such a `#` are scanned again)."""
    lines = _BREAKS.split(text)  # as PyYAML counts them
    for token in yaml.scan(text, Loader=_Loader):
        if token.__class__ is not yaml.ScalarToken or not token.plain:
            continue
        end = token.end_mark
        line = lines[end.line] if end.line < len(lines) else ""
        if _NUMBER_SIGN.match(line, end.column - 1):
            rest = line[end.column + 1:].rstrip()
            fixed = quoted(f"{token.value} {rest}")
            builder.report.error(builder.path, *builder.true_position(end.line, end.column + 1),
                                 f"`{rest.split()[0]}` starts a YAML comment here: "
                                 f"the value stops at '{token.value}'",
                                 f"if it belongs to the value, put the whole value in quotes: {fixed}")


_BREAKS = re.compile("[\n\x85\u2028\u2029]")  # the line breaks PyYAML counts (CR is LF by now)


def yaml_lines(text: str) -> list[tuple[int, int]] | None:
    """For each line as PyYAML counts them, its line in the file (0-based) and the column it starts
    at there; None when the two agree. PyYAML also breaks lines at NEL, U+2028 and U+2029."""
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return None
    lines, line, line_start = [(0, 0)], 0, 0
    for found in _BREAKS.finditer(text):
        if found.group() == "\n":
            line, line_start = line + 1, found.end()
        lines.append((line, found.end() - line_start))
    return lines


_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SHORT_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "v": "\v", "f": "\f", "e": "\x1b", "N": "\x85"}


def _escaped(escape: str) -> str:
    """The character a YAML double-quoted escape stands for (the unsafe ones; others as '')."""
    if escape[1] in "xuU":
        return chr(int(escape[2:], 16))
    return _SHORT_ESCAPES.get(escape[1], "")


@dataclass
class _Composer:
    path: str
    report: Report
    line_offset: int
    escaped_text: str | None = None  # the text, when it has a backslash: an escape may hide an unsafe character
    root: Node | None = None
    documents: int = 0
    failed: bool = False
    lines: list | None = None  # yaml_lines(text): set only when PyYAML's line count is not the file's
    stack: list = field(default_factory=list)  # [container, pending key or None]

    def true_position(self, line: int, column: int) -> tuple[int, int]:
        """PyYAML's 0-based line and column as the file's 1-based ones."""
        if self.lines is not None and line < len(self.lines):
            line, start = self.lines[line]
            column += start
        return line + 1 + self.line_offset, column + 1

    def safe_scalar(self, value: str, style: str | None, start, end) -> str:
        """A double-quoted scalar's value, its unsafe characters (written as escapes, the raw
        ones are gone: decode_text) reported at their escape and replaced by U+FFFD."""
        if style != '"' or self.escaped_text is None or not UNSAFE_CHARS.search(value):
            return value
        text = self.escaped_text
        for escape in _ESCAPE.finditer(text, start.index, end.index):
            char = _escaped(escape.group())
            if UNSAFE_CHARS.match(char):
                at = escape.start()
                line = text.count("\n", 0, at) + 1 + self.line_offset
                col = at - (text.rfind("\n", 0, at) + 1) + 1
                self.report.error(self.path, line, col, *unsafe_char_error(char))
        return UNSAFE_CHARS.sub("\ufffd", value)

    def loc(self, event) -> Location:
        mark = event.start_mark
        return Location(self.path, *self.true_position(mark.line, mark.column))

    def fail(self, event, message: str, hint: str | None = None) -> bool:
        self.report.at(self.loc(event), message, hint)
        return False

    def feed(self, event) -> bool:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                return self.fail(event, "more than one YAML document in the file",
                                 hint="remove the second `---` line")
            return True
        if isinstance(event, yaml.AliasEvent):
            return self.fail(event, f"aliases (*{event.anchor}) are not allowed in content",
                             hint="write the value out in full")
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor:
                return self.fail(event, f"anchors (&{event.anchor}) are not allowed in content",
                                 hint="write the value out in full")
            if event.tag and event.tag not in ALLOWED_TAGS:
                return self.fail(event, f"YAML tag '{event.tag}' is not allowed in content")
        if isinstance(event, yaml.ScalarEvent):
            value = self.safe_scalar(event.value, event.style, event.start_mark, event.end_mark)
            return self.add(event, Scalar(value, self.loc(event), plain=not event.style))
        if isinstance(event, yaml.MappingStartEvent):
            self.stack.append([Mapping({}, self.loc(event)), None])
            return True
        if isinstance(event, yaml.SequenceStartEvent):
            self.stack.append([Sequence([], self.loc(event)), None])
            return True
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node, _ = self.stack.pop()
            return self.add(event, node, closing=True)
        return True

    def add(self, event, node: Node, closing: bool = False) -> bool:
        if not self.stack:
            self.root = node
            return True
        top = self.stack[-1]
        container = top[0]
        if isinstance(container, Sequence):
            container.items.append(node)
            return True
        if top[1] is None:  # this node is a key
            if not isinstance(node, Scalar):
                return self.fail(event if not closing else event, "a field name must be a plain word",
                                 hint="keys like `? [a, b]` are not used in content")
            if node.text in container.items:
                first = container.items[node.text][0]
                self.report.at(node.loc, f"duplicate field '{node.text}'",
                               hint=f"it is already set on line {first.line}; "
                                    "YAML would silently keep only the last one")
                top[1] = ("__duplicate__", node.loc)
                return True
            top[1] = (node.text, node.loc)
            return True
        key, key_loc = top[1]
        top[1] = None
        if key != "__duplicate__":
            container.items[key] = (key_loc, node)
        return True


_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: one per node adds up


def _from_node(node: yaml.Node, builder: _Composer) -> Node | None:
    """Our located tree from a node PyYAML's C composer built (documents with no anchors)."""
    path, report, allowed = builder.path, builder.report, ALLOWED_TAGS
    first_line = 1 + builder.line_offset
    scalar_node, sequence_node = yaml.ScalarNode, yaml.SequenceNode
    check = builder.safe_scalar if builder.escaped_text is not None else None

    def build(node):
        mark = node.start_mark
        loc = _new(Location, (path, mark.line + first_line, mark.column + 1))
        if node.tag not in allowed:
            report.at(loc, f"YAML tag '{node.tag}' is not allowed in content")
            builder.failed = True
            return None
        kind = node.__class__
        if kind is scalar_node:
            value = node.value if check is None else check(node.value, node.style, mark, node.end_mark)
            return _new(Scalar, (value, loc, not node.style))
        if kind is sequence_node:
            return _new(Sequence, ([build(item) for item in node.value], loc))
        items: dict = {}
        for key_node, value_node in node.value:
            key = build(key_node)
            if key.__class__ is not Scalar:
                if key is not None:
                    report.at(key.loc, "a field name must be a plain word",
                              hint="keys like `? [a, b]` are not used in content")
                builder.failed = True
                continue
            text = key.text
            if text in items:
                report.at(key.loc, f"duplicate field '{text}'",
                          hint=f"it is already set on line {items[text][0].line}; "
                               "YAML would silently keep only the last one")
                continue
            items[text] = (key.loc, build(value_node))
        return _new(Mapping, (items, loc))

    try:
        return build(node)
    finally:
        build = None  # it calls itself through this name: a cycle that kept each file's tree until a full collection
