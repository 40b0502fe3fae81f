"""Building the real content/: the curated events, every link and anchor, and safe output."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.build import Options, build
from site_builder.content.load import load_site


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[dict] = []
        self.style_attrs = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name])
        if tag == "script":
            self.scripts.append(a)
        if "style" in a:
            self.style_attrs += 1


def parse(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "build"
    result = build(Options(root=Path(__file__).resolve().parent.parent, out=out))
    assert result.written > 0
    return out


def test_the_four_named_events_are_built_with_verified_excerpts(built):
    site = load_site(Path(__file__).resolve().parent.parent)
    by_id = site.events_by_id
    expected = {
        "2025-06-istanbul-direct-talks": ("June 2025", "Istanbul in June"),
        "2025-08-15-anchorage-summit": ("August 15, 2025", "closed-door talks in Alaska"),
        "2025-08-white-house-talks": ("After Aug. 15, 2025", "multilateral talks at the White House"),
        "2025-09-01-putin-sco-remarks-tianjin": ("September 1, 2025", "opening the path toward peace in Ukraine"),
    }
    for event_id, (shown_date, words) in expected.items():
        event = by_id[event_id]
        assert event.when.format() == shown_date
        assert any(words in " ".join(x.selector.quoted) for x in event.excerpts)
        page = (built / "events" / event_id / "index.html").read_text()
        assert event.title.replace("'", "&#39;") in page
        assert shown_date in page
    home = (built / "index.html").read_text()
    positions = [home.index(f'id="{event_id}"') for event_id in expected]
    assert positions == sorted(positions), "home lists the events in chronological order"


def test_every_event_has_an_excerpt_and_every_source_page_anchors_its_citations(built):
    site = load_site(Path(__file__).resolve().parent.parent)
    assert all(event.excerpts for event in site.events)
    for source in site.sources:
        ids = parse(built / "sources" / source.id / "index.html").ids
        for excerpt in site.excerpts_by_source[source.id]:
            assert excerpt.anchor in ids


def test_every_internal_link_and_anchor_resolves(built):
    pages = {p: parse(p) for p in built.rglob("*.html")}
    checked = 0
    for page, parsed in pages.items():
        for link in parsed.links:
            url = urlsplit(link)
            if url.scheme or url.netloc:
                assert url.scheme in ("http", "https"), link
                continue
            if not url.path and url.fragment:  # same-page anchor
                target_page = page
            else:
                assert url.path.startswith("/"), f"{page}: {link}"
                target = built / unquote(url.path).lstrip("/")
                target_page = target / "index.html" if url.path.endswith("/") else target
                assert target_page.is_file(), f"{page.relative_to(built)} links to missing {link}"
            if url.fragment and target_page.suffix == ".html":
                assert url.fragment in pages[target_page].ids, f"{page}: anchor {link} not found"
            checked += 1
    assert checked > 100


def test_excerpts_link_to_their_passage_and_to_the_original_with_a_text_fragment(built):
    page = (built / "events/2025-09-01-putin-sco-remarks-tianjin/index.html").read_text()
    assert ('href="/sources/moscow-times-2025-09-01-putin-sco-alaska/'
            '#excerpt-2025-09-01-putin-sco-remarks-tianjin-4"') in page
    fragments = re.findall(r'href="https://www\.themoscowtimes\.com/[^"#]+(#:~:text=[^"]+)"', page)
    assert [unquote(f) for f in fragments] == [
        "#:~:text=President Vladimir Putin said,toward peace in Ukraine.",  # visible words, not [said](#)
        "#:~:text=“We highly value the,(SCO) in Tianjin, China.",
        "#:~:text=“I would also note,in Ukraine,” he added.",
        "#:~:text=Putin said that “work,have been made public.",
    ]
    source = (built / "sources/tass-2025-08-16-putin-alaska-takeaways/index.html").read_text()
    assert "<mark>Putin suggested their next meeting be held in Moscow" in source


def test_output_has_no_inline_scripts_or_style_attributes(built):
    for page in built.rglob("*.html"):
        parsed = parse(page)
        assert parsed.style_attrs == 0, page
        for script in parsed.scripts:
            assert script.get("src") or script.get("type") in ("application/json", "application/ld+json"), page


def test_the_same_input_gives_byte_identical_output(built, tmp_path):
    again = tmp_path / "again"
    build(Options(root=Path(__file__).resolve().parent.parent, out=again))
    assert tree_digest(again) == tree_digest(built)


def test_a_build_with_nothing_changed_builds_again_the_same_bytes_and_force_is_still_accepted(site):
    # --force once skipped a check that nothing had changed; it stays accepted for existing scripts.
    outputs = []
    for args in ([], [], ["--force"]):
        result = site.cli("build", *args)
        assert result.returncode == 0 and result.stdout.startswith("built 1 event,"), result.stdout + result.stderr
        outputs.append(tree_digest(site.root / "build"))
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_failed_build_leaves_the_previous_build_byte_identical(real_site):
    assert real_site.cli("build").returncode == 0
    before = tree_digest(real_site.root / "build")
    event = real_site.root / "content/events/2025-08-15-anchorage-summit.yaml"
    event.write_text(event.read_text().replace("closed-door talks", "closed door talks in secret"))
    result = real_site.cli("build")
    assert result.returncode == 1
    assert "2025-08-15-anchorage-summit.yaml:" in result.stderr and "the quote is not in source" in result.stderr
    assert "previous output was left as it was" in result.stderr
    assert tree_digest(real_site.root / "build") == before
    assert sorted(p.name for p in real_site.root.iterdir() if p.name.startswith(".")) == []


def test_build_summary_line_counts_what_was_done(site):
    result = site.cli("build")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"built 1 event, 1 source, 1 excerpt verified, \d+ pages \(0 from the cache; \d+ files\) "
                        r"written to \S+ in \d+\.\d+ s\n", result.stdout)


def test_content_is_escaped_and_markdown_has_no_raw_html_or_unsafe_links(site):
    site.event("2025-08-15-talks", """\
