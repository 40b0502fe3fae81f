"""The web editor's local backend writes only the site's content files, for the preview's own pages
only: each way out tried, on the backend and on the real server."""

from __future__ import annotations

import base64
import http.client
import json
import os

import pytest

from site_builder.preview.local_backend import LocalBackend, Refused

from .test_serve import TIMEOUT, serve  # noqa: F401  (serve: the fixture)

RAW = "title: New\ndate: 2025-08-16\nexcerpts:\n  - source: wire\n    quote: The talks took place\n"


def persist(path: str, raw: str = RAW) -> dict:
    return {"action": "persistEntry", "params": {
        "entry": {"slug": "x", "path": path, "raw": raw}, "assets": [], "options": {"commitMessage": "m"}}}


@pytest.fixture
def backend(site):
    said: list[str] = []
    b = LocalBackend(site.root, said.append)
    b.said = said
    return b


def test_it_lists_reads_and_writes_events_and_sources(site, backend):
    listed = backend.answer({"action": "entriesByFolder",
                             "params": {"folder": "content/events", "extension": "yaml", "depth": 1}})
    assert [e["file"]["path"] for e in listed] == ["content/events/2025-08-15-talks.yaml"]
    assert "Talks in Anchorage" in listed[0]["data"]
    backend.answer(persist("content/events/2025-08-16-new.yaml"))
    assert (site.root / "content/events/2025-08-16-new.yaml").read_text() == RAW
    entry = backend.answer({"action": "getEntry", "params": {"path": "content/sources/wire.md"}})
    assert entry["data"].startswith("---\ntitle: Wire report")


@pytest.mark.parametrize("path", [
    "../outside.yaml", "content/events/../../site.yaml", "/etc/passwd.yaml", "content/events/a/b.yaml",
    "site.yaml", "content/events", "content/events/x.py", "content/events/x.yaml.sh",
    "content/sources/x.yaml", "content/media/x.svg", "content/media/x.html", "content/events/.hidden.yaml",
    "content\\events\\x.yaml", "content/events/x\x00.yaml", "templates/base.html", "", None, 7,
])
def test_it_refuses_to_write_anywhere_but_a_content_file(site, backend, path):
    before = sorted(p for p in site.root.rglob("*"))
    with pytest.raises(Refused):
        backend.answer(persist(path))
    assert sorted(p for p in site.root.rglob("*")) == before


def test_it_never_writes_through_a_link(site, backend, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (site.root / "content/events/linked.yaml").symlink_to(outside / "target.yaml")
    (site.root / "content/media").symlink_to(outside, target_is_directory=True)
    for path in ("content/events/linked.yaml", "content/media/x.png"):
        with pytest.raises(Refused, match="link"):
            backend.answer(persist(path))
    with pytest.raises(Refused, match="link"):
        backend.answer({"action": "getMedia", "params": {"mediaFolder": "content/media"}})
    assert list(outside.iterdir()) == []


def test_a_rename_and_an_unknown_action_are_refused(backend):
    rename = persist("content/events/2025-08-15-talks.yaml")
    rename["params"]["entry"]["newPath"] = "content/events/renamed.yaml"
    for request in (rename, {"action": "__init__"}, {"action": "publishUnpublishedEntry", "params": {}}, []):
        with pytest.raises(Refused):
            backend.answer(request)


def test_a_delete_keeps_the_file_under_web_editor(site, backend):
    backend.answer({"action": "deleteFile", "params": {"path": "content/events/2025-08-15-talks.yaml",
                                                       "options": {"commitMessage": "m"}}})
    assert not (site.root / "content/events/2025-08-15-talks.yaml").exists()
    kept = list((site.root / ".web-editor/deleted").rglob("2025-08-15-talks.yaml"))
    assert len(kept) == 1 and "Talks in Anchorage" in kept[0].read_text()


def test_a_save_over_a_file_with_comments_keeps_the_earlier_version_and_says_so(site, backend):
    path = site.root / "content/events/2025-08-15-talks.yaml"
    schema = "# yaml-language-server: $schema=../../schema/event.schema.json\n"
    path.write_text(schema + "# checked with the desk\n" + path.read_text())
    before = path.read_text()
    backend.answer(persist("content/events/2025-08-15-talks.yaml"))
    assert path.read_text() == schema + RAW  # the schema line is put back; other comments are not
    kept = list((site.root / ".web-editor/replaced").rglob("2025-08-15-talks.yaml"))
    assert [k.read_text() for k in kept] == [before]
    assert "comments" in backend.said[0] and ".web-editor/replaced/" in backend.said[0]


def test_a_save_over_a_file_without_comments_keeps_no_copy(site, backend):
    backend.answer(persist("content/events/2025-08-15-talks.yaml"))
    assert not (site.root / ".web-editor").exists()


def test_media_go_into_content_media_only_as_images(site, backend):
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    asset = {"path": "content/media/a.png", "content": png, "encoding": "base64"}
    answer = backend.answer({"action": "persistMedia", "params": {"asset": asset, "options": {}}})
    assert answer["name"] == "a.png" and (site.root / "content/media/a.png").read_bytes().startswith(b"\x89PNG")
    for bad in ({**asset, "path": "content/events/a.yaml"}, {**asset, "content": "%%%"}, {**asset, "encoding": "utf8"}):
        with pytest.raises(Refused):
            backend.answer({"action": "persistMedia", "params": {"asset": bad, "options": {}}})


def post(server, body: bytes, origin: str | None, host: str | None = None, kind: str = "application/json"):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    headers = {"Host": host or f"127.0.0.1:{server.port}", "Content-Type": kind}
    if origin:
        headers["Origin"] = origin
    connection.request("POST", "/api/v1", body=body, headers=headers)
    response = connection.getresponse()
    status, data = response.status, response.read()
    connection.close()
    return status, data


def test_the_server_answers_only_its_own_pages(site, serve):
    server = serve(site.root)
    own = f"http://127.0.0.1:{server.port}"
    write = json.dumps(persist("content/events/2025-08-16-new.yaml")).encode()
    assert post(server, write, "http://evil.example")[0] == 403
    assert post(server, write, None)[0] == 403  # a form or a script elsewhere that sends no Origin
    assert post(server, write, own, host=f"evil.example:{server.port}")[0] == 403  # DNS rebinding
    assert post(server, write, own, kind="text/plain")[0] == 415  # what a cross-site form can send
    assert not (site.root / "content/events/2025-08-16-new.yaml").exists()
    status, data = post(server, json.dumps(persist("../x.yaml")).encode(), own)
    assert status == 422 and b"not a file directly in" in data
    assert post(server, write, own)[0] == 200
    assert (site.root / "content/events/2025-08-16-new.yaml").read_text() == RAW
    server.wait_for_output("content/events/2025-08-16-new.yaml")  # the save rebuilt the preview


def test_a_saved_mistake_shows_as_the_preview_shows_it(site, serve):
    server = serve(site.root)
    own = f"http://127.0.0.1:{server.port}"
    bad = RAW.replace("date: 2025-08-16", "date: 2025-13-01")
    assert post(server, json.dumps(persist("content/events/2025-08-16-new.yaml", bad)).encode(), own)[0] == 200
    status, body = server.wait_until("", lambda s, b: s == 500)
    assert status == 500 and "2025-08-16-new.yaml:2:" in body
    assert os.path.exists(site.root / "content/events/2025-08-16-new.yaml")
