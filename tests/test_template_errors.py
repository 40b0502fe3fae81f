"""A broken template is an error located in the template, never an internal error: check compiles
every template, build (and the preview) locate whatever a template's code meets while rendering."""

from __future__ import annotations

import hashlib

import pytest


def tree(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("template, message", [
    (b"{% if %}", "template error: Expected an expression"),
    (b"\xff\xfe{{ title }}", "template error: the template is not UTF-8 text"),
])
def test_check_refuses_a_template_that_does_not_compile_as_build_does(site, template, message):
    site.write("templates/event.html", template)
    for command in ("check", "build"):
        result = site.cli(command)
        assert result.returncode == 1, (command, result.stdout)
        assert f"templates/event.html:1:1: error: {message}" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("template, message", [
    ("{{ 1 / 0 }}", "template error: ZeroDivisionError: division by zero"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template error: RecursionError"),
])
def test_a_template_failing_as_it_renders_is_located_and_the_previous_site_stays(site, template, message):
    assert site.cli("build").returncode == 0
    before = tree(site.root / "build")
    site.write("templates/event.html", template)
    result = site.cli("build")
    assert result.returncode == 1, result.stdout
    assert f"templates/event.html:1:1: error: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert tree(site.root / "build") == before
