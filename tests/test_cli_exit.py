"""The command exits without Python's teardown (cli.exit_now), and loses nothing by it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import REPO


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output buffered, as usual
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(tmp_path)],
                          capture_output=True, text=True, cwd=REPO, timeout=60, env=env)


def test_exit_handlers_run_buffered_output_is_written_and_the_code_kept(tmp_path):
    result = _python("""
        import atexit, sys, tempfile, weakref
        from pathlib import Path
        from site_builder.cli import exit_now
        folder = Path(sys.argv[1])
        atexit.register(lambda: (folder / "atexit-ran").write_text("yes"))
        kept = tempfile.TemporaryDirectory(dir=folder)  # removed by its finalizer at exit
        (Path(kept.name) / "inside").write_text("x")
        print("no newline, still buffered", end="")
        print("to stderr", file=sys.stderr, end="")
        exit_now(3)
        print("never")
    """, tmp_path)
    assert result.returncode == 3
    assert result.stdout == "no newline, still buffered"
    assert result.stderr == "to stderr"
    assert (tmp_path / "atexit-ran").read_text() == "yes"
    assert [p.name for p in tmp_path.iterdir()] == ["atexit-ran"]  # the temporary folder is gone


def test_a_thread_still_running_is_waited_for(tmp_path):
    result = _python("""
        import sys, threading, time
        from pathlib import Path
        from site_builder.cli import exit_now
        def late():
            time.sleep(0.3)
            (Path(sys.argv[1]) / "thread-done").write_text("yes")
        threading.Thread(target=late).start()
        exit_now(0)
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "thread-done").read_text() == "yes"


def test_the_command_line_exits_with_its_status_and_all_its_output(site):
    broken = site.write("content/events/2025-08-16-broken.yaml", "title: [unclosed\n")
    result = site.cli_process("build")
    assert result.returncode == 1
    assert str(broken.name) in result.stderr and "build failed" in result.stderr
    broken.unlink()
    result = site.cli_process("build")
    assert result.returncode == 0 and result.stdout.startswith("built 1 event,"), result.stderr
