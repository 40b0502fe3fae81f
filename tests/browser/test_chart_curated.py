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


def check_ticks_cover(page) -> list[str]:
    """Tick labels unique and apart, the first near the plot's left edge and the last near its right."""
    ticks = boxes(page, "#chart-plot .xtick text")
    labels = [t["text"] for t in ticks]
    assert len(ticks) >= 3 and len(set(labels)) == len(labels), labels
    assert overlaps(ticks) == [], labels
    plot = page.evaluate(PLOT_JS)
    middles = sorted((t["x"] + t["right"]) / 2 for t in ticks)
    assert middles[0] - plot["left"] < plot["width"] * 0.2, (labels, middles, plot)
    assert plot["left"] + plot["width"] - middles[-1] < plot["width"] * 0.2, (labels, middles, plot)
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
