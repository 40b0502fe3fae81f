"""The curated site built in Russian and Arabic; the catalogues complete; plurals, overrides and
the quotation marks of every output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from site_builder.build import Options, build, check
from site_builder.errors import ContentError
from site_builder.render.i18n import Language, messages, script_strings

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "themes/default/locales"
SHIPPED = ("en", "ru", "uk", "de", "fr", "es", "ar")


def copy_of_curated_site(root: Path, language: str, extra: str = "") -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    text = (REPO / "site.yaml").read_text().replace("language: en\n", f"language: {language}\n")
    (root / "site.yaml").write_text(text + extra)
    return root


@pytest.fixture(scope="module")
def russian(tmp_path_factory) -> Path:
    override = 'strings:\n  "Timeline": "Лента событий"\n'
    root = copy_of_curated_site(tmp_path_factory.mktemp("ru") / "site", "ru", override)
    build(Options(root=root, out=root / "build"))
    return root / "build"


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    root = copy_of_curated_site(tmp_path_factory.mktemp("ar") / "site", "ar")
    build(Options(root=root, out=root / "build"))
    return root / "build"


def page(folder: Path, rel: str) -> str:
    return (folder / rel).read_text(encoding="utf-8")


def test_russian_build_writes_russian_words_month_names_and_marks(russian):
    home = page(russian, "index.html")
    assert '<html lang="ru">' in home
    assert "15 событий · 33 цитаты из 2 архивных источников" in home
    assert 'class="period-label">август 2025\u202fг.</h2>' in home  # a month on its own: nominative
    assert "15 августа 2025\u202fг." in home  # a day: the genitive
    assert ">Источники</a>" in home and "Events" not in home
    event = page(russian, "events/2025-08-15-anchorage-summit/index.html")
    assert "<h2>Источники</h2>" in event and "Связанные события" in event
    assert re.search(r"<p>«[^“”«»]+»</p>", event), "a plain excerpt is in « »"
    tianjin = page(russian, "events/2025-09-01-putin-sco-remarks-tianjin/index.html")
    assert "<p>„“We highly value" in tianjin  # the source's own marks inside: the inner pair


def test_site_strings_override_the_catalogue(russian):
    assert ">Лента событий</a>" in page(russian, "index.html")


def test_arabic_build_is_right_to_left_with_arabic_words(arabic):
    home = page(arabic, "index.html")
    assert '<html lang="ar" dir="rtl">' in home
    assert "أغسطس" in home and ">المصادر</a>" in home
    assert '<html lang="ar" dir="rtl">' in page(arabic, "embed/index.html")
    assert "المصادر" in page(arabic, "events/2025-08-15-anchorage-summit/index.html")


def template_strings() -> set[str]:
    with (REPO / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in extract_from_dir(str(REPO), method_map, options_map)}


@pytest.mark.parametrize("language", SHIPPED)
def test_every_interface_string_is_in_every_shipped_catalogue(language):
    with (LOCALES / language / "LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert template_strings() - entries.keys() == set()
    if language != "en":
        forms = {key: m.string if isinstance(m.string, tuple) else (m.string,) for key, m in entries.items()}
        assert [key for key, texts in forms.items() if not all(texts)] == []
        plurals = [m for m in entries.values() if isinstance(m.id, tuple)]
        assert plurals and all(len(m.string) == catalog.num_plurals for m in plurals)


@pytest.mark.parametrize(("language", "counts"), [
    ("ru", {1: "1 событие", 3: "3 события", 5: "5 событий", 21: "21 событие", 12: "12 событий"}),
    ("uk", {1: "1 подія", 4: "4 події", 11: "11 подій", 22: "22 події"}),
    ("ar", {0: "لا أحداث", 1: "حدث واحد", 2: "حدثان", 3: "3 أحداث", 11: "11 حدثًا", 100: "100 حدث"}),
    ("de", {1: "1 Ereignis", 2: "2 Ereignisse"}),
])
def test_plural_forms_follow_the_language(language, counts):
    catalogue = messages((LOCALES,), language)
    for n, expected in counts.items():
        assert catalogue.ngettext("%(num)d event", "%(num)d events", n) % {"num": n} == expected


def test_an_unknown_string_key_is_a_located_error_with_the_closest_string(tmp_path):
    root = copy_of_curated_site(tmp_path / "site", "en", 'strings:\n  "Sourcse": "Archive"\n')
    with pytest.raises(ContentError) as caught:
        check(Options(root=root))
    (error,) = caught.value.diagnostics
    line = (root / "site.yaml").read_text().splitlines().index('  "Sourcse": "Archive"') + 1
    assert (error.path, error.line, error.column) == (str(root / "site.yaml"), line, 3)
    assert error.message == "'Sourcse' is not an interface string" and error.hint == "did you mean 'Sources'?"


@pytest.mark.parametrize(("language", "parts", "marks"), [
    ("en", ("plain words",), ("“", "”")),
    ("en", ("“We highly value … China.", "he said."), ("‘", "’")),
    ("en", ('In this regard … crisis,"',), ("‘", "’")),
    ("ru", ("слова",), ("«", "»")),
    ("ru", ("«Цитата» внутри",), ("„", "“")),
    ("de", ("Worte",), ("„", "“")),
    ("uk", ("слова",), ("«", "»")),
    ("fr", ("mots",), ("«\u202f", "\u202f»")),  # French sets its guillemets off with a narrow space
    ("fr", ("« Citation » dedans",), ("“", "”")),
])
def test_an_excerpt_quoting_marks_of_its_own_takes_the_inner_pair(language, parts, marks):
    assert Language(language).quote_marks(parts) == marks


def test_no_output_of_the_english_site_doubles_its_quotation_marks(tmp_path):
    out = tmp_path / "build"
    build(Options(root=REPO, out=out))
    for name in ("events/2025-09-01-putin-sco-remarks-tianjin/index.html", "feed.xml", "events.ics",
                 "timeline.json", "index.html"):
        text = page(out, name).replace("&#34;", '"').replace("&amp;#34;", '"').replace("\\\"", '"')
        assert not re.search(r'“[“"]|[”"]”', text), name
    assert "<p>‘“We highly value" in page(out, "index.html")


def test_a_site_catalogue_wins_over_the_theme(tmp_path):
    root = copy_of_curated_site(tmp_path / "site", "de")
    po = root / "locales/de/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Sources"\nmsgstr "Belege"\n', encoding="utf-8")
    build(Options(root=root, out=root / "build"))
    home = page(root / "build", "index.html")
    assert ">Belege</a>" in home and ">Zeitleiste</a>" in home


@pytest.mark.parametrize("code, big_bang, ides, ongoing", [
    ("ru", "13,8 миллиарда лет назад", "15 марта 44 до н. э.", "июнь 2025\u202fг. — по сей день"),
    ("de", "vor 13,8 Milliarden Jahren", "15. März 44 v. Chr.", "seit Juni 2025, andauernd"),
    ("en", "13.8 billion years ago", "March 15, 44 BCE", "since June 2025, ongoing"),
])
def test_dates_babel_cannot_write_are_in_the_sites_language(code, big_bang, ides, ongoing):
    from site_builder.content.dates import parse_partial_date
    from site_builder.model.dates import When
    from site_builder.render.i18n import Language

    language = Language(code)
    assert language.date(parse_partial_date("13.8 billion years ago")) == big_bang
    assert language.date(parse_partial_date("0044-03-15 BCE")) == ides
    assert language.when(When(parse_partial_date("2025-06"), ongoing=True)) == ongoing


def test_an_override_is_text_never_markup(tmp_path):
    root = copy_of_curated_site(tmp_path / "site", "ru",
                                'strings:\n  "Timeline": "<img src=x onerror=alert(1)>Лента"\n')
    build(Options(root=root, out=root / "build"))
    home = page(root / "build", "index.html")
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(1)&gt;Лента" in home


@pytest.mark.parametrize(("text", "message"), [
    ('"%(num)d event": "%(count)d шт."', "has %(count)d, which that string does not fill in"),
    ('"Search runs in your browser and needs JavaScript. Every event is on the <a href=\\"%(home)s\\">timeline'
     '</a>, every source on the <a href=\\"%(sources)s\\">sources page</a>.": "<a href=\\"%(home)s\\" '
     'onclick=\\"x()\\">Лента</a>"', "changes its markup"),
])
def test_an_override_keeps_its_strings_placeholders_and_tags(tmp_path, text, message):
    root = copy_of_curated_site(tmp_path / "site", "ru", f"strings:\n  {text}\n")
    with pytest.raises(ContentError) as raised:
        check(Options(root=root))
    [found] = raised.value.diagnostics
    assert message in found.message and found.path.endswith("site.yaml") and found.line > 1


@pytest.mark.parametrize(("language", "message"), [
    ("RU", "write the language 'RU' as 'ru'"),
    ("ru_RU", "write the language 'ru_RU' as 'ru-RU'"),
    ("zh", "there is no translation of the interface into 'zh'"),
])
def test_a_language_the_interface_would_not_speak_is_refused_where_written(tmp_path, language, message):
    root = copy_of_curated_site(tmp_path / "site", language)
    with pytest.raises(ContentError) as raised:
        check(Options(root=root))
    [found] = raised.value.diagnostics
    line = (root / "site.yaml").read_text().splitlines().index(f"language: {language}") + 1
    assert found.message == message and found.line == line


def test_a_regional_language_uses_its_languages_catalogue(tmp_path):
    root = copy_of_curated_site(tmp_path / "site", "de-AT")
    build(Options(root=root, out=root / "build"))
    assert "Quellen" in page(root / "build", "index.html")


SCRIPTS = REPO / "themes/default/static/js"


def words_of_scripts(language: str) -> dict:
    return script_strings(messages((LOCALES,), language), Locale.parse(language))


def ui_strings(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="ui-strings">(.*?)</script>', html, re.S)
    assert block, "the page carries the scripts' words"
    return json.loads(block.group(1))


def test_the_scripts_counts_have_a_form_for_each_plural_category():
    russian = words_of_scripts("ru")
    assert russian["lang"] == "ru"
    assert russian["counts"]["some_events"] == {
        "one": "%(listed)d из %(num)d события", "few": "%(listed)d из %(num)d событий",
        "many": "%(listed)d из %(num)d событий"}
    arabic = words_of_scripts("ar")["counts"]["results"]
    assert set(arabic) == {"zero", "one", "two", "few", "many", "other"}
    assert arabic["two"] == "نتيجتان لـ ”%(query)s“." and arabic["many"] == "%(num)d نتيجة لـ ”%(query)s“."
    english = words_of_scripts("en")
    assert english["counts"]["all_events"] == {"one": "All %(num)d events", "other": "All %(num)d events"}
    assert english["texts"]["nothing_found"] == "Nothing found for “%(query)s”."
    own = messages((LOCALES,), "ru", (("Copied.", "Готово.", 1, 1),))  # site.yaml's strings: reach them too
    assert script_strings(own, Locale.parse("ru"))["texts"]["copied"] == "Готово."


def test_every_word_a_script_writes_is_in_the_data_and_every_word_is_used():
    data = words_of_scripts("en")
    code = "".join(path.read_text() for path in SCRIPTS.glob("*.js"))
    for kind, known in (("text", data["texts"]), ("count", data["counts"])):
        asked = set(re.findall(rf"siteWords\.{kind}\(\s*['\"](\w+)['\"]", code))
        assert asked and asked - known.keys() == set(), kind
    unused = [key for key in {**data["texts"], **data["counts"]} if not re.search(rf"['\"]{key}['\"]", code)]
    assert unused == []


def test_pages_with_scripts_carry_their_words_in_the_sites_language(russian, arabic):
    home = ui_strings(page(russian, "index.html"))
    assert home["lang"] == "ru" and home["counts"]["all_events"]["many"] == "Все события: %(num)d"
    assert ui_strings(page(russian, "search/index.html"))["texts"]["searching"] == "Поиск…"
    assert ui_strings(page(russian, "embed/index.html"))["texts"]["chart_role"] == "хронологическая диаграмма"
    event = page(arabic, "events/2025-08-15-anchorage-summit/index.html")
    assert ui_strings(event)["texts"]["copied"] == "تم النسخ."
    assert 'id="ui-strings"' not in page(russian, "sources/index.html")  # no script there, no words


SITE_CATALOGUE = """msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: {plural}\\n"

