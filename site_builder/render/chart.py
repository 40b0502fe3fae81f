"""The home page timeline chart: one plotly figure, sent as JSON for the theme's chart.js to draw,
and its static preview, the same geometry as plain numbers for an SVG that needs no JavaScript."""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from site_builder.model.dates import PartialDate, build_date
from site_builder.model import Era, Event, Site
from site_builder.render import chart_axis as axis
from site_builder.render.archive import is_large
from site_builder.render.chart_axis import Tick
from site_builder.render.i18n import Language, language_named
from site_builder.render.memo import Memo

PLOTLY_JS = "js/plotly.min.js"  # logical asset name: plotly.js's basic bundle (vendored), hashed like any asset
PLOTLY_BASIC = Path(__file__).resolve().parent.parent / "vendor" / "plotly.js-basic" / "plotly-basic.min.js"
PAD_DAYS = 2  # least room on either side of the first and last event (a week's chart is mostly events)
PAD_SHARE = 0.02  # room on either side, as a share of the span
STACK_STEP = 0.22  # vertical offset between rows inside a lane (events that overlap)
MARKER_WIDTH = 0.012  # share of the shown span a marker covers: events nearer than this stack
WIDE_TICKS, NARROW_TICKS = 8, 4  # most ticks on a wide screen and on a phone
WIDE_PX, NARROW_PX = 1000, 280  # the plot's width assumed when placing the preview's labels
MARKER_PX, LABEL_CHAR_PX = 9, 6.4  # a marker's half width and a label's character width (11 px text)
PREVIEW_PX = 288  # the preview's height (chart-stage less its bottom inset), where labels are placed
LABEL_BOX = {"middle": (-7, 8), "top": (-20, -5)}  # a label's top and bottom about its marker's middle
TICK_CHAR_PX = 7  # a tick label's character width (12 px text), a little over the widest digits
LABEL_CHARS = 28  # a title longer than this is cut at a word for its label
LATEST_EVENTS = 8  # start_at latest opens on this many last events
SPAN_THICKNESS = 0.16
HOVER_WIDTH = 44  # characters per line of a hover label (fits a 360 px screen)
# A large site's chart (archive.is_large) starts with one circle per lane and month, sized by its
# number of events; chart.js draws single events once a filter or a zoom leaves few enough.
MONTH_MIN_SIZE, MONTH_MAX_SIZE = 4, 16  # marker diameter (px) of the emptiest and the fullest month


@dataclass(frozen=True)
class ChartPoint:
    event: Event
    row: int  # lane index, 0 at the top
    y: float  # row plus the offset of its row inside the lane (overlapping events stack)
    start: float  # fractional year where it begins
    end: float  # where it ends (the day, month or year after the last one covered)
    x: float  # where the marker sits: the start, or the middle of a span
    is_span: bool  # month/year precision or a date range: drawn as a bar under the marker
    label: str  # the short title shown beside the marker where there is room
    shown: str = ""  # where the static preview shows the label: "all", "wide" or "" (no room)


@dataclass(frozen=True)
class MonthPoint:
    """A large site's events of one lane in one month (or one year, for year-only dates)."""

    lane: str
    row: int
    key: str  # "2025-08"
    label: str  # "August 2025"
    count: int
    x: float  # the middle of the month
    size: float  # marker diameter, px

    @property
    def radius(self) -> float:
        return round(self.size / 2, 1)


@dataclass(frozen=True)
class EraBand:
    era: Era
    start: float
    end: float
    rows: tuple[int | None, int | None] = (None, None)  # its label's row in the preview (phone, wide); None: hidden

    @property
    def labels(self) -> tuple[tuple[int, str], ...]:
        """(row, class) of each label the preview draws: once when both screens agree, else one
        for each, the other screen's hidden by the CSS."""
        narrow, wide = self.rows
        if narrow == wide:
            return ((narrow, "chart-era-label"),) if narrow is not None else ()
        return tuple((row, f"chart-era-label {screen}") for row, screen in ((narrow, "is-narrow"), (wide, "is-wide"))
                     if row is not None)


