"""What a reader does on the home page, as small helpers the browser tests share."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

# Every marker the chart draws, with the id of the event it stands for (from plotly's own data).
MARKERS_JS = """
() => Array.from(document.querySelectorAll('#chart-plot .cartesianlayer .scatterlayer .trace')).flatMap(trace => {
  const data = trace.__data__[0].trace;
  return Array.from(trace.querySelectorAll('.point')).map(point => {
    const box = point.getBoundingClientRect();
    return {id: data.customdata[point.__data__.i], x: box.x + box.width / 2, y: box.y + box.height / 2};
  });
})
"""


def wake_chart(page: Page) -> None:
    """Move the pointer over the chart (the reader's first interaction) and wait until it is interactive."""
    box = page.locator("#chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#chart")).to_have_class(re.compile(r"\bis-interactive\b"), timeout=30_000)


def markers(page: Page) -> list[dict]:
    return page.evaluate(MARKERS_JS)


def marker_ids(page: Page) -> list[str]:
    return sorted(m["id"] for m in markers(page))


def visible_card_ids(page: Page) -> list[str]:
    return sorted(page.locator(".timeline .event-card:visible").evaluate_all("cards => cards.map(c => c.id)"))


def expect_chart_matches_list(page: Page) -> None:
    """The chart shows exactly the events the list shows (it redraws asynchronously)."""
    page.wait_for_function(
        """() => {
          const cards = Array.from(document.querySelectorAll('.timeline .event-card:not([hidden])'))
            .map(c => c.id).sort();
          const dots = Array.from(document.querySelectorAll('#chart-plot .cartesianlayer .scatterlayer .trace'))
            .flatMap(t =>
            Array.from(t.querySelectorAll('.point')).map(p => t.__data__[0].trace.customdata[p.__data__.i])).sort();
          return cards.join() === dots.join();
        }""")
    assert marker_ids(page) == visible_card_ids(page)


def card(page: Page, event_id: str):
    # Event ids start with a digit, which a CSS #id selector cannot.
    return page.locator(f'.event-card[id="{event_id}"]')
