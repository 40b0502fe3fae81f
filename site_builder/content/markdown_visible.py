"""A Markdown source's visible text (as web clippers save pages): the text without its markup,
each visible character mapped back to the archived characters it stands for."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.entities import entities
from markdown_it.common.utils import fromCodePoint, isValidEntityCode
from markdown_it.rules_inline import StateInline, autolink, backtick, image, link
from markdown_it.rules_inline.entity import DIGITAL_RE, NAMED_RE

from site_builder.content.visible_text import BLOCK_BREAK, Block, Container, Run, VisibleText

_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_STYLES = {"em_open": "em", "strong_open": "strong", "s_open": "s"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Raw HTML off: a tag in an archived page is shown as the characters it is, never rendered.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")


class _Builder:
    """Collects the visible characters and the archived span of each."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts = array("q")
        self.ends = array("q")

    def add(self, chars: str, start: int, end: int) -> None:
        """Visible chars standing together for archived [start, end), or one for one if as long."""
        if len(chars) == end - start:
            self.chars.append(chars)
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))
        else:
            self.chars.append(chars)
            self.starts.extend([start] * len(chars))
            self.ends.extend([end] * len(chars))

    @property
    def length(self) -> int:
        return len(self.starts)


def markdown_visible(text: str) -> VisibleText:
    md = _parser()
    env: dict = {}
    tokens = md.parse(text, env)
    lines = _line_starts(text)
    out = _Builder()
    blocks: list[Block] = []
    opens: list[Container] = []
    stack: list[Container] = []
    for n, token in enumerate(tokens):
        kind = token.type
        if kind in ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"):
            container = Container({"blockquote_open": "blockquote", "bullet_list_open": "ul",
                                   "ordered_list_open": "ol", "list_item_open": "li"}[kind],
                                  int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1)
            stack.append(container)
            opens.append(container)
        elif kind in ("blockquote_close", "bullet_list_close", "ordered_list_close", "list_item_close"):
            closed = stack.pop()
            if opens and opens[-1] is closed:  # an empty container: nothing of it is shown
                opens.pop()
            elif blocks:
                blocks[-1] = replace(blocks[-1], closes=blocks[-1].closes + (closed,))
        elif kind in ("inline", "code_block", "fence") and token.map:
            if blocks and out.length:
                out.add(BLOCK_BREAK, out.ends[-1], out.ends[-1])
            begin = out.length
            if kind == "inline":
                runs = _inline(token, text, lines, md, env, out)
                heading = tokens[n - 1].type == "heading_open"
                block_kind, level = ("h", int(tokens[n - 1].tag[1])) if heading else ("p", 0)
            else:
                runs = _code(token, text, lines, out)
                block_kind, level = "pre", 0
            if out.length == begin:  # nothing visible (an empty heading, an image alone)
                if begin:
                    del out.chars[-1], out.starts[-2:], out.ends[-2:]
                continue
            blocks.append(Block(block_kind, level, tuple(opens), (), begin, out.length, runs))
            opens.clear()
    if blocks and stack:
        blocks[-1] = replace(blocks[-1], closes=blocks[-1].closes + tuple(reversed(stack)))
    return VisibleText("".join(out.chars), out.starts, out.ends, tuple(blocks))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _line(text: str, lines: list[int], number: int) -> tuple[int, str]:
    start = lines[number]
    end = lines[number + 1] - 1 if number + 1 < len(lines) else len(text)
    return start, text[start:end]


def _content_origins(content: str, text: str, lines: list[int], first: int, atx: bool) -> list[int] | None:
    """The archived offset of each line of an inline token's content: each is its archived line
    less a container's prefix (and, trimmed, a heading's marks). None if one cannot be placed."""
    origins = []
    for k, part in enumerate(content.split("\n")):
        if first + k >= len(lines):
            return None
        start, line = _line(text, lines, first + k)
        if atx:
            column = line.index("#") if "#" in line else 0
            while column < len(line) and line[column] in "# \t":
                column += 1
        elif line.endswith(part):
            column = len(line) - len(part)
        else:
            column = len(line.rstrip()) - len(part)
        if column < 0 or line[column:column + len(part)] != part:
            return None
        origins.append(start + column)
    return origins


