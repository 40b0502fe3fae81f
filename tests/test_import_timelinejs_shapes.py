"""TimelineJS's documented shapes (media kinds, eras, groups, deep time, title slide, backgrounds)
imported into the forms of docs/spec15, checked on TimelineJS's own published timelines."""

from __future__ import annotations

import functools

import http.server
import json
import threading
from pathlib import Path

import pytest
import yaml

from site_builder.importers.timelinejs import (
    _download_images, convert, event_yaml, quote_source_id, site_additions, source_draft)
from site_builder.importers.timelinejs_dates import date_text, years_ago_text
from site_builder.importers.timelinejs_media import Quoted, fetch_image
from site_builder.importers.timelinejs_read import read_timeline
from site_builder.importers.timelinejs_site import with_additions
from site_builder.model import Lane, SiteConfig

FIXTURES = Path(__file__).parent / "fixtures" / "timelinejs"
REAL = ["all-media-types.json", "cosmo.json", "cosmo-mixed.json", "eras.json", "my-own-timeline.csv"]


def imported(name: str, lanes: dict[str, str] | None = None):
    return convert(read_timeline(FIXTURES / name), lanes or {}, name)


@pytest.mark.parametrize("name", REAL)
def test_every_slide_of_a_real_timeline_becomes_an_event_whose_yaml_reads_back(name):
    report = imported(name)
    data = read_timeline(FIXTURES / name)
    assert report.errors == [] and len(report.events) == len(data["events"])
    for event in report.events:
        written = yaml.safe_load(event_yaml(event, name))
        assert written == {**event.record, "draft": True, "excerpts": []}
        for entry in written.get("media", []):
            assert entry["kind"] in {"image", "video", "link"} and entry["src"].startswith(("http://", "https://"))
            assert set(entry) <= {"kind", "src", "alt", "caption", "credit", "link"}
            assert entry["kind"] != "image" or entry["alt"].strip()


def test_media_of_every_kind_becomes_image_video_link_or_a_source_to_archive():
    events = {e.record["title"]: e for e in imported("all-media-types.json").events}
    assert events["YouTube Videos"].record["media"][0]["kind"] == "video"
    assert events["Vimeo"].record["media"][0]["kind"] == "video"
    assert events["DailyMotion"].record["media"][0]["kind"] == "link"
    image = next(e for e in events.values() if e.record.get("media", [{}])[0].get("kind") == "image")
    assert image.record["media"][0]["src"].lower().split("?")[0].endswith((".jpg", ".jpeg", ".png", ".gif", ".webp",
                                                                           ".svg"))
    quoted = [e for e in events.values() if e.quoted]
    assert len(quoted) >= 3  # blockquotes, tweets and Bluesky posts
    assert all("media" not in e.record for e in quoted)


def test_a_blockquote_is_a_source_draft_the_loader_does_not_read_and_a_commented_excerpt():
    event = next(e for e in imported("my-own-timeline.csv").events if e.quoted)
    quoted = event.quoted[0]
    assert quoted.publisher == "Edith Clarke" and quoted.text.startswith("There is no demand for women engineers")
    source = quote_source_id(event, 1)
    draft = source_draft(event, quoted, source)
    front = yaml.safe_load(draft.split("---\n")[1])
    assert front["id"] == source and front["publisher"] == "Edith Clarke" and front["published"] is None
    text = event_yaml(event, "sheet.csv")
    assert yaml.safe_load(text)["excerpts"] == []  # a quote is not an archive: no excerpt until one is
    assert f"#  - source: {source}\n#    quote: There is no demand" in text


def test_deep_time_and_bce_years_are_written_as_readers_know_them():
    assert years_ago_text(13_800_000_000) == "13.8 billion years ago"
    assert years_ago_text(66_000_000) == "66 million years ago"
    assert years_ago_text(13_800_000_123) == "13,800,000,123 years ago"
    assert years_ago_text(13_799_630_000) == "13,799,630,000 years ago"  # never "13799.63 million"
    assert years_ago_text(12_000) == "12,000 years ago"
    assert date_text(-44, 3, 15) == ("0044-03-15 BCE", None)  # TimelineJS shows -44 as "44 BCE"
    assert date_text(0, None, None)[0] == "0001 BCE" and "year 0" in date_text(0, None, None)[1]
    assert date_text(-9999, None, None) == ("9999 BCE", None)
    assert date_text(-10_000, 5, None)[0] == "10,000 years ago"
    assert date_text(610, 8, None) == ("0610-08", None)
    dates = [e.record["date"] for e in imported("cosmo.json").events]
    assert dates[:3] == ["13.8 billion years ago", "13,799,630,000 years ago", "12.8 billion years ago"]
    assert "3500 BCE" in dates


