"""Located content errors: values the loader collects and the CLI and server only format."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from typing import NamedTuple


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    hint: str | None = None
    severity: str = "error"

    def format(self) -> str:
        """For a terminal: the path and every line of message and hint printable; the lines after
        the first indented, so that no text from content can pass for a diagnostic of its own."""
        where = f":{self.line}:{self.column}" if self.line else ""  # line 0: an option, not a file
        text = f"{printable(display_path(self.path))}{where}: {self.severity}: "
        text += printable(self.message, newlines=True).replace("\n", "\n  ")
        if self.hint:
            text += "\n" + "\n".join("  " + line for line in f"hint: {printable(self.hint, newlines=True)}".split("\n"))
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data["path"] = printable(display_path(self.path))  # a file name's raw bytes are not JSON text
        return data


def display_path(path: str) -> str:
    """A path relative to the working directory when that is shorter, as editors expect."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


# Control characters (C0, DEL, C1), line and paragraph separators, bidi embeddings, overrides,
# isolates and marks, the BOM, and lone surrogates (bytes of a file name that are not UTF-8).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff"
                          "\ud800-\udfff]")
_UNPRINTABLE_BUT_NEWLINE = re.compile(_UNPRINTABLE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))


def printable(text: str, newlines: bool = False) -> str:
    """Text safe to print to a terminal, as every name or value from content or the command line is:
    a character that could move the cursor, retitle the window, reverse the reading order or not
    print at all becomes an escape (\\x1b, \\u202e); newlines are kept when asked."""
    pattern = _UNPRINTABLE_BUT_NEWLINE if newlines else _UNPRINTABLE
    return pattern.sub(_escape, str(text))


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Report:
    """Collects every diagnostic of a run, so all errors are reported at once."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: str, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(str(path), line, column, message, hint))

    def at(self, loc: Location, message: str, hint: str | None = None) -> None:
        self.error(loc.path, loc.line, loc.column, message, hint)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.diagnostics if d.severity == "error")

    def __bool__(self) -> bool:  # truthy when something went wrong
        return bool(self.errors)


class Location(NamedTuple):
    # A NamedTuple, not a dataclass: one is made per YAML node, and this is much cheaper.
    path: str
    line: int
    column: int


class ContentError(Exception):
    """Raised by the pipeline when content has errors; carries all of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} content error(s)")
        self.diagnostics = diagnostics
