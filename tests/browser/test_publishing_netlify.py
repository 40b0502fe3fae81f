"""Deploy like Netlify: run netlify.toml's build command in a fresh copy of the repository with a
fresh environment, serve the publish folder with the headers netlify.toml declares, use it in Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

NETLIFY = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))


def fresh_copy(dest):
    """The repository's files as a fresh clone has them: tracked and new files, nothing ignored or built."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def clean_environment(**extra) -> dict[str, str]:
    """What a build machine has: no virtualenv of ours on PATH, no Python variables of ours."""
    venv_bin = str(REPO / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST", "SITE_BUILDER", "PIP_REQUIRE"))}
    env.update(PATH=path, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, serve_site):
    checkout = tmp_path_factory.mktemp("checkout")
    fresh_copy(checkout)
    publish = checkout / NETLIFY["build"]["publish"]
    server = serve_site(publish)  # the address must be known before the build, as on Netlify
    url = server.url("")
    result = subprocess.run(["bash", "-c", NETLIFY["build"]["command"]], cwd=checkout,
                            env=clean_environment(URL=url, CONTEXT="production"),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, \
        f"the Netlify build command failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "built 15 events" in result.stdout
    return server, url


def test_the_netlify_build_publishes_a_working_site_at_its_address(page, deployed):
    server, url = deployed
    response = page.goto(url)
    assert response.status == 200
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert page.locator(".timeline .event-card").count() == 15
    assert page.locator('link[rel="canonical"]').get_attribute("href") == url
    feed_href = page.locator('link[type="application/atom+xml"]').get_attribute("href")
    assert feed_href == url + "feed.xml"


def test_the_deployed_feed_sitemap_and_exports_are_absolute_to_the_deploy(page, deployed):
    server, url = deployed
    for name in ("feed.xml", "sitemap.xml", "events.ics", "events.json", "events.csv", "timeline.json",
                 "robots.txt"):
        response = page.request.get(url + name)
        assert response.status == 200, name
    sitemap = ET.fromstring(page.request.get(url + "sitemap.xml").body())
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(url) for loc in locs)


def test_only_hashed_assets_are_served_immutable(page, deployed):
    server, url = deployed
    page.goto(url)
    stylesheet = page.locator('link[rel="stylesheet"]').first.get_attribute("href")
    assert "immutable" in page.request.get(server.origin + stylesheet).headers["cache-control"]
    assert "immutable" not in page.request.get(url).headers.get("cache-control", "")
    assert "immutable" not in page.request.get(url + "feed.xml").headers.get("cache-control", "")


def test_search_works_on_the_deploy_under_its_policy(page, deployed):
    server, url = deployed
    page.goto(url)
    page.fill("#site-search-q", "Tianjin")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-result")
    hrefs = page.locator(".search-result h2 a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(url) for h in hrefs)


def test_an_unknown_address_gets_the_404_page(page, deployed):
    server, url = deployed
    response = page.goto(url + "no/such/page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
