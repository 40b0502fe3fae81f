"""The code's own checks, run with the suite so CI runs them: the layers of the pipeline
(import-linter, configured in pyproject.toml), no import cycles, and ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True)


def test_every_module_imports_only_from_the_layers_below_its_own():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = _run(str(lint_imports), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("site_builder")  # imports inside functions and TYPE_CHECKING too
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.add(" -> ".join((module, *chain)))
    assert not cycles, "\n".join(sorted(cycles))


@pytest.mark.parametrize("folder", ["site_builder", "tests", "benchmarks", "docs", "scripts"])
def test_ruff_finds_nothing(folder):
    done = _run(sys.executable, "-m", "ruff", "check", "--no-cache", folder)
    assert done.returncode == 0, done.stdout + done.stderr
