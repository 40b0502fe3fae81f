"""The curated site's chart as a reader sees it, in English and in Arabic (right to left), on a
phone and a wide screen, light and dark: ticks cover the whole span shown, apart and unique;
marker labels meet no other label and no marker; screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader import wake_chart
from site_builder.build import Options, build
from test_chart_spans import boxes, overlaps

REPO = Path(__file__).resolve().parents[2]
WIDTHS = {"phone": {"width": 390, "height": 844}, "wide": {"width": 1280, "height": 900}}
PLOT_JS = """() => { const gd = document.getElementById('chart-plot'), box = gd.getBoundingClientRect();
  return {left: box.x + gd._fullLayout.xaxis._offset, width: gd._fullLayout.xaxis._length}; }"""


@pytest.fixture(scope="module", params=["en", "ar"])
def curated(request, tmp_path_factory, serve_site):
    """(language, server) of the curated site, as written or with `language: ar`."""
    root = tmp_path_factory.mktemp(f"curated-{request.param}") / "site"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text().replace("language: en\n",
                                                                             f"language: {request.param}\n"))
    build(Options(root=root, out=root / "build"))
    return request.param, serve_site(root / "build")


def check_ticks_cover(page, least: int = 3) -> list[str]:
    """At least `least` tick labels, unique and apart, the first near the plot's left edge and the
    last near its right (no stretch at either end much wider than the ticks' spacing)."""
    ticks = boxes(page, "#chart-plot .xtick text")
    labels = [t["text"] for t in ticks]
    assert len(ticks) >= least and len(set(labels)) == len(labels), labels
    assert overlaps(ticks) == [], labels
    plot = page.evaluate(PLOT_JS)
    middles = sorted((t["x"] + t["right"]) / 2 for t in ticks)
    near = max(plot["width"] * 0.2, (middles[1] - middles[0]) * 1.25)  # a step, and the padding
    assert middles[0] - plot["left"] < near, (labels, middles, plot)
    assert plot["left"] + plot["width"] - middles[-1] < near, (labels, middles, plot)
    return labels


def check_labels_apart(page, labels: str, points: str) -> None:
    """No label covers another label or any marker."""
    found, dots = boxes(page, labels), page.evaluate(BOXES_ANY_JS, points)
    assert overlaps(found) == [], [m["text"] for m in found]
    over = [(label["text"], round(dot["x"])) for label in found for dot in dots if overlaps([label, dot])]
    assert over == [], over


BOXES_ANY_JS = """selector => Array.from(document.querySelectorAll(selector))
  .filter(el => el.getBoundingClientRect().width > 0)
  .map(el => { const b = el.getBoundingClientRect();
               return {text: 'marker', x: b.x, y: b.y, right: b.right, bottom: b.bottom}; })"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_curated_chart_ticks_span_and_labels_apart(curated, new_page, artifacts_dir, width, scheme):
    language, server = curated
    page = new_page(viewport=WIDTHS[width], color_scheme=scheme)
    page.goto(server.url(""))
    check_labels_apart(page, ".chart-preview text.chart-label", ".chart-preview .chart-point circle")
    if language == "en":  # a four-month span offers three months
        assert "3 months" in page.locator(".chart-toolbar button").all_text_contents()
    wake_chart(page)
    page.wait_for_timeout(300)  # labels are placed after the first draw
    check_ticks_cover(page)
    check_labels_apart(page, "#chart-plot .scatterlayer .textpoint text", "#chart-plot .scatterlayer .point")
    page.locator("#chart").screenshot(path=str(artifacts_dir / f"chart-curated-{language}-{width}-{scheme}.png"))
    page.locator(".chart-ranges button[data-range='all']").click()
    page.wait_for_timeout(400)
    check_ticks_cover(page)
    check_labels_apart(page, "#chart-plot .scatterlayer .textpoint text", "#chart-plot .scatterlayer .point")


DEEP = ["13.8 billion years ago", "4.54 billion years ago", "541 million years ago", "66 million years ago",
        "300,000 years ago", "12,000 years ago", "3200 BCE", "0001", "1492", "1914", "1969-07-20", "2025-05-16"]


ERAS = """eras:
  - label: Phanerozoic
    start: 541 million years ago
    end: "2025"
  - label: Holocene
    start: 11,700 years ago
    end: "2025"
"""


@pytest.fixture(scope="module")
def deep_server(tmp_path_factory, serve_site):
    """The curated site's events moved onto 13.8 billion years, opening on the latest."""
    root = tmp_path_factory.mktemp("deep") / "site"
    shutil.copytree(REPO / "content", root / "content")
    for n, path in enumerate(sorted((root / "content" / "events").glob("*.yaml"))):
        lines = [f'date: "{DEEP[n % len(DEEP)]}"' if line.startswith("date:") else line
                 for line in path.read_text().splitlines() if not line.startswith("end:")]
        path.write_text("\n".join(lines) + "\n")
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text() + "start_at: latest\n" + ERAS)
    build(Options(root=root, out=root / "build"))
    return serve_site(root / "build")


