"""`site-builder serve`: a live preview that rebuilds on every save and reloads the browser.

The last good site lives in memory and is replaced in one assignment, so a request
sees either the old site or the new one, never a mix. While the content has errors,
pages show them (serve_error.html) and the last good site stays one link away.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote

import jinja2
from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from site_builder.errors import ContentError, Diagnostic, display_path
from site_builder.incremental import LATER, Session
from site_builder.render.theme import Theme, ThemeError, _packaged_themes

ERROR_TEMPLATE = "serve_error.html"
ERROR_CSS = "serve_error.css"
ERROR_CSS_URL = "/__site-builder__/serve-error.css"
QUIET_SECONDS = 0.2  # a burst of saves (a git checkout) ends when nothing changed for this long
COMPLETE_WAIT = 60  # seconds a request for a file not (yet) there waits for the first build's second step
CONTEXT_LINES = 2  # lines shown before and after an error's line


class PortInUse(Exception):
    pass


# --- what the server shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Everything one request needs, replaced as a whole after each rebuild."""

    files: Mapping[str, bytes] = field(default_factory=dict)  # the last good site (incremental.LazyFiles)
    errors: tuple[Diagnostic, ...] = ()  # of the latest rebuild; empty when it succeeded


class Preview:
    """The WSGI app livereload serves: the last good site from memory, or the errors."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.snapshot = Snapshot()
        # Cleared while the second step of the first build runs (Rebuilder.complete): a file not
        # found meanwhile may be one it makes, so its request waits for it.
        self.complete = threading.Event()
        self.complete.set()

    def publish(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot  # one reference assignment: atomic for every reader

    def __call__(self, environ, start_response):
        snap = self.snapshot
        path = unquote(environ.get("PATH_INFO", "/"))
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if path == ERROR_CSS_URL:
            return self._respond(start_response, "200 OK", error_stylesheet(self.root), "text/css; charset=utf-8")
        rel = path.lstrip("/")
        if rel and not rel.endswith("/") and f"{rel}/index.html" in snap.files:
            return self._redirect(start_response, "/" + quote(rel) + "/")
        name = rel + "index.html" if rel.endswith("/") or not rel else rel
        if name not in snap.files and not self.complete.is_set():
            self.complete.wait(COMPLETE_WAIT)
            snap = self.snapshot
        try:
            data, gzipped = _file(snap.files, name, accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")))
        except jinja2.TemplateError as exc:  # a file made on request (incremental.DEFERRED)
            from site_builder.build import template_diagnostic

            html = render_error_page(self.root, (template_diagnostic(exc),), None)
            return self._respond(start_response, "500 Content Error", html, "text/html; charset=utf-8")
        is_page = name.endswith(".html") or data is None
        if snap.errors and is_page and not ("last-good" in query and data is not None):
            last_good = f"{quote(path)}?last-good" if data is not None and name.endswith(".html") else None
            html = render_error_page(self.root, snap.errors, last_good)
            return self._respond(start_response, "500 Content Error", html, "text/html; charset=utf-8")
        if data is None:
            missing = snap.files.get("404.html", b"<!doctype html><title>Not found</title><h1>Not found</h1>")
            return self._respond(start_response, "404 Not Found", missing, "text/html; charset=utf-8")
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

    @staticmethod
    def _redirect(start_response, location: str):
        start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
        return [b""]


def _file(files: Mapping[str, bytes], name: str, gzip_ok: bool) -> tuple[bytes | None, bool]:
    """(the file's bytes or None, whether they are gzip-encoded). A file kept as a gzip member
    (incremental.LazyFiles.gzipped: never a page) goes as it is to a client that accepts gzip."""
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


# --- the error page ----------------------------------------------------------------------


def _error_environment(root: Path) -> jinja2.Environment:
    """The site's theme folders, then the packaged default theme: the page works whatever is broken."""
    folders = [root / "templates", root / "themes" / "default" / "templates", _packaged_themes() / "default" / "templates"]
    try:
        folders[1:1] = [Path(d) for d in Theme.for_site(root, _theme_name(root)).template_dirs]
    except ThemeError:
        pass
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in folders if d.is_dir()]),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _theme_name(root: Path) -> str:
    try:
        for line in (root / "site.yaml").read_text(encoding="utf-8").splitlines():
            if line.startswith("theme:"):
                return line.split(":", 1)[1].strip().strip("\"'") or "default"
    except (OSError, UnicodeDecodeError):
        pass
    return "default"


def error_stylesheet(root: Path) -> bytes:
    env = _error_environment(root)
    return env.loader.get_source(env, ERROR_CSS)[0].encode("utf-8")


