"""The theme's remembered `gettext` and `ngettext` (render/jinja_calls.py) give what Jinja's own
newstyle ones give: in templates, in every shipped language, and over a whole site."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.content.load import load_site
from site_builder.render.site import render_site
from site_builder.render.theme import Theme

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("en", "ru", "uk", "de", "fr", "es", "ar")

CASES = """{{ _("Timeline") }}|{{ _("Timeline") }}|{{ gettext("Sources") }}|{{ _("100%% sure") }}|{{ _("a < b") }}
{{ _("%(n)s of <b>", n="<i>") }}|{{ _("%(n)s of <b>", n="x") }}|{{ _("Timeline") | length }}
{% autoescape false %}{{ _("a < b") }}|{{ _("100%% sure") }}{% endautoescape %}|{{ _("a < b") }}
{% for x in [1, 2] %}{{ _("Previous") }}{{ _("Next") }}{% endfor %}|{{ ngettext("%(num)d event", "%(num)d events", 2) }}
{% for n in [0, 1, 2, 5, 11, 21, 2, 1, true] %}{{ ngettext("event", "events", n) }}
{{ ngettext("%(num)d event", "%(num)d events", n) }} {{ ngettext("%(num)d of %(a)s", "%(num)d of %(a)s", n, a="<b>") }}
{% endfor %}{% autoescape false %}{% for n in [1, 2] %}{{ ngettext("%(num)d < event", "%(num)d < events", n) }}
{% endfor %}{% endautoescape %}"""


def environments(language: str):
    """(the theme's environment, the same with Jinja's own gettext installed again)."""
    theme = Theme.for_site(REPO, "default", language=language)
    fast, plain = theme.environment(), theme.environment()
    plain.install_gettext_translations(plain.words, newstyle=True)
    plain.globals["_"] = plain.globals["gettext"]  # (as Jinja's `_`, which calls the context's gettext)
    # (the shortcut is what is compared)
    assert fast.globals["_"].__name__ == fast.globals["ngettext"].__name__ == "remembered"
    assert "remembered" not in plain.globals["_"].__qualname__ + plain.globals["ngettext"].__qualname__
    return fast, plain


@pytest.mark.parametrize("language", SHIPPED)
def test_interface_strings_are_jinja_s_in_every_language(language):
    fast, plain = environments(language)
    for _ in range(2):  # the second time from what the first kept
        assert fast.from_string(CASES).render() == plain.from_string(CASES).render()


def test_a_string_kept_where_escaping_is_off_is_not_given_where_it_is_on():
    # Jinja's gettext gives Markup (output as it is) where escaping is on, a str (escaped) otherwise.
    fast, plain = environments("en")
    for env in (fast, plain):
        assert env.from_string('{% autoescape false %}{{ _("a < b") }}{% endautoescape %}').render() == "a < b"
        assert env.from_string('{{ _("a < b") ~ "<" }}').render() == "a < b&lt;"


def test_a_whole_site_renders_as_with_jinja_s_gettext():
    site = load_site(REPO, include_drafts=False)
    fast, plain = environments(site.config.language)
    theme = Theme.for_site(REPO, site.config.theme)
    assert render_site(site, theme, env=fast) == render_site(site, theme, env=plain)
