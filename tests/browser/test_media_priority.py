"""The first media of an event page is its likely largest paint on a phone (Lighthouse's LCP):
Chromium must ask for it at high priority from the start, whether it is a photo or the poster of
a video facade; later media wait until they are near the screen."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from site_builder.build import Options, build
from tests.conftest import EVENT_YAML, SITE_YAML, SOURCE_TEXT

pytestmark = pytest.mark.browser

PHOTO_FIRST = """\
media:
  - kind: image
    src: media/airfield.jpg
    alt: An airfield at dusk
  - kind: video
    src: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    poster: media/poster.jpg
"""
VIDEO_FIRST = """\
media:
  - kind: video
    src: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    caption: Remarks before the talks
    poster: media/poster.jpg
"""


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def priority_server(tmp_path_factory, serve_site):
    root = tmp_path_factory.mktemp("media-priority")
    (root / "content/events").mkdir(parents=True)
    (root / "content/sources").mkdir()
    (root / "content/media").mkdir()
    (root / "site.yaml").write_text(SITE_YAML)
    (root / "content/sources/wire.md").write_text(
        "---\ntitle: Wire report\npublisher: Wire\npublished: 2025-08-16\n---\n" + SOURCE_TEXT)
    (root / "content/media/airfield.jpg").write_bytes(jpeg((200, 150, 90)))
    (root / "content/media/poster.jpg").write_bytes(jpeg((40, 60, 120)))
    (root / "content/events/2025-08-15-photo.yaml").write_text(EVENT_YAML + PHOTO_FIRST)
    (root / "content/events/2025-08-15-video.yaml").write_text(EVENT_YAML + VIDEO_FIRST)
    build(Options(root=root, out=root / "build"))
    return serve_site(root / "build")


def image_priorities(page, url: str) -> list[str]:
    """The priority Chromium first gave each image the page asked for, in order."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    asked = []
    cdp.on("Network.requestWillBeSent",
           lambda e: asked.append(e["request"]["initialPriority"]) if e.get("type") == "Image" else None)
    page.goto(url, wait_until="load")
    return asked


def test_a_video_poster_that_comes_first_is_fetched_at_high_priority(phone_page, priority_server):
    assert image_priorities(phone_page, priority_server.url("events/2025-08-15-video/"))[:1] == ["High"]


def test_a_photo_that_comes_first_is_fetched_at_high_priority_and_the_poster_after_it_waits(
        phone_page, priority_server):
    page = phone_page
    priorities = image_priorities(page, priority_server.url("events/2025-08-15-photo/"))
    assert priorities[:1] == ["High"]
    poster = page.locator(".video-facade img")
    assert poster.get_attribute("loading") == "lazy" and poster.get_attribute("fetchpriority") is None
