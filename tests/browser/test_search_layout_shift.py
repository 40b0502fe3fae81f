"""The search page does not move under the reader as results arrive: room for them is kept from
the first paint (cumulative layout shift below 0.1, Lighthouse's "good")."""

from __future__ import annotations

import pytest

# Every layout shift since navigation (buffered), as Lighthouse counts them: not after input.
SHIFTS = """() => new Promise(resolve => {
  const shifts = [];
  new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) shifts.push(e.value); }))
    .observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve(shifts), 500);
})"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("query", ["Putin", "ceasefire talks in Istanbul", "zzzqqq"])
def test_results_arriving_do_not_shift_the_page(new_page, site_server, viewport, query):
    from conftest import PHONE, PHONE_UA

    page = (new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, user_agent=PHONE_UA)
            if viewport == "phone" else new_page())
    page.goto(site_server.url(f"search/?q={query}"))
    page.locator(".search-status").filter(has_text="“").wait_for()
    page.wait_for_timeout(300)
    shifts = page.evaluate(SHIFTS)
    assert sum(shifts) < 0.1, shifts
