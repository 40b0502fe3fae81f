"""The preview keeps its pages, cards and exports packed (site_builder/preview/packing.py) and serves them
as a full build writes them: plain, or gzipped to a client that asks for it (never a page)."""

from __future__ import annotations

import gzip
import hashlib

from site_builder.build import Options, render
from site_builder.preview.session import Session
from site_builder.preview.packing import SMALL, Dictionaries, Packed, pack, unpack
from site_builder.preview.app import Preview, Snapshot, accepts_gzip


def full_build(root) -> dict[str, bytes]:
    return render(Options(root=root))[1]


def request(preview: Preview, path: str, accept_encoding: str | None = None) -> tuple[str, dict, bytes]:
    environ = {"PATH_INFO": path, "QUERY_STRING": ""}
    if accept_encoding is not None:
        environ["HTTP_ACCEPT_ENCODING"] = accept_encoding
    answer = {}
    body = b"".join(preview(environ, lambda status, headers: answer.update(status=status, headers=dict(headers))))
    return answer["status"], answer["headers"], body


def test_pages_cards_and_exports_are_kept_packed_and_read_back_as_the_full_build(real_site):
    session = Session(real_site.root)
    generation = session.rebuild()
    built = full_build(real_site.root)
    for path in ("index.html", "events/2025-09-01-putin-briefed-xi/index.html", "events.json", "events.ics"):
        assert isinstance(generation.outputs[path], Packed), path
    assert all(isinstance(card.packed, Packed) for card in session.renderer.cards.values())
    pages = [p for p in built if p.endswith(".html") and len(built[p]) >= SMALL]
    kept = sum(len(generation.outputs[p].deflated) for p in pages)
    assert kept < sum(len(built[p]) for p in pages) / 4  # each page deflated against another of its template
    assert generation.files == built


def test_a_page_is_deflated_against_the_first_page_of_its_template():
    boilerplate = b"".join(hashlib.sha256(bytes([n])).hexdigest().encode() for n in range(60))  # no repeats
    first = b"<html><head>" + boilerplate + b"</head><body>one</body></html>"
    second = first.replace(b"one", b"two")
    dictionaries = Dictionaries()
    packed = [dictionaries.pack("page.html", first), dictionaries.pack("page.html", second)]
    assert [p.unpack() for p in packed] == [first, second]
    assert len(packed[1].deflated) < 100 < len(pack(second).deflated) / 10  # the boilerplate is in the dictionary
    assert dictionaries.pack("other.html", second).zdict is not packed[1].zdict
    assert pack(b"tiny") == b"tiny" and unpack(b"tiny") == b"tiny"  # below SMALL: kept as it is
    big = b"x" * 100_000
    assert pack(big).gzip is not None and gzip.decompress(pack(big).gzip) == big == unpack(pack(big))


def test_an_export_goes_gzipped_to_a_client_that_accepts_gzip_and_plain_to_one_that_does_not(real_site):
    preview = Preview(real_site.root)
    preview.publish(Snapshot(Session(real_site.root).rebuild().serving()))
    built = full_build(real_site.root)
    status, headers, body = request(preview, "/events.json", "gzip, deflate, br")
    assert status == "200 OK" and headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == built["events.json"] and headers["Content-Length"] == str(len(body))
    for refused in (None, "identity", "gzip;q=0"):
        status, headers, body = request(preview, "/events.json", refused)
        assert "Content-Encoding" not in headers and body == built["events.json"], refused


def test_a_page_is_always_served_plain_so_livereload_can_add_its_script(real_site):
    preview = Preview(real_site.root)
    preview.publish(Snapshot(Session(real_site.root).rebuild().serving()))
    status, headers, body = request(preview, "/", "gzip")
    assert status == "200 OK" and "Content-Encoding" not in headers
    assert body == full_build(real_site.root)["index.html"] and b"</head>" in body


def test_accept_encoding_is_read_as_http_says():
    assert accepts_gzip("gzip") and accepts_gzip("gzip, deflate, br") and accepts_gzip("deflate, gzip;q=0.5")
    assert accepts_gzip("*") and accepts_gzip("x-gzip") and accepts_gzip(" GZIP ; q=1.0")
    assert not accepts_gzip("") and not accepts_gzip("identity") and not accepts_gzip("br")
    assert not accepts_gzip("gzip;q=0") and not accepts_gzip("gzip;q=0, *") and not accepts_gzip("gzip;q=oops")


def test_a_parsed_file_leaves_no_cycle_behind_for_the_collector(tmp_path):
    # Each file's YAML tree used to stay alive in a cycle (the tree builder's closure calls itself)
    # until a full collection: 50 MB at 10,000 events, with the collector paused while loading.
    import gc

    from site_builder.content.yamlsafe import parse_yaml
    from site_builder.errors import Report

    text = "title: A talk\ndate: 2025-08-15\ntags: [one, two]\nexcerpts:\n  - source: s\n    quote: words\n"
    gc.collect()
    gc.disable()
    try:
        report = Report()
        assert parse_yaml(text, str(tmp_path / "event.yaml"), report) is not None
        del report
        assert gc.collect() == 0
    finally:
        gc.enable()
