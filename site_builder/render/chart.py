"""The home page timeline chart: one plotly figure, sent as JSON for the theme's chart.js to draw,
and its static preview, the same geometry as plain numbers for an SVG that needs no JavaScript."""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import plotly.graph_objects as go

from site_builder.model.dates import PartialDate
from site_builder.model import Event, Site
from site_builder.render.archive import is_large
from site_builder.render.memo import Memo

PLOTLY_JS = "js/plotly.min.js"  # logical asset name: shipped from the plotly package, hashed like any asset
PAD_DAYS = 10  # room on either side of the first and last event
STACK_STEP = 0.22  # vertical offset between events drawn at the same spot of a lane
SPAN_THICKNESS = 0.16
HOVER_WIDTH = 44  # characters per line of a hover label (fits a 360 px screen)
# A large site's chart (archive.is_large) starts with one circle per lane and month, sized by its
# number of events; chart.js draws single events once a filter or a zoom leaves few enough.
MONTH_MIN_SIZE, MONTH_MAX_SIZE = 4, 16  # marker diameter (px) of the emptiest and the fullest month


@dataclass(frozen=True)
class ChartPoint:
    event: Event
    row: int  # lane index, 0 at the top
    y: float  # row plus the offset that keeps same-day events apart
    start: date  # first day covered
    end: date  # day after the last day covered
    x: datetime  # where the marker sits: the day itself, or the middle of a span
    is_span: bool  # month/year precision or a date range: drawn as a bar under the marker


@dataclass(frozen=True)
class MonthPoint:
    """A large site's events of one lane in one month (or one year, for year-only dates)."""

    lane: str
    row: int
    key: str  # "2025-08"
    label: str  # "August 2025"
    count: int
    x: datetime  # the middle of the month
    size: float  # marker diameter, px

    @property
    def radius(self) -> float:
        return round(self.size / 2, 1)


@dataclass(frozen=True)
class Tick:
    day: date
    label: str


@dataclass(frozen=True)
class Chart:
    lanes: tuple  # site lanes, in row order
    points: tuple[ChartPoint, ...]
    domain: tuple[date, date]
    ticks: tuple[Tick, ...]
    months: tuple[MonthPoint, ...] = ()  # a large site: drawn instead of points (which stay empty)

    def fraction(self, moment: date | datetime) -> float:
        """Where a moment sits across the x axis, 0..1 (the SVG preview uses percentages)."""
        lo, hi = (_as_datetime(d) for d in self.domain)
        return (_as_datetime(moment) - lo) / (hi - lo)

    def percent(self, moment: date | datetime) -> str:
        return f"{100 * self.fraction(moment):.3f}%"


def build_chart(site: Site, memo: Memo) -> Chart:
    """The chart of the site's events; `memo` keeps each event's extent (the preview keeps
    unchanged events, and their extents with them)."""
    lanes = site.config.lanes
    rows = {lane.id: n for n, lane in enumerate(lanes)}
    if is_large(site):  # circles by month: no event is placed one by one
        extents = [memo.of(_extent, event) for event in _dated(site)]
        lo, hi = _domain(min((e[0] for e in extents), default=None), max((e[1] for e in extents), default=None))
        return Chart(tuple(lanes), (), (lo, hi), _year_ticks(lo, hi), _months(site, rows))
    placed = []
    for event in _dated(site):
        start, end = _extent(event)
        is_span = event.when.start.precision != "day" or (end - start) > timedelta(days=1)
        x = _as_datetime(start) + (_as_datetime(end) - _as_datetime(start)) / 2 if is_span else _as_datetime(start)
        placed.append((event, rows[event.lane], start, end, x, is_span))
    points = tuple(ChartPoint(event, row, row + offset, start, end, x, is_span)
                   for (event, row, start, end, x, is_span), offset in zip(placed, _offsets(placed)))
    lo, hi = _domain(min((p.start for p in points), default=None), max((p.end for p in points), default=None))
    return Chart(tuple(lanes), points, (lo, hi), _month_ticks(lo, hi))


def _dated(site: Site) -> list[Event]:
    """The events this date axis can place: Python's calendar (years 1-9999) with its padding."""
    return [e for e in site.events if e.when.start.in_calendar() and e.when.start.year > 1
            and (e.when.end or e.when.start).year < 9999]


def _domain(first: date | None, last: date | None) -> tuple[date, date]:
    if first is None or last is None:
        today = date.today()
        return today - timedelta(days=30), today + timedelta(days=30)
    return first - timedelta(days=PAD_DAYS), last + timedelta(days=PAD_DAYS)


