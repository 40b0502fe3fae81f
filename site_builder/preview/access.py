"""Whom the preview answers: requests whose Host is an address it is served at, and its reload
socket only from a page of such an address, so that no other site reaches it (DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from tornado import web
from tornado.httputil import split_host_and_port

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
REFUSED = b"site-builder preview: this address is not the one the preview serves; open the address it printed\n"

# livereload's own snippet (Server.application): the page loads livereload.js from the host it
# came from, which then opens the reload socket there.
RELOAD_SCRIPT = (
    b'<script type="text/javascript">(function(){var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
    b"document.head.appendChild(s);})();</script>")


def _host_name(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def is_loopback(bind: str) -> bool:
    """Whether listening on bind keeps the preview on this machine."""
    if bind in WILDCARDS:
        return False
    try:
        return ipaddress.ip_address(_host_name(bind)).is_loopback
    except ValueError:
        try:
            infos = socket.getaddrinfo(bind, None)
        except (OSError, UnicodeError):
            return False
        return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def machine_addresses() -> list[str]:
    """This machine's own (not loopback) addresses, as far as can be found without sending anything:
    its name's addresses and those it would send from to the documentation networks."""
    found: list[str] = []
    try:
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
    except (OSError, UnicodeError):
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))  # a UDP "connect" only picks the route: no packet leaves
                found.append(s.getsockname()[0])
        except OSError:
            pass
    seen = []
    for address in found:
        address = address.split("%")[0]
        if not ipaddress.ip_address(address).is_loopback and address not in seen:
            seen.append(address)
    return seen


def url_of(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


@dataclass(frozen=True)
class Access:
    """The host names the preview answers to, with its port."""

    names: frozenset[str]
    port: int

    @classmethod
    def for_bind(cls, bind: str, port: int) -> Access:
        """Loopback names always; the --bind host itself; when bound beyond loopback, also this
        machine's names and addresses (the ones other machines reach it by)."""
        names = set(LOOPBACK_NAMES)
        if bind not in WILDCARDS:
            names.add(_host_name(bind))
        if not is_loopback(bind):
            names |= {socket.gethostname(), socket.getfqdn(), f"{socket.gethostname()}.local"}
            names |= set(machine_addresses())
        return cls(frozenset(_host_name(n) for n in names if n), port)

    def host_ok(self, host: str | None) -> bool:
        """Whether a Host header names this server (a missing port means 80, as HTTP says)."""
        if not host:
            return False
        name, port = split_host_and_port(host.strip())
        return _host_name(name) in self.names and (port or 80) == self.port

    def origin_ok(self, origin: str) -> bool:
        """Whether a page of this origin is one the preview served."""
        try:
            parts = urlsplit(origin)
            port = parts.port or 80
        except ValueError:
            return False
        return parts.scheme == "http" and _host_name(parts.hostname or "") in self.names and port == self.port


def served_urls(bind: str, port: int) -> tuple[str, list[str]]:
    """(the preview's URL, the URLs other machines reach it at: none when bound to loopback).
    Bound to every address (0.0.0.0, ::), those are this machine's real addresses."""
    if is_loopback(bind):
        return url_of(bind, port), []
    if bind in ("0.0.0.0", "::", ""):
        wide = [url_of(address, port) for address in machine_addresses()]
        return (wide[0] if wide else url_of("127.0.0.1", port)), wide
    return url_of(bind, port), [url_of(bind, port)]


def exposure_warning(bind: str, port: int, wide: list[str]) -> str | None:
    """The line that says the preview can be reached from elsewhere, or None when it cannot."""
    if is_loopback(bind):
        return None
    where = f"at {', '.join(wide)}" if wide else f"on port {port} of every address of this machine"
    return f"warning: the preview is reachable from other machines {where} \N{EM DASH} it is meant for your own machine"


class _HostChecked:
    """Refuses a request whose Host is not one of the preview's before any handler runs."""

    def prepare(self):
        if not self.application.settings["access"].host_ok(self.request.headers.get("Host")):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(REFUSED)
            return None
        return super().prepare()


class PreviewPages(_HostChecked, web.FallbackHandler):
    pass


class ReloadScript(_HostChecked, LiveReloadJSHandler):
    pass


class ReloadSocket(_HostChecked, LiveReloadHandler):
    """livereload's socket, opened only by a page of the preview's own origin."""

    def check_origin(self, origin: str) -> bool:
        return self.application.settings["access"].origin_ok(origin)


def application(app, access: Access, extra: list = ()) -> web.Application:
    """The preview's tornado application: livereload's handlers (without /forcereload, which any
    page could call), each refusing a foreign Host, extra handlers (the web editor's), and the
    WSGI app with the reload script."""
    return web.Application([
        *extra,
        (r"/livereload", ReloadSocket),
        (r"/livereload.js", ReloadScript),
        (r".*", PreviewPages, {"fallback": LiveScriptContainer(app, RELOAD_SCRIPT)}),
    ], access=access)
