"""A strict YAML reader: every value is a located string, list or mapping.

PyYAML's own resolver turns `NO` into False and `2025-06-02` into a date, keeps the
last of two duplicate keys, and expands aliases (an alias bomb). Here the C parser
only produces events; composing them is ours, so none of that can happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from site_builder.errors import Location, Report

try:  # the C parser is several times faster; the pure-Python one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

_STD = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")} | {"!"}


class _StringLoader(_Loader):
    """Every scalar is a string to us, so skip PyYAML's type guessing altogether.

    The C composer calls these three for every node. They are C callables that ignore their
    arguments (str.format of a text without fields), not Python methods: a third of the
    composer's own time went into those calls. A node's kind is its class, so the tag that an
    untagged node gets need not say it: every such node gets the plain string tag, which is
    allowed (_from_node refuses only explicit tags outside ALLOWED_TAGS).
    """

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


def decode_text(data: bytes, path: str, report: Report, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Bytes to text: size-capped, strict UTF-8, BOM dropped, line endings made LF."""
    if len(data) > max_bytes:
        report.error(path, 1, 1, f"file is {len(data):,} bytes, over the limit of {max_bytes:,}",
                     hint="split it, or check that it is the file you meant")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        report.error(path, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                     hint="save the file as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, path: str, report: Report, line_offset: int = 0) -> Node | None:
    """One YAML document as located nodes; errors go to the report and give None."""
    builder = _Composer(path, report, line_offset)
    try:
        if "&" not in text:
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
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "malformed YAML"
        hint = None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        lines = text.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            hint = "YAML does not allow tabs for indentation; indent with spaces"
        report.error(path, line + line_offset, col, f"malformed YAML: {message}", hint)
        return None
    except yaml.YAMLError as exc:
        report.error(path, 1 + line_offset, 1, f"malformed YAML: {exc}")
        return None
    if builder.root is None:
        report.error(path, 1 + line_offset, 1, "file is empty", hint="an event file is a mapping of fields, e.g. `title: ...`")
    return builder.root


@dataclass
class _Composer:
    path: str
    report: Report
    line_offset: int
    root: Node | None = None
    documents: int = 0
    failed: bool = False
    stack: list = field(default_factory=list)  # [container, pending key or None]

    def loc(self, event) -> Location:
        mark = event.start_mark
        return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

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
            return self.add(event, Scalar(event.value, self.loc(event), plain=not event.style))
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
                               hint=f"it is already set on line {first.line}; YAML would silently keep only the last one")
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

    def build(node):
        mark = node.start_mark
        loc = _new(Location, (path, mark.line + first_line, mark.column + 1))
        if node.tag not in allowed:
            report.at(loc, f"YAML tag '{node.tag}' is not allowed in content")
            builder.failed = True
            return None
        kind = node.__class__
        if kind is scalar_node:
            return _new(Scalar, (node.value, loc, not node.style))
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
                          hint=f"it is already set on line {items[text][0].line}; YAML would silently keep only the last one")
                continue
            items[text] = (key.loc, build(value_node))
        return _new(Mapping, (items, loc))

    try:
        return build(node)
    finally:
        build = None  # it calls itself through this name: a cycle that kept each file's tree until a full collection
