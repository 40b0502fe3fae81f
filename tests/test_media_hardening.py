"""Media against hostile or unusual files and addresses (attack15's findings): every failure a
located error, images kept upright and in their tones, video ids and link hosts as they read."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from site_builder.build import Options, render
from site_builder.content.media import video_player
from site_builder.model import LocalImage
from site_builder.render import media
from site_builder.render.media import encode
from site_builder.errors import ContentError, Location
from tests.conftest import EVENT_YAML

LOCATED = re.compile(r"^content/events/[^:]+\.yaml:\d+:\d+: error: ", re.M)


def saved(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def with_image(site, name: str, data: bytes):
    site.write(f"content/media/{name}", data)
    site.event("2025-08-15-talks", EVENT_YAML + f"media:\n  - kind: image\n    src: media/{name}\n    alt: A picture\n")


def made(site, size: int = 480) -> Image.Image:
    """The fallback (JPEG or PNG) file of `size` px the build made of the event's one image."""
    files = render(Options(root=site.root))[1]
    name = next(n for n in files if re.fullmatch(rf"media/\w+-{size}\.(png|jpg)", n))
    return Image.open(io.BytesIO(files[name]))


def test_a_very_tall_image_is_a_located_error(site):
    with_image(site, "tall.png", saved(Image.new("RGB", (1, 100_000))))
    result = site.cli("build")
    assert "internal error" not in result.stderr, result.stderr
    assert result.returncode != 0 and LOCATED.search(result.stderr), result.stderr
    assert "16,383 px" in result.stderr


def test_an_image_that_cannot_be_encoded_is_an_error_at_its_media_entry(tmp_path):
    path = tmp_path / "gone.png"
    where = Location("content/events/a.yaml", 7, 10)
    with pytest.raises(ContentError) as caught:
        encode(LocalImage(str(path), "d" * 20, 100, 100, where=where))
    (error,) = caught.value.diagnostics
    assert (error.path, error.line, error.column) == ("content/events/a.yaml", 7, 10)
    assert "'gone.png' could not be made for the web" in error.message


def test_an_encode_error_in_the_build_names_the_media_entry(site, monkeypatch):
    with_image(site, "fine.png", saved(Image.new("RGB", (60, 40))))
    monkeypatch.setattr(media, "_encoded_files", lambda image: Image.new("RGB", (1, 100_000)).save(
        io.BytesIO(), "AVIF"))
    monkeypatch.setattr(media, "cache_root", lambda: None)
    with pytest.raises(ContentError) as caught:
        render(Options(root=site.root))
    (error,) = caught.value.diagnostics
    assert error.path.endswith("content/events/2025-08-15-talks.yaml") and error.line > 1, error
    assert "'fine.png' could not be made for the web" in error.message


