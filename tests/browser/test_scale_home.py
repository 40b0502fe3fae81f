"""A large site (benchmarks/generate_site.py, 1,500 events): the home page lists one period and
stays light, every card is one link away with JavaScript off, and the filters, deep links and
the chart still cover every event."""

from __future__ import annotations

import gzip
import re
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import expect

from reader import markers, wake_chart

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from generate_site import generate  # noqa: E402

EVENTS = 1500
WEIGHT_BUDGET = 250 * 1024  # README "Performance budgets": the home page before plotly.js, gzip
# The generator spreads the events evenly over 11 years (136 or 137 each): listing a year of more
# than 136 month by month gives the test site pages of both kinds.
PAGE_EVENTS = 136


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    from site_builder.build import Options, build
    from site_builder.content.load import load_site
    from site_builder.render import archive

    root = generate(tmp_path_factory.mktemp("large") / "site", EVENTS, EVENTS // 20)
    out = root.parent / "build"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(archive, "PAGE_EVENTS", PAGE_EVENTS)
        build(Options(root=root, out=out))
        site = load_site(root)
        plan = archive.build_archive(site)
    assert archive.is_large(site)
    assert any(year.months for year in plan.years) and any(not year.months for year in plan.years)
    return site, plan, out


@pytest.fixture(scope="module")
def large_server(large_site, serve_site):
    return serve_site(large_site[2])


def card_ids(page) -> set[str]:
    return set(page.locator(".timeline .event-card").evaluate_all("cards => cards.map(c => c.id)"))


def shown_ids(page) -> set[str]:
    """Events the page shows for the filters: its visible cards and the links to other pages' matches."""
    cards = page.locator(".timeline .event-card:visible").evaluate_all("cards => cards.map(c => c.id)")
    rows = page.locator(".elsewhere-event a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').filter(Boolean).pop())")
    return set(cards) | set(rows)


def show_every_match(page) -> None:
    """Click "Show ... earlier/later" until the links to other pages' matches are all there."""
    while page.locator(".elsewhere-more").count():
        page.locator(".elsewhere-more").first.click()


def test_the_home_page_lists_the_latest_period_under_the_weight_budget(large_site):
    site, plan, out = large_site
    html = (out / "index.html").read_bytes()
    own = [html] + [(out / ref.decode()).read_bytes()
                    for ref in re.findall(rb'(?:href|src)="/([^"]+\.(?:css|js))"', html) if b"plotly" not in ref]
    weight = sum(len(gzip.compress(data, 6)) for data in own)
    assert weight < WEIGHT_BUDGET, f"{weight / 1024:.0f} KB"
    cards = re.findall(rb'<article class="event-card[^"]*" id="([^"]+)"', html)
    assert [c.decode() for c in cards] == [e.id for _, _, events in plan.latest.groups for e in events]
    assert 0 < len(cards) < EVENTS
    assert len(re.findall(rb'<article class="event-card', (out / "embed/index.html").read_bytes())) == len(cards)


def test_every_event_is_reachable_by_links_with_javascript_off(large_site, large_server, new_page):
    site, _, _ = large_site
    page = new_page(java_script_enabled=False)
    found: set[str] = set()
    todo, seen = deque([large_server.url("")]), set()
    while todo:
        url = todo.popleft()
        page.goto(url)
        found |= card_ids(page)
        for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.href)"):
            target = urldefrag(href).url
            if urlsplit(target).path.startswith("/years/") and target not in seen:
                seen.add(target)
                todo.append(target)
    assert found == {event.id for event in site.events}
    assert len(seen) > 11  # the years, and the months of the dense ones


