"""A TimelineJS slide's media as an event's `media:` entry (image, video, link), or, for quoted
media (a blockquote, a post), a source for the editor to archive; and remote images downloaded."""

from __future__ import annotations

import functools
import http.client
import ipaddress
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from site_builder.htmltext import html_to_text
from site_builder.importers.timelinejs_text import html_to_markdown
from site_builder.slugs import slugify

# TimelineJS's own patterns (src/js/media/MediaType.js), the kinds this site has an equal for.
_VIDEO = re.compile(r"^(https?:)?/*((www\.|m\.)?youtube|youtu\.be|(player\.)?vimeo\.com)", re.I)
_IMAGE = re.compile(r"\.(jpg|jpeg|png|gif|svg|webp)(\?.*)?$", re.I)
_POST = re.compile(r"^(https?:)?/*(www\.)?((twitter|x)\.com/([^/?#]+)/status|bsky\.app/profile/([^/?#]+)/post)", re.I)
_BLOCKQUOTE = re.compile(r"<blockquote", re.I)
_IFRAME_SRC = re.compile(r"""<iframe[^>]*\ssrc=["'](https?://[^"']+)["']""", re.I)
_CITE = re.compile(r"<cite[^>]*>(.*?)</cite>", re.I | re.S)
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
FETCH_TIMEOUT = 15


@dataclass
class Quoted:
    """Quoted media: what the slide quoted, and who, for a source the editor must still archive."""

    text: str
    publisher: str
    url: str | None


def web_url(url: str) -> str | None:
    """The URL when it is http(s) (TimelineJS also takes "//host/..." as https), else None."""
    url = url.strip()
    if any(c <= " " or c == "\x7f" for c in url):  # a space or control character: no address has one
        return None
    if url.startswith("//"):
        url = "https:" + url
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None


def media_entry(media: dict, headline: str, notes: list[str]) -> dict | Quoted | None:
    """The spec's media entry for a TimelineJS media object; a Quoted for quoted media; None,
    with a note, when nothing can be kept. `notes` gets what the editor should check."""
    raw = str(media.get("url") or "").strip()
    caption = _inline(str(media.get("caption") or ""))
    credit = html_to_text(str(media.get("credit") or "")).strip()
    if _BLOCKQUOTE.search(raw) or _POST.match(raw):
        return _quoted(raw, credit)
    iframe = _IFRAME_SRC.search(raw)
    url = web_url(iframe.group(1) if iframe else raw)
    if url is None:
        notes.append(f"media {raw[:60]!r}: not a web address, dropped")
        return None
    entry: dict = {"kind": _kind(url), "src": url}
    if entry["kind"] == "image":
        alt = html_to_text(str(media.get("alt") or "")).strip()
        if not alt:
            alt = html_to_text(str(media.get("caption") or "")).strip() or headline
            notes.append(f"media alt text taken from its {'caption' if caption else 'headline'}: check it")
        entry["alt"] = " ".join(alt.split())
    for key, value in (("caption", caption), ("credit", " ".join(credit.split()))):
        if value:
            entry[key] = value
    link = web_url(str(media.get("link") or ""))
    if link:
        entry["link"] = link
    return entry


def _kind(url: str) -> str:
    if _VIDEO.match(url):
        return "video"
    if _IMAGE.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")):
        return "image"
    return "link"


def _inline(html: str) -> str:
    """Caption HTML as one line of inline Markdown."""
    return " ".join(html_to_markdown(html).split())


def _quoted(raw: str, credit: str) -> Quoted:
    post = _POST.match(raw)
    if post:
        who = post.group(5) or post.group(6)
        site = "X" if post.group(4) else "Bluesky"
        return Quoted("", credit or f"{who} on {site}", web_url(raw))
    cite = _CITE.search(raw)
    who = html_to_text(cite.group(1)).strip() if cite else ""
    body = html_to_text(_CITE.sub("", raw))
    links = re.findall(r"""href=["'](https?://[^"']+)["']""", raw)
    who = (credit or who).split(",")[0].strip()  # "Edith Clarke, first professor of ..." -> Edith Clarke
    return Quoted(" ".join(body.split()), who, links[-1] if links else None)