def _inline(token, text, lines, md, env, out: _Builder) -> tuple[Run, ...]:
    content = token.content
    atx = token.map[1] - token.map[0] == 1 and "\n" not in content and _is_atx(text, lines, token.map[0])
    origins = _content_origins(content, text, lines, token.map[0], atx)
    begin, mark = out.length, len(out.chars)
    try:
        if origins is None:
            raise _Misaligned
        return _Walk(content, origins, md, env, out).children(token.children or [])
    except _Misaligned:  # never expected; the block is then shown as archived, markup and all
        del out.chars[mark:], out.starts[begin:], out.ends[begin:]
        start, end = lines[token.map[0]], _line_end(text, lines, token.map[1] - 1)
        out.add(text[start:end], start, end)
        return (Run(begin, out.length, ()),)


def _is_atx(text: str, lines: list[int], number: int) -> bool:
    return _line(text, lines, number)[1].lstrip(" \t>").startswith("#")


class _Misaligned(Exception):
    pass


class _Walk:
    """Walks an inline token's children along its content, placing each visible character."""

    def __init__(self, content: str, origins: list[int], md, env, out: _Builder) -> None:
        self.content, self.origins, self.md, self.env, self.out = content, origins, md, env, out
        self.line_starts = [0]
        for part in content.split("\n")[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(part) + 1)
        self.pos = 0
        self.styles: list[str] = []
        self.link_ends: list[int] = []
        self.runs: list[Run] = []
        self.autolink = False

    def archived(self, pos: int) -> int:
        line = bisect_right(self.line_starts, pos) - 1
        return self.origins[line] + pos - self.line_starts[line]

    def children(self, children) -> tuple[Run, ...]:
        for child in children:
            if self.autolink and child.type != "link_close":
                continue  # the address, shown already as archived
            handler = getattr(self, "_" + child.type, None)
            if handler is None:
                raise _Misaligned
            handler(child)
        return tuple(self.runs)

    def _emit(self, chars: str, start: int, end: int, styles: tuple[str, ...] = ()) -> None:
        begin = self.out.length
        self.out.add(chars, self.archived(start), self.archived(end - 1) + 1 if end > start else self.archived(start))
        self._run(begin, styles)

    def _run(self, begin: int, extra: tuple[str, ...] = ()) -> None:
        styles = tuple(self.styles) + extra
        if self.runs and self.runs[-1].styles == styles and self.runs[-1].end == begin:
            self.runs[-1] = Run(self.runs[-1].start, self.out.length, styles)
        elif self.out.length > begin:
            self.runs.append(Run(begin, self.out.length, styles))

    def _text(self, token) -> None:
        src, want, pos, i = self.content, token.content, self.pos, 0
        begin = self.out.length
        while i < len(want):
            if pos >= len(src):
                raise _Misaligned
            char = src[pos]
            if char == "\\" and pos + 1 < len(src) and src[pos + 1] in _PUNCTUATION and want[i] == src[pos + 1]:
                self.out.add(want[i], self.archived(pos), self.archived(pos + 1) + 1)
                pos, i = pos + 2, i + 1
                continue
            if char == "&":
                entity = _entity(src, pos)
                if entity and want.startswith(entity[0], i):
                    self.out.add(entity[0], self.archived(pos), self.archived(entity[1] - 1) + 1)
                    pos, i = entity[1], i + len(entity[0])
                    continue
            if char == want[i] or (char == "\0" and want[i] == "\ufffd"):
                self.out.add(want[i], self.archived(pos), self.archived(pos) + 1)
                pos, i = pos + 1, i + 1
                continue
            raise _Misaligned
        self.pos = pos
        self._run(begin)

    def _skip(self, markup: str) -> None:
        if not self.content.startswith(markup, self.pos):
            raise _Misaligned
        self.pos += len(markup)

    def _open(self, token) -> None:
        self._skip(token.markup)
        self.styles.append(_STYLES[token.type])

    def _close(self, token) -> None:
        self._skip(token.markup)
        self.styles.pop()

    _em_open = _strong_open = _s_open = _open
    _em_close = _strong_close = _s_close = _close

    def _break(self, token) -> None:
        src, start, pos = self.content, self.pos, self.pos
        while pos < len(src) and src[pos] in " \t":
            pos += 1
        if pos < len(src) and src[pos] == "\\" and token.type == "hardbreak":
            pos += 1
        if pos >= len(src) or src[pos] != "\n":
            raise _Misaligned
        pos += 1
        while pos < len(src) and src[pos] in " \t":
            pos += 1
        self.pos = pos
        begin = self.out.length
        self.out.add("\n", self.archived(start), self.archived(pos - 1) + 1)
        self._run(begin, ("br",) if token.type == "hardbreak" else ())

    _softbreak = _hardbreak = _break

    def _rule_end(self, rule) -> int:
        """Where the span that this rule reads from the current position ends."""
        state = StateInline(self.content, self.md, self.env, [])
        state.pos = self.pos
        if not rule(state, True):
            raise _Misaligned
        return state.pos

    def _link_open(self, token) -> None:
        if token.markup == "autolink":  # shown as archived, between its < and >
            end = self._rule_end(autolink)
            self._emit(self.content[self.pos + 1:end - 1], self.pos + 1, end - 1)
            self.link_ends.append(end)
            self.pos = end
            self.autolink = True
            return
        self.link_ends.append(self._rule_end(link))
        self.pos += 1

    def _link_close(self, token) -> None:
        self.pos = self.link_ends.pop()
        self.autolink = False

    def _image(self, token) -> None:
        # An image is shown as nothing: a reader of the page sees a picture, not its alt text, and
        # a browser's find (so a `#:~:text=` fragment) does not match alt text either.
        self.pos = self._rule_end(image)

    def _code_inline(self, token) -> None:
        end = self._rule_end(backtick)
        start = self.pos + len(token.markup)
        body = self.content[start:end - len(token.markup)].replace("\n", " ")
        lead = 1 if body.startswith(" ") and body.endswith(" ") and body.strip() else 0
        begin = self.out.length
        for k, char in enumerate(token.content):
            at = start + lead + k
            self.out.add(char, self.archived(at), self.archived(at) + 1)
        self._run(begin, ("code",))
        self.pos = end