def test_filters_find_the_events_of_every_period(large_site, large_server, page):
    site, plan, _ = large_site
    actor = site.events[3].actors[0]  # an event of the first year, far from the home page's period
    slug = re.sub(r"[^a-z0-9]+", "-", actor.lower()).strip("-")
    page.goto(large_server.url(f"?actor={slug}"))
    expected = {e.id for e in site.events if actor in e.actors}
    expect(page.locator("#match-count")).to_have_text(f"{len(expected)} of {EVENTS:,} events")
    show_every_match(page)
    assert shown_ids(page) == expected
    # each period in the index counts its matches, and its link keeps the filter
    first_year = plan.years[0]
    count = page.locator(f'[data-period-count="{first_year.key}"]')
    expect(count).to_have_text(str(sum(1 for e in site.events if actor in e.actors
                                       and e.when.start.year == int(first_year.key))))
    href = page.locator(".period-index a.period-link").first.get_attribute("href")
    assert href == f"/{first_year.path}?actor={slug}"


def test_the_text_filter_searches_quotations_of_other_periods(large_site, large_server, page):
    site, _, out = large_site
    target = site.events[5]
    words = target.excerpts[0].selector.quoted[0].split()[:8]  # the generator's quotes are 5+ words long
    page.goto(large_server.url(""))
    page.fill("#filter-q", " ".join(words))
    expect(page.locator("#match-count")).to_have_text(re.compile(rf"^\d+ of {EVENTS:,} events$"))
    show_every_match(page)
    link = page.locator(f'.elsewhere-event a[href="/events/{target.id}/"]')
    expect(link).to_be_visible()
    assert target.id in shown_ids(page)
    expect(page).to_have_url(re.compile(r"\?q="))
    link.click()
    expect(page.locator("h1")).to_have_text(target.title)


def test_a_deep_link_to_an_event_on_another_period_lands_on_its_card(large_site, large_server, page):
    site, plan, _ = large_site
    target = site.events[200]
    listed = plan.pages[plan.page_of[target.id]]
    assert listed is not plan.latest
    page.goto(large_server.url(f"#{target.id}"))
    expect(page).to_have_url(large_server.url(f"{listed.path}#{target.id}"))
    card = page.locator(f'.event-card[id="{target.id}"]')
    expect(card).to_be_in_viewport()
    # the event page's way back leads to the same card, without any script
    page.goto(large_server.url(f"events/{target.id}/"))
    assert page.locator(".breadcrumb a").get_attribute("href") == f"/{listed.path}#{target.id}"


