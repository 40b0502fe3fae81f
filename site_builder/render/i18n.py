"""The site's language: interface strings from the theme's gettext catalogues (and site.yaml's
`strings:`), dates and quotation marks from CLDR through Babel, and the text direction."""

from __future__ import annotations

import difflib
import gettext
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from collections.abc import Callable

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, get_group_symbol
from babel.messages.pofile import read_po
from jinja2 import pass_context
from markupsafe import Markup

from site_builder.errors import Diagnostic
from site_builder.model import Site, SiteConfig
from site_builder.model.dates import PartialDate, When
from site_builder.render.archive import is_large
from site_builder.render.packaged import packaged_themes

DOMAIN = "messages"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"<[^<>]*>")
WHOLE_NUMBER = re.compile(r"(?<!%)%\((\w+)\)d")  # filled with the number in the site's digits
LONE_PERCENT = re.compile(r"%(?!%)")  # after the placeholders are taken out; %% is a percent sign
SOURCE_LANGUAGE = "en"  # the templates' own words: its catalogue lists every string, translated as is
# Marks that open or close a quotation in some language: an excerpt that starts or ends with one
# is quoted with the language's inner pair, so that two like marks never stand side by side.
QUOTE_MARKS = frozenset("\"'“”„‟«»‹›‘’‚‛「」『』")
# CLDR's delimiters (quotationStart/End, then alternateQuotationStart/End) of the shipped languages:
# Babel does not carry them. French nests “ ” inside « », as its typography does (CLDR repeats « »),
# and sets its guillemets off with a narrow no-break space.
QUOTES = {
    "en": ("“", "”", "‘", "’"), "ru": ("«", "»", "„", "“"), "uk": ("«", "»", "„", "“"),
    "de": ("„", "“", "‚", "‘"), "fr": ("«\u202f", "\u202f»", "“", "”"), "es": ("«", "»", "“", "”"),
    "ar": ("”", "“", "’", "‘"),
}
# Babel writes these for the skeletons; CLDR has no width between "January 2025" and "Jan 2025".
SKELETONS = {("day", False): "yMMMMd", ("month", False): "yMMMM",
             ("day", True): "yMMMd", ("month", True): "yMMM", ("year", False): "y", ("year", True): "y"}