title: "<script>alert('t')</script> Talks"
date: 2025-08-15
place: "<img src=x onerror=alert(1)>"
summary: |
  <b>bold?</b> [click](javascript:alert(1)) [ok](https://example.org/) ![i](https://example.org/i.png)
excerpts:
  - source: wire
    quote: The talks took place
    note: "</script><script>alert(2)</script>"
""")
    assert site.cli("build").returncode == 0
    page = (site.root / "build/events/2025-08-15-talks/index.html").read_text()
    home = (site.root / "build/index.html").read_text()
    for html in (page, home):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Talks" in html
        assert 'href="javascript:' not in html
        assert '<a href="https://example.org/" rel="nofollow noopener">ok</a>' in html
        assert "<img" not in html


def test_drafts_are_left_out_unless_asked_for(site):
    site.event("draft", "title: Secret plan\ndate: 2025-08-16\ndraft: true\nexcerpts:\n"
                        "  - source: wire\n    quote: Putin suggested their next meeting\n")
    assert site.cli("build").returncode == 0
    assert not (site.root / "build/events/draft").exists()
    assert "Secret plan" not in (site.root / "build/index.html").read_text()
    assert site.cli("build", "--drafts").returncode == 0
    assert "Draft" in (site.root / "build/events/draft/index.html").read_text()


def test_base_url_prefixes_every_internal_link(site):
    assert site.cli("build", "--base-url", "https://preview.example.net/sub/").returncode == 0
    home = (site.root / "build/index.html").read_text()
    assert 'href="/sub/events/2025-08-15-talks/"' in home
    assert '<link rel="canonical" href="https://preview.example.net/sub/">' in home
    assert not re.search(r'(href|src)="/(?!sub/)', home)


def test_a_site_template_overrides_the_theme_template_of_the_same_name(site):
    site.write("templates/404.html", '{% extends "base.html" %}{% block main %}<h1>Lost at sea</h1>{% endblock %}')
    assert site.cli("build").returncode == 0
    assert "Lost at sea" in (site.root / "build/404.html").read_text()


def test_a_broken_template_is_a_located_error_not_a_traceback(site):
    site.write("templates/404.html", '{% extends "base.html" %}\n{% block main %}{{ no_such_thing }}{% endblock %}')
    result = site.cli("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"templates/404\.html:2:1: error: template error: 'no_such_thing' is undefined", result.stderr)