def fetch_image(url: str, limit: int = MAX_IMAGE_BYTES, timeout: float = FETCH_TIMEOUT,
                allow_local: bool = False) -> tuple[bytes, str] | str:
    """(the image's bytes, its extension) or why not: only http(s), redirects too, an image type
    the site can process, at most `limit` bytes, all within `timeout` seconds. A timeline is often
    someone else's file: it may not make this machine fetch from itself or its network (loopback,
    private, link-local addresses), unless allow_local (`import --allow-local-addresses`)."""
    if web_url(url) is None:
        return "not reachable (only http and https addresses are fetched)"
    guard = _Guard(public=not allow_local, deadline=time.monotonic() + timeout)
    opener = urllib.request.build_opener(_WebOnlyRedirects, _GuardedHTTPHandler(guard), _GuardedHTTPSHandler(guard))
    request = urllib.request.Request(url, headers={"User-Agent": "site-builder-import"})
    # A server may send its headers or body a byte at a time: the timer cuts every socket at the
    # deadline, whatever the read in progress.
    timer = threading.Timer(timeout, guard.expire)
    timer.daemon = True
    timer.start()
    try:
        got = _download(opener, request, limit, timeout, guard)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        got = f"not reachable ({getattr(exc, 'reason', None) or exc})"
    finally:
        timer.cancel()
    return f"not downloaded within the time limit of {timeout:g} seconds" if guard.expired else got


def _download(opener, request, limit: int, timeout: float, guard: _Guard) -> tuple[bytes, str] | str:
    """The response's body in chunks, the clock checked after each; over `limit` bytes is refused."""
    with opener.open(request, timeout=timeout) as response:
        kind = response.headers.get_content_type()
        if kind not in IMAGE_TYPES:
            return f"not an image the site can process ({kind})"
        chunks, size = [], 0
        while size <= limit and not guard.expired:
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > guard.deadline:
                guard.expire()
    if size > limit:
        return f"over the limit of {limit:,} bytes"
    return b"".join(chunks), IMAGE_TYPES[kind]


class _Guard:
    """One download's rules for every connection it opens (redirects too): its deadline, and
    whether only global addresses may be reached."""

    def __init__(self, public: bool, deadline: float):
        self.public, self.deadline, self.expired = public, deadline, False
        self.sockets: list[socket.socket] = []

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked on it
            except OSError:
                pass

    def connect(self, address, timeout, source_address=None) -> socket.socket:
        """A socket connected to a checked address of the host: the name is resolved once, every
        address it gives is checked before any connection, and the connection goes to one of them."""
        host, port = address
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if self.public:
            for info in infos:
                _refuse_local(info[4][0])
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(max(0.001, min(timeout, self.deadline - time.monotonic())))
                if source_address:
                    sock.bind(source_address)
                self.sockets.append(sock)
                sock.connect(sockaddr)
                if self.public:  # the address connected to is the one checked; check it all the same
                    _refuse_local(sock.getpeername()[0])
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error


def _refuse_local(ip: str) -> None:
    """The same words for every address of this machine or its network, whether something listens
    there or not, so a timeline cannot probe which ports are open."""
    address = ipaddress.ip_address(ip.split("%")[0])
    if not address.is_global:
        raise OSError(f"{address} is an address of this machine or its network "
                      "(import --allow-local-addresses fetches from there)")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, guard: _Guard, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, guard: _Guard, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def http_open(self, req):
        return self.do_open(functools.partial(_GuardedHTTPConnection, guard=self.guard), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def https_open(self, req):
        return self.do_open(functools.partial(_GuardedHTTPSConnection, guard=self.guard), req,
                            context=self._context)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if web_url(newurl) is None:
            raise urllib.error.URLError(f"a redirect to {newurl[:60]!r}, not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def image_name(url: str, extension: str, taken: set[str]) -> str:
    """A safe file name for a downloaded image, unique among `taken` (which it joins)."""
    stem = slugify(PurePosixPath(urlsplit(url).path).stem)[:60].rstrip("-") or "image"
    name, n = f"{stem}{extension}", 2
    while name.casefold() in taken:
        name, n = f"{stem}-{n}{extension}", n + 1
    taken.add(name.casefold())
    return name
