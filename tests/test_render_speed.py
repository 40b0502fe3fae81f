"""Shortcuts the renderers take for speed give what the long way gives."""

from __future__ import annotations

import functools
import gc
import random
from pathlib import Path

import jinja2
import pytest

from site_builder.content.load import load_site
from site_builder.render.jinja_calls import DirectCallContext
from site_builder.render.markdown import _parser, _plain_paragraph, render_markdown
from site_builder.render.site import render_site
from site_builder.render.theme import Theme
from site_builder.slugs import slugify
from datetime import UTC

REPO = Path(__file__).resolve().parent.parent


def _texts(count: int) -> list[str]:
    """Short texts made of words, Markdown syntax and odd white space, deterministically."""
    pieces = list("abcXYZ éß漢 ,.;:'\"()?-+=#>0123456789\t\n\u00a0\u2028/%$@*_[]<>&!`\\|~") + [
        "  ", "1. ", "2) ", "- ", "# ", "    ", "http://x.y", "==", "--", "&amp;", "**b**", "[l](http://x)"]
    rng = random.Random(7)
    texts = []
    for _ in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        texts.append(rng.choice("AbÉ") + text if rng.random() < 0.6 else text)
    return texts


def test_plain_summaries_render_as_markdown_it_renders_them():
    taken = 0
    for text in _texts(30_000):
        if _plain_paragraph(text):
            taken += 1
            render_markdown.cache_clear()
            assert str(render_markdown(text)) == _parser().render(text), text
    assert taken > 5_000  # the shortcut is taken, and compared, often


def test_every_summary_of_the_repository_renders_as_markdown_it_renders_it():
    site = load_site(REPO, include_drafts=True)
    for event in site.events:
        assert str(render_markdown(event.summary)) == _parser().render(event.summary)


def test_text_with_syntax_goes_to_the_parser():
    for text in ["A *b*", "A [l](https://x.org)", "A\n# b", "A &copy;", "A <https://x.org>", "    A", "- A", "1. A"]:
        assert not _plain_paragraph(text)


# --- template calls ------------------------------------------------------------------------------

@jinja2.pass_context
def _page_kind(context):
    return context["kind"]


@jinja2.pass_environment
def _is_env(env):
    return isinstance(env, jinja2.Environment)


class _WithContext:
    @jinja2.pass_context
    def __call__(self, context):
        return "ctx:" + context["kind"]


class _Obj:
    def method(self, x):
        return f"m{x}"


def _stops():
    raise StopIteration


@functools.cache
@jinja2.pass_context
def _cached_kind(context):
    return "cached:" + context["kind"]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.Undefined)
    env.context_class = DirectCallContext
    return env


def test_calls_from_templates_still_pass_context_and_environment_when_asked():
    template = _env().from_string(
        "{{ kind_of() }} {{ is_env() }} {{ callable() }} {{ obj.method(2) }} {{ len('abc') }}"
        "{% for x in [1] %} {{ kind_of() }}{% endfor %} [{{ stops() }}] {{ cached() }} {{ slug('A b') }}")
    out = template.render(kind_of=_page_kind, is_env=_is_env, callable=_WithContext(), obj=_Obj(),
                          len=len, stops=_stops, cached=_cached_kind, slug=slugify, kind="event")
    assert out == "event True ctx:event m2 3 event [] cached:event a-b"


def test_the_theme_environment_uses_the_direct_calls():
    env = Theme.for_site(REPO, "default").environment()
    assert env.context_class is DirectCallContext
    assert "structured_data" in env.get_template("base.html").globals  # set before templates load


def test_templates_load_once_and_a_missing_one_is_still_an_error():
    env = Theme.for_site(REPO, "default").environment()
    assert env.get_template("partials/excerpt.html") is env.get_template("partials/excerpt.html", "event.html")
    for _ in range(2):
        with pytest.raises(jinja2.TemplateNotFound):
            env.get_template("partials/nothing.html")