@dataclass(frozen=True)
class Chart:
    lanes: tuple  # site lanes, in row order
    points: tuple[ChartPoint, ...]
    domain: tuple[float, float]  # every event, padded
    last: float  # where the last event ends: a range button shows the stretch before it
    ticks: tuple[Tick, ...]  # the static preview's, for the view; wide ones carry `wide` in `kinds`
    months: tuple[MonthPoint, ...] = ()  # a large site: drawn instead of points (which stay empty)
    eras: tuple[EraBand, ...] = ()
    view: tuple[float, float] | None = None  # where the chart opens (site.yaml start_at); None: domain
    buttons: tuple[tuple[float, str], ...] = ()  # range buttons: (width in years, label)
    narrow: frozenset = frozenset()  # ticks of a phone's preview
    wide: frozenset = frozenset()  # ticks of a wide screen's preview
    words: axis.AxisWords = axis.ENGLISH  # the site's language's, for the ticks chart.js makes on zoom
    language: str = "en"  # of the hover labels' dates and counts

    @property
    def shown(self) -> tuple[float, float]:
        return self.view or self.domain

    def fraction(self, at: float) -> float:
        """Where a moment sits across the x axis as first shown, 0..1 (the SVG preview uses percentages)."""
        lo, hi = self.shown
        return (at - lo) / (hi - lo)

    def percent(self, at: float) -> str:
        return f"{100 * min(max(self.fraction(at), -0.01), 1.01):.3f}%"

    def tick_class(self, tick: Tick) -> str:
        """Each screen shows its own set of ticks (the CSS hides the other's)."""
        if tick in self.narrow:
            return "chart-tick" if tick in self.wide else "chart-tick is-narrow"
        return "chart-tick is-wide"

    def lane_y(self, y: float) -> str:
        """The vertical place of a row (with its offset) in the preview, in percent."""
        return f"{(y + 0.5) / len(self.lanes) * 82 + 2:.2f}%"


def build_chart(site: Site, memo: Memo) -> Chart:
    """The chart of the site's events; `memo` keeps each event's extent (the preview keeps
    unchanged events, and their extents with them)."""
    lanes = site.config.lanes
    rows = {lane.id: n for n, lane in enumerate(lanes)}
    extents = [memo.of(_extent, event) for event in site.events]
    last = max((e[1] for e in extents), default=None)
    lo, hi = _domain(min((e[0] for e in extents), default=None), last)
    view = _view(site, extents, lo, hi)
    shown = view or (lo, hi)
    eras = _era_bands(site.config.eras, shown)
    words = axis.words_for(site.config.language)
    wide = axis.fitting_ticks(*shown, WIDE_TICKS, WIDE_PX, TICK_CHAR_PX, words)
    narrow = axis.fitting_ticks(*shown, NARROW_TICKS, NARROW_PX, TICK_CHAR_PX, words)
    common = dict(eras=eras, view=view, buttons=axis.range_buttons(hi - lo, words), words=words,
                  language=site.config.language, narrow=frozenset(narrow), wide=frozenset(wide))
    tick_set = tuple(sorted(set(wide) | set(narrow), key=lambda t: (t.at, t.label)))  # the same on every build
    if is_large(site):  # circles by month: no event is placed one by one
        return Chart(tuple(lanes), (), (lo, hi), hi if last is None else last, tick_set, _months(site, rows), **common)
    points = _placed(site.events, extents, rows, shown)
    return Chart(tuple(lanes), points, (lo, hi), hi if last is None else last, tick_set, **common)


def _placed(events, extents, rows, shown) -> tuple[ChartPoint, ...]:
    """Each event on its lane; overlapping ones in rows of their own inside it, labelled where there is room."""
    lo, hi = shown
    least = (hi - lo) * MARKER_WIDTH
    items = []
    for event, (start, end) in zip(events, extents):
        is_span = event.when.start.precision != "day" or event.when.end is not None \
            or event.when.ongoing
        x = (start + end) / 2 if is_span else start
        items.append([event, rows[event.lane], start, end, x, is_span])
    sub = _stacked([(row, min(x - least / 2, start), max(x + least / 2, end)) for _e, row, start, end, x, _s in items])
    placed = []
    for (event, row, start, end, x, is_span), (k, n) in zip(items, sub):
        step = min(STACK_STEP, 0.8 / max(n - 1, 1))
        placed.append(ChartPoint(event, row, round(row + (k - (n - 1) / 2) * step, 3), start, end, x, is_span,
                                 short_label(event)))
    return _with_labels(placed, shown, len(set(rows.values())))