def plot_range(page) -> list[float]:
    return page.evaluate("document.getElementById('chart-plot').layout.xaxis.range")


@pytest.mark.parametrize("width", WIDTHS)
def test_deep_time_opens_and_zooms_onto_events(deep_server, new_page, artifacts_dir, width):
    page = new_page(viewport=WIDTHS[width])
    page.goto(deep_server.url(""))
    wake_chart(page)
    page.wait_for_timeout(300)
    lo, hi = plot_range(page)
    assert lo < 1914 and hi - 2025.5 < 0.05 * (hi - lo), (lo, hi)  # the last events, not an empty future
    check_ticks_cover(page, least=2)
    page.locator(".chart-ranges button", has_text="1 million years").click()
    page.wait_for_timeout(400)
    lo, hi = plot_range(page)
    assert hi < 2025 + 0.05 * 1e6 and page.locator("#chart-plot .scatterlayer .point").count() >= 3, (lo, hi)
    labels = check_ticks_cover(page, least=2)
    assert not [t for t in labels if t.isdigit() and int(t) >= 10000 or t.startswith("-")], labels
    page.locator("#chart").screenshot(path=str(artifacts_dir / f"chart-deep-1m-{width}.png"))


COLOURS_JS = """() => {
  const rgb = c => (c.match(/[0-9.]+/g) || []).map(Number);
  const band = document.querySelector('#chart-plot .shapelayer path'), style = getComputedStyle(band);
  return {surface: rgb(getComputedStyle(document.getElementById('chart')).backgroundColor),
          band: rgb(style.fill), opacity: +style.opacity * (+style.fillOpacity || 1),
          texts: Array.from(document.querySelectorAll('#chart-plot .xtick text, #chart-plot .annotation-text'))
            .map(t => [t.textContent, rgb(getComputedStyle(t).fill)])};
}"""


def contrast(a, b) -> float:
    def luminance(rgb):
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_era_bands_keep_the_chart_text_readable(deep_server, new_page, axe, artifacts_dir, scheme):
    """Tick and era labels over an era band keep 4.5:1 against the band as painted on the chart."""
    page = new_page(viewport=WIDTHS["wide"], color_scheme=scheme)
    page.goto(deep_server.url(""))
    wake_chart(page)
    page.wait_for_timeout(300)
    found = page.evaluate(COLOURS_JS)
    painted = [s + (b - s) * found["opacity"] for s, b in zip(found["surface"], found["band"])]
    low = [(text, round(contrast(fill, painted), 2)) for text, fill in found["texts"] if contrast(fill, painted) < 4.5]
    assert found["texts"] and low == [], (low, painted)
    assert axe(page, runOnly={"type": "rule", "values": ["color-contrast"]}) == []
    page.locator("#chart").screenshot(path=str(artifacts_dir / f"chart-deep-eras-{scheme}.png"))
