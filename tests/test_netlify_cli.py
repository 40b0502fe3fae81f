"""Netlify's own build runner (`netlify build --offline`, netlify-cli from package.json) on a new
site and on a copy of this repository: the build command, the cache plugin and the resolved headers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

NETLIFY_CLI = REPO / "node_modules/.bin/netlify"
RESTORED, SAVED = "site-builder: restored the build cache", "site-builder: saved the build cache"


def clean_environment(**extra: str) -> dict[str, str]:
    """A build machine's: none of this checkout's Python on PATH, no variables of ours."""
    venv_bin = str(REPO / ".venv/bin")
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST", "SITE_BUILDER", "PIP_REQUIRE", "NETLIFY"))}
    env.update(PATH=path, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def netlify_build(folder: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    assert NETLIFY_CLI.exists(), "netlify-cli is missing: run `npm ci --no-audit --no-fund`"
    started = time.monotonic()
    done = subprocess.run([str(NETLIFY_CLI), "build", "--offline"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, time.monotonic() - started


def headers(config: dict) -> list[tuple[str, dict[str, str]]]:
    """Each block's path and headers, white space folded (Netlify trims a multi-line value's ends)."""
    return [(h["for"], {k: " ".join(v.split()) for k, v in h["values"].items()}) for h in config["headers"]]


def check_published(folder: Path) -> None:
    """The pages are there, and the config Netlify resolved keeps netlify.toml's headers and 404 rule."""
    declared = tomllib.loads((folder / "netlify.toml").read_text())
    resolved = tomllib.loads((folder / ".netlify/netlify.toml").read_text())
    assert resolved["build"]["publish"] == str(folder / "build")
    for page in ("index.html", "404.html", "search/index.html", "feed.xml", "sitemap.xml"):
        assert (folder / "build" / page).is_file(), page
    for kind in ("events", "sources"):
        assert list((folder / "build" / kind).glob("*/index.html")), kind
    assert headers(resolved) == headers(declared)
    policies = {h["for"]: h["values"].get("Content-Security-Policy", "") for h in resolved["headers"]}
    assert "script-src 'self'" in policies["/*"] and "frame-ancestors 'none'" in policies["/"]
    assert resolved["redirects"][0]["to"] == "/404.html" and resolved["redirects"][0]["status"] == 404


def build_twice(folder: Path, env: dict[str, str]) -> float:
    """A deploy, then the next from a fresh checkout (no cache folder): the plugin restores it."""
    first, seconds = netlify_build(folder, env)
    assert RESTORED not in first.stdout and SAVED in first.stdout, first.stdout[-3000:]
    check_published(folder)
    shutil.rmtree(folder / ".cache")
    second, _ = netlify_build(folder, env)
    assert RESTORED in second.stdout and SAVED in second.stdout, second.stdout[-3000:]
    assert list((folder / ".cache/site-builder").rglob("*"))
    return seconds


@pytest.mark.slow
def test_netlify_builds_a_new_site_from_a_wheel_and_keeps_its_cache(tmp_path: Path):
    site = tmp_path / "deploys/site"
    wheels = tmp_path / "wheels"
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (wheel,) = wheels.glob("*.whl")
    scaffold = subprocess.run([sys.executable, "-m", "site_builder", "new", "site", str(site),
                               "--package", f"./wheels/{wheel.name}"], capture_output=True, text=True)
    assert scaffold.returncode == 0, scaffold.stderr
    (site / "wheels").mkdir()
    shutil.copy2(wheel, site / "wheels")
    # netlify build runs the command with node's own folder (/usr/bin) first on PATH, and before
    # it node_modules/.bin of the site's folder and those above: the fresh Python goes there.
    venv = tmp_path / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (tmp_path / "deploys/node_modules").mkdir()
    (tmp_path / "deploys/node_modules/.bin").symlink_to(venv / "bin")
    seconds = build_twice(site, clean_environment())
    where = subprocess.run([venv / "bin/python", "-c", "import site_builder; print(site_builder.__file__)"],
                           capture_output=True, text=True, cwd=site).stdout
    assert where.startswith(str(venv)), where  # the wheel's copy, not this checkout
    print(f"netlify build of a new site: {seconds:.1f} s")


@pytest.mark.slow
def test_netlify_builds_a_clean_copy_of_this_repository_and_keeps_its_cache(tmp_path: Path):
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, tmp_path / name)
    seconds = build_twice(tmp_path, clean_environment())
    print(f"netlify build of this repository: {seconds:.1f} s")