@dataclass(frozen=True)
class ErrorView:
    """One diagnostic as the error page shows it: location, message, hint and the lines around it."""

    diagnostic: Diagnostic
    lines: tuple[tuple[int, str], ...]

    def __getattr__(self, name):
        return getattr(self.diagnostic, name)

    @property
    def location(self) -> str:
        d = self.diagnostic
        return f"{display_path(d.path)}:{d.line}:{d.column}"

    @property
    def _text(self) -> str:
        return dict(self.lines).get(self.diagnostic.line, "")

    @property
    def before(self) -> str:
        return self._text[: self.diagnostic.column - 1]

    @property
    def at(self) -> str:
        return self._text[self.diagnostic.column - 1: self.diagnostic.column]

    @property
    def after(self) -> str:
        return self._text[self.diagnostic.column:]

    @property
    def caret_pad(self) -> str:
        return "".join("\t" if c == "\t" else " " for c in self.before)


def error_views(diagnostics) -> list[ErrorView]:
    views = []
    texts: dict[str, list[str] | None] = {}
    for d in diagnostics:
        if d.path not in texts:
            try:
                texts[d.path] = Path(d.path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                texts[d.path] = None
        lines = texts[d.path] or []
        first, last = max(1, d.line - CONTEXT_LINES), min(len(lines), d.line + CONTEXT_LINES)
        views.append(ErrorView(d, tuple((n, lines[n - 1]) for n in range(first, last + 1))))
    return views


def render_error_page(root: Path, diagnostics, last_good_url: str | None) -> bytes:
    env = _error_environment(root)
    html = env.get_template(ERROR_TEMPLATE).render(
        errors=error_views(diagnostics), count=len(diagnostics), last_good_url=last_good_url,
        stylesheet=ERROR_CSS_URL)
    return html.encode("utf-8")


# --- watching and rebuilding -------------------------------------------------------------


def _ignored(name: str) -> bool:
    """Editor droppings (swap files, backups, atomic-save temporaries): never content."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
            or name == "4913")


def snapshot_tree(paths: list[Path]) -> dict[str, tuple]:
    """path -> (mtime, size, inode) for every file under the watched paths."""
    found: dict[str, tuple] = {}
    stack = [str(p) for p in paths]
    while stack:
        top = stack.pop()
        try:
            if os.path.isfile(top):
                st = os.stat(top)
                found[top] = (st.st_mtime_ns, st.st_size, st.st_ino)
                continue
            with os.scandir(top) as entries:
                for entry in entries:
                    if _ignored(entry.name):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file():
                        st = entry.stat()
                        found[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:  # vanished between listing and reading: the next scan sees it
            continue
    return found


class Rebuilder:
    """Watches the site, waits for a quiet moment, rebuilds, publishes, reloads the browser.

    livereload's own watcher drops a change that comes within 3 s of the last reload; this
    one never drops a change: anything seen during a rebuild starts another one.
    """

    def __init__(self, session: Session, preview: Preview, watched: list[Path], reload, out=sys.stdout):
        self.session, self.preview, self.watched = session, preview, watched
        self.reload = reload  # called (from this thread) after each publish
        self.out = out
        self._shown_errors: tuple = ()
        self._incomplete = False  # the first build left renderers for complete()
        self._stop = threading.Event()
        self.known = snapshot_tree(watched)  # before the first build: a save during it still counts

    def build_now(self, changed: set[Path] | None = None, later: frozenset = frozenset()) -> None:
        """Rebuild and publish; later: renderers to leave for complete() (incremental.LATER)."""
        started = time.perf_counter()
        generation = self._rebuilt(changed, later)
        if generation is None:
            return
        stats = generation.stats
        what = ", ".join(display_path(str(p)) for p in sorted(changed)[:3]) + (" ..." if len(changed) > 3 else "") \
            if changed else "everything"
        if self._shown_errors:
            print("fixed: the content builds again", file=self.out)
        self._shown_errors = ()
        if stats.renderers_later:
            self.preview.complete.clear()  # until complete() has made them
            self._incomplete = True
        print(f"{'rebuilt' if changed else 'built'} in {time.perf_counter() - started:.2f} s ({what}): "
              f"{stats.pages_rendered} of {generation.pages} pages rendered, "
              f"{generation.verified} events verified"
              + ("; the feeds, exports and sitemap follow" if stats.renderers_later else ""), file=self.out, flush=True)
        self.reload()

    def complete(self) -> None:
        """The second step of a first build that left renderers for later: a rebuild with nothing
        changed, in which only they run (the load and every page are taken as they were). Requests
        for files not found wait for it; its errors show as any rebuild's."""
        if not self._incomplete:
            return
        self._incomplete = False
        started = time.perf_counter()
        try:
            generation = self._rebuilt(set())
        finally:  # published (or failed): the requests waiting for it look again
            self.preview.complete.set()
        if generation is not None:
            print(f"made the feeds, exports and sitemap in {time.perf_counter() - started:.2f} s",
                  file=self.out, flush=True)

    def _rebuilt(self, changed: set[Path] | None, later: frozenset = frozenset()):
        """session.rebuild, its generation published; None when it failed (its errors shown)."""
        try:
            generation = self.session.rebuild(changed, later)
        except ContentError as exc:
            self._failed(tuple(exc.diagnostics))
            return None
        except Exception as exc:  # a bug of ours or a file yanked away mid-read: report, keep serving
            if os.environ.get("SITE_BUILDER_DEBUG"):
                traceback.print_exc()
            self._failed((Diagnostic(str(self.session.root), 1, 1,
                                     f"internal error while rebuilding: {type(exc).__name__}: {exc}",
                                     "this may be a bug in site-builder; the previous good site is still served"),))
            return None
        self.preview.publish(Snapshot(generation.serving()))
        return generation

    def _failed(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        self.preview.publish(Snapshot(self.preview.snapshot.files, diagnostics))
        count = len(diagnostics)
        errors = f"{count} error{'s' if count != 1 else ''}"
        if diagnostics != self._shown_errors:  # each distinct set of errors once
            for d in diagnostics:
                print(d.format(), file=self.out)
            print(f"{errors}; the browser shows {'it' if count == 1 else 'them'} until fixed, "
                  "the last good site is kept", file=self.out, flush=True)
        else:
            print(f"still the same {errors} as above", file=self.out, flush=True)
        self._shown_errors = diagnostics
        self.reload()

    def watch_forever(self, interval: float = 0.1) -> None:
        """Poll the watched files; rebuild once per burst of changes, never losing one."""
        self.complete()
        known = self.known
        pending: set[Path] = set()
        last_change = 0.0
        while not self._stop.is_set():
            scan_started = time.monotonic()
            current = snapshot_tree(self.watched)
            changed = {Path(p) for p in current.keys() | known.keys() if current.get(p) != known.get(p)}
            known = current
            now = time.monotonic()
            if changed:
                pending |= changed
                last_change = now
            if pending and now - last_change >= QUIET_SECONDS:
                batch, pending = pending, set()
                self.build_now(batch)
                continue  # changes saved during the rebuild show up in the next scan
            # On a huge site scanning costs more: keep it under a fifth of the time. Once a change
            # is pending, look again as soon as the quiet period can have passed: waiting a whole
            # slow cycle there added a third of a second to every save at 10,000 events.
            wait = max(interval, 4 * (time.monotonic() - scan_started))
            if pending:
                wait = min(wait, max(0.02, last_change + QUIET_SECONDS - time.monotonic()))
            self._stop.wait(wait)

    def stop(self) -> None:
        self._stop.set()


# --- the server ----------------------------------------------------------------------------


class _NoWatcher:
    """Stands in for livereload's watcher: rebuilds and reloads are ours (see Rebuilder),
    so livereload's 3-second reload throttle and its polling never run."""

    def __init__(self) -> None:
        self._tasks = {"site-builder": None}  # non-empty: livereload must not watch the cwd
        self._changes: list = []
        self.filepath = None

    def start(self, callback) -> bool:
        return True  # "we poll ourselves": no PeriodicCallback for livereload's poll_tasks

    def examine(self):
        return None, None

    def watch(self, *args, **kwargs) -> None:
        pass


class _QuietServer(Server):
    """livereload's server without its per-request and per-reload log lines; ours say more."""

    def _setup_logging(self) -> None:
        import logging

        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # 404s and error pages are expected here


def watched_paths(root: Path) -> list[Path]:
    """Also those that do not exist yet: a templates/ folder made while serving counts."""
    return [root / "site.yaml", root / "content", root / "themes", root / "templates", root / "static"]


def serve(root: Path, bind: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          open_browser: bool = False, out=sys.stdout) -> int:
    root = Path(root)
    host = "127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    session = Session(root, drafts=drafts, base_url=url)
    preview = Preview(root)
    loop_holder: dict[str, IOLoop] = {}

    def reload_browsers() -> None:
        loop = loop_holder.get("loop")
        if loop is not None:  # thread-safe hand-off to the server's loop; no throttle on this path
            loop.add_callback(LiveReloadHandler.reload_waiters, "/")

    rebuilder = Rebuilder(session, preview, watched_paths(root), reload_browsers, out)
    print(f"building {root.resolve()} ...", file=out, flush=True)
    rebuilder.build_now(None, LATER)  # on a large site the feeds and exports follow (watch_forever)
    server = _QuietServer(app=preview, watcher=_NoWatcher())
    LiveReloadHandler.live_css = False  # hashed asset names: a CSS change reloads the page

    def start_watching() -> None:
        loop_holder["loop"] = IOLoop.current()
        threading.Thread(target=rebuilder.watch_forever, name="site-builder-watch", daemon=True).start()
        note = " (drafts shown)" if drafts else ""
        print(f"serving {url}{note}; watching site.yaml, content/ and themes/; Ctrl+C to stop", file=out, flush=True)

    IOLoop.current().add_callback(start_watching)
    try:
        server.serve(port=port, host=bind, debug=False, live_css=False, restart_delay=0,
                     open_url_delay=0.3 if open_browser else None)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(f"cannot listen on {bind}:{port}: "
                            f"{'the port is taken by another program' if exc.errno == errno.EADDRINUSE else 'permission denied'}; "
                            f"try --port {port + 1}") from None
        raise
    finally:
        rebuilder.stop()
    return 0