def test_eras_title_slide_and_groups_go_to_site_yaml_as_appended_text():
    report = imported("eras.json")
    assert report.eras[0] == {"label": "Era Test 650-700", "start": "0650", "end": "0700"}
    assert report.title == "Eras Test"
    media = imported("all-media-types.json", {"video": "Video"})
    assert "video" not in media.lanes and set(media.lanes) == {"social-media", "audio", "html", "image"}
    before = "# The editor's site\ntitle: ''  # to do\nlanes:\n  - id: video\n    label: Video\n" \
             "    color: \"#1d6fa3\"\n# the end\ntimezone: UTC\n"
    after = with_additions(before, "Media", "About media", [{"id": "audio", "label": "Audio", "color": "#b23a48"}],
                           report.eras[:1])
    assert after.startswith("# The editor's site\ntitle: Media  # to do\nlanes:\n  - id: video\n")
    assert "    color: \"#1d6fa3\"\n  - id: audio\n    label: Audio\n" in after
    assert "# the end\ntimezone: UTC\n" in after
    data = yaml.safe_load(after)
    assert data["description"] == "About media" and data["eras"][0]["start"] == "0650"
    assert [lane["id"] for lane in data["lanes"]] == ["video", "audio"]
    kept = with_additions("title: Mine\ndescription: Ours\n", "Theirs", "Not ours")
    assert kept == "title: Mine\ndescription: Ours\n"


def test_new_lanes_get_distinct_colours_unlike_the_sites_own():
    report = imported("all-media-types.json")
    config = SiteConfig(title="T", description="", base_url="https://example.org/", language="en",
                        timezone="UTC", theme="default", lanes=(Lane("video", "Video", "#1d6fa3"),))
    lanes = yaml.safe_load(site_additions("title: T\n", report, config))["lanes"]
    colors = [lane["color"] for lane in lanes]
    assert len(set(colors)) == len(colors) and "#1d6fa3" not in colors


def test_a_slide_without_headline_gets_a_title_cut_from_its_text_and_the_report_says_so():
    words = "The first light of the universe spreads out as the plasma cools and atoms form " * 3
    report = convert({"events": [{"start_date": {"year": "-13799620000"}, "text": {"text": f"<p>{words}</p>"}}]}, {})
    title = report.events[0].record["title"]
    assert len(title) <= 82 and title.endswith(" …") and words.startswith(title[:-2])
    assert any("no headline" in note and "check it" in note for note in report.notes)


def test_backgrounds_keep_an_image_as_media_and_report_a_colour_dropped():
    report = convert({"events": [
        {"start_date": {"year": 2020}, "text": {"headline": "A"}, "background": {"url": "https://e.org/b.jpg"}},
        {"start_date": {"year": 2021}, "text": {"headline": "B"}, "background": {"color": "#F45B69"}}]}, {})
    assert report.events[0].record["media"] == [{"kind": "image", "src": "https://e.org/b.jpg", "alt": "A"}]
    assert "slide 1: its background image is kept as its media" in report.notes
    assert "slide 2: its background colour #F45B69, dropped" in report.notes


class _Images(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body, kind = {"/photo.jpg": (b"\xff\xd8\xff" + b"x" * 100, "image/jpeg"),
                      "/page.png": (b"<html>", "text/html"),
                      "/huge.png": (b"x" * 5000, "image/png")}.get(self.path.split("?")[0], (b"", ""))
        if not kind:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def images():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_remote_images_are_downloaded_checked_and_limited(images):
    fetch = functools.partial(fetch_image, allow_local=True)  # the test's server is on this machine
    assert fetch(f"{images}/photo.jpg")[1] == ".jpg"
    assert "not an image the site can process (text/html)" == fetch(f"{images}/page.png")
    assert "over the limit of 1,000 bytes" == fetch(f"{images}/huge.png", limit=1000)
    assert fetch(f"{images}/missing.jpg").startswith("not reachable")
    assert fetch("file:///etc/passwd").startswith("not reachable")


def test_a_timeline_cannot_make_the_import_fetch_from_this_machine(images):
    refused = fetch_image(f"{images}/photo.jpg")
    assert isinstance(refused, str) and "127.0.0.1 is an address of this machine or its network" in refused
    assert "is an address of this machine" in fetch_image(images.replace("127.0.0.1", "localhost") + "/photo.jpg")


def test_a_downloaded_image_gets_a_safe_unique_name_and_an_unreachable_one_keeps_its_url(images, tmp_path):
    slides = [{"start_date": {"year": 2020 + n}, "text": {"headline": f"S{n}"}, "media": {"url": url, "caption": "C"}}
              for n, url in enumerate([f"{images}/photo.jpg", f"{images}/photo.jpg?v=2", f"{images}/gone.jpg"])]
    report = convert({"events": slides}, {})
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "photo.jpg").write_bytes(b"the editor's")
    files = _download_images(report, tmp_path / "media", functools.partial(fetch_image, allow_local=True))
    assert sorted(p.name for p in files) == ["photo-2.jpg", "photo-3.jpg"]
    first = report.events[0].record["media"][0]
    assert first["src"] == "media/photo-2.jpg" and first["link"] == f"{images}/photo.jpg" and first["alt"] == "C"
    assert report.events[2].record["media"][0]["src"] == f"{images}/gone.jpg"
    assert any("kept as a linked figure" in note for note in report.notes)


