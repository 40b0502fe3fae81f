"""Search in a real browser: the Pagefind bundle the build wrote, under the production headers."""

from __future__ import annotations

from urllib.parse import quote


def search(page, site_server, query: str):
    page.goto(site_server.url(f"search/?q={quote(query)}"))
    page.wait_for_selector(".search-result")
    return page.locator(".search-result")


def test_search_finds_an_event_by_words_of_its_summary_and_links_to_its_page(page, site_server):
    results = search(page, site_server, "red carpet")
    assert "result" in page.locator(".search-status").inner_text()
    first = results.first
    titles = results.locator("h2 a").all_inner_texts()
    assert "Putin and Trump hold summit talks in Anchorage, Alaska" in titles
    assert first.locator("mark").count() >= 1
    summit = results.filter(has_text="Putin and Trump hold summit talks in Anchorage").first
    summit.locator("h2 a").click()
    page.wait_for_url("**/events/2025-08-15-anchorage-summit/")


def test_search_finds_a_passage_of_a_source_and_links_to_it(page, site_server):
    results = search(page, site_server, "symbolic")  # "So far, it's merely symbolic", TASS
    passage = results.filter(has=page.locator(".search-kind", has_text="Source passage")).first
    href = passage.locator("h2 a").get_attribute("href")
    assert href.startswith("/sources/tass-2025-08-16-putin-alaska-takeaways/#")
    passage.locator("h2 a").click()
    page.wait_for_url("**/sources/tass-2025-08-16-putin-alaska-takeaways/**")


def test_a_search_that_matches_a_cited_passage_links_to_the_excerpt_anchor(page, site_server):
    results = search(page, site_server, "tarmac")
    passage = results.filter(has=page.locator(".search-kind", has_text="Source passage")).first
    href = passage.locator("h2 a").get_attribute("href")
    assert href == "/sources/tass-2025-08-16-putin-alaska-takeaways/#excerpt-2025-08-15-anchorage-summit-4"


def test_search_loads_nothing_until_it_is_used(page, site_server):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_server.url("events/2025-08-15-anchorage-summit/"))
    page.wait_for_load_state("networkidle")
    assert fetched and not [u for u in fetched if "/pagefind/" in u or "/search." in u]
    page.fill("#site-search-q", "Moscow")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=Moscow")
    page.wait_for_selector(".search-result")
    assert any(u.endswith("/pagefind/pagefind.js") for u in fetched)


def test_nothing_found_is_said_plainly(page, site_server):
    page.goto(site_server.url("search/?q=zzzyyyxxx"))
    page.locator(".search-status", has_text="Nothing found for “zzzyyyxxx”.").wait_for()
    assert page.locator(".search-result").count() == 0


def test_the_search_page_meets_wcag_aa(page, site_server, axe):
    search(page, site_server, "Anchorage")
    assert axe(page) == []


def test_under_a_sub_path_search_finds_and_links_inside_it(page, serve_site, tmp_path):
    from site_builder.build import Options, build
    from conftest import REPO

    root = tmp_path / "host"
    server = serve_site(root)
    base = server.url("deploy/sub/")
    build(Options(root=REPO, out=root / "deploy" / "sub", base_url=base))
    page.goto(base + "search/?q=Tianjin")
    page.wait_for_selector(".search-result")
    hrefs = page.locator(".search-result h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/deploy/sub/") for h in hrefs)
    page.locator(".search-result h2 a").first.click()
    page.wait_for_url(base + "**")
    assert page.locator("h1").count() == 1


def test_results_come_ten_at_a_time(page, site_server):
    results = search(page, site_server, "Putin")
    total = int(page.locator(".search-status").inner_text().split()[0])
    assert total > 10 and results.count() == 10
    page.get_by_role("button", name="More results").click()
    page.wait_for_function("n => document.querySelectorAll('.search-result').length > n", arg=10)
    assert results.count() == min(total, 20)


def test_without_an_index_the_search_page_says_so(page, problems, built_site, serve_site, tmp_path):
    import shutil

    copy = tmp_path / "no-index"
    shutil.copytree(built_site, copy, ignore=shutil.ignore_patterns("pagefind"))
    server = serve_site(copy)
    page.goto(server.url("search/?q=Moscow"))
    page.locator(".search-status", has_text="Search is not available here").wait_for()
    assert page.locator(".search-result").count() == 0
    assert any("/pagefind/pagefind.js" in failed for failed in problems.failed_requests)
    problems.clear()  # the missing bundle was the point


def test_an_index_in_parts_is_merged_and_a_search_finds_a_record_of_every_part(page, serve_site, tmp_path, monkeypatch):
    # A large site's index is written in parts (site_builder/render/search_index.py); cut the real site's
    # 49 records into 5 parts and search, in one page, for a record of each part: an event by its
    # title, or in a part without one (parts are dealt by a hash of the URL), a passage by its words.
    from site_builder.render import search_index as index
    from site_builder.build import Options, build
    from site_builder.content.load import load_site
    from conftest import REPO

    monkeypatch.setattr(index, "MAX_PART_RECORDS", 12)
    site = load_site(REPO)
    parts = index.part_count(site)
    assert parts == 5
    out = tmp_path / "build"
    build(Options(root=REPO, out=out))
    server = serve_site(out)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server.url("search/"))
    for part in range(parts):
        records = list(index.iter_search_records(site, part, parts))
        record = next((r for r in records if r.meta["kind"] == "Event"), max(records, key=lambda r: len(r.content)))
        page.fill("#search-query", record.meta["title"] if record.meta["kind"] == "Event" else record.content)
        page.locator(".search-results h2 a").first.wait_for()
        page.wait_for_function("url => [...document.querySelectorAll('.search-result h2 a')]"
                               ".some(a => a.getAttribute('href') === url)", arg=record.url)
    for n in range(2, parts + 1):  # each part's own index was read, never a second Pagefind
        assert any(f"/pagefind/part-{n}/pagefind-entry.json" in u for u in fetched)
        assert not any(f"/pagefind/part-{n}/pagefind" in u and u.endswith(".js") for u in fetched)
    assert sum(u.endswith("/pagefind.js") for u in fetched) == 1
