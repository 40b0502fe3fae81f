"""`new site` makes a site ready to publish: netlify.toml, requirements.txt, .gitignore, README."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from site_builder import __version__
from site_builder.preview.session import Session
from tests.conftest import REPO
from tests.test_netlify import run_cache_plugin

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


def test_a_new_site_keeps_its_build_cache_between_deploys_with_this_repositorys_plugin(fresh):
    config, ours = netlify(fresh), tomllib.loads((REPO / "netlify.toml").read_text())
    assert config["plugins"] == ours["plugins"] == [{"package": "./netlify/plugins/site-builder-cache"}]
    cache = config["build"]["environment"]["SITE_BUILDER_CACHE"]
    assert cache == ours["build"]["environment"]["SITE_BUILDER_CACHE"]
    plugin = fresh / config["plugins"][0]["package"]
    for name in ("index.js", "manifest.yml"):
        assert (plugin / name).read_bytes() == (REPO / ours["plugins"][0]["package"] / name).read_bytes(), name
    assert run_cache_plugin(plugin, cache) == [["restore", cache], ["save", cache]]


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


def test_gitignore_leaves_out_the_build_its_spare_the_venv_and_the_cache(fresh):
    assert (fresh / ".gitignore").read_text().splitlines() == ["/build/", "/.build.*", "/.venv/", "/.cache/",
                                                                 "/.web-editor/"]


def test_readme_says_how_to_preview_check_build_and_publish(fresh):
    text = (fresh / "README.md").read_text()
    assert text.startswith("# Bridges\n")
    for words in ("site-builder serve", "site-builder check", "site-builder build", "Netlify", "base_url"):
        assert words in text, words


# Completion before any build: the schemas live in the site, and VS Code is told where.

SOURCE_ARGS = ["--title", "Bridge closes", "--publisher", "Example News", "--published", "2025-03-01"]


def schema(folder: Path, kind: str) -> dict:
    return json.loads((folder / f"schema/{kind}.schema.json").read_text())


def source_enum(folder: Path) -> list[str]:
    return schema(folder, "event")["properties"]["excerpts"]["items"]["properties"]["source"]["enum"]


def schema_line_target(path: Path) -> Path:
    line = next(line for line in path.read_text().splitlines() if "yaml-language-server: $schema=" in line)
    return path.parent / line.split("$schema=", 1)[1]


def test_new_site_writes_its_schemas_and_its_files_point_at_them(fresh):
    for kind in ("event", "source", "site"):
        assert schema(fresh, kind)["$comment"].startswith("Written by site-builder")
    for name, kind in [("site.yaml", "site"),
                       ("content/events/2025-01-15-footbridge-opens.yaml", "event"),
                       ("content/sources/example-news-2025-01-15-bridge-opens.md", "source")]:
        assert schema_line_target(fresh / name).resolve() == (fresh / f"schema/{kind}.schema.json").resolve(), name
    assert not (fresh / "build").exists()


def test_new_site_schemas_offer_its_source_and_lane_ids(fresh):
    assert source_enum(fresh) == ["example-news-2025-01-15-bridge-opens"]
    assert schema(fresh, "event")["properties"]["lane"]["enum"] == ["main"]


def test_new_event_and_source_in_a_new_site_point_at_its_schemas(fresh, site):
    site.root = fresh
    assert site.cli("new", "source", "--id", "bridge-closes", *SOURCE_ARGS).returncode == 0
    assert site.cli("new", "event", "Bridge closes", "--date", "2025-03-01").returncode == 0
    for name, kind in [("content/sources/bridge-closes.md", "source"),
                       ("content/events/2025-03-01-bridge-closes.yaml", "event")]:
        assert schema_line_target(fresh / name).resolve() == (fresh / f"schema/{kind}.schema.json").resolve(), name


def test_vscode_maps_the_schemas_to_the_content_and_recommends_the_yaml_extension(fresh):
    settings = json.loads((fresh / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert settings["./schema/event.schema.json"] == ["content/events/**/*.yaml", "content/events/**/*.yml"]
    assert settings["./schema/site.schema.json"] == ["site.yaml"]
    assert all((fresh / name).is_file() for name in settings)
    assert json.loads((fresh / ".vscode/extensions.json").read_text()) == {"recommendations": ["redhat.vscode-yaml"]}


def test_build_adds_a_new_source_id_to_the_schema(fresh, site):
    site.root = fresh
    path = site.cli("new", "source", "--id", "bridge-closes", *SOURCE_ARGS)
    assert path.returncode == 0, path.stderr
    source = fresh / "content/sources/bridge-closes.md"
    source.write_text(source.read_text() + "The footbridge closed for repairs on Saturday.\n")
    assert source_enum(fresh) == ["example-news-2025-01-15-bridge-opens"]  # until the next build
    built = site.cli("build")
    assert built.returncode == 0, built.stderr
    assert source_enum(fresh) == ["bridge-closes", "example-news-2025-01-15-bridge-opens"]


def test_serve_refreshes_the_schema_on_a_rebuild(fresh):
    (fresh / "site.yaml").write_text((fresh / "site.yaml").read_text().replace(
        '    color: "#3d5a80"\n', '    color: "#3d5a80"\n  - id: city\n    label: City\n    color: "#98c1d9"\n'))
    Session(fresh).rebuild()
    assert schema(fresh, "event")["properties"]["lane"]["enum"] == ["main", "city"]


def test_a_fresh_sites_schemas_are_what_build_writes(fresh, site):
    before = {p.name: p.read_bytes() for p in (fresh / "schema").iterdir()}
    site.root = fresh
    assert site.cli("build").returncode == 0
    assert {p.name: p.read_bytes() for p in (fresh / "schema").iterdir()} == before


def test_build_never_overwrites_a_schema_file_of_the_editors(fresh, site):
    mine = fresh / "schema/event.schema.json"
    mine.write_text('{"title": "my own"}\n')
    (fresh / "schema/site.schema.json").unlink()
    site.root = fresh
    site.cli("new", "source", "--id", "bridge-closes", *SOURCE_ARGS)
    source = fresh / "content/sources/bridge-closes.md"
    source.write_text(source.read_text() + "The footbridge closed for repairs on Saturday.\n")
    assert site.cli("build").returncode == 0
    assert mine.read_text() == '{"title": "my own"}\n'
    assert not (fresh / "schema/site.schema.json").exists()  # deleted by the editor: left deleted


def test_build_writes_no_schema_folder_into_a_site_without_one(site):
    assert site.cli("build").returncode == 0
    assert not (site.root / "schema").exists()


@pytest.mark.slow
def test_netlifys_build_command_builds_a_new_site_with_a_wheel_of_this_checkout(tmp_path: Path):
    """What a deploy does: a fresh Python, `pip install -r requirements.txt` naming a wheel
    committed to the site, then the build at the deploy's address; nothing from this checkout."""
    wheels = tmp_path / "site/wheels"
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (wheel,) = wheels.glob("*.whl")
    site_dir = tmp_path / "site"
    scaffold = subprocess.run([sys.executable, "-m", "site_builder", "new", "site", str(tmp_path / "fresh"),
                               "--package", f"./wheels/{wheel.name}"], capture_output=True, text=True)
    assert scaffold.returncode == 0, scaffold.stderr
    for path in (tmp_path / "fresh").iterdir():
        path.rename(site_dir / path.name)
    venv = tmp_path / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", URL="https://bridges.example.org/")
    command = netlify(site_dir)["build"]["command"]
    deploy = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=site_dir, env=env)
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    assert "1 event, 1 source, 2 excerpts verified" in deploy.stdout
    home = (site_dir / "build/index.html").read_text()
    assert 'href="https://bridges.example.org/"' in home
    where = subprocess.run([venv / "bin/python", "-c", "import site_builder; print(site_builder.__file__)"],
                           capture_output=True, text=True, cwd=site_dir, env=env).stdout
    assert where.startswith(str(venv)), where  # the wheel's copy, not this checkout


