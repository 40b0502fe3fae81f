"""The preview's WSGI app: each request gets a file of the last good site from memory, or, while the
content has errors, a page showing them with the last good page one link away."""

from __future__ import annotations

import mimetypes
import os
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote

from site_builder.errors import Diagnostic
from site_builder.preview.error_page import (BANNER_CSS, BANNER_CSS_URL, ERROR_CSS_URL, error_stylesheet,
                                             render_error_page, render_last_good_banner)

COMPLETE_WAIT = 60  # seconds a request for a file not (yet) there waits for the first build's second step


@dataclass(frozen=True)
class Snapshot:
    """Everything one request needs, replaced as a whole after each rebuild."""

    files: Mapping[str, bytes] = field(default_factory=dict)  # the last good site (on_request.LazyFiles)
    errors: tuple[Diagnostic, ...] = ()  # of the latest rebuild; empty when it succeeded


class Preview:
    """The WSGI app livereload serves: the last good site from memory, or the errors."""

    def __init__(self, root: Path, out=sys.stderr):
        self.root = Path(root)
        self.out = out  # where an internal error answering a request is told
        self.snapshot = Snapshot()
        # Cleared while the second step of the first build runs (Rebuilder.complete): a file not
        # found meanwhile may be one it makes, so its request waits for it.
        self.complete = threading.Event()
        self.complete.set()

    def publish(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot  # one reference assignment: atomic for every reader

    def __call__(self, environ, start_response):
        try:
            body = self._answer(environ, start_response)
            # HEAD: the same status and headers, no body (the server refuses to send one).
            return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else body
        except Exception as exc:  # a bug of ours: one line in the terminal, a short page, serving goes on
            if os.environ.get("SITE_BUILDER_DEBUG"):
                traceback.print_exc()
            print(terminal_safe(f"site-builder: internal error answering a request: {type(exc).__name__}: {exc}"),
                  file=self.out, flush=True)
            return self._respond(start_response, "500 Internal Server Error",
                                 b"site-builder preview: internal error; see the terminal\n",
                                 "text/plain; charset=utf-8")

    def _answer(self, environ, start_response):
        snap = self.snapshot
        path = request_path(environ.get("PATH_INFO", "/"))
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if path == ERROR_CSS_URL:
            return self._respond(start_response, "200 OK", error_stylesheet(), "text/css; charset=utf-8")
        if path == BANNER_CSS_URL:
            return self._respond(start_response, "200 OK", error_stylesheet(BANNER_CSS), "text/css; charset=utf-8")
        if path is None:  # never a name the site has
            return self._not_found(start_response, snap)
        rel = path.lstrip("/")
        if rel and not rel.endswith("/") and f"{rel}/index.html" in snap.files:
            return self._redirect(start_response, "/" + quote(rel) + "/")
        name = rel + "index.html" if rel.endswith("/") or not rel else rel
        if name not in snap.files and not self.complete.is_set():
            self.complete.wait(COMPLETE_WAIT)
            snap = self.snapshot
        try:
            data, gzipped = _file(snap.files, name, accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")))
        except Exception as exc:  # a file made when asked for (on_request.py)
            from site_builder.render.template_errors import template_diagnostic

            diagnostic = template_diagnostic(exc)
            if diagnostic is None:
                raise
            html = render_error_page(self.root, (diagnostic,), None)
            return self._respond(start_response, "500 Content Error", html, "text/html; charset=utf-8")
        is_page = name.endswith(".html") or data is None
        if snap.errors and is_page and not ("last-good" in query and data is not None):
            last_good = f"{quote(path)}?last-good" if data is not None and name.endswith(".html") else None
            html = render_error_page(self.root, snap.errors, last_good)
            return self._respond(start_response, "500 Content Error", html, "text/html; charset=utf-8")
        if data is None:
            return self._not_found(start_response, snap)
        if snap.errors and name.endswith(".html") and not gzipped:  # a last good page, asked for
            data = with_banner(data, render_last_good_banner(len(snap.errors), quote(path)))
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        encoded = [("Content-Encoding", "gzip")] if gzipped else []
        return self._respond(start_response, "200 OK", data, kind, [*encoded, ("Vary", "Accept-Encoding")])

    @staticmethod
    def _respond(start_response, status: str, body: bytes, kind: str, more: list = ()):
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store"), *more])
        return [body]

    def _not_found(self, start_response, snap: Snapshot):
        missing = snap.files.get("404.html", b"<!doctype html><title>Not found</title><h1>Not found</h1>")
        return self._respond(start_response, "404 Not Found", missing, "text/html; charset=utf-8")

    @staticmethod
    def _redirect(start_response, location: str):
        start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
        return [b""]


# The page's <body> start tag, its attribute values quoted or not (a ">" inside quotes is no end).
_BODY_TAG = re.compile(rb"""<body(?:[\s/](?:[^>"']|"[^"]*"|'[^']*')*)?>""", re.IGNORECASE)


def with_banner(page: bytes, banner: bytes) -> bytes:
    """The page with the banner first in its body: after its <body> tag, or (a page that leaves
    the tag out) at its end, where a browser puts it in the body all the same."""
    tag = _BODY_TAG.search(page)
    at = tag.end() if tag else len(page)
    return page[:at] + banner + page[at:]


def request_path(path_info: str) -> str | None:
    """The path asked for, from WSGI's PATH_INFO (already percent-decoded, as Latin-1), or None
    when it cannot name a file of the site: not UTF-8, a "." or ".." part, a backslash, a control
    character, or a leading "//"."""
    try:
        path = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    if (not path.startswith("/") or path.startswith("//") or "\\" in path or _CONTROL.search(path)
            or any(part in (".", "..") for part in path.split("/"))):
        return None
    return path


# C0 and C1 controls but tab and newline, and the bidirectional overrides that reorder what a
# terminal shows: a file name carrying them must not move the cursor, recolour or hide text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """text with every control character written as its escape (\\x1b, \\u202e)."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def _file(files: Mapping[str, bytes], name: str, gzip_ok: bool) -> tuple[bytes | None, bool]:
    """(the file's bytes or None, whether they are gzip-encoded). A file kept as a gzip member
    (on_request.LazyFiles.gzipped: never a page) goes as it is to a client that accepts gzip."""
    if gzip_ok and hasattr(files, "gzipped"):
        data = files.gzipped(name)
        if data is not None:
            return data, True
    return files.get(name), False


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110: "gzip" or "x-gzip", else "*",
    with a q above 0)."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            weights[coding] = float(q)
        except ValueError:
            weights[coding] = 0.0
    return next((weights[c] for c in ("gzip", "x-gzip", "*") if c in weights), 0.0) > 0


