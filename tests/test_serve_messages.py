"""What the preview tells the editor: the folders it watches, its counts, and a banner on the last
good version of a page while errors are pending (never in a build)."""

from __future__ import annotations

import re

from site_builder.build import Options, build
from site_builder.errors import Diagnostic
from site_builder.preview.app import Preview, Snapshot, with_banner
from site_builder.preview.server import watching_line
from site_builder.preview.session import Session
from site_builder.preview.watch import Rebuilder

from .test_serve import EVENT_PAGE, serve  # noqa: F401 (the fixture)

ERRORS = (Diagnostic("content/events/a.yaml", 2, 7, "one"), Diagnostic("content/events/b.yaml", 3, 1, "two"))


def get(app: Preview, path: str, query: str = "") -> tuple[str, str]:
    answer = {}
    body = app({"PATH_INFO": path, "QUERY_STRING": query}, lambda status, headers: answer.update(status=status))
    return answer["status"], b"".join(body).decode("utf-8")


def test_the_watching_line_names_the_folders_there_and_those_watched_once_made(site):
    assert watching_line(site.root) == "site.yaml and content/ (themes/, templates/ and static/ too, once made)"
    (site.root / "templates").mkdir()
    (site.root / "static").mkdir()
    assert watching_line(site.root) == "site.yaml, content/, templates/ and static/ (themes/ too, once made)"


def test_serve_says_what_it_watches(site, serve):  # noqa: F811
    (site.root / "static").mkdir()
    server = serve(site.root)
    assert ("watching site.yaml, content/ and static/ (themes/ and templates/ too, once made); Ctrl+C to stop"
            in server.output), server.output


def test_one_event_verified_is_said_in_the_singular(site):
    lines = []
    rebuilder = Rebuilder(Session(site.root), Preview(site.root), [], lambda: None)
    rebuilder._say = lines.append
    rebuilder.build_now()
    assert lines[-1].endswith(", 1 event verified"), lines


def test_the_last_good_page_carries_a_banner_linking_to_the_errors(site, tmp_path):
    build(Options(root=site.root, out=tmp_path / "out"))
    page = (tmp_path / "out" / EVENT_PAGE / "index.html").read_bytes()
    app = Preview(site.root)
    app.publish(Snapshot({EVENT_PAGE + "index.html": page}, ERRORS))
    status, body = get(app, "/" + EVENT_PAGE, "last-good")
    assert status == "200 OK"
    start = body.index('<div class="site-builder-last-good"')
    assert body.rindex("<body", 0, start) > body.index("</head>")
    banner = body[start:body.index("</div>", start)]
    assert "This is the last good version; 2 errors are pending:" in banner
    assert f'<a href="/{EVENT_PAGE}">see them</a>' in banner
    assert '<link rel="stylesheet" href="/__site-builder__/last-good.css">' in body
    assert "Talks in Anchorage" in body and "style=" not in banner and "<script" not in banner
    status, css = get(app, "/__site-builder__/last-good.css")
    assert status == "200 OK" and ".site-builder-last-good" in css


def test_without_errors_a_page_has_no_banner_and_a_build_never_does(site, tmp_path):
    build(Options(root=site.root, out=tmp_path / "out"))
    page = (tmp_path / "out" / EVENT_PAGE / "index.html").read_bytes()
    assert b"site-builder-last-good" not in page
    assert all(b"last-good" not in path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file())
    app = Preview(site.root)
    app.publish(Snapshot({EVENT_PAGE + "index.html": page}))
    assert get(app, "/" + EVENT_PAGE, "last-good")[1] == page.decode("utf-8")


def test_one_pending_error_is_said_in_the_singular(site):
    app = Preview(site.root)
    app.publish(Snapshot({"index.html": b"<!doctype html><title>T</title><body class=x>Hi"}, ERRORS[:1]))
    body = get(app, "/", "last-good")[1]
    assert "1 error is pending:" in body and '<a href="/">see it</a>' in body
    assert body.startswith("<!doctype html><title>T</title><body class=x><link rel=")


def test_the_banner_goes_after_the_body_tag_whatever_its_attributes_or_at_the_end():
    assert with_banner(b'<head></head><BODY data-x="a>b" class=\'c\'>text', b"[B]") == \
        b'<head></head><BODY data-x="a>b" class=\'c\'>[B]text'
    assert with_banner(b"<p>no body tag", b"[B]") == b"<p>no body tag[B]"
    assert with_banner(b"<bodyguard><body>x", b"[B]") == b"<bodyguard><body>[B]x"


def test_the_rebuilt_line_counts_the_drafts_left_out_as_build_does(site):
    lines = []
    rebuilder = Rebuilder(Session(site.root), Preview(site.root), [], lambda: None)
    rebuilder._say = lines.append
    rebuilder.build_now()
    assert "left out" not in lines[-1]
    draft = site.event("2025-08-16-draft", "title: Later\ndate: 2025-08-16\nlane: main\ndraft: true\n")
    rebuilder.build_now({draft})
    assert lines[-1].endswith("; 1 draft left out (--drafts includes them)"), lines
    shown = Rebuilder(Session(site.root, drafts=True), Preview(site.root), [], lambda: None)
    shown._say = lines.append
    shown.build_now()
    assert "left out" not in lines[-1], lines


def test_a_site_yaml_edit_is_said_before_its_rebuild_of_every_page_and_an_error_is_not(site):
    lines = []
    rebuilder = Rebuilder(Session(site.root), Preview(site.root), [], lambda: None)
    rebuilder._say = lines.append
    rebuilder.build_now()
    path = site.root / "site.yaml"
    path.write_text(path.read_text().replace("Test timeline", "Renamed timeline"))
    rebuilder.build_now({path})
    assert lines[1] == "site.yaml changed: rendering every page again...", lines
    assert lines[2].startswith("rebuilt in ") and "site.yaml)" in lines[2], lines
    rendered, total = re.search(r": (\d+) of (\d+) pages rendered", lines[2]).groups()
    assert rendered == total
    path.write_text(path.read_text() + "lanes: [\n")
    rebuilder.build_now({path})
    assert not any(line.startswith("site.yaml changed") for line in lines[3:]), lines