def test_an_empty_schema_folder_is_filled_and_a_deleted_file_stays_deleted(site):
    """An editor opts an older site in by making schema/; a file they delete later is not
    written again on every build."""
    (site.root / "schema").mkdir()
    assert site.cli("build").returncode == 0
    names = sorted(p.name for p in (site.root / "schema").iterdir())
    assert names == ["event.schema.json", "site.schema.json", "source.schema.json"]
    (site.root / "schema/site.schema.json").unlink()
    assert site.cli("build").returncode == 0
    assert not (site.root / "schema/site.schema.json").exists()


def test_new_site_says_when_its_requirement_names_a_site_builder_no_deploy_can_reach(tmp_path):
    """This checkout is installed from its folder (pip install -e .): a deploy cannot install that,
    and site-builder==X is not on the package index."""
    from site_builder.scaffold import installed_from

    requirement, warning = installed_from()
    assert requirement.startswith("site-builder")
    result = subprocess.run([sys.executable, "-m", "site_builder", "new", "site", str(tmp_path / "s")],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert (warning is None) == ("warning" not in result.stderr)
    if warning:
        assert "which a deploy cannot reach" in result.stderr and "--package" in result.stderr


@pytest.mark.parametrize(("origin", "expected", "warns"), [
    (None, f"site-builder=={__version__}", False),  # from the package index
    ({"url": "https://github.com/o/site-builder", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     "site-builder @ git+https://github.com/o/site-builder@abc123", False),
    ({"url": "https://example.org/site_builder-0.1.0-py3-none-any.whl", "archive_info": {}},
     "site-builder @ https://example.org/site_builder-0.1.0-py3-none-any.whl", False),
    ({"url": "file:///home/me/site-builder", "dir_info": {"editable": True}}, f"site-builder=={__version__}", True),
    ({"url": "file:///tmp/site_builder-0.1.0-py3-none-any.whl", "archive_info": {}},
     f"site-builder=={__version__}", True),
])
def test_a_new_sites_requirement_is_where_this_site_builder_came_from(monkeypatch, origin, expected, warns):
    from importlib import metadata

    from site_builder.scaffold import installed_from

    class Installed:
        def read_text(self, name):
            return json.dumps(origin) if origin is not None and name == "direct_url.json" else None

    monkeypatch.setattr(metadata, "distribution", lambda name: Installed())
    requirement, warning = installed_from()
    assert requirement == expected and (warning is not None) == warns