def _era_bands(eras, shown) -> tuple[EraBand, ...]:
    """Each era's band, its label on the first of two rows where it starts after the previous label
    ends, for a phone and a wide screen (chart.js places them the same way at the real width)."""
    lo, hi = shown
    bands = [(era, era.start.position(), era.end.end_position()) for era in eras]
    rows = []
    for width in (NARROW_PX, WIDE_PX):
        ends, found = [float("-inf")] * 2, []
        for era, start, end in bands:
            inside = end > lo and start < hi
            px = (max(start, lo) - lo) / (hi - lo) * width
            end_px = px + LABEL_CHAR_PX * len(era.label) + 8
            fits = inside and end_px <= width  # past the right edge: no label in the preview
            row = next((r for r, taken in enumerate(ends) if taken <= px), None) if fits else None
            if row is not None:
                ends[row] = end_px
            found.append(row)
        rows.append(found)
    return tuple(EraBand(era, start, end, (narrow, wide)) for (era, start, end), narrow, wide in zip(bands, *rows))


def _stacked(intervals) -> list[tuple[int, int]]:
    """(row inside the lane, rows the lane needs) of each interval: the first row where it overlaps nothing."""
    ends: dict[int, list[float]] = {}
    rows = []
    for lane, lo, hi in intervals:
        lane_ends = ends.setdefault(lane, [])
        k = next((k for k, end in enumerate(lane_ends) if end <= lo), len(lane_ends))
        lane_ends[k:k + 1] = [hi]
        rows.append((lane, k))
    return [(k, len(ends[lane])) for lane, k in rows]


def _with_labels(points: list[ChartPoint], shown, lanes: int) -> tuple[ChartPoint, ...]:
    """Labels the preview can show without collisions, on a phone and on a wide screen (chart.js
    places them again at the real width, and at every zoom)."""
    fits = {width: _label_room(points, shown, width, lanes) for width in (NARROW_PX, WIDE_PX)}
    return tuple(replace(p, shown="all" if fits[NARROW_PX][n] else "wide" if fits[WIDE_PX][n] else "")
                 for n, p in enumerate(points))


def _label_room(points: list[ChartPoint], shown, width: float, lanes: int) -> list[bool]:
    """Greedy, left to right: a label goes beside its marker (a span's above its bar) where its box
    stays in its lane and meets no marker, bar or label placed before it."""
    lo, hi = shown
    lane_px = PREVIEW_PX * 0.82 / max(lanes, 1)
    px = [(p.x - lo) / (hi - lo) * width for p in points]
    py = [((p.y + 0.5) / max(lanes, 1) * 0.82 + 0.02) * PREVIEW_PX for p in points]
    taken = [(x - MARKER_PX, x + MARKER_PX, y - MARKER_PX, y + MARKER_PX) for x, y in zip(px, py)]
    taken += [((p.start - lo) / (hi - lo) * width, (p.end - lo) / (hi - lo) * width, y - 4, y + 4)
              for p, y in zip(points, py) if p.is_span]
    fits = [False] * len(points)
    for n in sorted(range(len(points)), key=lambda n: (px[n], py[n])):
        top, bottom = LABEL_BOX["top" if points[n].is_span else "middle"]
        box = (px[n] + MARKER_PX, px[n] + MARKER_PX + LABEL_CHAR_PX * len(points[n].label), py[n] + top, py[n] + bottom)
        lane_top = ((points[n].row / lanes) * 0.82 + 0.02) * PREVIEW_PX
        if box[0] >= MARKER_PX and box[1] <= width and lane_top <= box[2] and box[3] <= lane_top + lane_px \
                and not any(box[0] < o[1] and o[0] < box[1] and box[2] < o[3] and o[2] < box[3] for o in taken):
            fits[n] = True
            taken.append(box)
    return fits