msgid "Timeline"
msgstr "{timeline}"
"""


def site_with_catalogue(root: Path, plural: str = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 2);",
                        timeline: str = "Лента") -> Path:
    copy_of_curated_site(root, "ru")
    folder = root / "locales/ru/LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(SITE_CATALOGUE.format(plural=plural, timeline=timeline), encoding="utf-8")
    return root


def test_a_sites_own_catalogue_is_text_too(tmp_path):
    root = site_with_catalogue(tmp_path / "site", timeline="<img src=x onerror=alert(1)>Лента")
    build(Options(root=root, out=root / "build"))
    home = page(root / "build", "index.html")
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(1)&gt;Лента" in home


@pytest.mark.parametrize(("plural", "timeline", "message"), [
    ("nplurals=2; plural=__import__('os').system('touch /tmp/pwned');", "Лента", "Plural-Forms rule cannot be used"),
    ("nplurals=2; plural=(n != 1);", "Лента %(count)d", "has %(count)d, which that string does not fill in"),
    ("nplurals=2; plural=(n != 1);", "100% верно %s", "has a % that is no placeholder"),
    ("nplurals=2; plural=(n / 0);", "Лента", "Plural-Forms rule cannot be used"),
    ("nplurals=2; plural=(n + 5);", "Лента", "it gives a form past nplurals=2"),
])
def test_a_sites_catalogue_that_would_break_its_pages_is_a_located_error(tmp_path, plural, timeline, message):
    root = site_with_catalogue(tmp_path / "site", plural, timeline)
    with pytest.raises(ContentError) as raised:
        check(Options(root=root))
    [found] = raised.value.diagnostics
    assert message in found.message and found.path.endswith("locales/ru/LC_MESSAGES/messages.po")
    assert found.line > 1


def test_a_strings_value_with_a_lone_percent_is_a_located_error(tmp_path):
    root = copy_of_curated_site(tmp_path / "site", "ru", 'strings:\n  "%(num)d event": "100% sure %s"\n')
    with pytest.raises(ContentError) as raised:
        check(Options(root=root))
    [found] = raised.value.diagnostics
    assert "has a % that is no placeholder" in found.message and found.path.endswith("site.yaml")


def test_the_themes_own_catalogues_pass_their_checks():
    from site_builder.render.i18n import catalogue_errors

    for language in SHIPPED:
        assert catalogue_errors((LOCALES,), language) == []
