"""The chart on any span: 13.8 billion years, 1,500 years and one week, on a phone and a wide screen.
Ticks are unique, unpadded and apart; eras are drawn and their labels apart; marker labels never
collide; axe finds nothing; screenshots (light and dark) go to test-artifacts/ for people to look at."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reader import wake_chart
from site_builder.model import Era
from site_builder.model.dates import PartialDate, When

REPO = Path(__file__).resolve().parents[2]
WIDTHS = {"phone": {"width": 390, "height": 844}, "wide": {"width": 1280, "height": 900}}

# The deep-time parser is on its own branch: these sites are built from the model directly, the
# curated site's events moved to these dates (one each, in turn).
SPANS = {
    "deep": {
        "dates": [(-13_800_000_000,), (-4_540_000_000,), (-3_700_000_000,), (-541_000_000,), (-66_000_000,),
                  (-300_000,), (-10_000,), (-3200,), (1,), (1492,), (1789,), (1914,), (1969, 7, 20), (2000,),
                  (2025, 5, 16)],
        "eras": [("Hadean", (-4_540_000_000,), (-4_000_000_000,)), ("Archean", (-4_000_000_000,), (-2_500_000_000,)),
                 ("Proterozoic", (-2_500_000_000,), (-541_000_000,)), ("Phanerozoic", (-541_000_000,), (2025,))],
    },
    "centuries": {
        "dates": [(525,), (610, 8), (622, 7, 16), (800, 12, 25), (1066, 10, 14), (1215, 6, 15), (1347,),
                  (1453, 5, 29), (1492, 10, 12), (1517, 10, 31), (1648, 10, 24), (1789, 7, 14), (1815, 6, 18),
                  (1914, 7, 28), (2025, 5, 16)],
        "eras": [("Early Middle Ages", (500,), (999,)), ("High Middle Ages", (1000,), (1299,)),
                 ("Late Middle Ages", (1300,), (1499,)), ("Early modern", (1500,), (1799,)),
                 ("Modern", (1800,), (2025,))],
    },
    "week": {
        "dates": [(2025, 5, 12), (2025, 5, 12), (2025, 5, 13), (2025, 5, 13), (2025, 5, 13), (2025, 5, 14),
                  (2025, 5, 14), (2025, 5, 15), (2025, 5, 15), (2025, 5, 16), (2025, 5, 16), (2025, 5, 16),
                  (2025, 5, 17), (2025, 5, 18), (2025, 5, 18)],
        "eras": [("Before the talks", (2025, 5, 12), (2025, 5, 15)), ("Istanbul talks", (2025, 5, 16), (2025, 5, 16))],
    },
}


class DeepDate(PartialDate):
    """A date the model cannot hold yet (years before 1): its cards' ISO days are the earliest a
    `date` can name, as the list's filters would leave them open anyway."""

    def first_day(self) -> date:
        return super().first_day() if self.year >= 1 else date.min

    def last_day(self) -> date:
        return super().last_day() if self.year >= 1 else date.min


def span_site(name: str):
    """The curated site with its events moved onto the span's dates, and the span's eras."""
    from site_builder.content.load import load_site

    site = load_site(REPO)
    spec = SPANS[name]
    events = [replace(event, when=When(DeepDate(*spec["dates"][n % len(spec["dates"])])))
              for n, event in enumerate(site.events)]
    events.sort(key=lambda e: (e.when.start.sort_key(), e.id))
    eras = tuple(Era(label, PartialDate(*start), PartialDate(*end), color)
                 for (label, start, end), color in zip(spec["eras"], ("#e6dcc8", "#cfe0d8", "#d9d4ea", "#f0d9c8",
                                                                      "#d4e3ef")))
    return replace(site, config=replace(site.config, eras=eras), events=tuple(events))


def serve_home(site, folder: Path, serve_site):
    """Serve the site's home page alone (its other pages would need dates the model cannot hold yet)."""
    from site_builder.render.pages import home_page
    from site_builder.render.site import render_site
    from site_builder.render.theme import Theme

    files = render_site(site, Theme.for_site(REPO, site.config.theme),
                        run=lambda renderer, ctx: renderer(ctx) if renderer is home_page else ())
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return serve_site(folder)


@pytest.fixture(scope="module")
def span_servers(tmp_path_factory, serve_site):
    """name -> server of that span's home page."""
    return {name: serve_home(span_site(name), tmp_path_factory.mktemp(f"span-{name}"), serve_site) for name in SPANS}


