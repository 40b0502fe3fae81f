"""Every content error is `path:line:col: error: message` (+ hint), all at once, exit 1, no traceback."""

from __future__ import annotations

import json
import re

import pytest

from site_builder.content.load import load_site
from tests.conftest import EVENT_YAML

LOCATED = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$", re.M)


def errors_of(site) -> list[dict]:
    result = site.cli("check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return [m.groupdict() for m in LOCATED.finditer(result.stderr)]


def only_error(site) -> dict:
    errors = errors_of(site)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_clean_site_checks_with_exit_0_and_a_summary(site):
    result = site.cli("check")
    assert result.returncode == 0, result.stderr
    assert re.search(r"checked 1 event, 1 source, 1 excerpt verified in \d+\.\d+ s", result.stdout)


def test_duplicate_keys_are_an_error_at_the_second_key(site):
    site.event("2025-08-15-talks", "title: A\ntitle: B\ndate: 2025-08-15\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    err = only_error(site)
    assert err["path"].endswith("2025-08-15-talks.yaml")
    assert (err["line"], err["col"]) == ("2", "1")
    assert "duplicate field 'title'" in err["message"]


def test_yaml_1_1_booleans_stay_strings_and_dates_are_ours(site):
    site.event("2025-08-15-talks", "title: NO\ndate: 2025-08-15\nplace: yes\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    event = load_site(site.root).events[0]
    assert (event.title, event.place) == ("NO", "yes")
    assert event.when.start.iso() == "2025-08-15"


def test_anchors_and_aliases_are_refused(site):
    site.event("2025-08-15-talks", "title: &t Talks\ndate: 2025-08-15\nplace: *t\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    err = only_error(site)
    assert err["line"] == "1" and "anchors (&t) are not allowed" in err["message"]


def test_an_alias_bomb_is_refused_before_it_expands(site):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 4)}]\n" for i in range(8))
    site.event("bomb", bomb)
    errors = errors_of(site)
    assert any("anchors (&a) are not allowed" in e["message"] for e in errors)


def test_files_over_the_size_cap_are_refused(site):
    site.event("huge", "title: " + "x" * (2 * 1024 * 1024) + "\n")
    err = only_error(site)
    assert "over the limit" in err["message"]


def test_non_utf8_bytes_are_located(site):
    site.write("content/events/latin1.yaml", "title: Caf\xe9\n".encode("latin-1"))
    err = only_error(site)
    assert (err["line"], err["col"]) == ("1", "11")
    assert "not valid UTF-8" in err["message"]


def test_tabs_in_indentation_get_a_hint(site):
    site.event("2025-08-15-talks", "title: Talks\nexcerpts:\n\t- source: wire\n")
    result = site.cli("check")
    assert result.returncode == 1
    assert "2025-08-15-talks.yaml:3:1: error: malformed YAML" in result.stderr
    assert "indent with spaces" in result.stderr


def test_bom_and_crlf_line_endings_are_accepted(site):
    text = "\ufeff" + (site.root / "content/events/2025-08-15-talks.yaml").read_text().replace("\n", "\r\n")
    site.write("content/events/2025-08-15-talks.yaml", text.encode("utf-8"))
    assert site.cli("check").returncode == 0


def test_unknown_field_suggests_the_closest_known_one(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nsumary: x\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:3:1: error: unknown field 'sumary' in the event" in result.stderr
    assert "hint: did you mean 'summary'?" in result.stderr


def test_unknown_source_lists_the_known_sources(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nexcerpts:\n"
                                   "  - source: wier\n    quote: The talks took place\n")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:4:13: error: unknown source 'wier'" in result.stderr
    assert "did you mean 'wire'? known sources: wire" in result.stderr


def test_misquoted_excerpt_names_closest_passage_and_differing_words(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nexcerpts:\n  - source: wire\n"
                                   "    quote: The talks took place in a trusting and constructive atmosphere.\n")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:5:12: error: the quote is not in source 'wire'" in result.stderr
    assert 'closest passage, wire.md line 7: "The talks took place in a trustful and constructive' in result.stderr
    assert 'the quote has "trusting" where the source has "trustful"' in result.stderr


def test_wrong_types_are_named(site):
    site.event("2025-08-15-talks", "title: [a, b]\ndate: 2025-08-15\nexcerpts: none\n")
    errors = errors_of(site)
    messages = {(e["line"], e["message"]) for e in errors}
    assert ("1", "'title' must be a single value, not a list") in messages
    assert ("3", "'excerpts' must be a list, each item starting with '- '") in messages


def test_missing_required_fields_and_empty_excerpts_are_errors(site):
    site.event("2025-08-15-talks", "date: 2025-08-15\nexcerpts: []\n")
    messages = [e["message"] for e in errors_of(site)]
    assert "the event is missing the required field 'title'" in messages
    assert "'excerpts' needs at least 1 item(s)" in messages


def test_impossible_date_end_before_start_and_unknown_zone(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nend: 2025-08-01\ntimezone: Mars/Olympus\n"
                                   "excerpts:\n  - source: wire\n    quote: The talks took place\n")
    site.event("feb", "title: Feb\ndate: 2025-02-30\nexcerpts:\n  - source: wire\n    quote: The talks took place\n")
    errors = errors_of(site)
    assert {(e["path"].rsplit("/", 1)[-1], e["line"], e["message"]) for e in errors} == {
        ("2025-08-15-talks.yaml", "3", "the event ends (2025-08-01) before it starts (2025-08-15)"),
        ("2025-08-15-talks.yaml", "4", "unknown time zone 'Mars/Olympus'"),
        ("feb.yaml", "2", "'2025-02-30' is not a day of the calendar"),
    }


def test_a_time_needs_a_full_date(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08\ntime: '10:00'\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    assert only_error(site)["message"] == "a time needs a full date (YYYY-MM-DD)"


def test_unknown_lane_lists_the_lanes(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nlane: mian\nexcerpts:\n"
                                   "  - source: wire\n    quote: The talks took place\n")
    result = site.cli("check")
    assert "2025-08-15-talks.yaml:3:7: error: unknown lane 'mian'" in result.stderr
    assert "lanes in site.yaml: main, other" in result.stderr


def test_duplicate_ids_and_missing_related_events(site):
    site.event("second", "id: 2025-08-15-talks\ntitle: Again\ndate: 2025-08-15\nrelated: [nope]\n"
                         "excerpts:\n  - source: wire\n    quote: The talks took place\n")
    errors = errors_of(site)
    assert any(e["path"].endswith("second.yaml") and e["line"] == "1"
               and e["message"] == "duplicate event id '2025-08-15-talks'" for e in errors)


def test_related_ids_must_exist(site):
    site.event("other", "title: Other\ndate: 2025-08-16\nrelated: [2025-08-15-talk]\n"
                        "excerpts:\n  - source: wire\n    quote: The talks took place\n")
    result = site.cli("check")
    assert "other.yaml:3:10: error: related event '2025-08-15-talk' does not exist" in result.stderr
    assert "did you mean '2025-08-15-talks'?" in result.stderr


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x"])
def test_only_http_links_are_accepted_for_sources(site, url):
    site.source("wire", front=f"title: W\npublisher: W\npublished: 2025-08-16\nurl: '{url}'\n")
    err = only_error(site)
    assert err["path"].endswith("wire.md") and err["line"] == "5"
    assert "is not an http(s) address" in err["message"]


def test_all_errors_of_a_run_are_reported_not_only_the_first(site):
    site.event("a", "title: A\ndate: 2025-13\nexcerpts:\n  - source: wire\n    quote: The talks took place\n")
    site.event("b", "title: B\ndate: 2025-08-15\nexcerpts:\n  - source: nowhere\n    quote: x\n")
    site.event("c", "title: [C\n")
    result = site.cli("check")
    files = {m["path"].rsplit("/", 1)[-1] for m in LOCATED.finditer(result.stderr)}
    assert files == {"a.yaml", "b.yaml", "c.yaml"}
    assert "3 errors; check failed" in result.stderr


def test_a_symlink_leading_outside_the_site_is_refused(site, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("title: secret\n")
    (site.root / "content/events/link.yaml").symlink_to(outside)
    err = only_error(site)
    assert err["path"].endswith("link.yaml") and "outside the site folder" in err["message"]


def test_check_json_format_lists_errors_for_tools(site):
    site.event("bad", "title: Bad\ndate: 2025-08-15\nexcerpts:\n  - source: wire\n    quote: not in there at all\n")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    [error] = data["errors"]
    assert error["path"].endswith("bad.yaml") and error["line"] == 5 and error["column"] == 12
    assert error["hint"]


def test_a_missing_site_yaml_says_how_to_start(tmp_path):
    from tests.conftest import SiteDir

    result = SiteDir(tmp_path).cli("check")
    assert result.returncode == 1
    assert "site.yaml:1:1: error: no site.yaml here" in result.stderr


@pytest.mark.parametrize("extra", ["", "note: Q&A session\n"], ids=["fast-path", "event-path"])
def test_both_yaml_paths_report_duplicates_and_the_files_other_errors(site, extra):
    # Texts with '&' take the event-by-event path that can see anchors; the rest the C composer.
    site.event("2025-08-15-talks", "title: A\ntitle: B\ndate: 2025-13\n" + extra +
               "excerpts:\n  - source: wire\n    quote: The talks took place\n")
    messages = {(e["line"], e["message"]) for e in errors_of(site)}
    assert ("2", "duplicate field 'title'") in messages
    assert ("3", "'2025-13' has no month 13") in messages


def test_custom_yaml_tags_are_refused(site):
    site.event("2025-08-15-talks", "title: !!python/object:os.system echo\ndate: 2025-08-15\n")
    assert "YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed" in only_error(site)["message"]


def test_a_draft_may_have_no_excerpt_yet_but_a_published_event_must(site):
    site.event("draft", "title: Still sourcing\ndate: 2025-08-16\ndraft: true\nexcerpts: []\n")
    site.event("bare-draft", "title: Just an idea\ndate: 2025-08-17\ndraft: true\n")
    assert site.cli("check").returncode == 0
    assert site.cli("build", "--drafts").returncode == 0
    assert "Just an idea" in (site.root / "build/events/bare-draft/index.html").read_text()
    site.event("draft", "title: Still sourcing\ndate: 2025-08-16\nexcerpts: []\n")
    err = only_error(site)
    assert (err["line"], err["message"]) == ("3", "'excerpts' needs at least 1 item(s)")
    assert "draft: true" in site.cli("check").stderr


def test_schema_accepts_drafts_without_excerpts_and_refuses_published_ones():
    import jsonschema
    from site_builder.content.schema import json_schema

    validator = jsonschema.Draft7Validator(json_schema("event"))
    assert validator.is_valid({"title": "t", "date": "2025", "draft": True})
    assert not validator.is_valid({"title": "t", "date": "2025"})
    assert not validator.is_valid({"title": "t", "date": "2025", "excerpts": []})
    assert validator.is_valid({"title": "t", "date": "2025", "excerpts": [{"source": "s", "quote": "q"}]})


# --- what no output can carry, and what the renderers cannot publish, is refused at loading ---

EXCERPT = "excerpts:\n  - source: wire\n    quote: The talks took place\n"


def located(site, name: str) -> list[tuple[str, str, str, str]]:
    """(line, col, message, whole block) of each error in the file `name`, from `check`."""
    result = site.cli("check")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    blocks = re.findall(r"^(\S*?):(\d+):(\d+): error: (.*(?:\n  .*)*)", result.stderr, re.M)
    return [(line, col, message.split("\n")[0], message) for path, line, col, message in blocks if path.endswith(name)]


def test_a_raw_escape_character_in_a_title_is_located_and_named(site):
    site.event("2025-08-15-talks", "title: Talks \x1b[31min red\ndate: 2025-08-15\n" + EXCERPT)
    [(line, col, message, block)] = located(site, "2025-08-15-talks.yaml")
    assert (line, col) == ("1", "14")
    assert "control character" in message and "U+001B ESCAPE: remove it" in block


@pytest.mark.parametrize("escape, name", [("\\0", "U+0000 NULL"), ("\\e", "U+001B ESCAPE"), ("\\x7f", "U+007F DELETE"),
                                          ("\\N", "U+0085 C1 CONTROL"), ("\\uFFFE", "U+FFFE NON-CHARACTER"),
                                          ("\\U0010FFFF", "U+10FFFF NON-CHARACTER")])
def test_an_escaped_control_or_non_character_is_located_at_its_escape(site, escape, name):
    site.event("2025-08-15-talks", f'title: Talks\nplace: "Anchorage{escape}"\ndate: 2025-08-15\n' + EXCERPT)
    [(line, col, message, block)] = located(site, "2025-08-15-talks.yaml")
    assert (line, col) == ("2", "18") and name in block


def test_a_control_character_in_a_key_or_in_site_yaml_is_refused_too(site):
    site.event("2025-08-15-talks", 'title: Talks\n"pla\\x01ce": Anchorage\ndate: 2025-08-15\n' + EXCERPT)
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace("A small site", "A small\x07 site"))
    assert ("2", "5") in [(line, col) for line, col, _, _ in located(site, "2025-08-15-talks.yaml")]
    assert ("2", "21") in [(line, col) for line, col, _, _ in located(site, "site.yaml")]


def test_a_control_character_in_an_archived_source_is_refused_not_cleaned(site):
    site.source("wire", text="ANCHORAGE. The talks took place\x00 in a trustful atmosphere.\n")
    [(line, col, message, block)] = located(site, "wire.md")
    assert (line, col) == ("7", "32") and "U+0000 NULL" in block


def test_a_file_name_with_a_control_character_is_refused_without_printing_it(site):
    site.write("content/events/talks\x1b[2J.yaml", EVENT_YAML_TEXT)
    result = site.cli("check")
    assert result.returncode == 1 and "\x1b" not in result.stderr
    assert "the file name holds U+001B ESCAPE" in result.stderr


EVENT_YAML_TEXT = "title: Talks\ndate: 2025-08-15\n" + EXCERPT


@pytest.mark.parametrize("zone", ["Not/AZone", "../../etc/passwd", '""', '"Europe/Ber\\0lin"',
                                  "/usr/share/zoneinfo/UTC", "right/UTC", "posixrules", "Europe", "EST",
                                  "europe/berlin"])
def test_a_zone_name_that_is_not_a_zone_is_located(site, zone):
    site.event("2025-08-15-talks", f"title: Talks\ndate: 2025-08-15\ntime: '10:00'\ntimezone: {zone}\n" + EXCERPT)
    assert ("4", "11") in [(line, col) for line, col, _, _ in located(site, "2025-08-15-talks.yaml")]


@pytest.mark.parametrize("zone", ["UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires"])
def test_real_zones_are_accepted(site, zone):
    site.event("2025-08-15-talks", f"title: Talks\ndate: 2025-08-15\ntime: '10:00'\ntimezone: {zone}\n" + EXCERPT)
    assert load_site(site.root).events[0].when.zone == zone


@pytest.mark.parametrize("field, value, message", [
    ("date", "0000", "outside the years 0001 to 9999"),
    ("date", "10000 BCE", "outside the years 1 to 9999 BCE"),
    ("date", "5000 years ago", "nearer than 10,000 years ago"),
    ("date", "10000", "is not a date"),
    ("date", "-5", "is not a date"),
    ("date", "99999999999", "is not a date"),
    ("date", "２０２５-08-15", "is not a date"),
    ("date", "٢٠٢٥-08-15", "is not a date"),
    ("date", "2025-02-29", "not a day of the calendar"),
    ("date", "2025-13", "no month 13"),
    ("date", "2025-00", "no month 0"),
    ("time", "'24:00'", "is not a time"),
    ("time", "'25:61'", "is not a time"),
    ("time", "'23:59:60'", "is not a time"),
    ("time", "'١٢:٣٠'", "is not a time"),
    ("order", "٣", "whole number"),
    ("end", "2025-08-01", "before it starts"),
    ("end", "44 BCE", "before it starts"),
    ("id", '"talks\\n"', "is not a valid id"),
    ("id", "a" * 101, "is not a valid id"),
])
def test_values_the_calendar_cannot_hold_are_located_errors_in_check_and_build(site, field, value, message):
    fields = {"title": "Talks", "date": "2025-08-15", field: value}
    site.event("2025-08-15-talks", "".join(f"{k}: {v}\n" for k, v in fields.items()) + EXCERPT)
    line = str(list(fields).index(field) + 1)
    errors = located(site, "2025-08-15-talks.yaml")
    assert any(err[0] == line and message in err[2] for err in errors), errors
    build = site.cli("build")
    assert build.returncode == 1 and "internal error" not in build.stderr


def test_a_local_time_the_clocks_skipped_is_an_error(site):
    site.event("2025-03-30-talks", "title: Talks\ndate: 2025-03-30\ntime: '02:30'\ntimezone: Europe/Berlin\n" + EXCERPT)
    [(line, col, message, _)] = located(site, "2025-03-30-talks.yaml")
    assert (line, col) == ("3", "7") and "did not exist" in message


def test_a_local_time_shown_twice_needs_its_offset(site):
    site.event("2025-10-26-talks", "title: Talks\ndate: 2025-10-26\ntime: '02:30'\ntimezone: Europe/Berlin\n" + EXCERPT)
    [(line, col, message, block)] = located(site, "2025-10-26-talks.yaml")
    assert "happened twice" in message and "'02:30+02:00' (the first) or '02:30+01:00' (the second)" in block
    site.event("2025-10-26-talks",
               "title: Talks\ndate: 2025-10-26\ntime: '02:30+01:00'\ntimezone: Europe/Berlin\n" + EXCERPT)
    when = load_site(site.root).events_by_id["2025-10-26-talks"].when
    assert when.iso() == "2025-10-26T02:30:00+01:00" and when.format() == "October 26, 2025, 02:30 CET"


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31T23:30-05:00", "0001-01-01T00:30+05:00", "٢٠٢٥-08-16",
                                       "2025-08-16T１０:30+03:00", "2025-W33-1T10:30+03:00"])
def test_a_source_published_at_the_edge_of_the_calendar_is_located(site, published):
    site.source("wire", front=f"title: Wire\npublisher: Wire\npublished: {published}\n")
    assert ("4", "12") in [(line, col) for line, col, _, _ in located(site, "wire.md")]


def test_dates_at_the_ends_of_the_supported_years_build(site):
    site.event("first", "title: First\ndate: 1000-01-01\ntime: '00:00'\ntimezone: Pacific/Kiritimati\n" + EXCERPT)
    site.event("last", "title: Last\ndate: 9998-12-31\ntime: '23:59'\ntimezone: Etc/GMT+12\n" + EXCERPT)
    site.event("last-year", "title: Last year\ndate: '9998'\nend: '9998'\n" + EXCERPT)
    site.source("wire", front="title: Wire\npublisher: Wire\npublished: 9998-12-31T23:59-12:00\n")
    site.source("old", front="title: Old\npublisher: Old\npublished: 1000-01-01T00:00+14:00\n",
                text="The talks took place long ago.\n")
    assert site.cli("check").returncode == 0
    result = site.cli("build")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("url, problem", [
    ("https://user:pass@example.org/", "user name or password"),
    ("javascript:alert(1)", "not an http(s) address"),
    ("file:///etc/passwd", "not an http(s) address"),
    ("ftp://example.org/", "not an http(s) address"),
    ("https:///path", "not an http(s) address"),
    ("'https://:443/'", "no host"),
    ("https://example.org/?utm=1", "query"),
    ("https://example.org/#top", "fragment"),
    ("'https://example.org/<b>/'", "cannot hold"),
])
def test_an_unsafe_base_url_in_site_yaml_is_located(site, url, problem):
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace("https://example.org/", url))
    [(line, col, message, _)] = located(site, "site.yaml")
    assert (line, col) == ("3", "11") and problem in message


