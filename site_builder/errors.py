"""Located content errors: values the loader collects and the CLI and server only format."""

from __future__ import annotations

import os
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
        text = f"{display_path(self.path)}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.hint:
            text += "\n" + "\n".join("  " + line for line in f"hint: {self.hint}".splitlines())
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data["path"] = display_path(self.path)
        return data


def display_path(path: str) -> str:
    """A path relative to the working directory when that is shorter, as editors expect."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


class Report:
    """Collects every diagnostic of a run, so all errors are reported at once."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: str, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(str(path), line, column, message, hint))

    def at(self, loc: "Location", message: str, hint: str | None = None) -> None:
        self.error(loc.path, loc.line, loc.column, message, hint)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.diagnostics if d.severity == "error")

    def __bool__(self) -> bool:  # truthy when something went wrong
        return bool(self.errors)


class Location(NamedTuple):
    # A NamedTuple, not a dataclass: one is made per YAML node, and this is several times cheaper.
    path: str
    line: int
    column: int


class ContentError(Exception):
    """Raised by the pipeline when content has errors; carries all of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} content error(s)")
        self.diagnostics = diagnostics
