"""Lighthouse (mobile defaults, the system Chromium) on pages with media, issue 15's "Done when":
the curated home, an event page with a local photo, one with a YouTube facade, and the photo's
page again in an Arabic build of the same site.

    .venv/bin/python benchmarks/lighthouse/media_pages.py [--runs 1] [--repo PATH] [--keep DIR]
"""

# The site is a copy of this repository's site.yaml and content/ with media added to two events;
# the photo is generated (gradients, shapes and noise, so its encoded sizes are those of a real
# photo). Nothing leaves the machine: the facade asks YouTube for nothing before a click.

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
PHOTO_EVENT = "2025-08-15-anchorage-summit"
VIDEO_EVENT = "2025-08-white-house-talks"
PHOTO_MEDIA = """
media:
  - kind: image
    src: media/anchorage.jpg
    alt: Two motorcades on an airfield under a pale evening sky
    caption: The airfield at Joint Base Elmendorf-Richardson before the talks.
    credit: Generated test photo
"""
VIDEO_MEDIA = """
media:
  - kind: video
    src: https://www.youtube.com/watch?v=dQw4w9WgXcQ
    caption: Remarks before the talks
    poster: media/remarks.jpg
"""
# (page name, language of the build, path); the Arabic page is there for accessibility and best
# practices (its SEO and performance are those of the English page).
PAGES = [("home", "en", ""), ("photo", "en", f"events/{PHOTO_EVENT}/"),
         ("video", "en", f"events/{VIDEO_EVENT}/"), ("photo-ar", "ar", f"events/{PHOTO_EVENT}/")]


def photo(seed: int, width: int = 2400, height: int = 1600) -> bytes:
    """A photo-like JPEG: sky and ground in gradients, clutter, blotchy texture and grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (sky.point(lambda v: 120 + v // 3), sky.point(lambda v: 150 + v // 4),
                                sky.point(lambda v: 215 - v // 5)))
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    for y in range(horizon, height):
        shade = 70 + (y - horizon) * 60 // (height - horizon)
        draw.line([(0, y), (width, y)], fill=(shade, shade - 10, shade - 25))
    for _ in range(2500):  # grass, gravel, people: detail at many scales, as a camera sees it
        x, y = rng.randrange(width), rng.randrange(horizon - 200, height)
        size, tone = rng.randrange(3, 12 + (y - horizon + 200) // 25), rng.randrange(30, 190)
        draw.ellipse((x, y, x + size, y + size * rng.randrange(1, 4)),
                     fill=(tone, tone * 9 // 10 + rng.randrange(20), tone * 7 // 10 + rng.randrange(30)))
    for n in range(14):
        x = 120 + n * width // 15
        draw.rectangle((x, horizon - 40 - (n % 4) * 18, x + 110, horizon + 25), fill=(25 + n * 9, 30, 40))
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    texture = Image.effect_noise((width // 16, height // 16), 60).resize((width, height), Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", (texture,) * 3), 0.15)
    grain = Image.effect_noise((width, height), 40)
    image = Image.blend(image, Image.merge("RGB", (grain,) * 3), 0.10)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def media_site(folder: Path, language: str) -> Path:
    """A copy of the curated site, in `language`, with a photo on one event and a video on another."""
    folder.mkdir(parents=True)
    shutil.copytree(HERE / "content", folder / "content")
    site = (HERE / "site.yaml").read_text(encoding="utf-8")
    (folder / "site.yaml").write_text(site.replace("language: en", f"language: {language}"), encoding="utf-8")
    (folder / "content" / "media").mkdir()
    (folder / "content" / "media" / "anchorage.jpg").write_bytes(photo(1))
    (folder / "content" / "media" / "remarks.jpg").write_bytes(photo(2))
    for event, media in ((PHOTO_EVENT, PHOTO_MEDIA), (VIDEO_EVENT, VIDEO_MEDIA)):
        path = folder / "content" / "events" / f"{event}.yaml"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + media, encoding="utf-8")
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout whose site_builder builds")
    parser.add_argument("--pages", default=",".join(name for name, _, _ in PAGES))
    parser.add_argument("--keep", type=Path, help="also copy the Lighthouse JSON reports here")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(args.repo.resolve()), str(HERE / "benchmarks"), str(HERE / "tests" / "browser")]
    from site_builder.build import Options, build  # first: home_budget puts this checkout first on the path
    from home_budget import ensure_lighthouse, keep_reports, median_run, run_line
    from netlify_server import NetlifyLikeServer

    cli = ensure_lighthouse()
    wanted = args.pages.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        reports = Path(tmp) / "reports"
        reports.mkdir()
        for language in dict.fromkeys(lang for name, lang, _ in PAGES if name in wanted):
            source = media_site(Path(tmp) / f"source-{language}", language)
            root = Path(tmp) / f"site-{language}"
            root.mkdir()
            with NetlifyLikeServer(root, HERE / "netlify.toml") as server:
                build(Options(root=source, out=root, base_url=server.url("")))
                for name, lang, path in PAGES:
                    if lang == language and name in wanted:
                        run = median_run(cli, server.url(path), args.runs, reports, name)
                        print(run_line(name, run), flush=True)
        keep_reports(reports, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
