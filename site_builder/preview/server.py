"""`site-builder serve`: a live preview that rebuilds on every save and reloads the browser.

The last good site lives in memory and is replaced in one assignment, so a request
sees either the old site or the new one, never a mix. While the content has errors,
pages show them (serve_error.html) and the last good site stays one link away.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import socket
import stat
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from site_builder.content.load import ignored_name
from site_builder.errors import ContentError, Diagnostic, display_path
from site_builder.preview.incremental import LATER, Session
from site_builder.preview.access import Access, application, exposure_warning, served_urls
from site_builder.preview.error_page import ERROR_CSS_URL, error_stylesheet, render_error_page

QUIET_SECONDS = 0.2  # a burst of saves (a git checkout) ends when nothing changed for this long
COMPLETE_WAIT = 60  # seconds a request for a file not (yet) there waits for the first build's second step


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
            return self._answer(environ, start_response)
        except Exception as exc:  # a bug of ours: one line in the terminal, a short page, serving goes on
            if os.environ.get("SITE_BUILDER_DEBUG"):
                traceback.print_exc()
            print(terminal_safe(f"site-builder: internal error answering a request: {type(exc).__name__}: {exc}"),
                  file=self.out, flush=True)
            return self._respond(start_response, "500 Internal Server Error",
                                 b"site-builder preview: internal error; see the terminal\n", "text/plain; charset=utf-8")

    def _answer(self, environ, start_response):
        snap = self.snapshot
        path = request_path(environ.get("PATH_INFO", "/"))
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if path == ERROR_CSS_URL:
            return self._respond(start_response, "200 OK", error_stylesheet(), "text/css; charset=utf-8")
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
        except Exception as exc:  # a file made on request (incremental.DEFERRED)
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


# --- watching and rebuilding -------------------------------------------------------------


def snapshot_tree(paths: list[Path], root: Path | None = None) -> dict[str, tuple]:
    """path -> (mtime, size, inode, type) of everything under the watched paths but folders: also
    links, FIFOs and the like, so that adding or removing one rebuilds and the loader says what is
    wrong with it. A watched path that is a link out of root is noted, never walked."""
    limit = os.path.realpath(root) + os.sep if root is not None else None
    found: dict[str, tuple] = {}
    stack = []
    for top in map(str, paths):
        try:
            st = os.lstat(top)
            if stat.S_ISLNK(st.st_mode) and limit and not os.path.realpath(top).startswith(limit):
                found[top] = _stamp(st)
            elif os.path.isdir(top):
                stack.append(top)
            else:
                found[top] = _stamp(os.stat(top) if stat.S_ISLNK(st.st_mode) else st)
        except OSError:  # absent (a templates/ not made yet), or a link loop: the next scan looks again
            continue
    while stack:
        try:
            with os.scandir(stack.pop()) as listing:
                entries = list(listing)
        except OSError:  # vanished or unreadable: the next scan sees it
            continue
        for entry in entries:
            if ignored_name(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:  # a dangling link or a link loop: the link itself
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
            found[entry.path] = _stamp(st)
    return found


def _stamp(st: os.stat_result) -> tuple:
    return st.st_mtime_ns, st.st_size, st.st_ino, stat.S_IFMT(st.st_mode)


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
        self.known = snapshot_tree(watched, session.root)  # before the first build: a save during it still counts

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
            self._say("fixed: the content builds again")
        self._shown_errors = ()
        if stats.renderers_later:
            self.preview.complete.clear()  # until complete() has made them
            self._incomplete = True
        self._say(f"{'rebuilt' if changed else 'built'} in {time.perf_counter() - started:.2f} s ({what}): "
                  f"{stats.pages_rendered} of {generation.pages} pages rendered, "
                  f"{generation.verified} events verified"
                  + ("; the feeds, exports and sitemap follow" if stats.renderers_later else ""))
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
            self._say(f"made the feeds, exports and sitemap in {time.perf_counter() - started:.2f} s")

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
                self._say(d.format())
            self._say(f"{errors}; the browser shows {'it' if count == 1 else 'them'} until fixed, "
                      "the last good site is kept")
        else:
            self._say(f"still the same {errors} as above")
        self._shown_errors = diagnostics
        self.reload()

    def _say(self, text: str) -> None:
        """A line for the terminal: a file name's control characters are shown, not obeyed."""
        print(terminal_safe(text), file=self.out, flush=True)

    def watch_forever(self, interval: float = 0.1) -> None:
        """Poll the watched files; rebuild once per burst of changes, never losing one."""
        self.complete()
        known = self.known
        pending: set[Path] = set()
        last_change = 0.0
        while not self._stop.is_set():
            scan_started = time.monotonic()
            current = snapshot_tree(self.watched, self.session.root)
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


class _PreviewServer(Server):
    """livereload's server with the preview's handlers (serve_access.application: each refuses a
    foreign Host, the reload socket a foreign Origin), without its per-request and per-reload log
    lines: ours say more."""

    def __init__(self, app: Preview, access: Access):
        super().__init__(app=app, watcher=_NoWatcher())
        self.access = access

    def application(self, port, host, liveport=None, debug=None, live_css=True) -> None:
        LiveReloadHandler.watcher = self.watcher  # as Server.application: Server.serve starts its tasks
        LiveReloadHandler.live_css = live_css  # False: hashed asset names, a CSS change reloads the page
        application(self.app, self.access).listen(port, address=host)

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
    url, wide = served_urls(bind, port)
    session = Session(root, drafts=drafts, base_url=url)
    preview = Preview(root)
    loop_holder: dict[str, IOLoop] = {}

    def say(text: str) -> None:
        print(terminal_safe(text), file=out, flush=True)

    def reload_browsers() -> None:
        loop = loop_holder.get("loop")
        if loop is not None:  # thread-safe hand-off to the server's loop; no throttle on this path
            loop.add_callback(LiveReloadHandler.reload_waiters, "/")

    rebuilder = Rebuilder(session, preview, watched_paths(root), reload_browsers, out)
    say(f"building {root.resolve()} ...")
    rebuilder.build_now(None, LATER)  # on a large site the feeds and exports follow (watch_forever)
    server = _PreviewServer(preview, Access.for_bind(bind, port))

    def start_watching() -> None:
        loop_holder["loop"] = IOLoop.current()
        threading.Thread(target=rebuilder.watch_forever, name="site-builder-watch", daemon=True).start()
        note = " (drafts shown)" if drafts else ""
        say(f"serving {url}{note}; watching site.yaml, content/ and themes/; Ctrl+C to stop")
        warning = exposure_warning(bind, port, wide)
        if warning:
            say(warning)
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    IOLoop.current().add_callback(start_watching)
    try:
        server.serve(port=port, host=bind, debug=False, live_css=False, restart_delay=0)
    except socket.gaierror:
        raise PortInUse(f"cannot listen on {bind}:{port}: no address of this machine has that name; "
                        "try --bind 127.0.0.1") from None
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            reason = {errno.EADDRINUSE: "the port is taken by another program", errno.EACCES: "permission denied",
                      errno.EADDRNOTAVAIL: "that address is not one of this machine's"}[exc.errno]
            raise PortInUse(f"cannot listen on {bind}:{port}: {reason}; "
                            f"try {'--port ' + str(port + 1) if exc.errno != errno.EADDRNOTAVAIL else '--bind 127.0.0.1'}") from None
        raise
    finally:
        rebuilder.stop()
    return 0