# --- the collector --------------------------------------------------------------------------------

def test_a_render_freezes_the_model_only_while_it_runs(tmp_path):
    site = load_site(REPO, include_drafts=False)
    theme = Theme.for_site(REPO, site.config.theme)
    seen = []

    def run(renderer, ctx):
        seen.append(gc.get_freeze_count())
        return renderer(ctx)
    render_site(site, theme, run=run)
    assert min(seen) > 0 and gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_render_in_a_worker_leaves_what_its_parent_froze():
    site = load_site(REPO, include_drafts=False)
    theme = Theme.for_site(REPO, site.config.theme)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        render_site(site, theme)
        assert gc.get_freeze_count() > frozen // 2  # (frozen objects freed meanwhile leave it)
    finally:
        gc.unfreeze()


# --- template output ---------------------------------------------------------------------------

_OUTPUT_CASES = """{% set block %}<b>{{ text }}</b>{% endset %}{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}
{{ text }} {{ safe }} {{ number }} {{ none }} {{ block }} {{ m(text) }} {{ m(text) | upper }}
{% filter upper %}{{ text }}{% endfilter %} {{ [text, safe] | join(sep) }} {{ text ~ safe }}
{% autoescape false %}{{ text }}{% endautoescape %} {{ block | length }} {{ items | join(", ") }}
{% for x in items %}{{ x }}{{ loop.index }}{% if loop.last %}.{% endif %}{% endfor %} {{ text | e }} {{ safe | safe }}
{{ d.key }} {{ d.items }} [{{ d.nothing }}] [{{ obj.missing }}] {{ obj.inner.value }} {{ obj.inner.method(d.key) }}
{% macro n(o=obj) %}{{ o.inner.value }}{{ caller() if caller }}{% endmacro %}{{ n() }}
{% call n() %}{{ obj.inner.value ~ d.key }}{% endcall %} {{ items | map(attribute="real") | list | length }}
{% set s = obj.inner.value %}{{ s }} {{ [obj.inner.value, d.key] | join(",") }} {% if obj.inner %}{{ obj.inner }}{% endif %}"""  # noqa: E501 - one template's text


class _Inner:
    value = "<v>"

    def method(self, x):
        return f"{x}!"

    def __str__(self):
        return "inner"


class _Outer:
    inner = _Inner()


def test_templates_write_the_same_text_with_the_plain_escape():
    from markupsafe import Markup, escape

    from site_builder.render.jinja_codegen import output_text
    from site_builder.render.jinja_env import ThemeEnvironment

    values = dict(text="<a href='x'>\"Tom\" & Jerry</a>", safe=Markup("<em>ok</em>"), number=42, none=None,
                  sep=Markup("<br>"), items=["<", Markup("&amp;"), 3], d={"key": "K&", "items": 1}, obj=_Outer())
    plain = jinja2.Environment(autoescape=True)
    fast = ThemeEnvironment(autoescape=True)
    assert ":= getattr(" in fast.compile(_OUTPUT_CASES, raw=True)  # (the shortcut is what is compared)
    assert fast.from_string(_OUTPUT_CASES).render(values) == plain.from_string(_OUTPUT_CASES).render(values)
    for value in [values["text"], values["safe"], 42, None, "", "plain"]:
        assert output_text(value) == str(escape(value))


def test_a_missing_value_still_fails_the_render():
    env = Theme.for_site(REPO, "default").environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ obj.missing }}").render(obj=_Outer())


# --- events.ics lines ------------------------------------------------------------------------------

_ICS_TEXTS = ["Commas, semicolons; back\\slashes \\N and \\n", "line one\nline two\r\nthree\rfour",
              "\ufeffstarts with a byte order mark", "é€😀", "", "https://example.org/a?b=c,d;e", "plain"]


