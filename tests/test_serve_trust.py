"""The preview answers only its own address, shows nothing from outside the site, and survives
hostile content: the real server on a loopback port, and the pieces that decide."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import socket
from pathlib import Path
import threading

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from site_builder.preview.app import request_path
from site_builder.preview.watch import snapshot_tree
from site_builder.preview.access import Access, exposure_warning
from site_builder.preview.error_page import LINE_CHARS, error_views, readable_lines
from site_builder.errors import Diagnostic

from .test_serve import EVENT_PAGE, TIMEOUT, serve  # noqa: F401  (serve: the fixture)

SECRET = "TOP-SECRET-4711"


def ask(server, path: str, host: str | None = None) -> tuple[int, str]:
    """A GET with this Host header (the server's own by default), as a browser would send it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{server.port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    connection.close()
    return response.status, body


def socket_opens(port: int, origin: str) -> bool:
    """Whether the reload socket's handshake succeeds for a page of this origin."""
    async def attempt() -> bool:
        request = HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers={"Origin": origin},
                              request_timeout=TIMEOUT)
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as error:
            assert error.code == 403
            return False
        connection.close()
        return True
    outcome = []  # in a thread of its own: another test's event loop may still run in this one
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(attempt())))
    thread.start()
    thread.join(TIMEOUT)
    return outcome[0]


@pytest.fixture
def secret_outside(tmp_path):
    """A file outside the site folder holding a secret, in YAML-ish lines."""
    path = tmp_path / "outside" / "secret.yaml"
    path.parent.mkdir()
    path.write_text(f"title: {SECRET}\npassword: {SECRET}\n{SECRET}: [\n")
    return path


# --- whom it answers -------------------------------------------------------------------------


def test_a_request_naming_another_host_is_refused_and_the_own_names_are_answered(site, serve):
    server = serve(site.root)
    for host in (f"evil.example:{server.port}", f"127.0.0.1.nip.io:{server.port}", "127.0.0.1:1", "127.0.0.1"):
        status, body = ask(server, "/" + EVENT_PAGE, host)
        assert status == 403, host
        assert "Talks in Anchorage" not in body and len(body) < 200
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LocalHost:{server.port}"):
        assert ask(server, "/" + EVENT_PAGE, host)[0] == 200, host
    assert ask(server, "/livereload.js", f"evil.example:{server.port}")[0] == 403


def test_the_reload_socket_opens_only_for_a_page_of_the_preview_itself(site, serve):
    server = serve(site.root)
    assert socket_opens(server.port, f"http://127.0.0.1:{server.port}")
    assert socket_opens(server.port, f"http://localhost:{server.port}")
    for origin in ("http://evil.example", f"http://evil.example:{server.port}", "null",
                   f"http://127.0.0.1:{server.port + 1}", f"http://127.0.0.1.evil.example:{server.port}"):
        assert not socket_opens(server.port, origin), origin


def test_binding_beyond_loopback_warns_with_the_real_addresses(site, serve):
    server = serve(site.root, "--bind", "0.0.0.0")
    warning = next(line for line in server.lines if "reachable from other machines" in line)
    assert "it is meant for your own machine" in warning
    assert "0.0.0.0" not in server.output
    assert ask(server, "/" + EVENT_PAGE)[0] == 200  # still answers on loopback


def test_the_warning_names_each_address_and_loopback_has_none():
    assert exposure_warning("127.0.0.1", 8000, []) is None
    assert exposure_warning("localhost", 8000, []) is None
    text = exposure_warning("0.0.0.0", 8000, ["http://192.0.2.7:8000/"])
    assert "reachable from other machines at http://192.0.2.7:8000/" in text
    assert "port 8000 of every address" in exposure_warning("::", 8000, [])


def test_a_wide_bind_answers_the_machine_s_own_names_but_not_others():
    access = Access.for_bind("0.0.0.0", 8000)
    assert access.host_ok(f"{socket.gethostname()}:8000") and access.host_ok("[::1]:8000")
    assert not access.host_ok("attacker.example:8000")
    assert Access.for_bind("127.0.0.1", 80).host_ok("localhost")  # port 80 may go unsaid


# --- nothing from outside the site ---------------------------------------------------------------


def every_answer(server) -> str:
    paths = ["/", "/" + EVENT_PAGE, "/" + EVENT_PAGE + "?last-good", "/missing/", "/events/x/",
             "/../outside/secret.yaml", "/%2e%2e/outside/secret.yaml", "//etc/passwd", "/..%5coutside%5csecret.yaml",
             "/%252e%252e/outside/secret.yaml", "/__site-builder__/serve-error.css", "/livereload.js"]
    return "\n".join(ask(server, path)[1] for path in paths)


def test_a_linked_event_s_target_outside_never_shows_in_any_answer(site, serve, secret_outside):
    (site.root / "content" / "events" / "x.yaml").symlink_to(secret_outside)
    server = serve(site.root)
    answers = every_answer(server)
    assert "content/events/x.yaml:1:1" in answers and "links to a place outside the site folder" in answers
    assert SECRET not in answers
    assert SECRET not in server.output


