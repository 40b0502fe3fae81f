"""`check` refuses whatever `build` refuses, with the same errors: an editor who runs check first
learns everything build would say, before anything is built."""

from __future__ import annotations

import pytest

from .test_hostile_input import CASES


def diagnostics(result) -> list[str]:
    """The error lines and their hints; the last line is the count and what failed."""
    return result.stderr.splitlines()[:-1]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_refuses_what_build_refuses_with_the_same_errors(site, case):
    site.write(f"content/events/{case.name}", case.read_bytes())
    checked = site.cli("check")  # before any build: nothing of a build's state to lean on
    built = site.cli("build")
    assert checked.returncode == built.returncode, (checked.stderr, built.stderr)
    assert diagnostics(checked) == diagnostics(built)
    if built.returncode:
        assert checked.stderr.splitlines()[-1].split(";")[0] == built.stderr.splitlines()[-1].split(";")[0]
        assert "Traceback" not in checked.stderr + built.stderr