def catalogue_path(locales: Path, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class Messages(gettext.NullTranslations):
    """A catalogue read from .po files (no compile step: the build reads the text the translators
    edit), the first folder's entry winning, then the site's overrides on top."""

    def __init__(self, entries: dict[str, tuple[str, ...]], plural: str | None):
        super().__init__()
        self.entries = entries
        self.plural = plural_rule(plural)

    def gettext(self, message: str) -> str:
        forms = self.entries.get(message)
        return forms[0] if forms and forms[0] else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.entries.get(singular)
        index = self.plural(n)
        if forms and index < len(forms) and forms[index]:
            return forms[index]
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.ngettext(singular, plural, n)


def N_(text: str) -> str:
    """Marks a string for the extractor (babel.cfg) where it is made; it is translated where shown."""
    return text


def words(env) -> gettext.NullTranslations:
    """The environment's catalogue, for the strings Python makes (a page's title and description)."""
    return getattr(env, "words", None) or gettext.NullTranslations()


def plural_rule(expression: str | None):
    """The catalogue's Plural-Forms rule as a function (gettext.c2py takes only C's arithmetic, never
    code); English's when there is none or it cannot be read (catalogue_errors() reports it)."""
    english = lambda n: int(n != 1)  # noqa: E731
    try:
        rule = gettext.c2py(expression) if expression else english
    except (ValueError, RecursionError, SyntaxError):
        return english

    def checked(n: int) -> int:
        try:
            return rule(n)
        except ArithmeticError:  # `n/0`: reported by catalogue_errors
            return english(n)
    return checked


def language_of(env) -> Language:
    """The render's Language, with the site's catalogue (strings: included)."""
    return env.globals.get("language") or language_named(SOURCE_LANGUAGE)


@lru_cache(maxsize=16)
def language_named(code: str) -> Language:
    """One Language per code where no render's environment is at hand: its locale and catalogue
    are read once, not for every event it writes a date for."""
    return Language(code)


def read_catalogue(path: Path) -> tuple[dict[str, tuple[str, ...]], str | None]:
    """msgid (the singular, for a plural) -> its translated forms, and the plural expression."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    entries = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        entries[key] = tuple(forms)
    # Without a Language header Babel guesses English plurals: the theme's rule stays then.
    return entries, catalog.plural_expr if catalog.locale else None


def messages(folders: tuple[Path, ...], language: str, strings: tuple = ()) -> Messages:
    entries: dict[str, tuple[str, ...]] = {}
    plural = None
    for folder in reversed(folders):  # the theme's first, the site's own over it
        for code in dict.fromkeys((language.split("-")[0], language.replace("-", "_"))):
            path = catalogue_path(folder, code)
            if path.is_file():
                found, expr = read_catalogue(path)
                entries.update((k, v) for k, v in found.items() if any(v))
                plural = expr or plural
    for english, text, *_ in strings:
        entries[english] = (text,) * 6  # one text for every plural form
    return Messages(entries, plural)


class TemplateWords:
    """The catalogue as templates see it. Jinja takes a translation as markup (the theme's own
    sentences carry links); a translation is text, escaped, unless its English has markup, whose
    tags catalogue_errors() and string_errors() have made it repeat exactly. A whole number's
    placeholder takes text: template_gettext() gives it the number as the language writes it."""

    def __init__(self, words: Messages):
        self.words = words

    def _safe(self, message: str, text: str) -> str:
        if ")d" in text:
            text = WHOLE_NUMBER.sub(r"%(\1)s", text)
        return text if "<" in message else Markup.escape(text)

    def gettext(self, message: str) -> str:
        return self._safe(message, self.words.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._safe(singular, self.words.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.ngettext(singular, plural, n)


def template_gettext(words: TemplateWords, language: Language) -> tuple[Callable, Callable]:
    """Jinja's newstyle `gettext` and `ngettext` (ext.i18n), with each whole number among the values
    written in the site's digits (10,000; 10 000; 10.000); the plural is still chosen by the number."""

    @pass_context
    def gettext(__context, __string, **variables):
        text = words.gettext(__string)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        return text % _written(variables, language)

    @pass_context
    def ngettext(__context, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        text = words.ngettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        return text % _written(variables, language)

    return gettext, ngettext


def _written(variables: dict, language: Language) -> dict:
    for name, value in variables.items():
        if isinstance(value, int):  # a bool too: `%d` writes True as 1
            variables[name] = language.number(int(value))
    return variables


def known_strings(folders: tuple[Path, ...]) -> dict[str, tuple[str, ...]]:
    """Every interface string of the theme (the msgids of its English catalogue), with its plural."""
    known: dict[str, tuple[str, ...]] = {}
    for folder in folders:
        path = catalogue_path(folder, SOURCE_LANGUAGE)
        if path.is_file():
            with path.open("rb") as handle:
                for entry in read_po(handle):
                    if entry.id:
                        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
                        known.setdefault(ids[0], ids)
    return known


def translation_problem(english: tuple[str, ...], text: str) -> tuple[str, str] | None:
    """(message, hint) when a translation of `english` (its singular and plural) would break its
    page: a placeholder the string does not fill in, a lone % (Python's % formatting reads it), or
    markup other than the English's own tags."""
    extra = sorted(set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(" ".join(english))))
    if extra:
        return f"has {extra[0]}, which that string does not fill in", "keep only the %(...)s placeholders it has"
    if LONE_PERCENT.search(PLACEHOLDER.sub("", text)):
        return "has a % that is no placeholder", "write a percent sign as %%"
    if "<" in english[0] and sorted(TAG.findall(text)) != sorted(TAG.findall(english[0])):
        return ("changes its markup", "a string's tags are kept exactly as the English has them; other "
                "text is shown as written, never as HTML")
    return None


def catalogue_errors(folders: tuple[Path, ...], language: str) -> list[Diagnostic]:
    """A located error for each entry of the catalogues the site's language reads (the theme's and
    the site's own) that translation_problem() refuses, and a Plural-Forms rule that cannot be read."""
    errors = []
    for folder in folders:
        for code in dict.fromkeys((language.split("-")[0], language.replace("-", "_"))):
            path = catalogue_path(folder, code)
            if not path.is_file():
                continue
            try:
                with path.open("rb") as handle:
                    catalog = read_po(handle, abort_invalid=True)
            except Exception as exc:  # Babel's PoFileError and what its parser raises on bad bytes
                errors.append(Diagnostic(str(path), getattr(exc, "lineno", 1) or 1, 1,
                                         f"this catalogue cannot be read: {exc}"))
                continue
            if catalog.locale and catalog.plural_expr:
                try:
                    rule = gettext.c2py(catalog.plural_expr)
                    if any(not 0 <= rule(n) < catalog.num_plurals for n in range(1001)):
                        raise ValueError(f"it gives a form past nplurals={catalog.num_plurals}")
                except (ValueError, RecursionError, SyntaxError, ArithmeticError) as exc:
                    errors.append(Diagnostic(str(path), _header_line(path), 1, f"its Plural-Forms rule cannot be "
                                             f"used: {exc}", "write C's arithmetic on n, e.g. plural=(n != 1)"))
            for message in catalog:
                if not message.id or message.fuzzy:
                    continue
                english = message.id if isinstance(message.id, tuple) else (message.id,)
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                for text in (f for f in forms if f):
                    problem = translation_problem(english, text)
                    if problem:
                        errors.append(Diagnostic(str(path), message.lineno or 1, 1,
                                                 f"the translation of '{english[0]}' {problem[0]}", problem[1]))
                        break
    return errors


def _header_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((n for n, text in enumerate(lines, 1) if "Plural-Forms:" in text), 1)


def string_errors(config: SiteConfig, folders: tuple[Path, ...], site_yaml: str) -> list[Diagnostic]:
    """A located error for each `strings:` key that is no interface string of the theme, and each
    text that names a placeholder its string does not have, or changes its markup."""
    known = known_strings(folders)
    errors = []
    for english, text, line, column in config.strings:
        if english not in known:
            close = difflib.get_close_matches(english, known, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "a key is an interface string exactly as the English theme writes it")
            errors.append(Diagnostic(site_yaml, line, column, f"'{english}' is not an interface string", hint))
            continue
        problem = translation_problem(known[english], text)
        if problem:
            errors.append(Diagnostic(site_yaml, line, column, f"the text for '{english}' {problem[0]}", problem[1]))
    return errors


def language_error(config: SiteConfig, site_yaml: str, folders: tuple[Path, ...] = ()) -> Diagnostic | None:
    """site.yaml's `language` must be a BCP 47 tag CLDR knows ("ru", "pt-BR"), with a catalogue for
    its interface strings (the theme's or the site's own), so no page silently stays in English."""
    code, at = config.language, _line_of(site_yaml, "language")
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Diagnostic(site_yaml, at, 1, f"unknown language '{code}'",
                          "write a language code such as en, ru, uk, de, fr, es or ar")
    tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    if code != tag:
        return Diagnostic(site_yaml, at, 1, f"write the language '{code}' as '{tag}'",
                          "a language tag in its usual form: lower-case language, then -Region in capitals")
    shipped = sorted({path.parent.parent.name for folder in folders
                      for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")})
    if folders and locale.language not in shipped and code not in shipped:
        return Diagnostic(site_yaml, at, 1, f"there is no translation of the interface into '{code}'",
                          f"use one of {', '.join(shipped)}, or add locales/{locale.language}/LC_MESSAGES/"
                          f"{DOMAIN}.po to the site (docs/languages.md)")
    return None


def _line_of(site_yaml: str, key: str) -> int:
    """The line of a top-level key in site.yaml, for a located message about its value."""
    try:
        lines = Path(site_yaml).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)


@dataclass(frozen=True)
class Language:
    """Dates, quotation marks and direction of one language, from CLDR; English dates as the model
    writes them (model/dates.py), and dates outside years 1..9999 too (Babel cannot write them)."""

    code: str
    # The site's catalogue, for the words around a date Babel cannot write ("since ..., ongoing",
    # "years ago"); without it, the default theme's.
    words: gettext.NullTranslations | None = field(default=None, compare=False, repr=False)

    @cached_property
    def _words(self) -> gettext.NullTranslations:
        if self.words is not None:
            return self.words
        return messages((packaged_themes() / "default" / "locales",), self.code)

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.code.replace("-", "_"))

    @property
    def english(self) -> bool:
        return self.code.split("-")[0] == SOURCE_LANGUAGE

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def when(self, when: When, short: bool = False) -> str:
        """An event's date: the editor's display_date, else the range and the local time."""
        if self.english or when.display:
            return when.format(short)
        if when.ongoing:
            return self._words.gettext("since %(date)s, ongoing") % {"date": self.date(when.start, short)}
        if not _babel_can(when.start, when.end):
            return f"{self.date(when.start, short)} \u2013 {self.date(when.end, short)}" if when.end \
                else self.date(when.start, short)
        return self._range(when.start, when.end, short) + when.clock()

    def date(self, day: PartialDate, short: bool = False) -> str:
        if self.english:
            return day.format(short)
        if not _babel_can(day):
            return self._far(day, short)
        return self._range(day, None, short)

    def count_of_events(self, count: int) -> str:
        return self.filled(self._words.ngettext("%(num)d event", "%(num)d events", count), num=count)

    def filled(self, text: str, **values) -> str:
        """text % values, each whole number's placeholder (%(num)d) given the number in the site's digits."""
        numbers = {name: self.number(values[name]) for name in WHOLE_NUMBER.findall(text)
                   if isinstance(values.get(name), int)}
        return WHOLE_NUMBER.sub(r"%(\1)s", text) % {**values, **numbers}

    def number(self, count: int) -> str:
        """A whole number as readers of the language write it: 10,000 in English, 10 000 in French;
        a count from the same groups strings.js writes it with (digit_groups), so the two agree."""
        found = self._numbers.get(count)
        if found is None:
            found = self._numbers[count] = group_digits(count, self._groups) if count >= 0 \
                else format_decimal(count, locale=self.locale)
        return found

    @cached_property
    def _numbers(self) -> dict[int, str]:
        return {}

    @cached_property
    def _groups(self) -> dict:
        return digit_groups(self.locale)

    def amount(self, count: int) -> str:
        """A count of years in words from a million up ("13,8 миллиарда"), else in digits."""
        if count >= 10**6:
            return format_compact_decimal(count, format_type="long", locale=self.locale, fraction_digits=3)
        return self.number(count)

    def _far(self, day: PartialDate, short: bool) -> str:
        """A date Babel's calendar cannot hold: before the year 1, or written "years ago". The
        day and month in CLDR's words (taken from a leap year), then the year with CLDR's era."""
        if day.years_ago:
            return self._words.gettext("%(amount)s years ago") % {"amount": self.amount(day.years_before_present())}
        era = self.locale.eras["abbreviated"][0 if day.year <= 0 else 1]
        number = 1 - day.year if day.year <= 0 else day.year
        year = f"{format_decimal(number, locale=self.locale, group_separator=False)} {era}"
        if not day.month:
            return year
        skeleton = ("MMMd" if short else "MMMMd") if day.day else ("MMM" if short else "MMMM")
        within = format_skeleton(skeleton, date(2000, day.month, day.day or 1), locale=self.locale)
        return f"{within} {year}"

    def moment(self, moment: datetime) -> str:
        """A day and a time of day (the UTC instant of a timed event)."""
        if self.english:
            return moment.strftime("%B %-d, %Y, %H:%M")
        return f"{format_skeleton('yMMMMd', moment.date(), locale=self.locale)}, {moment.strftime('%H:%M')}"

    def period(self, period_id: str, label: str) -> str:
        """A list's heading ("period-2025-08", "August 2025") in this language."""
        if self.english:
            return label
        parts = [int(p) for p in period_id.removeprefix("period-").split("-") if p.isdigit()]
        return self.date(PartialDate(*parts)) if parts else label

    def short_month(self, period_id: str, short: str) -> str:
        """A month's name in the index of periods ("2025-08", "Aug") in this language: "août"."""
        if self.english:
            return short
        month = int(period_id.rsplit("-", 1)[1])
        return format_skeleton("MMM", date(2000, month, 1), locale=self.locale)

    def _range(self, start: PartialDate, end: PartialDate | None, short: bool) -> str:
        skeleton = SKELETONS[(start.precision, short)]
        if end is None or end == start:
            return format_skeleton(skeleton, start.first_day(), locale=self.locale)
        skeleton = SKELETONS[(min(start.precision, end.precision, key=_PRECISIONS.index), short)]
        return format_interval(_as_date(start), _as_date(end), skeleton, locale=self.locale)

    def script_strings(self, site: Site | None = None) -> dict:
        """The words the theme's scripts write, as the page's `ui-strings` data (js/strings.js):
        on a site listed by period, the filters' count says they cover every period."""
        return script_strings(self._words, self.locale, site is not None and is_large(site))

    def quote_marks(self, parts: tuple[str, ...]) -> tuple[str, str]:
        """The marks around an excerpt: the inner pair when its text has marks of its own at an end."""
        marks = QUOTES.get(self.code.split("-")[0].lower(), QUOTES[SOURCE_LANGUAGE])
        inner = bool(parts) and (parts[0][:1] in QUOTE_MARKS or parts[-1][-1:] in QUOTE_MARKS)
        return marks[2:] if inner else marks[:2]

    def quoted(self, parts: tuple[str, ...], between: str = " […] ") -> Markup:
        """The parts joined by `between` (escaped unless a Markup) inside this language's marks."""
        start, end = self.quote_marks(parts)
        return Markup(start) + Markup.escape(between).join(parts) + Markup(end)


_PRECISIONS = ["year", "month", "day"]


def _as_date(day: PartialDate) -> date:
    return day.first_day()


def _babel_can(*days: PartialDate | None) -> bool:
    return all(d is None or 1 <= d.year <= 9999 for d in days)


# Plural counts stand for every CLDR category of a language: the first of these in each.
PLURAL_SAMPLES = (*range(1001), 10**6)


def script_texts(words: gettext.NullTranslations) -> dict[str, str]:
    """Key -> the text of each word the scripts write without a count (partials/ui_strings.html)."""
    _ = words.gettext
    return {
        "chosen": _("(%(num)d chosen)"),
        "nearest": _(", the %(num)d nearest shown"),
        "show_earlier": _("Show %(num)d earlier"),
        "show_later": _("Show %(num)d later"),
        "kind_source": _("Source passage"),
        "kind_event": _("Event"),
        "kind_page": _("Page"),
        "searching": _("Searching…"),
        "no_search": _("Search is not available here: its index is written by site-builder build."),
        "nothing_found": _("Nothing found for “%(query)s”."),
        "copied": _("Copied."),
        "copy_by_hand": _("Press Ctrl+C (or ⌘C) to copy."),
        "chart_role": _("timeline chart"),
        "chart_label": _("Timeline chart. Left and right arrows move between events, Enter opens one."),
    }


def script_counts(words: gettext.NullTranslations, n: int, every_period: bool = False) -> dict[str, str]:
    """Key -> the form for `n` of each word the scripts write with a count. every_period: the
    filters of a site listed by period (render/archive.py), which cover more than the page lists."""
    ngettext = words.ngettext
    return {
        "searching_all": ngettext("Searching all %(num)d events…", "Searching all %(num)d events…", n),
        "all_events": ngettext("Filters cover all %(num)d events", "Filters cover all %(num)d events", n)
        if every_period else ngettext("All %(num)d events", "All %(num)d events", n),
        "some_events": ngettext("%(listed)d of %(num)d events", "%(listed)d of %(num)d events", n),
        "earlier": ngettext("%(num)d match in earlier periods", "%(num)d matches in earlier periods", n),
        "later": ngettext("%(num)d match in later periods", "%(num)d matches in later periods", n),
        "results": ngettext("%(num)d result for “%(query)s”.", "%(num)d results for “%(query)s”.", n),
        "chart_status": ngettext("%(label)s. Event %(listed)d of %(num)d. Press Enter to read it.",
                                 "%(label)s. Event %(listed)d of %(num)d. Press Enter to read it.", n),
    }


def script_strings(words: gettext.NullTranslations, locale: Locale, every_period: bool = False) -> dict:
    """The scripts' words: plain texts, and for a count one form per CLDR plural category (the
    catalogue's form for a sample number of it), which the script picks with Intl.PluralRules."""
    rule = locale.plural_form
    samples: dict[str, int] = {}
    for n in PLURAL_SAMPLES:
        samples.setdefault(rule(n), n)
    forms = {category: script_counts(words, n, every_period) for category, n in samples.items()}
    counts = {key: {category: forms[category][key] for category in forms} for key in forms[rule(1)]}
    tag = str(locale).replace("_", "-")
    return {"lang": tag, "texts": script_texts(words), "counts": counts, "digits": digit_groups(locale)}


def digit_groups(locale: Locale) -> dict:
    """How Babel's format_decimal groups a whole number in this language: Latin digits, its group
    mark, the size of the last group and of each before it (Hindi 12,34,567: 3 then 2)."""
    primary, secondary = locale.decimal_formats[None].grouping
    return {"group": get_group_symbol(locale, numbering_system="latn"), "primary": primary, "secondary": secondary}


def group_digits(count: int, groups: dict) -> str:
    """A count >= 0 written with digit_groups, as format_decimal writes it and js/strings.js `number`
    does; but with an apostrophe for a group mark (de-CH 1'234'567), which format_decimal loses."""
    digits, written, size = str(count), "", groups["primary"]
    while len(digits) > size:
        digits, written, size = digits[:-size], groups["group"] + digits[-size:] + written, groups["secondary"]
    return digits + written