def test_a_truncated_jpeg_is_a_located_error(site):
    whole = saved(Image.new("RGB", (800, 600), (200, 100, 50)), "JPEG", quality=95)
    with_image(site, "cut.jpg", whole[: len(whole) // 3])
    result = site.cli("check")
    assert result.returncode != 0
    assert LOCATED.search(result.stderr) and "cannot be read in full" in result.stderr, result.stderr


def test_an_exif_rotated_photo_is_not_upscaled_and_its_img_size_matches(site):
    exif = Image.Exif()
    exif[0x0112] = 6  # turn a quarter clockwise: 1200x600 stored, 600x1200 upright
    with_image(site, "rot.jpg", saved(Image.new("RGB", (1200, 600), (10, 200, 10)), "JPEG", exif=exif))
    files = render(Options(root=site.root))[1]
    img = re.search(r"<img [^>]*>", files["events/2025-08-15-talks/index.html"].decode()).group()
    src = re.search(r'src="/([^"]+)"', img).group(1)
    with Image.open(io.BytesIO(files[src])) as image:
        assert image.size == (600, 1200)
        assert 'width="600" height="1200"' in img, img


def test_a_16_bit_png_keeps_its_tones(site):
    image = Image.new("I;16", (600, 40))
    image.putdata([x * 65535 // 599 for _ in range(40) for x in range(600)])
    with_image(site, "deep.png", saved(image))
    with made(site) as out:
        grey = out.convert("L")
        assert grey.getpixel((0, 20)) < 10 and grey.getpixel((479, 20)) > 245
        assert 100 < grey.getpixel((240, 20)) < 160  # the middle stays mid-grey


def test_a_cmyk_jpeg_keeps_its_colour(site):
    with_image(site, "print.jpg", saved(Image.new("RGB", (600, 400), (200, 40, 40)).convert("CMYK"), "JPEG"))
    with made(site) as out:
        red, green, blue = out.convert("RGB").getpixel((100, 100))
        assert red > 170 and green < 80 and blue < 80, (red, green, blue)


def test_a_palette_png_keeps_its_transparency(site):
    image = Image.new("P", (600, 400), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (300, 0, 600, 400))
    image.info["transparency"] = 0  # the red half is transparent
    with_image(site, "flag.png", saved(image, transparency=0))
    with made(site) as out:
        rgba = out.convert("RGBA")
        assert rgba.getpixel((50, 100))[3] == 0
        assert rgba.getpixel((400, 100)) == (0, 0, 255, 255)


def test_a_grey_png_with_alpha_keeps_grey_and_alpha(site):
    image = Image.new("LA", (600, 400), (90, 255))
    image.paste((90, 0), (0, 0, 300, 400))
    with_image(site, "shade.png", saved(image))
    with made(site) as out:
        rgba = out.convert("RGBA")
        assert rgba.getpixel((50, 100))[3] == 0
        assert rgba.getpixel((400, 100)) == (90, 90, 90, 255)


def test_a_transparent_webp_is_white_where_clear_in_its_jpeg(site):
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    with_image(site, "clear.webp", saved(image, "WEBP", lossless=True))
    with made(site) as out:
        assert out.format == "JPEG" and min(out.convert("RGB").getpixel((100, 100))) > 245


@pytest.mark.parametrize("url", ["https://vimeo.com/²³", "https://vimeo.com/١٢٣٤", "https://vimeo.com/evil/path/123456",
                                 "https://player.vimeo.com/video/١٢٣", "https://youtu.be/dQw4w9WgXc٣",
                                 "https://www.youtube.com/watch?v=dQw4w9WgXcＱ"])
def test_video_ids_are_ascii_and_of_a_video_address(url):
    assert video_player(url) is None


@pytest.mark.parametrize("url, player", [("https://vimeo.com/123456", "vimeo-123456"),
                                         ("https://vimeo.com/channels/staffpicks/123456", "vimeo-123456"),
                                         ("https://vimeo.com/groups/shortfilms/videos/42", "vimeo-42"),
                                         ("https://player.vimeo.com/video/42", "vimeo-42")])
def test_vimeo_addresses_of_a_video_still_play(url, player):
    assert video_player(url) == player


def test_a_link_figure_names_a_look_alike_host_in_punycode(site):
    site.event("2025-08-15-talks", EVENT_YAML + "media:\n  - kind: link\n    src: https://\u0430pple.com/x\n")
    html = render(Options(root=site.root))[1]["events/2025-08-15-talks/index.html"].decode()
    assert ">\u0430pple.com" not in html
    assert ">xn--pple-43d.com <" in html


def test_a_link_figure_names_the_host_not_what_comes_before_an_at(site):
    site.event("2025-08-15-talks", EVENT_YAML + "media:\n  - kind: link\n    src: https://apple.com@evil.example/x\n")
    html = render(Options(root=site.root))[1]["events/2025-08-15-talks/index.html"].decode()
    assert ">evil.example <" in html and ">apple.com" not in html


def test_a_media_folder_that_links_elsewhere_is_refused(site, tmp_path):
    elsewhere = tmp_path / "private"
    elsewhere.mkdir()
    (elsewhere / "a.png").write_bytes(saved(Image.new("RGB", (50, 50))))
    (site.root / "content").mkdir(exist_ok=True)
    (site.root / "content/media").symlink_to(elsewhere)
    site.event("2025-08-15-talks", EVENT_YAML + "media:\n  - kind: image\n    src: media/a.png\n    alt: A\n")
    result = site.cli("check")
    assert result.returncode != 0
    assert LOCATED.search(result.stderr) and "content/media/ is a link to a folder elsewhere" in result.stderr
