"""`new site --package SPEC` writes SPEC into requirements.txt, which every deploy obeys: only a
requirement or a wheel's or sdist's path or URL, never a pip option."""

from __future__ import annotations

from pathlib import Path

import pytest

ACCEPTED = ["site-builder==0.1.0", "site_builder[extra]>=0.1,<0.2",
            "site-builder @ git+https://example.org/site-builder.git@v0.1.0",
            "./wheels/site_builder-0.1.0-py3-none-any.whl", "https://example.org/site_builder-0.1.0.tar.gz",
            "site-builder==0.1.0; python_version >= '3.11'"]
REFUSED = {"-e .": "is a pip option", "-r other.txt": "is a pip option",
           "--index-url https://example.org/simple": "is a pip option",
           "--extra-index-url=https://x": "is a pip option",
           ".": "is not a requirement", "site-builder --hash=sha256:00": "is not a requirement",
           "./wheels/site_builder.whl --no-deps": "is not a requirement"}


@pytest.mark.parametrize("spec", ACCEPTED)
def test_a_requirement_or_an_archive_is_written_as_it_is(tmp_path: Path, site, spec):
    result = site.cli("new", "site", str(tmp_path / "fresh"), f"--package={spec}")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh/requirements.txt").read_text().splitlines()[-1] == spec


@pytest.mark.parametrize("spec, message", REFUSED.items())
def test_a_pip_option_or_anything_else_is_refused_with_what_to_give(tmp_path: Path, site, spec, message):
    result = site.cli("new", "site", str(tmp_path / "fresh"), f"--package={spec}")
    assert result.returncode == 1 and f"--package: '{spec}' {message}" in result.stderr, result.stderr
    assert "path or URL of a wheel or sdist" in result.stderr
    assert not (tmp_path / "fresh").exists()
