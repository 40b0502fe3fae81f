"""The preview under load: 200 clients at once on loopback while saves rebuild the site.

Every answer must be a whole page of one generation of the site: status 200, the body as
long as its Content-Length and ending in </html>, showing exactly one of the titles the
edited event has had (never none where it belongs, never two).
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import time

from .test_serve import TIMEOUT, ServeProcess

CLIENTS = 200  # concurrent connections, each its own thread
MAX_REQUESTS = 40  # per client: the burst is bounded in count ...
BURST_SECONDS = 120  # ... and in time, whatever happens
EDITS = 6  # the edited title goes back and forth this many times during the burst

EVENT = "2025-08-15-anchorage-summit"
ORIGINAL = "Putin and Trump hold summit talks in Anchorage, Alaska"
TITLES = [ORIGINAL, "Anchorage meeting, first revision", "Anchorage meeting, second revision"]
PAGES = [
    "",  # the home page lists every event
    f"events/{EVENT}/",
    "events/2025-08-15-moscow-next-meeting-proposal/",  # a neighbour: links to it by title
    "events/2025-09-01-putin-sco-remarks-tianjin/",
    "sources/tass-2025-08-16-putin-alaska-takeaways/",
    "sources/",
    "404.html",
]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """One request on its own connection, as a browser tab would; IncompleteRead if cut short."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT * 2)
    try:
        connection.request("GET", "/" + path)
        response = connection.getresponse()
        body = response.read()
        length = response.getheader("Content-Length")
        assert length is not None and int(length) == len(body), f"/{path}: Content-Length {length}, {len(body)} bytes"
        return response.status, body
    finally:
        connection.close()


def titles_shown(body: bytes) -> set[str]:
    text = body.decode("utf-8")
    return {title for title in TITLES if title in text}


def save_title(path, tmp, title: str) -> None:
    """Saved as editors' tools do, in one rename: the watcher never sees a half-written file."""
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", path.read_text())
    staged = tmp / "staged.yaml"
    staged.write_text(text)
    os.replace(staged, path)


def test_200_concurrent_clients_during_rebuilds_get_only_whole_pages_of_one_generation(real_site, tmp_path):
    event_file = real_site.root / f"content/events/{EVENT}.yaml"
    assert f"title: {ORIGINAL}\n" in event_file.read_text()
    server = ServeProcess(real_site.root)
    try:
        before = {path: fetch(server.port, path) for path in PAGES}
        assert all(status == 200 for status, _ in before.values()), {p: s for p, (s, _) in before.items()}
        shows_event = {path for path, (_, body) in before.items() if titles_shown(body)}
        assert {"", f"events/{EVENT}/"} <= shows_event  # the pages that must always show one title

        answers: list[tuple[str, int, bytes]] = []
        failures: list[str] = []
        start = threading.Barrier(CLIENTS + 1)
        done = threading.Event()
        deadline = time.monotonic() + BURST_SECONDS

        def client(n: int) -> None:
            start.wait()
            for i in range(MAX_REQUESTS):
                if done.is_set() or time.monotonic() > deadline:
                    return
                path = PAGES[(n + i) % len(PAGES)]
                try:
                    status, body = fetch(server.port, path)
                except Exception as exc:  # a refused, reset or cut-short connection is a failure
                    failures.append(f"/{path}: {type(exc).__name__}: {exc}")
                    continue
                answers.append((path, status, body))

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        start.wait()
        written = []
        for edit in range(EDITS):
            title = TITLES[1 + edit % 2] if edit < EDITS - 1 else ORIGINAL
            rebuilds = server.output.count("rebuilt in")
            save_title(event_file, tmp_path, title)
            written.append(title)
            server.wait_for_output("rebuilt in", rebuilds + 1)
        done.set()
        for thread in threads:
            thread.join(timeout=BURST_SECONDS)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        server.stop()

    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:5]}"
    assert len(answers) >= CLIENTS
    assert "error" not in server.output.lower(), server.output
    seen = set()
    for path, status, body in answers:
        assert status == 200, (path, status, body[:300])
        assert body.rstrip().endswith(b"</html>"), f"/{path} cut short: ...{body[-200:]!r}"
        shown = titles_shown(body)
        if path in shows_event:
            assert len(shown) == 1, f"/{path} shows {sorted(shown)}: not one generation"
            seen |= shown
        else:
            assert not shown, f"/{path} shows {sorted(shown)}"
    assert len(seen) >= 2, "no rebuild was served during the burst: the test proved nothing"
    assert server.output.count("rebuilt in") >= EDITS
