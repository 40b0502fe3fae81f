"""`site-builder serve`: a live preview that rebuilds on every save and reloads the browser, served
by livereload with the app (app.py) and the watcher (watch.py) of this package."""

from __future__ import annotations

import base64
import errno
import hashlib
import re
import socket
import sys
import threading
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from site_builder.preview.access import (RELOAD_SCRIPT, Access, application, exposure_warning, is_loopback,
                                         served_urls)
from site_builder.preview.app import Preview, terminal_safe
from site_builder.preview.on_request import FIRST_BUILD_LEAVES
from site_builder.preview.session import Session
from site_builder.preview import web_editor
from site_builder.preview.watch import Rebuilder, watched_paths


class PortInUse(Exception):
    """The preview cannot listen at the address and port asked for; the message says why."""


class _NoWatcher:
    """Stands in for livereload's watcher: rebuilds and reloads are ours (see Rebuilder),
    so livereload's reload throttle and its polling never run."""

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
    """livereload's server with the preview's handlers (access.application: each refuses a
    foreign Host, the reload socket a foreign Origin), without its per-request and per-reload log
    lines: ours say more."""

    def __init__(self, app: Preview, access: Access, extra: list = ()):
        super().__init__(app=app, watcher=_NoWatcher())
        self.access = access
        self.extra = extra  # the web editor's handlers (web_editor.routes)

    def application(self, port, host, liveport=None, debug=None, live_css=True) -> None:
        LiveReloadHandler.watcher = self.watcher  # as Server.application: Server.serve starts its tasks
        LiveReloadHandler.live_css = live_css  # False: hashed asset names, a CSS change reloads the page
        application(reload_script_allowed(self.app), self.access, self.extra).listen(port, address=host)

    def _setup_logging(self) -> None:
        import logging

        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # 404s and error pages are expected here


def _script_hash(script: bytes) -> bytes:
    """The CSP source that allows exactly this inline <script> element's code."""
    code = re.fullmatch(rb"<script[^>]*>(.*)</script>", script, re.DOTALL).group(1)
    return b"'sha256-" + base64.b64encode(hashlib.sha256(code).digest()) + b"'"


# A page's own policy (render/policies.py), written by its template in the <head>.
_META_SCRIPT_SRC = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content="[^"<>]*?script-src [^;"]*)')
_RELOAD_SOURCE = _script_hash(RELOAD_SCRIPT)


def with_reload_script_allowed(page: bytes) -> bytes:
    """The page with its meta policy allowing the reload script livereload adds inline, and no
    other: the preview shows pages under the policy they are published with."""
    return _META_SCRIPT_SRC.sub(lambda m: m.group(1) + b" " + _RELOAD_SOURCE, page, count=1)


def reload_script_allowed(app):
    """The WSGI app, its pages' meta policy allowing the reload script livereload adds to them
    (the app itself serves each page as the build writes it)."""

    def answer(environ, start_response):
        said = {}
        body = b"".join(app(environ, lambda status, headers, exc_info=None: said.update(s=status, h=headers)))
        headers = said["h"]
        if any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
            body = with_reload_script_allowed(body)
            headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(said["s"], headers)
        return [body]

    return answer


def serve(root: Path, bind: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          open_browser: bool = False, out=sys.stdout) -> int:
    """Build the site, serve it at bind:port and rebuild on every save until interrupted."""
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
    # on a large site the pages by period, event and source are made as asked, the feeds and exports follow
    rebuilder.build_now(None, FIRST_BUILD_LEAVES)
    # The editor's backend writes the site's files: only a preview on this machine offers it.
    editor = web_editor.routes(root, say) if is_loopback(bind) else []
    server = _PreviewServer(preview, Access.for_bind(bind, port), editor)

    def start_watching() -> None:
        loop_holder["loop"] = IOLoop.current()
        threading.Thread(target=rebuilder.watch_forever, name="site-builder-watch", daemon=True).start()
        note = " (drafts shown)" if drafts else ""
        say(f"serving {url}{note}; watching {watching_line(root)}; Ctrl+C to stop")
        warning = exposure_warning(bind, port, wide)
        if warning:
            say(warning)
            say("the web editor (/admin/) is off: it is offered only when serve is bound to this machine "
                "(the default --bind 127.0.0.1)")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    IOLoop.current().add_callback(start_watching)
    try:
        _serve_until_stopped(server, bind, port)
    finally:
        rebuilder.stop()
    return 0


def watching_line(root: Path) -> str:
    """What the watcher watches, as the editor names it; the folders not made yet, watched all
    the same, said apart."""
    made, later = [], []
    for path in watched_paths(root):
        always = path.name in ("site.yaml", "content")
        (made if always or path.exists() else later).append(path.name + ("" if path.suffix else "/"))
    return _listed(made) + (f" ({_listed(later)} too, once made)" if later else "")


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


_LISTEN_ERRORS = {errno.EADDRINUSE: "the port is taken by another program", errno.EACCES: "permission denied",
                  errno.EADDRNOTAVAIL: "that address is not one of this machine's"}


def _serve_until_stopped(server: _PreviewServer, bind: str, port: int) -> None:
    """server.serve; failing to listen raises PortInUse, saying why and what to try instead."""
    try:
        server.serve(port=port, host=bind, debug=False, live_css=False, restart_delay=0)
    except socket.gaierror:
        raise PortInUse(f"cannot listen on {bind}:{port}: no address of this machine has that name; "
                        "try --bind 127.0.0.1") from None
    except OSError as exc:
        reason = _LISTEN_ERRORS.get(exc.errno)
        if reason is None:
            raise
        instead = f"--port {port + 1}" if exc.errno != errno.EADDRNOTAVAIL else "--bind 127.0.0.1"
        raise PortInUse(f"cannot listen on {bind}:{port}: {reason}; try {instead}") from None
