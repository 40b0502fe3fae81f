"""Serve a built site on 127.0.0.1 the way Netlify would: the headers of netlify.toml, gzip, pretty URLs, 404.html.

Used by the browser tests (tests/browser/conftest.py) and the performance budget script
(benchmarks/home_budget.py), so both measure the site as production serves it.
"""

from __future__ import annotations

import gzip
import mimetypes
import re
import threading
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml",
                "application/atom+xml", "application/rss+xml", "image/svg+xml", "application/manifest+json")
TYPES = {".js": "application/javascript", ".mjs": "application/javascript", ".json": "application/json",
         ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".xml": "application/xml",
         ".atom": "application/atom+xml", ".css": "text/css", ".html": "text/html", ".txt": "text/plain",
         ".csv": "text/csv", ".ics": "text/calendar", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class HeaderRule:
    pattern: re.Pattern
    values: dict[str, str]


def netlify_header_rules(netlify_toml: Path) -> list[HeaderRule]:
    """The [[headers]] blocks of netlify.toml, as (path regex, headers), in file order."""
    config = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    return [HeaderRule(_path_regex(block["for"]), {k: _one_line(v) for k, v in block.get("values", {}).items()})
            for block in config.get("headers", [])]


def headers_for(rules: list[HeaderRule], path: str) -> dict[str, str]:
    """Every matching block applies; a header set by two blocks takes the later value (as `netlify dev` does)."""
    merged: dict[str, tuple[str, str]] = {}
    for rule in rules:
        if rule.pattern.match(path):
            for name, value in rule.values.items():
                merged[name.lower()] = (name, value)
    return dict(merged.values())


def _path_regex(pattern: str) -> re.Pattern:
    # Netlify paths: `*` matches anything (including slashes), `:name` one path segment.
    parts = []
    for token in re.split(r"(\*|:[A-Za-z_]\w*)", pattern):
        if token == "*":
            parts.append(".*")
        elif token.startswith(":"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(token))
    return re.compile("^" + "".join(parts) + "$")


def _one_line(value) -> str:
    # TOML multi-line strings are handy for long policies; HTTP wants one line.
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return " ".join(str(value).split())


class NetlifyLikeServer:
    """`with NetlifyLikeServer(root, netlify_toml) as server: server.url("events/x/")`"""

    def __init__(self, root: Path, netlify_toml: Path | None = None, gzip_level: int = 6):
        self.root = Path(root).resolve()
        self.rules = netlify_header_rules(netlify_toml) if netlify_toml else []
        self.gzip_level = gzip_level
        self.requests: list[str] = []  # every path asked for, in order (tests can check what was fetched)
        handler = type("Handler", (_Handler,), {"site": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path.lstrip('/')}"

    def start(self) -> NetlifyLikeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> NetlifyLikeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def resolve(self, url_path: str) -> tuple[int, Path | None, str | None]:
        """(status, file, redirect location) for a request path, with Netlify's pretty URLs."""
        path = unquote(url_path)
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in (target, *target.parents):
            return 404, self._not_found(), None
        if target.is_dir():
            if not path.endswith("/"):
                return 301, None, path + "/"
            target = target / "index.html"
        elif not target.exists() and target.with_suffix(".html").is_file() and not path.endswith("/"):
            target = target.with_suffix(".html")
        if target.is_file():
            return 200, target, None
        return 404, self._not_found(), None

    def _not_found(self) -> Path | None:
        page = self.root / "404.html"
        return page if page.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    site: NetlifyLikeServer
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_GET(self) -> None:
        self._respond(body=True)

    def _respond(self, body: bool) -> None:
        path = urlsplit(self.path).path
        self.site.requests.append(path)
        status, file, location = self.site.resolve(path)
        data = file.read_bytes() if file else b"Not found\n"
        ctype = (TYPES.get(file.suffix if file else ".txt") or mimetypes.guess_type(str(file))[0]
                 or "application/octet-stream")
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self.send_response(status)
        for name, value in headers_for(self.site.rules, path).items():
            self.send_header(name, value)
        if location:
            self.send_header("Location", location)
            data = b""
        compress = (data and ctype.startswith(COMPRESSIBLE)
                    and "gzip" in self.headers.get("Accept-Encoding", ""))
        if compress:
            data = gzip.compress(data, self.site.gzip_level)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, *args) -> None:  # quiet: tests report what matters
        pass