def _months(site: Site, rows: dict[str, int]) -> tuple[MonthPoint, ...]:
    counts: dict[tuple[str, int, int], int] = {}
    for event in _dated(site):
        start = event.when.start
        key = (event.lane, start.year, start.month or 0)
        counts[key] = counts.get(key, 0) + 1
    most = max(counts.values(), default=1)
    points = []
    for (lane, year, month), count in counts.items():
        first = date(year, month or 1, 1)
        last = date(year + (month in (0, 12)), (month % 12) + 1, 1)  # the day after the period
        points.append(MonthPoint(lane, rows[lane], first.isoformat()[:7] if month else str(year),
                                 PartialDate(year, month or None).format(), count,
                                 _as_datetime(first) + (_as_datetime(last) - _as_datetime(first)) / 2,
                                 month_size(count, most)))
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
    for lane in chart.lanes if chart.months else ():
        months = [m for m in chart.months if m.lane == lane.id]
        fig.add_trace(go.Scatter(
            name=html.escape(lane.label), legendgroup=lane.id, mode="markers",
            x=[m.x.isoformat() for m in months], y=[m.row for m in months],
            marker={"color": lane.color, "size": [m.size for m in months], "opacity": 0.8,
                    "line": {"width": 1, "color": "#ffffff"}},
            customdata=[m.key for m in months],
            text=[html.escape(f"{m.label}, {lane.label}: {m.count} event{'s' if m.count != 1 else ''}")
                  for m in months],
            hovertemplate="%{text}<extra></extra>",
            meta={"kind": "months", "lane": lane.id},
        ))
    for lane in chart.lanes if not chart.months else ():
        points = [p for p in chart.points if p.event.lane == lane.id]
        spans = [p for p in points if p.is_span]
        if spans:
            fig.add_trace(go.Bar(
                name=html.escape(lane.label), legendgroup=lane.id, showlegend=False, orientation="h",
                base=[p.start.isoformat() for p in spans],
                x=[_milliseconds(p.end - p.start) for p in spans],
                y=[p.y for p in spans], width=SPAN_THICKNESS,
                marker={"color": lane.color, "opacity": 0.35, "line": {"width": 0}},
                customdata=[p.event.id for p in spans],
                text=[_hover_text(p) for p in spans], textposition="none",
                hovertemplate="%{text}<extra></extra>",
                meta={"kind": "span", "lane": lane.id},
            ))
        fig.add_trace(go.Scatter(
            name=html.escape(lane.label), legendgroup=lane.id, mode="markers",
            x=[p.x.isoformat() for p in points], y=[p.y for p in points],
            marker={"color": lane.color, "size": 13, "line": {"width": 2, "color": "#ffffff"},
                    "symbol": ["diamond" if p.is_span else "circle" for p in points]},
            customdata=[p.event.id for p in points],
            text=[_hover_text(p) for p in points],
            hovertemplate="%{text}<extra></extra>",
            meta={"kind": "events", "lane": lane.id},
        ))
    lo, hi = chart.domain
    fig.update_layout(
        template="none",
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False, hovermode="closest", dragmode="pan", barmode="overlay",
        hoverlabel={"align": "left", "namelength": -1},
        xaxis={"type": "date", "range": [lo.isoformat(), hi.isoformat()], "showgrid": True,
               "automargin": True, "ticks": "outside", "ticklen": 4},
        yaxis={"tickvals": list(range(len(chart.lanes))), "ticktext": [html.escape(lane.label) for lane in chart.lanes],
               "range": [len(chart.lanes) - 0.5, -0.5], "fixedrange": True, "showgrid": False,
               "zeroline": False, "automargin": True},
    )
    return json.loads(fig.to_json())


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    """plotly.js exactly as the plotly Python package ships it (the version its figures are made for)."""
    from importlib.resources import files

    return files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()


_STYLE_GUARD = re.compile(rb'getElementById\("([\w.-]+)"\)\)\{var \w+=document\.createElement\("style"\)')


@lru_cache(maxsize=1)
def plotly_style_guards() -> tuple[str, ...]:
    """Ids plotly.js checks before injecting a <style> element (which a strict CSP refuses): an element
    with such an id (and class no-inline-styles) in the page makes it skip the injection; the rules
    the chart needs are in the theme's site.css instead."""
    ids = {m.group(1).decode() for m in _STYLE_GUARD.finditer(plotly_js())}
    return ("plotly.js-style-global", *sorted(ids))


def _hover_text(point: ChartPoint) -> str:
    """Date, then the title wrapped for narrow screens. plotly renders a few HTML tags in hover labels,
    so everything from content is escaped; the only tag is <br> (<b> would make plotly set a style
    attribute, which the CSP refuses)."""
    lines = [point.event.when.format(), *textwrap.wrap(point.event.title, HOVER_WIDTH)]
    return "<br>".join(html.escape(line) for line in lines)


def _extent(event: Event) -> tuple[date, date]:
    last = (event.when.end or event.when.start).last_day()
    return event.when.start.first_day(), last + timedelta(days=1)


def _offsets(placed) -> list[float]:
    """Spread events that would sit on the same spot of the same lane above and below its line."""
    groups: dict[tuple, list[int]] = {}
    for n, (_event, row, _start, _end, x, _is_span) in enumerate(placed):
        groups.setdefault((row, x.date()), []).append(n)
    offsets = [0.0] * len(placed)
    for members in groups.values():
        count = len(members)
        step = min(STACK_STEP, 0.8 / max(count - 1, 1))
        for k, n in enumerate(members):
            offsets[n] = round((k - (count - 1) / 2) * step, 3)
    return offsets


def _month_ticks(lo: date, hi: date) -> tuple[Tick, ...]:
    from site_builder.model.dates import SHORT_MONTHS

    ticks = []
    day = date(lo.year, lo.month, 1)
    while day <= hi:
        if day >= lo:
            label = SHORT_MONTHS[day.month - 1] + (f" {day.year}" if day.month == 1 or not ticks else "")
            ticks.append(Tick(day, label))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return tuple(ticks)


def _year_ticks(lo: date, hi: date) -> tuple[Tick, ...]:
    """A tick a year (months would crowd a chart of many years); none so near the end that its
    label would stick out of the chart."""
    room = (hi - lo) / 30
    return tuple(Tick(date(year, 1, 1), str(year)) for year in range(lo.year + 1, hi.year + 1)
                 if hi - date(year, 1, 1) > room)


def _as_datetime(moment: date | datetime) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time())


def _milliseconds(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)