def short_label(event: Event) -> str:
    """The event's short title, else its title cut at a word boundary."""
    if event.short_title:
        return event.short_title
    if len(event.title) <= LABEL_CHARS:
        return event.title
    return event.title[:LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:.–-") + "…"


def _view(site: Site, extents, lo: float, hi: float) -> tuple[float, float] | None:
    """Where the chart opens: all of it (first), the last events (latest) or a stretch from a date,
    padded for its own width (the whole chart's padding, on billions of years, is an empty future)."""
    start_at = site.config.start_at
    if start_at == "first" or not extents:
        return None
    last = max(e[1] for e in extents)
    if start_at == "latest":
        first = sorted(e[0] for e in extents)[-min(LATEST_EVENTS, len(extents))]
        begin = max(lo, first - (last - first) * 0.05)
        return begin, min(hi, last + _pad(last - begin))
    begin = max(lo, min(start_at.position(), last))
    return begin, min(hi, begin + max((hi - lo) / 4, last - begin + _pad(last - begin)))


def _pad(width: float) -> float:
    """Room on either side of events that span `width` years."""
    return max(width * PAD_SHARE, PAD_DAYS * axis.DAY)


def _domain(first: float | None, last: float | None) -> tuple[float, float]:
    if first is None or last is None:
        today = build_date()  # no events: the chart shows the weeks around the build date
        here = axis.year_fraction(today.year, today.month, today.day)
        return here - 30 * axis.DAY, here + 30 * axis.DAY
    pad = _pad(last - first)
    return first - pad, last + pad


def _months(site: Site, rows: dict[str, int]) -> tuple[MonthPoint, ...]:
    counts: dict[tuple[str, int, int], int] = {}
    for event in site.events:
        start = event.when.start
        key = (event.lane, start.year, start.month or 0)
        counts[key] = counts.get(key, 0) + 1
    most = max(counts.values(), default=1)
    language = language_named(site.config.language)
    points = []
    for (lane, year, month), count in counts.items():
        period = PartialDate(year, month or None)
        points.append(MonthPoint(lane, rows[lane], period.iso(), language.date(period), count,
                                 (period.position() + period.end_position()) / 2, month_size(count, most)))
    return tuple(sorted(points, key=lambda p: (p.row, p.x)))


def month_size(count: int, most: int) -> float:
    """Marker diameter: area grows with the number of events (chart.js sizes its own the same way)."""
    return round(MONTH_MIN_SIZE + (MONTH_MAX_SIZE - MONTH_MIN_SIZE) * (count / most) ** 0.5, 1)


def figure(chart: Chart, memo: Memo) -> dict:
    """The plotly figure as plain JSON data (no functions, no HTML from content unescaped).
    Made again only when the chart changes: plotly's validation takes a while, and an edit
    rarely changes the chart."""
    return memo.alike(_figure, chart)


def _figure(chart: Chart) -> dict:
    fig = go.Figure()
    language = language_named(chart.language)
    for lane in chart.lanes if chart.months else ():
        months = [m for m in chart.months if m.lane == lane.id]
        fig.add_trace(go.Scatter(
            name=_plotly_text(lane.label), legendgroup=lane.id, mode="markers+text",
            x=[m.x for m in months], y=[m.row for m in months],
            marker={"color": lane.color, "size": [m.size for m in months], "opacity": 0.8,
                    "line": {"width": 1, "color": "#ffffff"}},
            customdata=[m.key for m in months], text=[str(m.count) for m in months],
            textposition="top center", textfont={"size": 10},
            hovertext=[_plotly_text(f"{m.label}, {lane.label}: " + language.count_of_events(m.count)) for m in months],
            hovertemplate="%{hovertext}<extra></extra>",
            meta={"kind": "months", "lane": lane.id},
        ))
    for lane in chart.lanes if not chart.months else ():
        points = [p for p in chart.points if p.event.lane == lane.id]
        spans = [p for p in points if p.is_span]
        if spans:
            fig.add_trace(go.Bar(
                name=_plotly_text(lane.label), legendgroup=lane.id, showlegend=False, orientation="h",
                base=[p.start for p in spans], x=[p.end - p.start for p in spans],
                y=[p.y for p in spans], width=SPAN_THICKNESS,
                marker={"color": lane.color, "opacity": 0.35, "line": {"width": 0}},
                customdata=[p.event.id for p in spans],
                hovertext=[_hover_text(p, language) for p in spans], textposition="none",
                hovertemplate="%{hovertext}<extra></extra>",
                meta={"kind": "span", "lane": lane.id},
            ))
        fig.add_trace(go.Scatter(
            name=_plotly_text(lane.label), legendgroup=lane.id, mode="markers+text",
            x=[p.x for p in points], y=[p.y for p in points],
            marker={"color": lane.color, "size": 13, "line": {"width": 2, "color": "#ffffff"},
                    "symbol": ["diamond" if p.is_span else "circle" for p in points]},
            customdata=[p.event.id for p in points],
            text=[_plotly_text(p.label) if p.shown else "" for p in points], textposition="middle right",
            textfont={"size": 11}, cliponaxis=True,
            hovertext=[_hover_text(p, language) for p in points],
            hovertemplate="%{hovertext}<extra></extra>",
            meta={"kind": "events", "lane": lane.id, "labels": [_plotly_text(p.label) for p in points]},
        ))
    lo, hi = chart.domain
    fig.update_layout(
        template="none",
        margin={"l": 8, "r": 8, "t": 8 + 28 * bool(chart.eras), "b": 8},  # two rows of era labels
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False, hovermode="closest", dragmode="pan", barmode="overlay",
        hoverlabel={"align": "left", "namelength": -1},
        xaxis={"type": "linear", "range": list(chart.shown), "showgrid": True, "zeroline": False,
               "automargin": True, "ticks": "outside", "ticklen": 4, "tickmode": "array",
               "tickvals": [t.at for t in chart.ticks],
               "ticktext": [_plotly_text(t.label) for t in chart.ticks]},
        yaxis={"tickvals": list(range(len(chart.lanes))),
               "ticktext": [_plotly_text(lane.label) for lane in chart.lanes],
               "range": [len(chart.lanes) - 0.5, -0.5], "fixedrange": True, "showgrid": False,
               "zeroline": False, "automargin": True},
        shapes=[{"type": "rect", "xref": "x", "yref": "paper", "x0": band.start, "x1": band.end, "y0": 0, "y1": 1,
                 "fillcolor": band.era.color, "opacity": 0.4, "layer": "below", "line": {"width": 0}}
                for band in chart.eras],
        annotations=[{"xref": "x", "yref": "paper", "x": max(band.start, chart.shown[0]), "y": 1, "yanchor": "bottom",
                      "xanchor": "left", "showarrow": False, "text": _plotly_text(band.era.label),
                      "font": {"size": 11}} for band in chart.eras],
        meta={"full": [lo, hi], "months": list(chart.words.months), "buttons": [list(b) for b in chart.buttons],
              "last": chart.last, "pad": [PAD_SHARE, PAD_DAYS * axis.DAY],
              "words": {"bce": chart.words.bce, "ago": chart.words.ago, "agoFrom": axis.YEARS_AGO_FROM,
                        "locale": chart.words.locale.replace("_", "-")}},
    )
    return json.loads(fig.to_json())


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    """plotly.js's basic bundle (scatter and bar, all the chart draws) of the version the plotly Python
    package ships, so its figures fit; a fraction of the full bundle to fetch and parse."""
    return PLOTLY_BASIC.read_bytes()


_STYLE_GUARD = re.compile(rb'getElementById\("([\w.-]+)"\)\)\{var \w+=document\.createElement\("style"\)')


@lru_cache(maxsize=1)
def plotly_style_guards() -> tuple[str, ...]:
    """Ids plotly.js checks before injecting a <style> element (which a strict CSP refuses): an element
    with such an id (and class no-inline-styles) in the page makes it skip the injection; the rules
    the chart needs are in the theme's site.css instead."""
    ids = {m.group(1).decode() for m in _STYLE_GUARD.finditer(plotly_js())}
    return ("plotly.js-style-global", *sorted(ids))


def _plotly_text(text: str) -> str:
    """Content as plotly shows it: its text labels read a little HTML, so < > & are escaped; quotes
    are not, since plotly decodes only a few entities and would show `&quot;` as it is."""
    return html.escape(text, quote=False)


def _hover_text(point: ChartPoint, language: Language) -> str:
    """Date, then the title wrapped for narrow screens. plotly renders a few HTML tags in hover labels,
    so everything from content is escaped; the only tag is <br> (<b> would make plotly set a style
    attribute, which the CSP refuses)."""
    lines = [language.when(point.event.when), *textwrap.wrap(point.event.title, HOVER_WIDTH)]
    return "<br>".join(_plotly_text(line) for line in lines)


def _day(day: date) -> PartialDate:
    return PartialDate(day.year, day.month, day.day)


def _extent(event: Event) -> tuple[float, float]:
    """Where the event begins and where the last day (month, year) it covers ends, in years."""
    start = event.when.start.position()
    if event.when.ongoing:  # drawn to the day of the build
        return start, _day(build_date()).end_position()
    return start, (event.when.end or event.when.start).end_position()