def _code(token, text: str, lines: list[int], out: _Builder) -> tuple[Run, ...]:
    """A code block's lines as archived, less their indent or container prefix."""
    body = token.content[:-1] if token.content.endswith("\n") else token.content
    first = token.map[0] + (1 if token.type == "fence" else 0)
    origins = _content_origins(body, text, lines, first, atx=False) if body else []
    begin = out.length
    if origins is None:  # never expected (a tab the parser widened): shown as archived
        start, end = lines[first], _line_end(text, lines, token.map[1] - 1)
        out.add(text[start:end], start, end)
        return (Run(begin, out.length, ()),)
    for k, part in enumerate(body.split("\n") if body else ()):
        if k:
            newline = origins[k - 1] + len(body.split("\n")[k - 1])
            out.add("\n", newline, origins[k])
        out.add(part, origins[k], origins[k] + len(part))
    return (Run(begin, out.length, ()),) if out.length > begin else ()


def _line_end(text: str, lines: list[int], number: int) -> int:
    start, line = _line(text, lines, number)
    return start + len(line)


def _entity(src: str, pos: int) -> tuple[str, int] | None:
    """The characters an entity at pos stands for, as markdown-it decodes it, and its end."""
    match = DIGITAL_RE.match(src, pos)
    if match:
        digits = match.group(1)
        code = int(digits[1:], 16) if digits[0].lower() == "x" else int(digits, 10)
        return (fromCodePoint(code) if isValidEntityCode(code) else "\ufffd"), match.end()
    match = NAMED_RE.match(src, pos)
    if match and match.group(1) in entities:
        return entities[match.group(1)], match.end()
    return None
