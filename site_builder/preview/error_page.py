"""The preview's error page: each error's location, message, hint and the lines around it, read
only from a regular file inside the site (or the packaged theme), never through a link out of it."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.errors import Diagnostic, display_path
from site_builder.render.policies import meta_policy
from site_builder.render.theme import packaged_themes

ERROR_TEMPLATE = "serve_error.html"
ERROR_CSS = "serve_error.css"
ERROR_CSS_URL = "/__site-builder__/serve-error.css"
BANNER_TEMPLATE = "serve_last_good.html"
BANNER_CSS = "serve_last_good.css"
BANNER_CSS_URL = "/__site-builder__/last-good.css"
CONTEXT_LINES = 2  # lines shown before and after an error's line
READ_LIMIT = 1 << 20  # bytes of a file read for its lines: the loader refuses larger content files
LINE_CHARS = 240  # characters of a line shown, around the error's column


def _error_environment() -> jinja2.Environment:
    """The packaged theme's page, whatever the site's own templates hold: it shows the errors of a
    broken site, and a site's file (perhaps a link) is never what it reads."""
    folder = packaged_themes() / "default" / "templates"
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


def error_stylesheet(name: str = ERROR_CSS) -> bytes:
    env = _error_environment()
    return env.loader.get_source(env, name)[0].encode("utf-8")


def visible(text: str, lines: bool = False) -> str:
    """Control characters as their Unicode pictures (one character each, so columns still match):
    a file's escape sequences and NULs show as what they are instead of acting. lines: a message's
    or hint's own line breaks are kept (the page shows them as breaks)."""
    return text.translate(_PICTURES_BUT_NEWLINE if lines else _PICTURES)


_PICTURES = {c: 0x2400 + c for c in range(32) if c != 9} | {127: 0x2421} | {c: 0xFFFD for c in range(0x80, 0xA0)}
_PICTURES_BUT_NEWLINE = {c: picture for c, picture in _PICTURES.items() if c != 10}


@dataclass(frozen=True)
class ErrorView:
    """One diagnostic as the error page shows it: location, message, hint and the lines around it.
    first: the index in the error's line where the shown text starts (a long line is cut)."""

    diagnostic: Diagnostic
    lines: tuple[tuple[int, str], ...]
    first: int = 0

    @property
    def line(self) -> int:
        return self.diagnostic.line

    @property
    def column(self) -> int:
        return self.diagnostic.column - self.first

    @property
    def message(self) -> str:
        return visible(self.diagnostic.message, lines=True)

    @property
    def hint(self) -> str | None:
        return visible(self.diagnostic.hint, lines=True) if self.diagnostic.hint else None

    @property
    def path(self) -> str:
        return visible(display_path(self.diagnostic.path))

    @property
    def location(self) -> str:
        d = self.diagnostic
        return f"{self.path}:{d.line}:{d.column}"

    @property
    def _text(self) -> str:
        return dict(self.lines).get(self.diagnostic.line, "")

    @property
    def before(self) -> str:
        return self._text[: max(0, self.column - 1)]

    @property
    def at(self) -> str:
        return self._text[max(0, self.column - 1): max(0, self.column)]

    @property
    def after(self) -> str:
        return self._text[max(0, self.column):]

    @property
    def caret_pad(self) -> str:
        return "".join("\t" if c == "\t" else " " for c in self.before)


def error_views(diagnostics, roots: tuple[Path, ...]) -> list[ErrorView]:
    """roots: the folders whose files may be shown (the site's, the packaged themes')."""
    views = []
    texts: dict[str, list[str]] = {}
    for d in diagnostics:
        if d.path not in texts:
            texts[d.path] = readable_lines(d.path, roots)
        lines = texts[d.path]
        first, last = max(1, d.line - CONTEXT_LINES), min(len(lines), d.line + CONTEXT_LINES)
        start = max(0, d.column - 1 - LINE_CHARS // 2) if d.column > LINE_CHARS else 0
        shown = tuple((n, visible(lines[n - 1][start if n == d.line else 0:][:LINE_CHARS]))
                      for n in range(first, last + 1))
        views.append(ErrorView(d, shown, start))
    return views


def readable_lines(path: str, roots: tuple[Path, ...]) -> list[str]:
    """The first READ_LIMIT bytes of a regular file inside one of roots, as lines; [] for anything
    else. Its real path is opened one component at a time from the root, none followed if a link,
    so a link swapped in meanwhile is refused too; a FIFO is neither waited on nor read."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return []
    for root in roots:
        top = os.path.realpath(root)
        if real.startswith(top + os.sep):
            parts = real[len(top) + 1:].split(os.sep)
            break
    else:
        return []
    try:
        fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            try:
                fd_next = os.open(part, flags, dir_fd=fd)
            finally:
                os.close(fd)
            fd = fd_next
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return []
            data = file.read(READ_LIMIT)
    except (OSError, ValueError):
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def render_error_page(root: Path, diagnostics, last_good_url: str | None) -> bytes:
    roots = (Path(root), packaged_themes())
    html = _error_environment().get_template(ERROR_TEMPLATE).render(
        errors=error_views(diagnostics, roots), count=len(diagnostics), last_good_url=last_good_url,
        stylesheet=ERROR_CSS_URL, policy=meta_policy("page"))
    return html.encode("utf-8")


def render_last_good_banner(count: int, errors_url: str) -> bytes:
    """The banner a last good page carries while `count` errors are pending, linking to them."""
    html = _error_environment().get_template(BANNER_TEMPLATE).render(
        count=count, errors_url=errors_url, stylesheet=BANNER_CSS_URL)
    return html.encode("utf-8")
