"""The web editor's config.yml follows the content model, and netlify.toml gives /admin/ the policy
serve sends: generated from content/fields.py, read from the real netlify.toml."""

from __future__ import annotations

import re

import pytest
import yaml

from site_builder.content.fields import EVENT_FIELDS, EXCERPT_FIELDS, SOURCE_FIELDS, Field
from site_builder.content.load import load_site
from site_builder.render import admin
from site_builder.render.admin import ADMIN_CSP, cms_config, config_yaml
from tests.browser.netlify_server import netlify_header_rules
from tests.conftest import REPO

BACKEND = {"name": "git-gateway", "branch": "main"}


@pytest.fixture
def config(site):
    return yaml.safe_load(config_yaml(load_site(site.root).config, BACKEND))


def collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def names(fields: list[dict]) -> list[str]:
    return [f["name"] for f in fields]


def test_every_field_of_the_model_is_in_the_config_in_the_models_order(config):
    events, sources = collection(config, "events"), collection(config, "sources")
    assert names(events["fields"]) == [f.name for f in EVENT_FIELDS]
    assert names(sources["fields"]) == [f.name for f in SOURCE_FIELDS] + ["body"]
    excerpts = next(f for f in events["fields"] if f["name"] == "excerpts")
    assert excerpts["widget"] == "list" and names(excerpts["fields"]) == [f.name for f in EXCERPT_FIELDS]
    assert (events["folder"], events["extension"]) == ("content/events", "yaml")
    assert (sources["folder"], sources["format"]) == ("content/sources", "frontmatter")


def test_a_new_field_appears_in_the_config_without_editing_it(site, monkeypatch):
    monkeypatch.setattr(admin, "EVENT_FIELDS", (*EVENT_FIELDS, Field("mood", "line", "A new field.")))
    events = collection(cms_config(load_site(site.root).config, BACKEND), "events")
    assert names(events["fields"])[-1] == "mood"


def test_each_kind_gets_its_widget(config):
    fields = {f["name"]: f for f in collection(config, "events")["fields"]}
    assert fields["date"]["widget"] == "string"
    pattern = re.compile(fields["date"]["pattern"][0])  # the editors' schema's: every date form
    assert all(pattern.match(text) for text in ("2025", "2025-06-01", "44 BCE", "66 million years ago"))
    assert not pattern.match("June 2025")
    assert fields["lane"]["widget"] == "select"
    assert [o["value"] for o in fields["lane"]["options"]] == ["main", "other"]  # site.yaml's lanes
    assert fields["draft"]["widget"] == "boolean" and fields["order"]["widget"] == "number"
    assert fields["actors"]["widget"] == "list" and fields["actors"]["field"]["widget"] == "string"
    assert fields["title"]["required"] and not fields["place"]["required"]
    assert not fields["excerpts"]["required"]  # a draft may have none yet
    source = fields["excerpts"]["fields"][0]
    assert (source["widget"], source["collection"], source["value_field"]) == ("relation", "sources", "{{slug}}")


def csp(path: str) -> list[str]:
    return [value for rule in netlify_header_rules(path) if rule.pattern.match("/admin/")
            for key, value in rule.values.items() if key.lower() == "content-security-policy"]


def normal(policy: str) -> str:
    return " ".join(policy.split())


@pytest.mark.parametrize("toml", ["netlify.toml", "site_builder/scaffolds/netlify.toml"])
def test_netlify_gives_admin_the_policy_serve_sends_and_the_site_wide_one_allows_it(toml):
    site_wide, own = csp(REPO / toml)  # both sent by a CDN that sends every matching block
    assert normal(own) == normal(ADMIN_CSP)
    for needed in ("'unsafe-eval'", "'unsafe-inline'"):  # enforced too: it must not forbid the editor
        assert needed in site_wide


def test_build_writes_admin_only_when_site_yaml_opts_in(site):
    from site_builder.build import Options, render

    assert not any(name.startswith("admin/") for name in render(Options(root=site.root))[1])
    site.write("site.yaml", (site.root / "site.yaml").read_text()
               + "web_editor: github\nweb_editor_repo: newsroom/timeline\n")
    files = render(Options(root=site.root))[1]
    assert {"admin/index.html", "admin/config.yml", "admin/decap-cms.js"} <= set(files)
    backend = yaml.safe_load(files["admin/config.yml"])["backend"]
    assert backend == {"name": "github", "branch": "main", "repo": "newsroom/timeline"}
    assert b"<script src=\"decap-cms.js\"></script>" in files["admin/index.html"]
    assert b"<script>" not in files["admin/index.html"]  # no inline code


@pytest.mark.parametrize("lines, message", [
    ("web_editor: wordpress\n", "site.yaml:13:13: error: unknown web_editor backend 'wordpress'"),
    ("web_editor: github\n", "the github backend needs web_editor_repo: owner/name"),
])
def test_a_wrong_web_editor_setting_is_a_located_error(site, lines, message):
    site.write("site.yaml", (site.root / "site.yaml").read_text() + lines)
    result = site.cli("check")
    assert result.returncode != 0 and message in result.stdout + result.stderr


def test_the_form_takes_every_end_the_schema_takes(config):
    fields = {f["name"]: f for f in collection(config, "events")["fields"]}
    pattern = re.compile(fields["end"]["pattern"][0])
    assert all(pattern.match(text) for text in ("present", "ongoing", "2025-06", "44 BCE", "12,000 years ago"))
    assert not pattern.match("presently") and not pattern.match("June")
