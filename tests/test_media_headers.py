"""The real netlify.toml on a site with a video: only the video's player page may frame YouTube
or Vimeo, under both ways Netlify may merge its header blocks; the scaffold's file agrees."""

from __future__ import annotations

import re

import pytest

from site_builder.build import Options, render
from tests.conftest import EVENT_YAML, REPO
from tests.test_netlify import page_paths, policies

HOSTS = {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}


def frame_sources(policy: dict[str, list[str]]) -> set[str]:
    """Where a page may load frames from under one policy (frame-src, else child-src, else default-src)."""
    return set(policy.get("frame-src", policy.get("child-src", policy.get("default-src", []))))


def may_frame(path: str, merge: str, host: str) -> bool:
    """A browser enforces every policy it receives: each must allow the frame."""
    received = policies(path, merge)
    return bool(received) and all(host in frame_sources(p) or "*" in frame_sources(p) for p in received)


@pytest.fixture(scope="module")
def video_site_paths(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("video")
    (root / "content/events").mkdir(parents=True)
    (root / "content/sources").mkdir()
    (root / "site.yaml").write_text((REPO / "tests/conftest.py").read_text().split('SITE_YAML = """\\\n')[1]
                                    .split('"""')[0])
    (root / "content/sources/wire.md").write_text(
        "---\ntitle: Wire\npublisher: Wire\npublished: 2025-08-16\n---\n"
        "ANCHORAGE, August 16. The talks took place in a trustful and constructive atmosphere.\n")
    (root / "content/events/talks.yaml").write_text(
        EVENT_YAML + "media:\n  - kind: video\n    src: https://vimeo.com/76979871\n")
    files = render(Options(root=root))[1]
    assert "videos/vimeo-76979871.html" in files
    return page_paths(files)


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_only_a_video_player_page_may_frame_the_video_hosts(video_site_paths, merge):
    for path in video_site_paths:
        for host in HOSTS:
            assert may_frame(path, merge, host) == path.startswith("/videos/"), (path, host)


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_an_event_page_may_frame_its_sites_player_page(merge):
    assert may_frame("/events/talks/", merge, "'self'")


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_a_player_page_may_be_framed_by_the_site_only(merge):
    received = policies("/videos/vimeo-76979871.html", merge)
    assert any(p.get("frame-ancestors") == ["'self'"] for p in received)
    assert not any("*" in p.get("frame-ancestors", []) for p in received)


def test_the_scaffold_sets_the_same_headers():
    def blocks(path):
        return re.findall(r"^\[\[headers\]\]\n.*?(?=^\[\[|^#|\Z)", path.read_text(), re.S | re.M)
    scaffold = [b for b in blocks(REPO / "site_builder/scaffolds/netlify.toml") if "/admin/" not in b]
    ours = [b for b in blocks(REPO / "netlify.toml") if "/admin/" not in b]
    assert len(ours) > 5 and scaffold == ours
