"""The chart's time axis in fractional astronomical years, so that any span fits one numeric axis
(plotly's date axis holds neither years before 1 nor far ones): positions, ticks, range buttons."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import format_compact_decimal, format_decimal

from site_builder.model import dates
from site_builder.model.dates import SHORT_MONTHS

DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
DAY = 1 / 365.2425  # a day, in years: enough to place ticks and bars, never used to date anything
# "N years ago" counts back from this astronomical year (model.dates may define it: 1950, as in "before
# present"); deep ticks sit at round numbers of years before it.
YEARS_AGO_FROM = getattr(dates, "YEARS_AGO_FROM", 0)
DEEP_STEP = 10000  # ticks this far apart or more are labelled in years ago


@dataclass(frozen=True)
class Tick:
    at: float  # fractional year
    label: str


@dataclass(frozen=True)
class AxisWords:
    """The words of tick labels and range buttons in one language; chart.js gets the same ones."""

    months: tuple[str, ...] = tuple(SHORT_MONTHS)
    bce: str = "BCE"  # after a year before 1
    ago: str = "{} years ago"  # around an amount of years
    locale: str = ""  # numbers in this locale's CLDR forms ("13,8 млрд"); English: "13.8 bn"
    ranges: tuple[str, ...] = ("1 week", "1 month", "3 months", "1 year", "10 years", "100 years", "1,000 years",
                               "1 million years", "100 million years", "1 billion years")

    def amount(self, years: int) -> str:
        """A number of years, short enough for a tick on a phone."""
        if self.locale:
            if years >= 10**6:
                return format_compact_decimal(years, format_type="short", locale=self.locale, fraction_digits=1)
            return format_decimal(years, locale=self.locale)
        for size, word in ((1e9, "bn"), (1e6, "m")):
            if years >= size:
                return f"{years / size:.3g} {word}"
        return f"{years:,}"


ENGLISH = AxisWords()


@lru_cache(maxsize=16)
def words_for(language: str) -> AxisWords:
    """CLDR's short months, era and number forms, and the theme's catalogue, for `language`."""
    from site_builder.render.i18n import Language  # late: i18n reads the theme's catalogues

    found = Language(language)
    if found.english:
        return ENGLISH
    locale, words = found.locale, found._words
    ranges = [words.ngettext("%(num)d week", "%(num)d weeks", 1) % {"num": 1}]
    ranges += [words.ngettext("%(num)d month", "%(num)d months", n) % {"num": n} for n in (1, 3)]
    ranges += [words.ngettext("%(num)s year", "%(num)s years", n) % {"num": found.amount(n)}
               for n in (1, 10, 100, 1000, 10**6, 10**8, 10**9)]
    return AxisWords(months=tuple(locale.months["stand-alone"]["abbreviated"][m] for m in range(1, 13)),
                     bce=locale.eras["abbreviated"][0], ago=words.gettext("%(amount)s years ago") % {"amount": "{}"},
                     locale=str(locale), ranges=tuple(ranges))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)  # proleptic Gregorian, year 0 leaps


def year_fraction(year: int, month: int = 1, day: int = 1) -> float:
    """The first instant of that day as a fractional astronomical year (1 BCE is 0)."""
    length = 366 if _leap(year) else 365
    before = DAYS_BEFORE_MONTH[month - 1] + (month > 2 and _leap(year))
    return year + (before + day - 1) / length


def calendar_of(at: float) -> tuple[int, int, int]:
    """The (year, month, day) a fractional year falls in."""
    year = math.floor(at)
    length = 366 if _leap(year) else 365
    day_of_year = min(int((at - year) * length + 1e-9), length - 1)
    month = 12
    while month > 1 and DAYS_BEFORE_MONTH[month - 1] + (month > 2 and _leap(year)) > day_of_year:
        month -= 1
    return year, month, day_of_year - DAYS_BEFORE_MONTH[month - 1] - (month > 2 and _leap(year)) + 1


def year_label(year: int, unit: bool = True, words: AxisWords = ENGLISH) -> str:
    """A year as readers write it: 610, 44 BCE, 12,000 years ago, 66 m years ago, 13.8 bn years ago
    (without `unit`, "13.8 bn": a row of ticks names the unit once, so long labels fit a phone)."""
    if year >= 10000:  # only ever a padding's tick, past the last event: grouped, never "50000000"
        return format_decimal(year, locale=words.locale or "en")
    if year >= 1:
        return str(year)
    if year > -10000:
        return f"{1 - year} {words.bce}"
    amount = words.amount(round(YEARS_AGO_FROM - year))
    return words.ago.format(amount) if unit else amount


def ticks(lo: float, hi: float, most: int, words: AxisWords = ENGLISH) -> tuple[Tick, ...]:
    """At most `most` ticks on round moments inside lo..hi, labelled for the span: days, months,
    years, or round numbers of years. Labels never repeat."""
    span = hi - lo
    for step_days in (1, 2, 7, 14):
        if span / (step_days * DAY) <= most:
            return _day_ticks(lo, hi, step_days, words)
    for step_months in (1, 2, 3, 6):
        if span * 12 / step_months <= most:
            return _month_ticks(lo, hi, step_months, words)
    step = _round_step(span / most)
    if step >= DEEP_STEP:
        return _deep_ticks(lo, hi, step, words)
    first = math.ceil(lo / step) * step
    # Round years BCE are one off round astronomical years (1000 BCE is -999).
    years = [int(first + n * step) for n in range(int((hi - first) / step) + 1)]
    years = [y for y in (y + 1 if y <= 0 else y for y in years) if lo <= y <= hi]
    last_ago = max((y for y in years if y <= -10000), default=None)  # the unit goes on the last "ago" tick
    return tuple(Tick(float(y), year_label(y, y == last_ago, words)) for y in years)


def _deep_ticks(lo: float, hi: float, step: int, words: AxisWords) -> tuple[Tick, ...]:
    """Round numbers of years before YEARS_AGO_FROM (never a raw year among billions of years), the
    unit named once, on the last; "0 years ago" only where the span would otherwise show one tick."""
    ks = list(range(math.ceil((lo - YEARS_AGO_FROM) / step),
                    math.floor((min(hi, YEARS_AGO_FROM) - YEARS_AGO_FROM) / step) + 1))
    if len(ks) > 2 and ks[-1] == 0:
        ks.pop()
    last = ks[-1] if ks else None
    return tuple(Tick(float(YEARS_AGO_FROM + k * step),
                      words.ago.format(words.amount(-k * step)) if k == last else words.amount(-k * step)) for k in ks)


def fitting_ticks(lo: float, hi: float, most: int, width_px: float, char_px: float,
                  words: AxisWords = ENGLISH) -> tuple[Tick, ...]:
    """At most `most` ticks whose labels, drawn from their tick rightwards at `char_px` a character,
    end a gap before the next tick across `width_px` (fewer, wider-apart ticks when they would not)."""
    found: tuple[Tick, ...] = ()
    for count in range(most, 1, -1):
        found = ticks(lo, hi, count, words)
        px = [(t.at - lo) / (hi - lo) * width_px for t in found]
        if all(px[n] + (len(t.label) + 2) * char_px <= px[n + 1] for n, t in enumerate(found[:-1])):
            return found
    return found


def _round_step(least: float) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten years that is at least `least`."""
    power = 10 ** max(0, math.floor(math.log10(max(least, 1))))
    for factor in (1, 2, 5, 10):
        if factor * power >= least:
            return int(factor * power)
    return int(10 * power)


