"""`new site` makes a site ready to publish: netlify.toml, requirements.txt, .gitignore, README."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from site_builder import __version__
from tests.conftest import REPO

PIP = "pip install -r requirements.txt && site-builder build"


@pytest.fixture
def fresh(tmp_path: Path, site) -> Path:
    folder = tmp_path / "fresh"
    result = site.cli("new", "site", str(folder), "--title", "Bridges")
    assert result.returncode == 0, result.stderr
    return folder


def netlify(folder: Path) -> dict:
    return tomllib.loads((folder / "netlify.toml").read_text())


def test_netlify_toml_installs_the_requirements_and_builds_at_the_deploys_address(fresh):
    config = netlify(fresh)
    assert config["build"]["command"] == PIP + ' --base-url "$URL"'
    for context in ("deploy-preview", "branch-deploy"):
        assert config["context"][context]["command"] == PIP + ' --base-url "$DEPLOY_PRIME_URL"'
    assert config["build"]["publish"] == "build"
    ours = tomllib.loads((REPO / "netlify.toml").read_text())
    assert config["build"]["environment"]["PYTHON_VERSION"] == ours["build"]["environment"]["PYTHON_VERSION"]
    assert config["redirects"] == [{"from": "/*", "to": "/404.html", "status": 404}]


def test_netlify_toml_sends_exactly_this_repositorys_security_headers(fresh):
    ours = tomllib.loads((REPO / "netlify.toml").read_text())["headers"]
    assert netlify(fresh)["headers"] == ours
    assert any("Content-Security-Policy" in block["values"] for block in ours)


def test_netlify_toml_names_no_plugin_a_new_site_lacks(fresh):
    assert "plugins" not in netlify(fresh)


def test_requirements_pin_the_site_builder_that_made_the_site(fresh):
    lines = [line for line in (fresh / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert lines == [f"site-builder=={__version__}"]


def test_package_option_names_where_site_builder_comes_from(tmp_path: Path, site):
    spec = "site-builder @ git+https://example.org/site-builder.git@v0.1.0"
    assert site.cli("new", "site", str(tmp_path / "git"), "--package", spec).returncode == 0
    assert (tmp_path / "git/requirements.txt").read_text().splitlines()[-1] == spec
    result = site.cli("new", "site", str(tmp_path / "two"), "--package", "a\nb")
    assert result.returncode == 1 and "--package: 'a\\x0ab' must be one line" in result.stderr, result.stderr
    assert not (tmp_path / "two").exists()


def test_gitignore_leaves_out_the_build_its_spare_and_the_venv(fresh):
    assert (fresh / ".gitignore").read_text().splitlines() == ["/build/", "/.build.*", "/.venv/"]


def test_readme_says_how_to_preview_check_build_and_publish(fresh):
    text = (fresh / "README.md").read_text()
    assert text.startswith("# Bridges\n")
    for words in ("site-builder serve", "site-builder check", "site-builder build", "Netlify", "base_url"):
        assert words in text, words
