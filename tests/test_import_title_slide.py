"""`import timelinejs` on a site whose title is still to come: the title slide fills it, and the
report says exactly what site.yaml and content/ gained."""

from __future__ import annotations

import json

import pytest
import yaml

from .conftest import SITE_YAML

TITLE_SLIDE = {"text": {"headline": "Our <b>old</b> timeline", "text": "<p>What it was about.</p>"}}


def slide(n: int, **more) -> dict:
    return {"start_date": {"year": 2025, "month": n}, "text": {"headline": f"Event {n}"}, **more}


def timeline(tmp_path, title=TITLE_SLIDE, slides=4, **first) -> str:
    events = [slide(n, **(first if n == 1 else {})) for n in range(1, slides + 1)]
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps({"title": title, "events": events} if title else {"events": events}))
    return str(path)


@pytest.mark.parametrize("title_line", ['title: ""\n', "title:\n", ""], ids=["empty", "null", "missing"])
def test_an_untitled_site_takes_the_title_slide(site, tmp_path, title_line):
    site.write("site.yaml", SITE_YAML.replace("title: Test timeline\n", title_line)
               .replace("description: A small site for tests.\n", ""))
    result = site.cli("import", "timelinejs", timeline(tmp_path))
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((site.root / "site.yaml").read_text(encoding="utf-8"))
    assert written["title"] == "Our old timeline" and written["description"] == "What it was about."
    assert ("added to site.yaml: the title (from the title slide), the description (from the title slide)\n"
            in result.stdout)
    assert site.cli("check").returncode == 0


def test_a_titled_site_keeps_its_title_and_the_report_names_only_the_lane(site, tmp_path):
    result = site.cli("import", "timelinejs", timeline(tmp_path, group="Talks"))
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((site.root / "site.yaml").read_text(encoding="utf-8"))
    assert written["title"] == "Test timeline" and written["lanes"][-1]["label"] == "Talks"
    assert "added to site.yaml: 1 lane\n" in result.stdout and "title slide" not in result.stdout


def test_only_the_empty_description_is_reported_as_filled(site, tmp_path):
    site.write("site.yaml", SITE_YAML.replace("description: A small site for tests.\n", "description: ''\n"))
    result = site.cli("import", "timelinejs", timeline(tmp_path))
    assert "added to site.yaml: the description (from the title slide)\n" in result.stdout


def test_an_untitled_site_without_a_title_slide_is_told_to_add_one(site, tmp_path):
    site.write("site.yaml", SITE_YAML.replace("title: Test timeline\n", 'title: ""\n'))
    result = site.cli("import", "timelinejs", timeline(tmp_path, title=None))
    assert result.returncode == 0, result.stderr
    assert "site.yaml has no title" in result.stdout


def test_other_mistakes_in_site_yaml_still_stop_the_import(site, tmp_path):
    site.write("site.yaml", SITE_YAML.replace("title: Test timeline\n", 'title: ""\n').replace("UTC", "Mars/Base"))
    result = site.cli("import", "timelinejs", timeline(tmp_path))
    assert result.returncode == 1 and "site.yaml:" in result.stderr
    assert not (site.root / "content/events/2025-01-event-1.yaml").exists()


def test_the_count_is_the_event_files_written_not_the_source_drafts(site, tmp_path):
    quoted = {"media": {"url": "<blockquote>We will meet again.</blockquote>", "credit": "A minister"}}
    result = site.cli("import", "timelinejs", timeline(tmp_path, **quoted))
    assert result.returncode == 0, result.stderr
    assert len(list((site.root / "content/events").glob("2025-0*-event-*.yaml"))) == 4
    assert len(list((site.root / "content/sources").glob("*.md.draft"))) == 1
    assert "imported 4 events from" in result.stdout
