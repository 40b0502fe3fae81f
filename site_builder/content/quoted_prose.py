"""Words an event's prose puts in quotation marks must be in one of the sources it cites: titles,
summaries and excerpt notes are held to the excerpts' standard (locate_quote), else a located error."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from markdown_it.common.utils import UNESCAPE_ALL_RE, replaceEntityPattern

from site_builder.content.archived import visible_text
from site_builder.content.closest import closest_passage
from site_builder.content.excerpts import locate_quote
from site_builder.errors import Location, Report

# Opening mark -> the marks that close it. Straight single quotes never count: in English prose
# the same character is the apostrophe (Moscow's, leaders', '90s), so no reading of it is safe.
# A curly ‘ is an apostrophe only before a digit (the ‘90s); otherwise it opens, and its ’ closes
# only when no letter follows (‘Putin’s words’ closes after "words"). A mark that may also close
# (" ” ＂ » ›) opens only at the start of a word, after no letter or digit (but after a letter of a
# script written without spaces), so inches (5") and a stray closer are not quotations; nor is
# a value in code shown as text (href="x").
_CLOSERS = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u201f": "\u201d", "\u00ab": "\u00bb",
            "\u00bb": "\u00ab\u00bb", "\u2039": "\u203a", "\u203a": "\u2039\u203a", "\u2018": "\u2019",
            "\u201a": "\u2018\u2019", "\u201b": "\u2019", '"': '"', "\u201d": "\u201d", "\uff02": "\uff02",
            "\u300c": "\u300d", "\u300e": "\u300f", "\u301d": "\u301e\u301f", "\u275d": "\u275e",
            "\u275b": "\u275c"}
_MARKS = re.compile("[" + "".join(map(re.escape, _CLOSERS)) + "]")  # where a quotation may open
_AT_WORD_START_ONLY = {'"', "\u201d", "\uff02", "\u00bb", "\u203a"}
_TRAILING = " \t\n.,;:"
# Markdown that is not prose: code spans, web link destinations (a link title is in quotes),
# web autolinks, backslash escapes but of a ", and the marks around emphasis and link text. Masked
# by spaces, offsets kept. A link to any other scheme is not made: all its characters show.
_WEB = r"(?i:https?://)"
_LINK_END = (r"\]\(\s*(?:<" + _WEB + r"[^>\n]*>|" + _WEB + r"[^\s)]*)"
             r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^)\\]|\\.)*\)))?\s*\)""")
_MARKDOWN = re.compile(r"(`+).*?\1|" + _LINK_END + r"|<" + _WEB + r"[^>\s]*>|\\[!#-/:-@\[-`{-~]?|[*\[]|\b_+|_+\b", re.S)


@dataclass(frozen=True)
class Quotation:
    start: int  # offset of the opening mark in the text
    words: str  # what the marks enclose, white space and closing punctuation trimmed
    closed: bool


@dataclass(frozen=True)
class Finding:
    offset: int  # of the opening mark in the value
    message: str
    hint: str


def quotations(text: str, markdown: bool = False) -> list[Quotation]:
    """The outermost quotations of a piece of prose, in order; marks nested inside one are its words."""
    if not _MARKS.search(text) and not (markdown and "&" in text):
        return []  # most prose quotes no one: no mark, and no entity that could show as one
    scan, origins = _as_read(text) if markdown else (text, range(len(text)))
    found, i = [], 0
    while (mark := _MARKS.search(scan, i)) is not None:
        i = mark.start()
        if not _opens_at(scan, i):
            i += 1
            continue
        end = _closing(scan, i + 1, _CLOSERS[scan[i]])
        inner = scan[i + 1:end if end is not None else len(scan)]
        if end is not None and _attribute_value(scan, i, inner):
            i = end + 1
            continue
        found.append(Quotation(origins[i], " ".join(inner.split()).strip(_TRAILING), end is not None))
        i = end + 1 if end is not None else len(scan)
    return found


def _as_read(markdown: str) -> tuple[str, list[int]]:
    """Markdown's characters as a reader sees them, syntax masked and each entity or numeric
    reference (&ldquo; &#8220;) read as what it shows, with the offset in `markdown` of each."""
    masked = _MARKDOWN.sub(lambda m: " " * len(m.group()), markdown)
    parts, origins, at = [], [], 0
    for match in UNESCAPE_ALL_RE.finditer(masked):  # only entities are left: escapes are masked
        shown = replaceEntityPattern(match.group(), match.group(2))
        parts += [masked[at:match.start()], shown]
        origins += [*range(at, match.start()), *[match.start()] * len(shown)]
        at = match.end()
    return "".join(parts) + masked[at:], origins + list(range(at, len(masked)))


def _attribute_value(text: str, i: int, inner: str) -> bool:
    """Code shown as text (href="x"): one word in straight marks right after name=."""
    return text[i] == '"' and text[i - 2:i - 1].isalpha() and text[i - 1] == "=" and not any(
        c.isspace() for c in inner)


def _opens_at(text: str, i: int) -> bool:
    mark, after = text[i], text[i + 1:i + 2]
    if mark not in _CLOSERS or (mark == "\u2018" and after.isdigit()):
        return False
    if mark not in _AT_WORD_START_ONLY:
        return True
    before = text[i - 1] if i else " "
    word_start = not before.isalnum() or unicodedata.east_asian_width(before) in "WF"
    return word_start and after != "" and not after.isspace()


def _closing(text: str, start: int, closers: str) -> int | None:
    for j in range(start, len(text)):
        if text[j] in closers:
            if text[j] == "\u2019" and j + 1 < len(text) and text[j + 1].isalnum():
                continue  # an apostrophe inside the quotation
            return j
    return None