def test_an_unsafe_base_url_option_is_refused(site):
    result = site.cli("build", "--base-url", "https://user:secret@example.org/")
    assert result.returncode == 1 and "--base-url: error:" in result.stderr and "password" in result.stderr
    assert "secret" not in result.stderr  # a password is not printed to a shared build log
    assert not (site.root / "build").exists()


def test_a_site_without_its_content_folders_is_an_error_with_a_hint(site):
    import shutil

    shutil.rmtree(site.root / "content")
    result = site.cli("build")
    assert result.returncode == 1 and "no content/events/ folder" in result.stderr
    assert "site-builder new site" in result.stderr


def test_a_site_with_empty_content_folders_builds(site):
    (site.root / "content/events/2025-08-15-talks.yaml").unlink()
    assert site.cli("build").returncode == 0


@pytest.mark.parametrize("name", [".drafts/x.yaml", ".git/x.yaml", ".~lock.x.yaml#", ".x.yaml.swp", "x.yaml~",
                                  "#x.yaml#", "~x.yaml", "old~/x.yaml"])
def test_files_the_preview_ignores_are_never_loaded(site, name):
    site.write(f"content/events/{name}", "title: [broken\n")
    assert site.cli("check").returncode == 0


def test_unreadable_event_files_are_located(site):
    import os

    os.mkfifo(site.root / "content/events/pipe.yaml")
    (site.root / "content/events/gone.yaml").symlink_to(site.root / "content/events/nowhere.yaml")
    site.write("content/events/utf16.yaml", "title: Talks\n".encode("utf-16"))
    errors = errors_of(site)
    by_file = {e["path"].rsplit("/", 1)[-1]: e["message"] for e in errors}
    assert "not a plain file" in by_file["pipe.yaml"]
    assert "leads nowhere" in by_file["gone.yaml"]
    assert "not valid UTF-8" in by_file["utf16.yaml"]
    assert "UTF-16" in site.cli("check").stderr


def test_a_source_with_errors_of_its_own_is_reported_once_not_at_every_excerpt_citing_it(site):
    site.source("wire", front="title: Wire report\npublisher: Wire\npublished: 2025-02-30\n")
    site.event("2025-08-15-talks", EVENT_YAML.replace("summary: The two presidents meet.",
                                                      'summary: He called it "a trustful atmosphere".'))
    result = site.cli("check")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "wire.md:4:" in errors[0], result.stderr
    assert "unknown source" not in result.stderr and "no cited source" not in result.stderr
