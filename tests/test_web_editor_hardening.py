"""What an attacker found in the web editor's backend and the preview, each tried again: links,
names the loader ignores, malformed requests, bytes that are no image, a wide --bind, HEAD."""

from __future__ import annotations

import base64
import http.client
import json
import os

import pytest
import yaml

from site_builder.preview.local_backend import LocalBackend, Refused
from site_builder.preview.web_editor import local_backend_yaml

from .test_serve import TIMEOUT, serve  # noqa: F401  (serve: the fixture)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


def media(path: str, data: bytes) -> dict:
    return {"action": "persistMedia", "params": {"asset": {
        "path": path, "encoding": "base64", "content": base64.b64encode(data).decode()}}}


def entry(path: str, raw: str = "title: x\n", **more) -> dict:
    return {"action": "persistEntry", "params": {"entry": {"path": path, "raw": raw}, **more}}


def test_one_link_in_media_does_not_hide_every_image(site):
    folder = site.root / "content/media"
    folder.mkdir()
    (folder / "a.png").write_bytes(PNG)
    os.symlink("a.png", folder / "b.png")
    listed = LocalBackend(site.root).answer({"action": "getMedia", "params": {"mediaFolder": "content/media"}})
    assert [m["name"] for m in listed] == ["a.png"]


def test_links_are_not_listed_as_entries(site):
    events = site.root / "content/events"
    os.symlink("2025-08-15-talks.yaml", events / "linked.yaml")
    listed = LocalBackend(site.root).answer({"action": "entriesByFolder", "params": {
        "folder": "content/events", "extension": "yaml"}})
    assert listed and all(e["data"] is not None for e in listed)
    assert "content/events/linked.yaml" not in [e["file"]["path"] for e in listed]


@pytest.mark.parametrize("path", ["content/events/X.YAML", "content/sources/wire.MD"])
def test_the_editor_does_not_write_a_file_the_loader_ignores(site, path):
    with pytest.raises(Refused):
        LocalBackend(site.root).answer(entry(path))
    assert not (site.root / path).exists()


def test_kept_copies_are_not_written_through_a_link(site, tmp_path):
    outside = tmp_path / "outside"
    (outside / "deleted").mkdir(parents=True)
    backend = LocalBackend(site.root)
    for link, target in ((site.root / ".web-editor", outside), (site.root / ".web-editor/deleted", outside)):
        if link.parent != site.root:
            link.parent.mkdir()
        os.symlink(target, link)
        with pytest.raises(Refused):
            backend.answer({"action": "deleteFile", "params": {"path": "content/events/2025-08-15-talks.yaml"}})
        assert not any(outside.rglob("*.yaml"))
        assert (site.root / "content/events/2025-08-15-talks.yaml").exists()
        os.unlink(link)


def test_a_source_keeps_its_schema_line_inside_its_front_matter(site):
    path = site.root / "content/sources/wire.md"
    line = "# yaml-language-server: $schema=../../schema/source.schema.json\n"
    path.write_text("---\n" + line + path.read_text().removeprefix("---\n"))
    from_editor = "---\n" + "".join(row + "\n" for row in path.read_text().splitlines()[2:])
    said: list[str] = []
    LocalBackend(site.root, said.append).answer(entry("content/sources/wire.md", from_editor.replace("Wire", "Wyre")))
    assert path.read_text().startswith("---\n" + line)
    assert not said  # the schema line is not a comment the editor dropped


@pytest.mark.parametrize("more", [{"assets": [1]}, {"assets": "ab"}, {"dataFiles": "ab"}])
def test_malformed_requests_are_refused_not_crashes(site, more):
    with pytest.raises(Refused):
        LocalBackend(site.root).answer(entry("content/events/q.yaml", **more))


def test_a_name_too_long_for_the_disk_is_refused(site):
    with pytest.raises(Refused, match="too long"):
        LocalBackend(site.root).answer(entry("content/events/" + "a" * 250 + ".yaml"))


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script>", b""])
def test_media_are_images(site, data):
    with pytest.raises(Refused):
        LocalBackend(site.root).answer(media("content/media/h.jpg", data))
    assert not (site.root / "content/media/h.jpg").exists()


def test_an_image_is_written_and_an_asset_must_be_one_too(site):
    backend = LocalBackend(site.root)
    assert backend.answer(media("content/media/a.png", PNG))["name"] == "a.png"
    bad = {"path": "content/media/b.jpg", "encoding": "base64", "content": base64.b64encode(b"<svg/>").decode()}
    with pytest.raises(Refused):
        backend.answer(entry("content/events/q.yaml", assets=[bad]))
    assert not (site.root / "content/events/q.yaml").exists()


def test_an_entry_is_an_event_or_a_source_never_a_media_file(site):
    with pytest.raises(Refused):
        LocalBackend(site.root).answer(entry("content/media/x.png", "<html>"))
    assert not (site.root / "content/media/x.png").exists()


def test_the_local_backend_block_is_valid_yaml_for_an_ipv6_host():
    block = yaml.safe_load(local_backend_yaml("[::1]:8000", "::1"))
    assert block == {"local_backend": {"url": "http://[::1]:8000/api/v1", "allowed_hosts": ["::1"]}}


def request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.port}", **(headers or {})})
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


def test_deep_json_is_a_json_error_not_a_crash(site, serve):
    server = serve(site.root)
    headers = {"Origin": f"http://127.0.0.1:{server.port}", "Content-Type": "application/json"}
    status, data = request(server, "POST", "/api/v1", b"[" * 100000 + b"]" * 100000, headers)
    assert status == 400 and "error" in json.loads(data)
    assert "Traceback" not in server.output


def test_head_is_answered(site, serve):
    server = serve(site.root)
    for path in ("/", "/admin/"):
        assert request(server, "HEAD", path) == (200, b"")
    assert request(server, "GET", "/")[0] == 200  # the server still answers after them
    assert "Error" not in server.output


def test_a_preview_bound_beyond_loopback_offers_no_editor(site, serve):
    server = serve(site.root, "--bind", "0.0.0.0")
    headers = {"Origin": f"http://127.0.0.1:{server.port}", "Content-Type": "application/json"}
    write = json.dumps(entry("content/events/2025-08-16-new.yaml")).encode()
    assert request(server, "POST", "/api/v1", write, headers)[0] in (404, 405)
    assert not (site.root / "content/events/2025-08-16-new.yaml").exists()
    assert request(server, "GET", "/admin/config.yml")[0] == 404
    assert "web editor (/admin/) is off" in server.output