def unsupported(text: str, sources: dict[str, str], markdown: bool = False) -> list[Finding]:
    """A finding for each quotation of the prose that is not closed or is in none of the sources
    (id -> archived text)."""
    findings = []
    for quote in quotations(text, markdown):
        if not quote.closed:
            findings.append(Finding(quote.start, "a quotation mark is opened here and never closed",
                                    "close the quotation, or remove the mark if nothing is quoted"))
        elif any(c.isalnum() for c in quote.words) and not any(
                locate_quote(quote.words, source) for source in sources.values()):
            findings.append(Finding(quote.start, f"the words in quotation marks are in no cited source: "
                                                 f"\"{_short(quote.words)}\"", _hint(quote.words, sources)))
    return findings


def unbalanced(quote: str) -> list[Finding]:
    """An excerpt's quote is verbatim, but one that opens a quotation mark and stops before its
    close misquotes: the reader cannot tell where the speaker's words end."""
    return [Finding(q.start, "the quote opens a quotation mark it never closes",
                    "start the quote after the mark, or end it at the closing mark")
            for q in quotations(quote) if not q.closed]


def _hint(words: str, sources: dict[str, str]) -> str:
    nearest = []
    for sid, text in sources.items():
        near = closest_passage(words, text)
        if near is not None:
            nearest.append((len(near.differences), sid, near, text))
    advice = ("quote the source's words exactly, cite the source that has them, or reword without "
              "quotation marks (a title of a work goes in *italics*)")
    if not nearest:
        return f"no cited source shares words with it; {advice}"
    _, sid, near, _ = min(nearest, key=lambda n: n[0])
    # The passage as the misquote hint shows it: whole, or its ends and each difference in context.
    return "\n".join([f"closest passage, {sid}: \"{near.passage}\"", *near.differences, advice])


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def value_location(file_text: str, loc: Location, value: str, offset: int) -> Location:
    """Where the character at `offset` of a YAML scalar's value (starting at `loc`) was written,
    found by counting its non-space characters off in the file: folding, indentation and escapes
    change only white space or make one character of several. `loc` if it cannot be followed."""
    lines = file_text.split("\n")
    if not 0 < loc.line <= len(lines) or loc.column > len(lines[loc.line - 1]) + 1:
        return loc
    at = sum(len(line) + 1 for line in lines[:loc.line - 1]) + loc.column - 1
    style = file_text[at:at + 1]
    if style and style in "|>":
        at = file_text.find("\n", at) + 1 or len(file_text)
    elif style and style in "'\"":
        at += 1
    else:
        style = ""
    count = sum(1 for c in value[:offset] if not c.isspace())
    found = _nth_character(file_text, at, count, style)
    if found is None:
        return loc
    line = file_text.count("\n", 0, found) + 1
    return Location(loc.path, line, found - (file_text.rfind("\n", 0, found) + 1) + 1)


_ESCAPE_LENGTH = {"x": 2, "u": 4, "U": 8}


def _nth_character(text: str, at: int, count: int, style: str) -> int | None:
    """The file offset of the value's non-space character number `count` (from 0), reading a
    scalar of this style from `at`: a double-quoted escape is one character, or none when it
    stands for white space; a single-quoted '' is one."""
    while at < len(text):
        char, width = text[at], 1
        if style == '"' and char == "\\" and at + 1 < len(text):
            code = text[at + 1]
            width = 2 + _ESCAPE_LENGTH.get(code, 0)
            blank = (code.isspace() or code in "tnrfvLNP_ "
                     or (code in _ESCAPE_LENGTH and _blank_code(text[at + 2:at + width])))
            char = " " if blank else "x"
        elif style == "'" and text.startswith("''", at):
            width = 2
        if not char.isspace():
            if count == 0:
                return at
            count -= 1
        at += width
    return None


def _blank_code(hex_digits: str) -> bool:
    try:
        return chr(int(hex_digits, 16)).isspace()
    except ValueError:
        return False


def check_event_prose(path: str, record, sources: dict, report: Report) -> None:
    """Report each unsupported quotation in an event's title, summary and excerpt notes, and each
    excerpt quote that leaves a quotation mark open. Drafts are not checked: like a missing
    excerpt, an unproved quotation is allowed until the event is published."""
    if record.values.get("draft"):
        return
    items = record.values.get("excerpts", ())
    if any(sources[i.values["source"]].failed for i in items if i.values.get("source") in sources):
        return  # a cited source has errors of its own: its words cannot be looked for yet
    cited = {i.values["source"]: visible_text(sources[i.values["source"]]).text  # what readers read
             for i in items if i.values.get("source") in sources}
    located: list[tuple[Location, str, Finding]] = []
    if cited:
        for name, markdown in (("title", False), ("summary", True)):
            if name in record.values:
                value = record.values[name]
                located += [(record.loc_of(name), value, f) for f in unsupported(value, cited, markdown)]
        for item in items:
            if "note" in item.values:
                located += [(item.loc_of("note"), item.values["note"], f)
                            for f in unsupported(item.values["note"], cited)]
    for item in items:
        if "quote" in item.values:
            located += [(item.loc_of("quote"), item.values["quote"], f) for f in unbalanced(item.values["quote"])]
    if not located:
        return
    file_text = _file_text(path)
    for loc, value, finding in located:
        where = value_location(file_text, loc, value, finding.offset) if file_text else loc
        report.at(where, finding.message, finding.hint)


def _file_text(path: str) -> str | None:
    """The event file as the YAML reader saw it (read again only when there is an error to place)."""
    try:
        with open(os.fspath(path), "rb") as file:
            text = file.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
