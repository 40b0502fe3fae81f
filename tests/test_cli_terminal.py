"""What the commands print is safe for a terminal, and never a traceback, whatever the names,
the content or the state of the standard streams."""

from __future__ import annotations

import json
import subprocess
import sys

from site_builder.errors import Diagnostic, printable

RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def assert_printable(*texts: str) -> None:
    for text in texts:
        assert not any(c in text for c in RAW), repr(text)
        assert "Traceback" not in text and "internal error" not in text, text


def test_a_file_name_with_a_terminal_escape_is_printed_escaped(site):
    site.write("content/events/\x1b]0;pwned\x07x.yaml", "title: T\n")
    result = site.cli_process("check")
    assert result.returncode == 1
    assert_printable(result.stdout, result.stderr)
    assert "\\x1b]0;pwned\\x07x.yaml:1:1: error:" in result.stderr


def test_a_key_with_an_escape_and_a_bidi_override_is_printed_escaped(site):
    path = site.root / "content/events/2025-08-15-talks.yaml"
    path.write_text(path.read_text() + '"\\e[2J\\u202e": 1\n')
    result = site.cli_process("build")
    assert result.returncode == 1
    assert_printable(result.stdout, result.stderr)
    # The loader refuses the character itself and reads the key with U+FFFD in its place.
    assert "unknown field '\ufffd[2J\\u202e'" in result.stderr and "U+001B ESCAPE" in result.stderr


def test_a_file_name_that_is_not_utf8_is_printed_as_its_bytes(site):
    name = b"\xff\xfe.yaml".decode("utf-8", "surrogateescape")
    (site.root / "content/events").joinpath(name).write_text("title: T\n")
    result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(site.root), "check"],
                            capture_output=True, cwd=site.root)
    stderr = result.stderr.decode("utf-8")  # valid UTF-8 throughout
    assert result.returncode == 1
    assert_printable(stderr)
    assert "\\xff\\xfe.yaml:1:1: error:" in stderr


def test_a_message_line_from_content_cannot_pass_for_a_diagnostic_of_its_own():
    text = Diagnostic("a.yaml", 3, 1, "unknown field 'x\nevil.yaml:1:1: error: forged'", "line\r\nnext\x1b[2J").format()
    assert text.splitlines() == ["a.yaml:3:1: error: unknown field 'x",
                                 "  evil.yaml:1:1: error: forged'",
                                 "  hint: line\\x0d",
                                 "  next\\x1b[2J"]


def test_printable_escapes_controls_separators_and_bidi_but_keeps_text():
    assert printable("Zoë says: «hello» \u05e9\u05dc\u05d5\u05dd") == "Zoë says: «hello» \u05e9\u05dc\u05d5\u05dd"
    assert printable("a\tb\nc\x7f\x85\u2028\u2066\ufeff") == "a\\x09b\\x0ac\\x7f\\x85\\u2028\\u2066\\ufeff"
    assert printable("a\nb", newlines=True) == "a\nb"


def test_import_notes_and_names_are_printed_escaped(site, tmp_path):
    path = tmp_path / "t\x1b[2J.json"
    path.write_text(json.dumps({"events": [{"start_date": {"year": 2025}, "text": {"headline": "Talks"},
                                            "media": {"url": "https://example.org/\x1b]0;x\x07"}}]}))
    result = site.cli_process("import", "timelinejs", str(path))
    assert result.returncode == 0, result.stderr
    assert_printable(result.stdout, result.stderr)
    assert "\\x1b]0;x\\x07" in result.stdout
    written = (site.root / "content/events/2025-talks.yaml").read_text()
    assert "\x1b" not in written  # the comment that keeps the media link, too


def _closed_pipe(site, *args: str) -> subprocess.CompletedProcess:
    """The command with a reader that is gone before it writes (`site-builder schema | head -0`)."""
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "-C", str(site.root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, "", stderr)


def test_output_into_a_pipe_whose_reader_is_gone_prints_no_traceback(site):
    for args in (["schema"], ["check"], ["check", "--format", "json"]):
        result = _closed_pipe(site, *args)
        assert result.stderr == "", (args, result.stderr)
        assert result.returncode in (0, 1), args


def test_closed_standard_streams_print_no_traceback(site):
    for args in (["--help"], ["schema"], ["check"]):
        command = [sys.executable, "-m", "site_builder", "-C", str(site.root), *args]
        result = subprocess.run(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                pass_fds=(), close_fds=True, preexec_fn=_close_stdout)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (args, result.stderr)
        assert result.returncode == 0, (args, result.stderr)


def _close_stdout() -> None:
    import os

    os.close(1)


def test_a_site_folder_that_is_missing_or_a_file_is_a_plain_error(site):
    for folder, message in [(site.root / "nope", "no such folder"), (site.root / "site.yaml", "a file, not a folder")]:
        for args in (["check"],
                     ["new", "source", "--id", "x", "--title", "T", "--publisher", "P", "--published", "2025"]):
            result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(folder), *args],
                                    capture_output=True, text=True)
            assert result.returncode == 1, result.stderr
            assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_port_outside_1_to_65535_or_not_a_number_is_a_plain_error(site):
    for port in ("-1", "0", "70000", "http", "\uff18\uff10"):
        result = site.cli_process("serve", "--port", port)
        assert result.returncode == 2, port
        assert "is not a port: give a number from 1 to 65535" in result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_check_json_names_a_file_that_is_not_utf8_in_valid_json_text(site):
    (site.root / "content/events").joinpath(b"\xff.yaml".decode("utf-8", "surrogateescape")).write_text("title: T\n")
    result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(site.root), "check", "--format", "json"],
                            capture_output=True, cwd=site.root)
    report = json.loads(result.stdout.decode("utf-8"))
    paths = [error["path"] for error in report["errors"]]
    assert any(path.endswith("\\xff.yaml") for path in paths), paths
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # no lone surrogate anywhere
