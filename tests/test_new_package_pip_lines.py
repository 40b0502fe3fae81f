"""`new site --package`: what pip would read as an option, a continuation or a broken marker in
requirements.txt is refused, however it is placed after a requirement."""

from __future__ import annotations

from pathlib import Path

import pytest

REFUSED = ['site-builder ; python_version>"3" --config-settings=x=y',  # an option after a marker
           "site-builder; python_version >= '3' \\",  # a continuation: the next line would join it
           "site-builder @ https://example.org/site_builder.whl\\",
           "site-builder; python_version >> '3'",  # an invalid marker
           "site-builder; python_version >= '3' --hash=sha256:00",
           "site-builder==0.1.0; python_version >= '3' -r x.txt"]


@pytest.mark.parametrize("spec", REFUSED)
def test_pip_lines_hidden_after_a_requirement_are_refused(tmp_path: Path, site, spec):
    result = site.cli("new", "site", str(tmp_path / "fresh"), f"--package={spec}")
    assert result.returncode == 1 and f"--package: '{spec}' is not a requirement" in result.stderr, result.stderr
    assert not (tmp_path / "fresh").exists()


def test_the_new_site_ignores_the_web_editor_s_kept_copies(tmp_path: Path, site):
    result = site.cli("new", "site", str(tmp_path / "fresh"))
    assert result.returncode == 0, result.stderr
    assert "/.web-editor/" in (tmp_path / "fresh/.gitignore").read_text().splitlines()