BOXES_JS = """selector => Array.from(document.querySelectorAll(selector))
  .filter(el => el.textContent.trim() && el.getBoundingClientRect().width > 0)
  .map(el => { const b = el.getBoundingClientRect();
               return {text: el.textContent.trim(), x: b.x, y: b.y, right: b.right, bottom: b.bottom}; })"""


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate(BOXES_JS, selector)


def overlaps(found: list[dict]) -> list[tuple[str, str]]:
    """Pairs of boxes that cover each other (a pixel of slack: anti-aliased edges touch)."""
    return [(a["text"], b["text"]) for n, a in enumerate(found) for b in found[n + 1:]
            if a["x"] < b["right"] - 1 and b["x"] < a["right"] - 1 and a["y"] < b["bottom"] - 1
            and b["y"] < a["bottom"] - 1]


def check_ticks(found: list[dict]) -> None:
    labels = [t["text"] for t in found]
    assert len(labels) >= 2, labels
    assert len(set(labels)) == len(labels), f"repeated tick labels: {labels}"
    assert not [t for t in labels if re.search(r"(^|\s)0\d", t)], f"zero-padded: {labels}"
    assert overlaps(found) == [], labels


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SPANS)
def test_chart_reads_on_every_span(new_page, span_servers, axe, artifacts_dir, name, width):
    for scheme in ("light", "dark"):
        page = new_page(viewport=WIDTHS[width], color_scheme=scheme)
        page.goto(span_servers[name].url(""))
        check_ticks(boxes(page, ".chart-preview text.chart-tick"))  # the static preview, before plotly
        preview_eras = boxes(page, ".chart-preview .chart-era-label")
        assert preview_eras and overlaps(preview_eras) == [], [e["text"] for e in preview_eras]
        edge = page.locator("#chart").bounding_box()
        buttons = boxes(page, ".chart-toolbar button")
        assert all(b["right"] <= edge["x"] + edge["width"] for b in buttons), buttons  # none cut off
        assert overlaps(buttons) == []
        heights = [b["bottom"] - b["y"] for b in buttons]
        assert max(heights) - min(heights) < 2, buttons  # no label broken over lines
        wake_chart(page)
        page.wait_for_timeout(300)  # labels are placed after the first draw
        check_ticks(boxes(page, "#chart-plot .xtick text"))
        assert page.locator("#chart-plot .shapelayer path").count() >= len(SPANS[name]["eras"])
        eras = boxes(page, "#chart-plot .annotation-text")
        assert eras, "no era label shown"
        assert overlaps(eras) == [], [e["text"] for e in eras]
        plot = page.locator("#chart-plot").bounding_box()
        assert all(e["right"] <= plot["x"] + plot["width"] for e in eras), eras  # none cut at the edge
        labels = boxes(page, "#chart-plot .scatterlayer .textpoint text")
        assert labels or width == "phone", "no marker carries a label"  # a phone may have room for none
        assert overlaps(labels) == [], [m["text"] for m in labels]
        assert page.evaluate("window.__cspViolations || []") == []
        if scheme == "light":
            assert axe(page) == []
        page.locator("#chart").screenshot(path=str(artifacts_dir / f"chart-{name}-{width}-{scheme}.png"))


def test_start_at_a_date_offers_a_jump_to_its_first_event(new_page, tmp_path, serve_site):
    """The window stays on the title and the chart; a link jumps to the first event from that date."""
    site = span_site("centuries")
    site = replace(site, config=replace(site.config, start_at=PartialDate(1453)))
    server = serve_home(site, tmp_path, serve_site)
    page = new_page(viewport=WIDTHS["phone"])
    page.goto(server.url(""))
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 0
    expect(page.locator("h1")).to_be_in_viewport()
    link = page.get_by_role("link", name="Jump to 1453")
    assert link.get_attribute("href") == "#" + page.locator('.event-card[data-start="1453-05-29"]').get_attribute("id")
    link.click()
    expect(page.locator('.event-card[data-start="1453-05-29"]')).to_be_in_viewport()
    static = new_page(viewport=WIDTHS["phone"], java_script_enabled=False)
    static.goto(server.url(""))
    expect(static.locator(".timeline .event-card")).to_have_count(len(site.events))  # complete, from its top
    assert static.evaluate("scrollY") == 0