def _day_ticks(lo: float, hi: float, step: int, words: AxisWords) -> tuple[Tick, ...]:
    """Every day, every other day or every week from the first day shown; two weeks: the 1st and
    15th of each month, so the ticks run on to the right edge."""
    names = words.months
    found: list[Tick] = []
    at, count = year_fraction(*calendar_of(lo)), 0
    while at <= hi:
        y, m, d = calendar_of(at + DAY / 4)
        at = year_fraction(y, m, d)
        if at >= lo:
            if (d in (1, 15)) if step == 14 else count % step == 0:
                label = f"{names[m - 1]} {d}"
                found.append(Tick(at, label if found else f"{label}, {year_label(y, True, words)}"))
            count += 1
        at += DAY  # about the start of the next day: calendar_of(at + DAY / 4) names it
    return tuple(found)


def _month_ticks(lo: float, hi: float, step: int, words: AxisWords) -> tuple[Tick, ...]:
    names = words.months
    year, month, _ = calendar_of(lo)
    found = []
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        at = year_fraction(year, month)
        if at > hi:
            break
        if at >= lo and (month - 1) % step == 0:
            found.append((at, year, month))
        month += 1
    years = {y for _, y, _ in found}
    dated = len(years) > 1 and step > 2  # "Jul" would come back every year
    return tuple(Tick(at, names[m - 1] + (f" {year_label(y, True, words)}" if n == 0 or m == 1 or dated else ""))
                 for n, (at, y, m) in enumerate(found))


RANGES = (7 * DAY, 31 * DAY, 0.25, 1.0, 10.0, 100.0, 1000.0, 1e6, 1e8, 1e9)  # AxisWords.ranges names them


def range_buttons(span: float, words: AxisWords = ENGLISH) -> tuple[tuple[float, str], ...]:
    """The three widest periods that show a part of the chart (shorter than its whole span)."""
    fitting = [(width, label) for width, label in zip(RANGES, words.ranges) if width < span]
    return tuple(fitting[-3:])
