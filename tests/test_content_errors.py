"""Every content error is `path:line:col: error: message` (+ hint), all at once, exit 1, no traceback."""

from __future__ import annotations

import json
import re

import pytest

from site_builder.content.load import load_site

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
    assert re.search(r"checked 1 events, 1 sources, 1 excerpts verified in \d+\.\d+ s", result.stdout)


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
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
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
    from site_builder.schema import json_schema

    validator = jsonschema.Draft7Validator(json_schema("event"))
    assert validator.is_valid({"title": "t", "date": "2025", "draft": True})
    assert not validator.is_valid({"title": "t", "date": "2025"})
    assert not validator.is_valid({"title": "t", "date": "2025", "excerpts": []})
    assert validator.is_valid({"title": "t", "date": "2025", "excerpts": [{"source": "s", "quote": "q"}]})