def test_text_and_uri_lines_are_the_library_s():
    import icalendar

    from site_builder.render.calendar import _typed_line

    for name in ("uid", "summary", "description", "location", "url"):
        for text in _ICS_TEXTS:
            vevent = icalendar.Event()
            try:
                vevent.add(name, text)
            except ValueError:  # a URI with a line break: refused, as before
                with pytest.raises(ValueError):
                    _typed_line(name, text)
                continue
            assert _typed_line(name, text) == vevent.content_lines()[1], (name, text)


def test_a_utc_stamp_line_is_the_library_s():
    from datetime import datetime

    from site_builder.render.calendar import _date_line, _utc_stamp_line

    for moment in [datetime(2025, 8, 15, 23, 59, 59, tzinfo=UTC), datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
                   datetime(2025, 12, 31, 0, 0, 0, 12, tzinfo=UTC)]:
        assert _utc_stamp_line(moment) == _date_line("dtstamp", moment, datetime, UTC)[0]



def test_date_lines_are_the_library_s_after_the_first_of_their_shape():
    # The first value of each (property, type, zone) is the library's line; the next ones reuse
    # its part before the value: each must still be the line the library writes for it.
    from datetime import date, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from site_builder.render.calendar import _date_line, _library_date_line

    zones = [None, UTC, ZoneInfo("UTC"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Kathmandu"),
             ZoneInfo("America/Argentina/Buenos_Aires"), timezone(timedelta(hours=-3, minutes=-30))]
    moments = [datetime(2025, 1, 15, 9, 5, 7, 123), datetime(2025, 7, 1, 23, 59, 59), datetime(999, 12, 31, 0, 0)]
    for name in ("dtstart", "dtend", "dtstamp"):
        for day in (date(2025, 8, 15), date(999, 1, 2), date(2024, 2, 29)):
            assert _date_line(name, day, date, None) == _library_date_line.__wrapped__(name, day, date, None)
        for zone in zones:
            for moment in moments:
                value = moment.replace(tzinfo=zone)
                expected = _library_date_line.__wrapped__(name, value, datetime, zone)
                assert _date_line(name, value, datetime, zone) == expected, (name, value)


# --- JSON-LD ---------------------------------------------------------------------------------------

def test_an_event_s_json_ld_from_pieces_is_the_whole_serialised(site):
    from jinja2.utils import htmlsafe_json_dumps

    from site_builder.render import seo
    from site_builder.render.urls import Urls

    site.source("odd", "Words with <b>'tags'</b> & ampersands, in the text.\n",
                front="title: \"<script>'&' </script>\"\npublisher: A & B <x>\npublished: 2025-08-16\n")
    site.event("2025-08-15-odd", "title: \"A <b>'title'</b> & more\"\ndate: 2025-08-15\nlane: main\n"
               "summary: \"<i>x</i> & 'y'\"\nexcerpts:\n  - source: odd\n    quote: \"<b>'tags'</b> & ampersands\"\n"
               "  - source: wire\n    quote: The talks took place\n")
    # Text that reads like the keys the pieces are put together around.
    site.source("keys", 'He wrote ,"subjectOf":[] and ,"citation":[] in the text.\n',
                front='title: \'x,"subjectOf":[1]}\'\npublisher: P\npublished: 2025-08-16\n')
    site.event("2025-08-16-keys", 'title: \'T ,"subjectOf":[{}]\'\ndate: 2025-08-16\nlane: main\n'
               'summary: \'S ,"citation":[] ,"subjectOf":\'\nexcerpts:\n  - source: keys\n'
               '    quote: \'wrote ,"subjectOf":[] and\'\n')
    loaded = load_site(site.root)
    assert "2025-08-16-keys" in loaded.events_by_id
    urls = Urls(loaded, {})
    for event in loaded.events:
        whole = str(htmlsafe_json_dumps(seo.event_ld(loaded, urls, event), dumps=seo._compact_json))
        assert seo.event_ld_json(loaded, urls, event) == whole
        assert seo.event_ld_json(loaded, urls, event) == whole  # the citations kept
