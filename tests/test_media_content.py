"""The `media` field of events: what is accepted, and every mistake a located error."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from site_builder.content.load import load_site
from site_builder.errors import ContentError
from tests.conftest import EVENT_YAML


def jpeg(width: int = 1600, height: int = 900, exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 120, 40))
    if exif:
        data = Image.Exif()
        data[0x8825] = {2: (55.0, 45.0, 0.0), 1: "N"}  # GPSInfo: where the photo was taken
        data[0x010F] = "SpyCam"  # Make
        image.save(out, "JPEG", exif=data)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def with_media(site, media: str):
    site.event("2025-08-15-talks", EVENT_YAML + "media:\n" + media)


def errors(site) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(site.root)
    return [d.format() for d in caught.value.diagnostics]


def test_a_local_image_a_video_and_a_link_load_into_the_model(site):
    site.write("content/media/talks.jpg", jpeg())
    with_media(site, """\
  - kind: image
    src: media/talks.jpg
    alt: Two men shake hands
    caption: On the *tarmac*
    credit: Wire Photo
  - kind: video
    src: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    caption: The press conference
  - kind: link
    src: https://example.org/map
    caption: A map
""")
    image, video, link = load_site(site.root).events[0].media
    assert (image.image.width, image.image.height, image.alt) == (1600, 900, "Two men shake hands")
    assert len(image.image.digest) == 20
    assert video.player == "youtube-dQw4w9WgXcQ" and video.poster is None
    assert link.kind == "link" and link.image is None


@pytest.mark.parametrize("url, player", [
    ("https://youtu.be/dQw4w9WgXcQ", "youtube-dQw4w9WgXcQ"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube-dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "vimeo-76979871"),
    ("https://player.vimeo.com/video/76979871", "vimeo-76979871"),
])
def test_youtube_and_vimeo_addresses_name_their_player(site, url, player):
    with_media(site, f"  - kind: video\n    src: {url}\n")
    assert load_site(site.root).events[0].media[0].player == player


def test_an_image_without_alt_is_a_located_error(site):
    site.write("content/media/talks.jpg", jpeg())
    with_media(site, "  - kind: image\n    src: media/talks.jpg\n")
    (error,) = errors(site)
    assert "2025-08-15-talks.yaml:11:5: error: an image needs `alt`" in error


def test_an_unknown_kind_names_the_closest(site):
    with_media(site, "  - kind: imgae\n    src: https://example.org/a.jpg\n    alt: A\n")
    (error,) = errors(site)
    assert ":11:11: error: unknown media kind 'imgae'" in error and "did you mean 'image'?" in error


def test_a_missing_local_file_hints_the_close_name(site):
    site.write("content/media/handshake.jpg", jpeg())
    with_media(site, "  - kind: image\n    src: media/handshak.jpg\n    alt: A\n")
    (error,) = errors(site)
    assert ":12:10: error: no file 'media/handshak.jpg' in content/" in error
    assert "did you mean 'media/handshake.jpg'?" in error


@pytest.mark.parametrize("src", ["media/../site.yaml", "/etc/passwd", "../media/a.jpg", "sources/wire.md"])
def test_a_src_outside_content_media_is_refused(site, src):
    with_media(site, f"  - kind: image\n    src: {src}\n    alt: A\n")
    (error,) = errors(site)
    assert f"'{src}' is not a file under content/media/" in error


def test_a_link_out_of_content_media_is_refused(site, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(jpeg())
    (site.root / "content/media").mkdir(parents=True)
    (site.root / "content/media/a.jpg").symlink_to(outside)
    with_media(site, "  - kind: image\n    src: media/a.jpg\n    alt: A\n")
    (error,) = errors(site)
    assert "links to a place outside content/media/" in error


@pytest.mark.parametrize("src", ["javascript:alert(1)", "ftp://example.org/a.mp4", "data:text/html,x"])
def test_only_http_addresses_are_published(site, src):
    with_media(site, f"  - kind: link\n    src: \"{src}\"\n")
    (error,) = errors(site)
    assert "is not an http(s) address" in error


def test_a_video_that_is_not_youtube_or_vimeo_suggests_a_link(site):
    with_media(site, "  - kind: video\n    src: https://example.org/clip.mp4\n")
    (error,) = errors(site)
    assert ":12:10: error: 'https://example.org/clip.mp4' is not a YouTube or Vimeo video address" in error
    assert "kind: link" in error


def test_a_file_that_is_not_an_image_is_refused(site):
    site.write("content/media/notes.jpg", b"%PDF-1.4 not an image")
    with_media(site, "  - kind: image\n    src: media/notes.jpg\n    alt: A\n")
    (error,) = errors(site)
    assert "'media/notes.jpg' is not an image this tool can read" in error


def test_a_decompression_bomb_is_refused(site, monkeypatch):
    site.write("content/media/bomb.png", jpeg(400, 300))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # 400 x 300 is past it
    with_media(site, "  - kind: image\n    src: media/bomb.png\n    alt: A\n")
    (error,) = errors(site)
    assert ":12:10: error: 'media/bomb.png' has too many pixels" in error