def test_a_linked_events_folder_outside_never_shows_its_files(site, serve, secret_outside):
    events = site.root / "content" / "events"
    for path in events.iterdir():
        os.replace(path, secret_outside.parent / path.name)
    events.rmdir()
    events.symlink_to(secret_outside.parent)
    server = serve(site.root)
    answers = every_answer(server)
    assert "secret.yaml" in answers  # reported, not shown
    assert SECRET not in answers


def test_the_error_page_reads_only_regular_files_inside_the_roots(tmp_path, secret_outside):
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    inside = root / "content" / "a.yaml"
    inside.write_text("one\ntwo\n")
    (root / "content" / "link.yaml").symlink_to(secret_outside)
    (root / "content" / "inner.yaml").symlink_to(inside)
    (root / "linked").symlink_to(secret_outside.parent, target_is_directory=True)
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    os.mkfifo(root / "content" / "fifo.yaml")
    roots = (root,)
    assert readable_lines(str(inside), roots) == ["one", "two"]
    assert readable_lines(str(root / "content" / "inner.yaml"), roots) == ["one", "two"]  # a link inside
    for refused in ("content/link.yaml", "linked/secret.yaml", "loop.yaml", "content/fifo.yaml", "content"):
        assert readable_lines(str(root / refused), roots) == [], refused
    assert readable_lines(str(secret_outside), roots) == []


def test_a_huge_line_shows_only_a_window_around_the_error_s_column(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("summary: " + "a" * 200_000 + "\x1b[31mX\n" + "b" * 5_000_000)
    column = 9 + 200_000 + 6
    view, = error_views([Diagnostic(str(path), 1, column, "here")], (tmp_path,))
    (number, text), (_, next_line) = view.lines
    assert len(text) <= LINE_CHARS and view.at == "X" and len(next_line) <= LINE_CHARS
    assert "\x1b" not in text and "\N{SYMBOL FOR ESCAPE}" in text  # shown, not obeyed


def test_a_request_path_that_cannot_name_a_file_of_the_site_is_refused():
    for path in ("/../x", "/a/../../x", "/a/./b", "//etc/passwd", "/..\\x", "/a\x00b", "/\xff", "x"):
        assert request_path(path) is None, path
    assert request_path("/caf\xc3\xa9/") == "/café/"  # WSGI's Latin-1 for UTF-8


# --- hostile content ---------------------------------------------------------------------------


def test_the_watcher_sees_past_a_link_loop_and_notes_odd_entries(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a-loop.yaml").symlink_to(folder / "a-loop.yaml")
    os.mkfifo(folder / "b-fifo.yaml")
    (folder / "c.yaml").write_text("title: x\n")
    (tmp_path / "static").symlink_to("/", target_is_directory=True)
    found = snapshot_tree([folder, tmp_path / "static"], tmp_path)
    assert {os.path.basename(p) for p in found} == {"a-loop.yaml", "b-fifo.yaml", "c.yaml", "static"}


def test_hostile_content_never_stops_the_preview_nor_shows_a_traceback(site, serve, tmp_path):
    server = serve(site.root)
    events = site.root / "content" / "events"
    os.mkfifo(events / "fifo.yaml")
    (events / "esc\x1b[31mred\x07.yaml").write_bytes(b"title: [\xff\n")
    (events / "huge.yaml").write_text("summary: " + "a" * 3_000_000 + "\n")
    status, body = server.wait_until("", lambda status, body: "huge.yaml" in body and "red" in body)
    assert status == 500 and "esc\N{SYMBOL FOR ESCAPE}[31mred" in body and len(body) < 100_000
    (events / "loop.yaml").symlink_to(events / "loop.yaml")
    (events / "folder.yaml").mkdir()
    server.wait_until("", lambda status, body: "loop.yaml" in body)
    for path in events.iterdir():
        if path.name != "2025-08-15-talks.yaml":
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    server.wait_until("", lambda status, body: status == 200)
    assert ask(server, "/" + EVENT_PAGE)[0] == 200 and server.proc.poll() is None
    assert "Traceback" not in server.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", server.output)


def test_the_watcher_ignores_exactly_the_files_the_loader_ignores(tmp_path):
    from site_builder.content.load import ignored_name
    from site_builder.preview.watch import snapshot_tree

    names = ["a.yaml", ".a.yaml.swp", "a.yaml~", "#a.yaml#", "~lock.a.yaml", "4913", "b.yaml.tmp", "c.md"]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "d.yaml").write_text("x")
    seen = {Path(path).name for path in snapshot_tree([tmp_path])}
    assert seen == {name for name in names if not ignored_name(name)} == {"a.yaml", "c.md"}


def test_a_hint_of_several_lines_shows_its_breaks_and_controls_as_pictures(tmp_path):
    from site_builder.errors import Diagnostic
    from site_builder.preview.error_page import render_error_page

    hint = "closest passage: \"the talks\"\nthe quote has \"walks\" where the source has \"talks\"\x1b[2J"
    page = render_error_page(tmp_path, [Diagnostic(str(tmp_path / "x.yaml"), 1, 1, "not in the source", hint)],
                             None).decode("utf-8")
    assert "\u240a" not in page and "\x1b" not in page
    assert "the talks&#34;\nthe quote has" in page or "the talks&quot;\nthe quote has" in page
    assert "\u241b[2J" in page
