"""Event media in Chromium: a responsive image, and a video facade that loads the privacy-enhanced
player only after a click (the player's host answered by routing: nothing leaves the machine),
with no CSP report and no axe violation; screenshots in test-artifacts/ for people to look at."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from site_builder.build import Options, build
from tests.conftest import EVENT_YAML, SITE_YAML, SOURCE_TEXT

pytestmark = pytest.mark.browser

PAGE = "events/2025-08-15-talks/"
MEDIA = """\
media:
  - kind: image
    src: media/talks.jpg
    alt: An orange field under a blue sky
    caption: The airfield before the talks.
    credit: Test Photo / Jane Doe
  - kind: video
    src: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    caption: The press conference
  - kind: link
    src: https://example.org/map
    caption: A map of the venue
"""


def photo() -> bytes:
    image = Image.new("RGB", (1600, 1000), (230, 140, 40))
    ImageDraw.Draw(image).rectangle((0, 0, 1600, 450), fill=(60, 110, 200))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def media_server(tmp_path_factory, serve_site):
    root = tmp_path_factory.mktemp("media-site")
    (root / "content/events").mkdir(parents=True)
    (root / "content/sources").mkdir()
    (root / "content/media").mkdir()
    (root / "site.yaml").write_text(SITE_YAML)
    (root / "content/sources/wire.md").write_text(
        "---\ntitle: Wire report\npublisher: Wire\npublished: 2025-08-16\n---\n" + SOURCE_TEXT)
    (root / "content/media/talks.jpg").write_bytes(photo())
    (root / "content/events/2025-08-15-talks.yaml").write_text(EVENT_YAML + MEDIA)
    build(Options(root=root, out=root / "build"))
    return serve_site(root / "build")


def test_the_image_is_responsive_sized_and_chosen_by_the_browser(new_page, media_server):
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(media_server.url(PAGE))
    img = page.locator("figure.media-image img")
    assert img.get_attribute("width") == "1440" and img.get_attribute("height") == "900"
    assert img.get_attribute("alt") == "An orange field under a blue sky"
    assert img.evaluate("i => i.complete && i.naturalWidth") > 0
    chosen = img.evaluate("i => i.currentSrc")
    assert chosen.endswith((".avif", ".webp")) and "-960." in chosen  # 390 CSS px at 2x


def test_the_first_image_loads_at_once_with_high_priority(new_page, media_server):
    page = new_page()
    page.goto(media_server.url(PAGE))
    assert page.locator("figure.media-image img").get_attribute("fetchpriority") == "high"
    assert page.locator("figure.media-image img").get_attribute("loading") is None


def test_the_video_loads_only_after_a_click(new_page, media_server):
    page = new_page()
    asked = []

    def player(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>player</title>")

    page.context.route("https://www.youtube-nocookie.com/**", player)
    page.goto(media_server.url(PAGE))
    button = page.get_by_role("button", name="Play video (from YouTube): The press conference")
    assert page.locator("iframe").count() == 0
    page.wait_for_timeout(300)
    assert asked == []
    button.click()
    page.locator("iframe.video-frame").wait_for()
    player_frame = page.frame_locator("iframe.video-frame").frame_locator("iframe")
    assert player_frame.locator("title").text_content() == "player"  # the routed answer, framed
    assert asked and asked[0].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")


def test_without_javascript_the_video_is_a_link(new_page, media_server):
    page = new_page(java_script_enabled=False)
    page.goto(media_server.url(PAGE))
    link = page.get_by_role("link", name="Play video (from YouTube): The press conference")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_media_page_has_no_axe_violation_and_is_screenshotted(new_page, media_server, axe, artifacts_dir,
                                                              scheme, width):
    page = new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.goto(media_server.url(PAGE))
    page.locator("figure.media-image img").evaluate("i => i.decode()")
    assert axe(page) == []
    page.screenshot(path=str(artifacts_dir / f"media-event-{width}-{scheme}.png"), full_page=True)
