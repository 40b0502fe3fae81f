"""TimelineJS years, months and days as the dates events are written with: `0610-08`, `44 BCE`,
`13.8 billion years ago` (the forms of docs/spec15: years 1 to 9999, BCE, and deep time)."""

from __future__ import annotations

from decimal import Decimal

DEEP_TIME_FROM = 10_000  # from here back, "N years ago"; nearer, a year BCE says it exactly


class DateNotKept(ValueError):
    """A TimelineJS date that no date form here can hold (a year after 9999)."""


def years_ago_text(count: int) -> str:
    """13800000000 -> "13.8 billion years ago" when exact, else every digit: "13,800,000,123 years ago"."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if count >= size:
            amount = Decimal(count) / size
            if amount == amount.quantize(Decimal("0.001")):
                return f"{amount.normalize():f} {word} years ago"
            break  # never "13799.63 million": the largest word, or every digit
    return f"{count:,} years ago"


def date_text(year: int, month: int | None, day: int | None) -> tuple[str, str | None]:
    """(the date as an event writes it, a note on what was changed or None).

    TimelineJS shows a negative year -44 as "44 BCE" (its era label on abs(year)), so that is what
    its readers saw and what is kept; its year 0 has no equal (there is no year 0) and becomes 1 BCE."""
    if year > 9999:
        raise DateNotKept(f"the year {year} is after 9999, the last year a date can have")
    if year <= -DEEP_TIME_FROM:
        dropped = " (its month and day are dropped: deep time has years only)" if month else ""
        return years_ago_text(-year), (f"the year {year} is written as years ago{dropped}" if dropped else None)
    parts = (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    if year >= 1:
        return f"{year:04d}{parts}", None
    if year == 0:
        return f"0001{parts} BCE", "TimelineJS's year 0 is written as 1 BCE (there is no year 0): check it"
    return f"{-year:04d}{parts} BCE", None

