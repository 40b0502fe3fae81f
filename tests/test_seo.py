"""Discoverability: titles, descriptions, canonical and social tags, JSON-LD, sitemap and robots."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

from site_builder.build import Options, render

SITE = "https://ukraine-diplomacy-2025.netlify.app/"


class Head(HTMLParser):
    """The metadata a crawler or a link preview reads from a page."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "ld"
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "ld":
            self.json_ld[-1] += data

    def link(self, rel: str) -> str | None:
        return next((link["href"] for link in self.links if link.get("rel") == rel), None)


@pytest.fixture(scope="module")
def built():
    from tests.conftest import REPO
    return render(Options(root=REPO))[1]


def page(files, path: str) -> Head:
    return Head(files[path].decode("utf-8"))


def html_pages(files):
    return [p for p in files if p.endswith(".html") and not p.startswith(("embed/", "search/"))]


def test_every_page_has_a_title_description_canonical_and_social_cards(built):
    for path in html_pages(built):
        head = page(built, path)
        assert head.title.strip(), path
        assert len(head.meta["description"]) >= 20, path
        canonical = head.link("canonical")
        assert canonical.startswith(SITE), path
        assert head.meta["og:url"] == canonical
        assert head.meta["og:title"] and head.meta["og:description"] and head.meta["og:site_name"]
        assert head.meta["twitter:card"] == "summary"
        assert len(head.json_ld) == 1, path
        json.loads(head.json_ld[0])


def test_event_page_describes_an_event_with_date_place_and_news_article_citations(built):
    head = page(built, "events/2025-08-15-anchorage-summit/index.html")
    assert head.title == "Putin and Trump hold summit talks in Anchorage, Alaska · Ukraine war diplomacy, 2025"
    assert head.link("canonical") == SITE + "events/2025-08-15-anchorage-summit/"
    assert head.meta["og:type"] == "article"
    data = json.loads(head.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["startDate"] == "2025-08-15"
    assert data["location"] == {"@type": "Place", "name": "Anchorage, Alaska, United States",
                                "address": "Anchorage, Alaska, United States"}
    citations = {c["publisher"]["name"]: c for c in data["citation"]}
    assert set(citations) == {"TASS", "The Moscow Times"}
    assert all(c["@type"] == "NewsArticle" for c in citations.values())
    assert citations["The Moscow Times"]["url"].startswith("https://www.themoscowtimes.com/")
    assert citations["TASS"]["datePublished"] == "2025-08-16"


def test_a_month_precise_event_keeps_its_precision_in_json_ld(built):
    data = json.loads(page(built, "events/2025-06-istanbul-direct-talks/index.html").json_ld[0])
    assert data["startDate"] == "2025-06"


def test_home_and_source_pages_carry_website_and_news_article_data(built):
    home = json.loads(page(built, "index.html").json_ld[0])
    assert home["@type"] == "WebSite" and home["url"] == SITE
    assert home["potentialAction"]["target"]["urlTemplate"] == SITE + "search/?q={search_term_string}"
    source = json.loads(page(built, "sources/tass-2025-08-16-putin-alaska-takeaways/index.html").json_ld[0])
    assert source["@type"] == "NewsArticle" and source["publisher"]["name"] == "TASS"


def test_content_cannot_close_the_json_ld_script(site):
    site.event("2025-08-15-talks", """\
title: "</script><script>alert('x')</script>"
date: 2025-08-15
place: "<!-- & -->"
lane: main
summary: Anything.
excerpts:
  - source: wire
    quote: The talks took place in a trustful and constructive atmosphere.
""")
    html = render(Options(root=site.root))[1]["events/2025-08-15-talks/index.html"].decode()
    script = html[html.index('<script type="application/ld+json">'):]
    script = script[:script.index("</script>") + len("</script>")]
    assert "alert" in script and "<script>alert" not in html
    assert json.loads(Head(html).json_ld[0])["name"] == "</script><script>alert('x')</script>"
    assert json.loads(Head(html).json_ld[0])["location"]["name"] == "<!-- & -->"


def test_sitemap_lists_every_event_and_source_page_by_absolute_url(built):
    root = ET.fromstring(built["sitemap.xml"])
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text for loc in root.iter(f"{ns}loc")]
    assert SITE in locs and SITE + "sources/" in locs
    assert SITE + "events/2025-08-15-anchorage-summit/" in locs
    assert SITE + "sources/moscow-times-2025-09-01-putin-sco-alaska/" in locs
    assert len(locs) == 1 + 1 + 15 + 2 == len(set(locs))
    assert not any("404" in u or "/embed/" in u or "/search/" in u for u in locs)


def test_robots_txt_points_crawlers_at_the_sitemap(built):
    robots = built["robots.txt"].decode()
    assert "User-agent: *" in robots
    assert f"Sitemap: {SITE}sitemap.xml" in robots.splitlines()


def test_under_a_sub_path_feeds_sitemap_and_canonical_are_absolute_there(real_site):
    base = "https://deploy-preview-7--example.netlify.app/timeline/"
    files = render(Options(root=real_site.root, base_url=base))[1]
    head = page(files, "events/2025-08-15-anchorage-summit/index.html")
    assert head.link("canonical") == base + "events/2025-08-15-anchorage-summit/"
    assert head.meta["og:url"] == head.link("canonical")
    feed_links = [link["href"] for link in head.links if link.get("type") == "application/atom+xml"]
    assert feed_links == [base + "feed.xml"]
    assert f"Sitemap: {base}sitemap.xml" in files["robots.txt"].decode()
    assert (base + "events/2025-08-15-anchorage-summit/").encode() in files["sitemap.xml"]
    assert (b'<link rel="self" type="application/atom+xml" href="' + base.encode() + b'feed.xml"') in files["feed.xml"]
    assert json.loads(files["events.json"])["events"][0]["url"].startswith(base + "events/")
