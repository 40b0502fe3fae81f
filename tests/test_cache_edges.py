"""What the caches between builds must see besides the content files (found by attacking the fast
paths): the build date an ongoing event runs to, and the images under content/media. After each
change a build with the caches gives what a build without them gives."""

from __future__ import annotations

import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from site_builder.build import Options, build
from site_builder.content.load import load_site
from tests.conftest import REPO
from site_builder.errors import ContentError
from site_builder.speed.forked_load import ForkedReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate_site import generate  # noqa: E402

DAY_1 = str(int(datetime(2026, 12, 1, tzinfo=UTC).timestamp()))
DAY_5 = str(int(datetime(2026, 12, 5, tzinfo=UTC).timestamp()))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def built(root: Path, out: str, cache: str, monkeypatch, jobs: int = 1) -> dict[str, bytes]:
    monkeypatch.setenv("SITE_BUILDER_CACHE", cache)
    build(Options(root=root, out=root / out, jobs=jobs))
    return tree(root / out)


def set_field(path: Path, field: str, value: str) -> None:
    text, count = re.subn(rf"(?m)^{field}: .*$", f"{field}: {value}", path.read_text(encoding="utf-8"))
    if not count:
        text += f"{field}: {value}\n"
    path.write_text(text, encoding="utf-8")


def loaded(root: Path):
    """The model a forked load gives (the load cache in use), compared by value."""
    site = load_site(root, reader=ForkedReader(2))
    return repr((site.config, site.events, site.sources))


def load_error(root: Path) -> str | None:
    try:
        loaded(root)
    except ContentError as error:
        return str(error)
    return None


def test_an_ongoing_events_page_says_the_date_of_this_build_not_of_the_last(tmp_path, monkeypatch):
    """The page store keeps "Ongoing, as of <build date>": When.as_of() reads the clock, not the site."""
    root = generate(tmp_path / "site", events=20, sources=2)
    event = root / "content/events/event-000001.yaml"
    set_field(event, "end", "present")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    built(root, "build", str(tmp_path / "cache"), monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_5)  # the next day's build, nothing edited
    cached = built(root, "build", str(tmp_path / "cache"), monkeypatch)
    plain = built(root, "plain", "off", monkeypatch)
    assert b"2026-12-05" in plain["events/event-000001/index.html"]
    assert cached == plain


@pytest.fixture
def big(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    return generate(tmp_path / "site", events=120, sources=6)


def uncached_error(root: Path, monkeypatch) -> str | None:
    with monkeypatch.context() as patch:
        patch.setenv("SITE_BUILDER_CACHE", "off")
        return load_error(root)


def test_the_clock_going_back_does_not_hide_an_ongoing_event_that_has_not_begun(big, monkeypatch):
    """The load cache keys a group by its files, not the build date check_begun compares with."""
    event = big / "content/events/event-000001.yaml"
    set_field(event, "date", "2026-12-03")
    set_field(event, "end", "present")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_5)
    assert load_error(big) is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)  # the clock went back: the event has not begun
    assert uncached_error(big, monkeypatch) is not None
    assert load_error(big) == uncached_error(big, monkeypatch)


def test_an_ongoing_event_that_has_begun_since_the_last_build_is_no_longer_an_error(big, monkeypatch):
    event = big / "content/events/event-000001.yaml"
    set_field(event, "date", "2026-12-03")
    set_field(event, "end", "present")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_1)
    assert load_error(big) is not None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_5)  # two days later the event has begun
    assert uncached_error(big, monkeypatch) is None
    assert load_error(big) is None


def with_image(root: Path, color: str, size: tuple[int, int]) -> Path:
    (root / "content/media").mkdir(exist_ok=True)
    Image.new("RGB", size, color).save(root / "content/media/pic.png")
    event = root / "content/events/event-000002.yaml"
    if "media:" not in event.read_text(encoding="utf-8"):
        with event.open("a", encoding="utf-8") as file:
            file.write("media:\n  - kind: image\n    src: media/pic.png\n    alt: A square\n")
    return root / "content/media/pic.png"


def test_a_deleted_image_is_an_error_with_the_load_cache_too(big, monkeypatch):
    """The load cache keys an event by its YAML bytes, not the media files it checks and reads."""
    image = with_image(big, "red", (640, 480))
    assert load_error(big) is None
    image.unlink()  # e.g. taken down: a plain build refuses to publish the event without it
    assert uncached_error(big, monkeypatch) is not None
    assert load_error(big) is not None


