"""What the attack on issue 15 found in the TimelineJS export and import and in ongoing dates:
TimelineJS reads most strings as HTML, the import writes only what the site accepts, its downloads
have a time limit and never reach this machine's network, and an ongoing event has begun."""

from __future__ import annotations

import json
import socket
import threading
import time

from site_builder.build import Options, render
from tests.conftest import EVENT_YAML


def test_timeline_json_escapes_what_timelinejs_reads_as_html(site):
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace(
        "label: Main", 'label: "<img src=https://evil.example/l.png>"')
        + 'eras:\n  - label: "<span style=\'font-size:90px\'>E</span>"\n    start: 2025\n    end: 2026\n')
    site.event("2025-08-15-talks", EVENT_YAML.replace(
        "title: Talks in Anchorage", 'title: "<img src=https://evil.example/t.png>"')
        + "media:\n  - kind: link\n    src: https://example.org/x\n    caption: x\n"
          "    credit: \"<img src=https://evil.example/c.png>\"\n")
    data = render(Options(root=site.root))[1]["timeline.json"].decode()
    assert "<img" not in data and "<span style" not in data, data[:400]
    assert "&lt;img src=https://evil.example/t.png&gt;" in data


def test_the_import_never_writes_an_era_the_site_refuses(site, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"events": [{"start_date": {"year": "2025"}, "text": {"headline": "A"}}],
                                "eras": [{"start_date": {"year": "2025"}, "end_date": {"year": "2024"},
                                          "text": {"headline": "Backwards"}}]}))
    result = site.cli("import", "timelinejs", str(path))
    assert "era 1" in result.stderr + result.stdout
    assert "Backwards" not in (site.root / "site.yaml").read_text()
    result = site.cli("check")
    assert "site.yaml" not in result.stderr, result.stderr


def _dripping_server(seconds: float) -> int:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = time.monotonic() + seconds

    def drip():
        conn, _ = server.accept()
        conn.recv(1000)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n")
        try:
            while time.monotonic() < stop:
                conn.sendall(b"x")
                time.sleep(0.5)
        except OSError:  # the client gave up: what the test wants
            pass
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    return server.getsockname()[1]


def test_fetch_image_has_a_time_limit_for_the_whole_download():
    from site_builder.importers.timelinejs_media import fetch_image

    port = _dripping_server(8)
    started = time.monotonic()
    result = fetch_image(f"http://127.0.0.1:{port}/a.png", timeout=1, allow_local=True)
    assert time.monotonic() - started < 4
    assert isinstance(result, str) and "time" in result


def test_a_local_address_is_refused_before_connecting_and_alike_open_or_closed():
    from site_builder.importers.timelinejs_media import fetch_image

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(1)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    open_result = fetch_image(f"http://127.0.0.1:{listening.getsockname()[1]}/a.png", timeout=2)
    closed_result = fetch_image(f"http://127.0.0.1:{closed_port}/a.png", timeout=2)
    listening.settimeout(0.2)
    try:
        listening.accept()
        connected = True
    except OSError:
        connected = False
    listening.close()
    assert not connected, "fetch_image connected to a local address before refusing it"
    assert open_result == closed_result, (open_result, closed_result)
    assert "address of this machine" in open_result


def test_an_ongoing_event_cannot_start_after_the_build_date(site):
    site.event("2025-08-15-talks", EVENT_YAML.replace("date: 2025-08-15", "date: 9999-12\nend: present"))
    result = site.cli("check")
    assert result.returncode != 0
    assert "content/events/2025-08-15-talks.yaml:2:7: error:" in result.stderr, result.stderr


def _import(site, tmp_path, data):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data, indent=2))
    return site.cli("import", "timelinejs", str(path))


def test_a_windows_reserved_unique_id_gets_a_suffix(site, tmp_path):
    slides = [{"unique_id": name, "start_date": {"year": "2025"}, "text": {"headline": name}}
              for name in ("CON", "nul", "Aux", "COM1", "lpt9")]
    _import(site, tmp_path, {"events": slides})
    names = {p.stem for p in (site.root / "content/events").glob("*.yaml")}
    assert not names & {"con", "nul", "aux", "com1", "lpt9"}, names
    assert {"con-event", "nul-event", "aux-event", "com1-event", "lpt9-event"} <= names


def test_a_media_url_that_is_an_object_is_named_an_object(site, tmp_path):
    result = _import(site, tmp_path, {"events": [
        {"start_date": {"year": "2025"}, "text": {"headline": "A"}, "media": {"url": {"x": 1}}}]})
    assert "not a JSON object" in result.stderr, result.stderr


def test_an_import_error_is_located_at_its_slide_line(site, tmp_path):
    result = _import(site, tmp_path, {"events": [
        {"start_date": {"year": "2025"}, "text": {"headline": "A"}},
        {"text": {"headline": "No date"}}]})
    lines = (tmp_path / "t.json").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"No date"' in text) - 2  # the slide's "{"
    assert f"t.json:{line}:" in result.stderr, result.stderr
