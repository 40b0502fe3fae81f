"""Event media in the built site: responsive images without metadata, kept between builds, and
video facades that load nothing from the video's host before a click."""

from __future__ import annotations

import io
import re

from PIL import Image

from site_builder.build import Options, render
from site_builder.render import media as media_render
from tests.conftest import EVENT_YAML
from tests.test_media_content import jpeg

MEDIA = """\
media:
  - kind: image
    src: media/talks.jpg
    alt: Two men shake hands
    caption: On the *tarmac*
    credit: Wire Photo
  - kind: video
    src: https://youtu.be/dQw4w9WgXcQ
    caption: The press conference
    poster: media/small.png
  - kind: image
    src: https://example.org/remote.jpg
    alt: A remote photo
"""


def media_site(site, width=1600, height=900):
    site.write("content/media/talks.jpg", jpeg(width, height, exif=True))
    small = io.BytesIO()
    Image.new("RGBA", (320, 180), (0, 0, 0, 0)).save(small, "PNG")
    site.write("content/media/small.png", small.getvalue())
    site.event("2025-08-15-talks", EVENT_YAML + MEDIA)
    return render(Options(root=site.root))[1]


def event_html(files) -> str:
    return files["events/2025-08-15-talks/index.html"].decode()


def test_a_local_image_is_a_picture_in_three_widths_with_its_size_set(site):
    files = media_site(site)
    html = event_html(files)
    img = re.search(r"<img [^>]*alt=\"Two men shake hands\"[^>]*>", html).group()
    assert 'width="1440" height="810"' in img and 'fetchpriority="high"' in img
    assert 'decoding="async"' in img and "loading=" not in img  # above the fold
    ext = media_render.MODERN
    widths = sorted(int(m) for m in re.findall(rf"media/[0-9a-f]{{20}}-(\d+)\.{ext} ", html.split("</picture>")[0]))
    assert widths == [480, 960, 1440]
    for name in re.findall(r"/(media/[0-9a-f]{20}-\d+\.(?:avif|webp|jpg|png))", html):
        assert name in files, name
    with Image.open(io.BytesIO(files[re.search(r'src="/(media/[^"]+\.jpg)"', img).group(1)])) as out:
        assert out.size == (1440, 810)


def test_an_image_is_never_upscaled(site):
    files = media_site(site, 600, 400)
    img = re.search(r"<img [^>]*alt=\"Two men shake hands\"[^>]*>", event_html(files)).group()
    assert 'width="600" height="400"' in img
    assert "-1440." not in img and "-960." not in img


def test_no_output_carries_the_photos_exif(site):
    files = media_site(site)
    made = [name for name in files if name.startswith("media/")]
    assert len(made) == 8  # 3 widths x 2 formats of the photo, 1 x 2 of the poster
    for name in made:
        with Image.open(io.BytesIO(files[name])) as out:
            assert not out.getexif(), name
            assert b"SpyCam" not in files[name], name


def test_images_are_encoded_once_while_their_bytes_are_the_same(site, monkeypatch):
    first = media_site(site)
    calls = []
    encode = media_render.encode
    monkeypatch.setattr(media_render, "encode", lambda image: calls.append(image) or encode(image))
    second = render(Options(root=site.root))[1]
    assert calls == []
    assert {k: v for k, v in first.items() if k.startswith("media/")} == \
        {k: v for k, v in second.items() if k.startswith("media/")}
    site.write("content/media/talks.jpg", jpeg(1200, 900))
    third = render(Options(root=site.root))[1]
    assert len(calls) == 1
    assert set(third) - set(second)  # a changed image gets new names


def test_a_video_is_a_link_until_the_script_makes_it_a_player(site):
    files = media_site(site)
    html = event_html(files)
    assert "youtube-nocookie" not in html and "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert 'data-player="/videos/youtube-dQw4w9WgXcQ.html"' in html
    assert re.search(r'<script src="/assets/js/media\.[0-9a-f]+\.js" defer>', html)
    player = files["videos/youtube-dQw4w9WgXcQ.html"].decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in player


def test_a_remote_image_is_a_linked_figure_never_hot_linked(site):
    html = event_html(media_site(site))
    assert 'src="https://example.org/remote.jpg"' not in html
    assert '<a class="media-linked" href="https://example.org/remote.jpg"' in html
