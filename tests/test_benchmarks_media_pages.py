"""The site benchmarks/lighthouse/media_pages.py measures builds, in English and Arabic, and its
pages carry what they are there to measure: a photo of real size, and a video facade."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from site_builder.build import Options, build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "lighthouse"))
from media_pages import PAGES, media_site, photo  # noqa: E402


def test_the_generated_photo_is_as_heavy_as_a_camera_photo():
    data = photo(1)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (2400, 1600)
        small = image.resize((960, 640))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=82)
    assert len(data) > 400_000 and len(out.getvalue()) > 40_000  # a flat test image is a tenth of that


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_measured_pages_exist_with_their_media(tmp_path, language):
    build(Options(root=media_site(tmp_path / "source", language), out=tmp_path / "site"))
    pages = {name: (tmp_path / "site" / path / "index.html").read_text(encoding="utf-8")
             for name, lang, path in PAGES if lang == language}
    if language == "ar":
        assert 'dir="rtl"' in pages["photo-ar"] and "<picture>" in pages["photo-ar"]
    else:
        assert "<picture>" in pages["photo"] and 'fetchpriority="high"' in pages["photo"]
        assert 'class="video-facade"' in pages["video"] and "<picture>" in pages["video"]
        assert "<iframe" not in pages["video"]