def test_the_chart_counts_months_and_draws_single_events_when_few_enough(large_site, large_server, page):
    site, _, _ = large_site
    page.goto(large_server.url("?from=2016-03-01&to=2016-05-31"))
    wake_chart(page)
    from datetime import date
    lo, hi = date(2016, 3, 1), date(2016, 5, 31)
    expected = {e.id for e in site.events
                if e.when.start.first_day() <= hi and (e.when.end or e.when.start).last_day() >= lo}
    page.wait_for_function("n => document.querySelectorAll('#chart-plot .scatterlayer .point').length === n",
                           arg=len(expected))
    assert {m["id"] for m in markers(page)} == expected
    assert shown_ids(page) == expected
    # every event at once: one circle per lane and month, not one per event
    page.locator("[data-range='all']").click()
    # a page lists one period; the filters cover every event (in the page's digits, as the script writes it)
    every = rf"^Filters cover all {EVENTS:,} events$"
    expect(page.locator("#match-count")).to_have_text(re.compile(every))
    page.wait_for_function("n => { const p = document.querySelectorAll('#chart-plot .scatterlayer .point').length;"
                           " return p > 0 && p < n; }", arg=EVENTS // 2)


def test_pages_by_period_get_the_home_pages_strict_policy(large_site, large_server, page):
    _, plan, _ = large_site
    for period in (plan.years[0], plan.pages[0]):
        response = page.goto(large_server.url(period.path))
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "wasm-unsafe-eval" not in policy, period.path


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_large_site_pages_have_no_accessibility_violations(large_site, large_server, new_page, axe, color_scheme):
    _, plan, _ = large_site
    page = new_page(color_scheme=color_scheme)
    page.goto(large_server.url("?lane=diplomacy"))  # with matches from other pages listed
    expect(page.locator(".elsewhere-event").first).to_be_visible()
    assert axe(page) == []
    month_split = next(year for year in plan.years if year.months)
    for period in (month_split, month_split.months[0]):
        page.goto(large_server.url(period.path))
        assert axe(page) == [], period.path


# From the end of parsing, before the page's (deferred) scripts run.
WATCH_WRITES = """(() => {
  window.__writes = [];
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    new MutationObserver(records => records.forEach(r => {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el.closest('.timeline, #match-count')) return;
      window.__writes.push(r.type + ' ' + (r.attributeName || '') + ' ' + (el.id || el.className));
    })).observe(document, { subtree: true, attributes: true, attributeFilter: ['hidden'],
                            childList: true, characterData: true });
  });
})()"""


def test_a_start_without_filters_rewrites_neither_the_list_nor_its_count(large_server, page):
    """The page as served is the unfiltered list: no card restyled, the live count not announced again."""
    page.add_init_script(WATCH_WRITES)
    page.goto(large_server.url(""), wait_until="load")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__writes") == []
    page.goto(large_server.url("?lane=diplomacy"), wait_until="load")  # a filter in the URL still applies
    expect(page.locator(".timeline .event-card:visible")).not_to_have_count(len(card_ids(page)))
    assert any(w.startswith("attributes hidden") for w in page.evaluate("window.__writes"))


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
def test_a_reader_coming_back_to_the_list_lands_where_they_were(large_server, new_page, scripts):
    """The browser's own restored offset finds the same card only if every card above it is laid out as
    it was; with far cards laid out late (content-visibility), reading.js puts the card back instead,
    and without JavaScript nojs.css lays every card out."""
    page = new_page(viewport={"width": 412, "height": 800}, java_script_enabled=scripts)
    page.goto(large_server.url(""))
    page.mouse.move(200, 400)
    for _ in range(25):
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(20)
    page.wait_for_timeout(200)
    first = "Array.from(document.querySelectorAll('.event-card')).find(c => c.getBoundingClientRect().top > 0)"
    card_id, top = page.evaluate(f"(() => {{ const c = {first}; return [c.id, c.getBoundingClientRect().top]; }})()")
    assert page.evaluate("scrollY") > 5000
    page.locator(f'[id="{card_id}"] .event-title a').click()
    page.wait_for_load_state("load")
    for arrive in (page.go_back, page.reload):
        arrive()
        page.wait_for_timeout(300)
        now = page.evaluate(f"document.getElementById('{card_id}').getBoundingClientRect().top")
        assert now == pytest.approx(top, abs=2), arrive.__name__


def test_month_counts_are_left_out_where_they_would_overlap(large_server, page):
    """Every month of 11 years: the circles are as close as their numbers could never be read."""
    page.goto(large_server.url(""))
    wake_chart(page)
    expect(page.locator("#chart-plot .scatterlayer .point").first).to_be_attached()
    expect(page.locator("#chart-plot .textpoint text")).to_have_count(0)


# The reader's place with cards laid out late (content-visibility in site.css, reading.js).
PHONE_TALL = {"width": 412, "height": 800}
# whether a card's content is laid out (checkVisibility is false inside a skipped card)
RENDERED = "id => document.getElementById(id).firstElementChild.checkVisibility({contentVisibilityAuto: true})"


def last_card(page) -> str:
    return page.locator(".timeline .event-card").last.get_attribute("id")


def top_of(page, card_id: str) -> float:
    return page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", card_id)


def rendered_count(page) -> int:
    return page.locator(".timeline .event-card").evaluate_all(
        "cards => cards.filter(c => c.firstElementChild.checkVisibility({contentVisibilityAuto: true})).length")


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
def test_cards_far_from_the_window_wait_for_their_layout(large_server, new_page, scripts):
    """Only with a script to keep the reader's place: without one, every card is laid out at once."""
    page = new_page(viewport=PHONE_TALL, java_script_enabled=scripts)
    page.goto(large_server.url(""), wait_until="load")
    cards = page.locator(".timeline .event-card").count()
    assert page.evaluate(RENDERED, last_card(page)) is not scripts
    assert (rendered_count(page) < cards / 4) if scripts else rendered_count(page) == cards


def settles_at(page, card_id: str, top: float) -> None:
    """Wait until the card's top is at `top` (a smooth scroll may be under way), and stays there."""
    page.wait_for_function("([id, top]) => Math.abs(document.getElementById(id).getBoundingClientRect().top - top) < 2",
                           arg=[card_id, top], timeout=5000)
    page.wait_for_timeout(300)
    assert top_of(page, card_id) == pytest.approx(top, abs=2)


def margin_of(page, card_id: str) -> float:
    return page.evaluate("id => parseFloat(getComputedStyle(document.getElementById(id)).scrollMarginTop)", card_id)


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
def test_a_link_to_a_far_event_lands_on_its_card(large_server, new_page, scripts):
    page = new_page(viewport=PHONE_TALL, java_script_enabled=scripts)
    page.goto(large_server.url(""))
    card_id = page.locator(".timeline .event-card").nth(-3).get_attribute("id")
    page.goto(large_server.url(f"events/{card_id}/"))
    page.goto(large_server.url(f"#{card_id}"), wait_until="load")
    settles_at(page, card_id, margin_of(page, card_id))


def test_back_after_a_jump_within_the_page_returns_to_the_reading_place(large_server, new_page):
    """The page's own history entries (a #event jump, smooth) get their place back too, not only reloads."""
    page = new_page(viewport=PHONE_TALL)
    page.goto(large_server.url(""))
    reading, far = page.locator(".timeline .event-card").nth(20).get_attribute("id"), last_card(page)
    page.evaluate("id => document.getElementById(id).scrollIntoView({behavior: 'instant'})", reading)
    page.mouse.move(200, 400)
    page.mouse.wheel(0, 120)
    page.wait_for_timeout(400)
    top = top_of(page, reading)
    page.evaluate("id => { location.hash = id; }", far)
    settles_at(page, far, margin_of(page, far))
    page.go_back()
    settles_at(page, reading, top)


def test_find_in_page_and_focus_reach_a_card_not_yet_laid_out(large_server, new_page):
    page = new_page(viewport=PHONE_TALL)
    page.goto(large_server.url(""), wait_until="load")
    far = last_card(page)
    assert not page.evaluate(RENDERED, far)
    quote = page.locator(f'[id="{far}"] blockquote').first.text_content().split()
    assert page.evaluate("words => window.find(words)", " ".join(quote[:6]))  # Chromium's find-in-page
    assert page.evaluate("getSelection().anchorNode.parentElement.closest('.event-card').id") == far
    link = page.locator(f'[id="{far}"] .event-title a')
    link.focus()
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport()
    assert page.evaluate(RENDERED, far)


def test_cards_not_yet_laid_out_are_in_the_accessibility_tree(large_server, shared_playwright, chromium_executable):
    """As a screen reader sees the page (Chromium builds its whole tree only when one is running)."""
    from conftest import CHROMIUM_ARGS

    browser = shared_playwright.chromium.launch(executable_path=chromium_executable, headless=True,
                                                args=CHROMIUM_ARGS + ["--force-renderer-accessibility"])
    try:
        page = browser.new_page(viewport=PHONE_TALL)
        page.goto(large_server.url(""), wait_until="load")
        assert not page.evaluate(RENDERED, last_card(page))
        titles = page.locator(".timeline .event-title").all_text_contents()
        nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
        headings = {n["name"]["value"] for n in nodes if not n.get("ignored")
                    and n.get("role", {}).get("value") == "heading" and n.get("name")}
        assert {t.strip() for t in titles} <= headings
    finally:
        browser.close()