def test_a_replaced_image_is_read_again_with_the_load_cache(big, monkeypatch):
    with_image(big, "red", (640, 480))
    loaded(big)
    with_image(big, "blue", (300, 900))  # same name, another picture
    with monkeypatch.context() as patch:
        patch.setenv("SITE_BUILDER_CACHE", "off")
        plain = loaded(big)
    assert loaded(big) == plain


def test_a_deleted_image_is_not_published_by_a_large_sites_build(tmp_path, monkeypatch):
    """The whole build: the forked load's cache hit publishes the deleted picture's files."""
    root = generate(tmp_path / "site", events=500, sources=25)
    image = with_image(root, "red", (640, 480))
    built(root, "build", str(tmp_path / "cache"), monkeypatch, jobs=2)
    image.unlink()
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ContentError):
        build(Options(root=root, out=root / "build", jobs=2))


def test_a_checkout_without_the_image_does_not_publish_another_checkouts(tmp_path, monkeypatch):
    """Two copies of one site built from their own folders (event paths relative, `-C .`) share the
    user's cache: the load cache's hit hands the second the first one's picture, published."""
    first = generate(tmp_path / "one/site", events=500, sources=25)
    with_image(first, "red", (640, 480))
    second = tmp_path / "two/site"
    second.parent.mkdir()
    shutil.copytree(first, second)
    (second / "content/media/pic.png").unlink()  # this checkout has no picture
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(first)
    build(Options(root=Path("."), out=Path("build"), jobs=2))
    monkeypatch.chdir(second)
    with pytest.raises(ContentError):
        build(Options(root=Path("."), out=Path("build"), jobs=2))
    assert not (second / "build").exists()


def test_a_damaged_image_in_the_cache_is_not_published(tmp_path, monkeypatch):
    """render/media.py's cache of image variants has no checksum: a truncated file in it is
    published as the picture (and stays so), where every other cache treats damage as a miss."""
    root = generate(tmp_path / "site", events=20, sources=2)
    with_image(root, "red", (640, 480))
    cache = tmp_path / "cache"
    built(root, "build", str(cache), monkeypatch)
    variants = sorted((cache / "media").glob("*/*.png"))
    assert variants
    variants[0].write_bytes(variants[0].read_bytes()[:100])  # e.g. a cache restored in part
    cached = built(root, "build", str(cache), monkeypatch)
    assert cached == built(root, "plain", "off", monkeypatch)


def test_the_preview_shows_the_error_check_gives_once_an_image_is_deleted(tmp_path, monkeypatch):
    """serve's load steps read an event again only when its own file changed, not its media."""
    from site_builder.build import check
    from site_builder.preview.session import Session
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    root = generate(tmp_path / "site", events=20, sources=2)
    image = with_image(root, "red", (640, 480))
    session = Session(root)
    session.rebuild()
    image.unlink()
    with pytest.raises(ContentError):
        check(Options(root=root))
    with pytest.raises(ContentError):
        session.rebuild({image})


def test_only_groups_that_may_hold_an_ongoing_event_are_keyed_on_the_build_date(monkeypatch):
    from site_builder.speed.load_cache import group_key

    plain = [("content/events/a.yaml", b"title: A\ndate: 2025-06-02\nend: 2025-06-03\n")]
    ongoing = [("content/events/b.yaml", b"title: B\ndate: 2025-06-02\nend: Present\n")]
    escaped = [("content/events/c.yaml", b'title: C\ndate: 2025-06-02\nend: "pr\\x65sent"\n')]
    keys = {}
    for day in (DAY_1, DAY_5):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", day)
        keys[day] = [group_key(b"inputs", files) for files in (plain, ongoing, escaped)]
    assert keys[DAY_1][0] == keys[DAY_5][0]  # a daily deploy still finds it
    assert keys[DAY_1][1] != keys[DAY_5][1] and keys[DAY_1][2] != keys[DAY_5][2]


def test_an_empty_sites_home_is_not_kept_from_another_day(tmp_path, monkeypatch):
    """Its chart shows the weeks around the build date (render/chart.py): the store's scope holds the date."""
    root = tmp_path / "empty"
    (root / "content" / "events").mkdir(parents=True)
    (root / "content" / "sources").mkdir()
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text("utf-8"), "utf-8")
    homes = {}
    for cache, epoch in (("kept", "1262304000"), ("kept", "1264982400"), ("off", "1264982400")):
        monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / cache) if cache != "off" else "off")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)  # 2010-01-01, then 2010-02-01
        build(Options(root=root, out=tmp_path / f"out-{cache}-{epoch}"))
        homes[(cache, epoch)] = (tmp_path / f"out-{cache}-{epoch}" / "index.html").read_bytes()
    assert homes[("kept", "1264982400")] == homes[("off", "1264982400")] != homes[("kept", "1262304000")]
