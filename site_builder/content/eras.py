"""site.yaml's `eras` and `start_at`: named stretches of time for the chart and the list, and where
the home page opens. Every problem is reported where it was written."""

from __future__ import annotations

from site_builder.content import dates
from site_builder.content.fields import Record
from site_builder.errors import Report
from site_builder.model import Era
from site_builder.model.dates import PartialDate, build_date

# Soft tints that keep dark text and the lanes' markers readable on top of them.
ERA_PALETTE = ("#e6dcc8", "#d5e3d0", "#d6dcea", "#ecd6d6", "#e3d8ea", "#d3e6e6")


def read_eras(record: Record, report: Report) -> tuple[Era, ...]:
    """The eras written in site.yaml, in order of start; one with an end before its start is reported."""
    eras = []
    for n, r in enumerate(record.get("eras", ())):
        start, end = r.values.get("start"), r.values.get("end")
        if "label" not in r.values or start is None or end is None:
            continue  # its error is already reported
        if end == "present":  # drawn to the day of the build, as an ongoing event is
            today = build_date()
            end = PartialDate(today.year, today.month, today.day)
        if _last(end) < _first(start):
            report.at(r.loc_of("end"), f"the era '{r.values['label']}' ends ({end}) before it starts ({start})",
                      hint="swap start and end, or fix the typo")
            continue
        eras.append(Era(r.values["label"], start, end, r.get("color", ERA_PALETTE[n % len(ERA_PALETTE)])))
    return tuple(sorted(eras, key=lambda era: era.start.sort_key()))


def read_start_at(record: Record, report: Report) -> str | PartialDate:
    """`first` (the default), `latest`, or the date the home page opens at."""
    text = record.get("start_at", "first")
    if text in ("first", "latest"):
        return text
    try:
        return dates.parse_partial_date(text)
    except dates.DateError:
        report.at(record.loc_of("start_at"), f"'{text}' is not a place to start",
                  hint="write first, latest, or a date: YYYY, YYYY-MM or YYYY-MM-DD")
        return "first"


def _first(d: PartialDate) -> tuple[int, int, int]:
    return (d.year, d.month or 1, d.day or 1)


def _last(d: PartialDate) -> tuple[int, int, int]:
    return (d.year, d.month or 12, d.day or 31)
