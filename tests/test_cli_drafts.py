"""Drafts are counted in every summary, and `check` says what each draft still needs; -C DIR
works after the command as before it."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import EVENT_YAML

READY = EVENT_YAML.replace("Talks in Anchorage", "Talks again") + "draft: true\n"
NO_EXCERPT = "title: Imported\ndate: 2025-08-20\nsummary: A slide.\ndraft: true\nexcerpts: []\n"
UNPROVED = READY.replace("The two presidents meet.", 'They said "we never met" on the day.')


@pytest.fixture
def drafted(site):
    site.event("2025-08-16-ready", READY)
    site.event("2025-08-20-imported", NO_EXCERPT)
    site.event("2025-08-21-unproved", UNPROVED)
    return site


def test_check_counts_the_drafts_and_says_what_each_still_needs(drafted):
    result = drafted.cli("check")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"checked 4 events \(3 drafts\), 1 source, 3 excerpts verified in \d+\.\d+ s", lines[0])
    assert lines[1:] == [
        "draft content/events/2025-08-16-ready.yaml: ready to publish: remove `draft: true`",
        "draft content/events/2025-08-20-imported.yaml: needs an excerpt quoted from an archived source",
        "draft content/events/2025-08-21-unproved.yaml:6:20: the words in quotation marks are in no cited "
        'source: "we never met"',
    ]


def test_a_draft_with_an_error_still_fails_check(drafted):
    drafted.event("2025-08-22-broken", READY.replace("quote: The talks", "quote: The walks"))
    result = drafted.cli("check")
    assert result.returncode == 1
    assert "2025-08-22-broken.yaml" in result.stderr and "the quote is not in source" in result.stderr


def test_check_json_gives_the_drafts_count_beside_the_other_keys(drafted):
    data = json.loads(drafted.cli("check", "--format", "json").stdout)
    assert {k: data[k] for k in ("ok", "events", "drafts", "sources", "excerpts")} == {
        "ok": True, "events": 4, "drafts": 3, "sources": 1, "excerpts": 3}


def test_check_json_says_what_each_draft_still_needs(drafted):
    """The text output's draft lines, for tools: each draft's path, whether it is ready, its needs."""
    data = json.loads(drafted.cli("check", "--format", "json").stdout)
    needs = {d["path"]: (d["ready"], [(n["line"], n["message"]) for n in d["needs"]]) for d in data["draft_needs"]}
    assert needs == {
        "content/events/2025-08-16-ready.yaml": (True, []),
        "content/events/2025-08-20-imported.yaml": (False, [(0, "needs an excerpt quoted from an archived source")]),
        "content/events/2025-08-21-unproved.yaml": (
            False, [(6, 'the words in quotation marks are in no cited source: "we never met"')]),
    }


def test_build_says_how_many_drafts_it_left_out_and_how_to_include_them(drafted):
    result = drafted.cli("build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "built 1 event (3 drafts left out; --drafts includes them), 1 source, 1 excerpt verified, ")
    result = drafted.cli("build", "--drafts")
    assert result.stdout.startswith("built 4 events (3 drafts), 1 source, 3 excerpts verified, ")


def test_a_site_without_drafts_says_nothing_of_drafts(site):
    for command in ("check", "build"):
        result = site.cli(command)
        assert re.match(r"(checked|built) 1 event, 1 source, 1 excerpt verified", result.stdout), result.stdout
        assert len(result.stdout.splitlines()) == 1


def run_cli(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """site-builder with these arguments, in this process, from the folder cwd."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("argv", [
    ["check", "-C", "SITE"], ["check", "--format", "json", "--site", "SITE"], ["build", "-C", "SITE"],
    ["serve", "-C", "SITE", "--port", "8123"], ["schema", "-C", "SITE"],
    ["new", "event", "-C", "SITE", "Talks end", "--date", "2025-08-17"],
    ["new", "-C", "SITE", "source", "--id", "wire-2", "--title", "T", "--publisher", "P", "--published", "2025-08-16"],
    ["import", "timelinejs", "-C", "SITE", "timeline.json"],
])
def test_the_site_folder_can_be_given_after_the_command(site, tmp_path, monkeypatch, argv):
    (tmp_path / "timeline.json").write_text(json.dumps(
        {"events": [{"start_date": {"year": 2025}, "text": {"headline": "Talks"}}]}))
    seen = {}
    monkeypatch.setattr("site_builder.preview.server.serve", lambda root, **kw: seen.setdefault("root", root) and 0)
    argv = [str(site.root) if word == "SITE" else word for word in argv]
    result = run_cli(argv, tmp_path)  # not from the site: only -C says where it is
    if argv[0] == "serve":
        assert seen["root"] == site.root
    assert result.returncode == 0, result.stdout + result.stderr
    if argv[0] in ("new", "import"):
        assert str(site.root) in result.stdout


def test_a_site_folder_after_the_command_is_not_replaced_by_a_default(site, tmp_path):
    assert run_cli(["-C", str(site.root), "build"], tmp_path).returncode == 0
    assert run_cli(["-C", str(tmp_path / "nowhere"), "check", "-C", str(site.root)], tmp_path).returncode == 0
    refused = run_cli(["-C", str(site.root), "check", "-C", str(tmp_path / "nowhere")], tmp_path)
    assert refused.returncode == 1 and "nowhere: no such folder" in refused.stderr
