"""The chart is drawn in slices after the reader's first interaction: plotly.js's start-up, the
axes, the eras and ticks, the markers, and the labels each run in a task of their own, so the page
answers input between them instead of freezing while the whole chart draws."""

from __future__ import annotations

# At each step of the drawing, a zero-delay timer is queued; the next step notes whether it has
# fired, that is whether the main thread was free in between (false: both steps ran in one task).
SLICE_WATCH = """(() => {
  let P, freed = { value: true };
  window.__calls = [];
  function note(name) {
    window.__calls.push([name, freed.value]);
    const now = freed = { value: false };
    setTimeout(() => { now.value = true; }, 0);
  }
  Object.defineProperty(window, 'Plotly', { configurable: true, get() { return P; }, set(v) {
    note('plotly.js evaluated'); P = v;
    ['newPlot', 'relayout', 'react', 'restyle'].forEach(k => { const f = v[k]; v[k] = function () {
      note(k); return f.apply(this, arguments); }; });
  } });
})()"""


def drawing_calls(page, url):
    page.add_init_script(SLICE_WATCH)
    page.goto(url, wait_until="load")
    page.evaluate("""() => new Promise(resolve => {
        document.getElementById('chart').addEventListener('chart:ready', resolve);
        window.dispatchEvent(new PointerEvent('pointermove'));
    })""")
    return page.evaluate("window.__calls")


def test_chart_draws_in_tasks_of_their_own_after_plotly_starts(page, site_server):
    calls = drawing_calls(page, site_server.url(""))
    names = [name for name, _ in calls]
    assert names[:5] == ["plotly.js evaluated", "newPlot", "relayout", "react", "restyle"], calls
    assert all(freed for _, freed in calls[1:5]), f"two steps ran in one task: {calls}"