def test_quoted_media_from_a_post_names_its_author():
    report = convert({"events": [{"start_date": {"year": 2020}, "text": {"headline": "P"},
                                  "media": {"url": "https://twitter.com/someone/status/1"}}]}, {})
    assert report.events[0].quoted == [Quoted("", "someone on X", "https://twitter.com/someone/status/1")]


@pytest.mark.parametrize("name", REAL)
def test_after_import_a_real_timeline_checks_and_lists_what_each_draft_needs(site, tmp_path, name):
    result = site.cli("import", "timelinejs", str(FIXTURES / name))
    assert result.returncode == 0, result.stderr
    check = site.cli("check", "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    needs = json.loads(check.stdout)["draft_needs"]
    assert len(needs) == len(read_timeline(FIXTURES / name)["events"]) and not any(d["ready"] for d in needs)


def test_deep_time_exports_and_imports_back_to_the_same_dates(site, tmp_path):
    site.event("big-bang", "title: Big Bang\ndate: 13.8 billion years ago\ndraft: true\nexcerpts: []\n")
    site.event("caesar", "title: Caesar\ndate: 0044-03-15 BCE\ndraft: true\nexcerpts: []\n")
    assert site.cli("build", "--drafts").returncode == 0
    data = json.loads((site.root / "build" / "timeline.json").read_text(encoding="utf-8"))
    years = {e["unique_id"]: e["start_date"]["year"] for e in data["events"] if e["unique_id"] != "2025-08-15-talks"}
    assert years == {"caesar": "-44", "big-bang": "-13800000000"}
    report = convert(data, {})
    assert {e.id: e.record["date"] for e in report.events if e.id in ("caesar", "big-bang")} == {
        "caesar": "0044-03-15 BCE", "big-bang": "13.8 billion years ago"}


def test_timeline_json_slide_text_does_not_repeat_the_date_timelinejs_shows(site):
    assert site.cli("build").returncode == 0
    slide = json.loads((site.root / "build" / "timeline.json").read_text(encoding="utf-8"))["events"][0]
    assert slide["start_date"] == {"year": "2025", "month": "8", "day": "15"}
    text = slide["text"]["text"]
    assert "August 15, 2025" not in text and text.startswith("<p>Anchorage</p>")


def test_timeline_json_carries_media_and_eras_in_timelinejs_form(site):
    site.write("site.yaml", site.root.joinpath("site.yaml").read_text(encoding="utf-8")
               + "eras:\n  - label: Talks\n    start: 2025-05\n    end: 2025-09\n")
    site.event("2025-08-15-talks", (site.root / "content/events/2025-08-15-talks.yaml").read_text(encoding="utf-8")
               + "media:\n  - kind: video\n    src: https://vimeo.com/20839673\n    caption: The talks\n")
    assert site.cli("build").returncode == 0
    data = json.loads((site.root / "build" / "timeline.json").read_text(encoding="utf-8"))
    assert data["eras"] == [{"start_date": {"year": "2025", "month": "5", "display_date": "May 2025"},
                             "end_date": {"year": "2025", "month": "9", "display_date": "September 2025"},
                             "text": {"headline": "Talks"}}]
    assert data["events"][0]["media"] == {"url": "https://vimeo.com/20839673", "caption": "The talks"}
    report = convert(data, {})
    assert report.eras == [{"label": "Talks", "start": "2025-05", "end": "2025-09"}]
    assert report.events[0].record["media"] == [{"kind": "video", "src": "https://vimeo.com/20839673",
                                                 "caption": "The talks"}]
