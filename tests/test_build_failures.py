"""A build that cannot write (a full disk, a file size limit, a read-only folder), that another
build is in the way of, or that is killed, says so in one line, exits 1 (or 130), and leaves the
previous output exactly as it was; the next build succeeds. `check` writes nothing at all."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from site_builder.output import write as output
from site_builder.cli import main
from tests.test_build_output_folder import everything

REPO = Path(__file__).resolve().parent.parent


def cli(root: Path, *args: str, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_builder", "-C", str(root), *args], capture_output=True,
                          text=True, cwd=REPO, preexec_fn=preexec)


def settled(folder: Path) -> list[str]:
    """The names in folder once the background deletes of replaced sites have finished."""
    deadline = time.monotonic() + 20
    while any(".old-" in p.name for p in folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in folder.iterdir())


def assert_plain_error(result: subprocess.CompletedProcess, says: str) -> None:
    assert result.returncode == 1, result.stderr
    assert says in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def built(site, tmp_path):
    """The test site built once into tmp_path/out; (site, out, the output's files)."""
    out = tmp_path / "out"
    assert cli(site.root, "build", "--out", str(out)).returncode == 0
    return site, out, everything(out)


def test_a_file_size_limit_fails_the_build_plainly_and_keeps_the_previous_output(built):
    site, out, before = built
    limited = textwrap.dedent("""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
        from site_builder.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    for _ in range(2):  # the second over what the first set aside
        result = subprocess.run([sys.executable, "-c", limited, "-C", str(site.root), "build", "--force",
                                 "--out", str(out)], capture_output=True, text=True, cwd=REPO)
        assert_plain_error(result, "error: could not write ")
        assert f"{out}/" in result.stderr and ": File too large" in result.stderr
        assert ".out.new-" not in result.stderr  # the file as the user knows it
        assert everything(out) == before
        assert settled(out.parent) in (["out", "site"], [".out.spare", "out", "site"])
    assert cli(site.root, "build", "--force", "--out", str(out)).returncode == 0
    assert everything(out) == before


def test_a_full_disk_in_the_middle_of_a_build_is_one_line_and_the_previous_output_stays(built, monkeypatch, capsys):
    site, out, before = built
    real_write, calls = output._write_file, []

    def full_after_ten(path, data):
        calls.append(path)
        if len(calls) > 10:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(path, data)

    monkeypatch.setattr(output, "_write_file", full_after_ten)
    assert main(["-C", str(site.root), "build", "--force", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: could not write {out}/") and ": No space left on device\n" in err
    assert everything(out) == before
    monkeypatch.undo()
    assert main(["-C", str(site.root), "build", "--force", "--out", str(out)]) == 0
    assert everything(out) == before


MOUNTED = textwrap.dedent("""
    # Run in a mount namespace of its own (unshare -m): a small tmpfs, filled, then read-only.
    import json, os, subprocess, sys
    site, mount = sys.argv[1:]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount], check=True)
    out = os.path.join(mount, "out")
    def build():
        r = subprocess.run([sys.executable, "-m", "site_builder", "-C", site, "build", "--force", "--out", out],
                           capture_output=True, text=True)
        return [r.returncode, r.stderr, sorted(os.listdir(mount))]
    def tree():
        found = {}
        for parent, _, files in os.walk(out):
            for name in files:
                with open(os.path.join(parent, name), "rb") as f:
                    found[os.path.relpath(os.path.join(parent, name), out)] = f.read().hex()
        return found
    steps = {"first": build()}
    before = tree()
    with open(os.path.join(mount, "filler"), "wb") as f:  # the disk is full
        try:
            while True:
                f.write(b"x" * 65536)
                f.flush()
        except OSError:
            pass
    steps["full"] = build()
    steps["full_kept"] = tree() == before
    os.unlink(os.path.join(mount, "filler"))
    steps["freed"] = build()
    subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
    steps["read_only"] = build()
    steps["read_only_kept"] = tree() == before
    steps["beside"] = sorted(os.listdir(mount))
    print(json.dumps(steps))
""")


def test_a_full_disk_and_a_read_only_disk_fail_plainly_and_keep_the_previous_output(site, tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
        pytest.skip("no mount namespace to mount a small file system in")
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["unshare", "-m", sys.executable, "-c", MOUNTED, str(site.root), str(mount)],
                            capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0 and "mount" in result.stderr:
        pytest.skip(f"tmpfs cannot be mounted here: {result.stderr.strip()[-200:]}")
    steps = json.loads(result.stdout)
    assert steps["first"][0] == 0, steps["first"]
    for step, says in (("full", "No space left on device"), ("read_only", "Read-only file system")):
        code, err, _ = steps[step]
        assert code == 1 and err.startswith("error: could not write ") and says in err, err
        assert "internal error" not in err and "Traceback" not in err
        assert steps[f"{step}_kept"]
    assert steps["freed"][0] == 0, steps["freed"]
    assert set(steps["beside"]) <= {"out", ".out.spare"} and "out" in steps["beside"], steps


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_a_build_while_another_holds_the_output_says_which_process_and_exits_1(built):
    site, out, before = built
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out.parent)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cli(site.root, "build", "--force", "--out", str(out))
        assert_plain_error(result, f"error: another build is writing {out}")
        assert f"(pid {holder.pid})" in result.stderr and "wait for it to finish" in result.stderr
        assert everything(out) == before
    finally:
        holder.kill()  # a killed build's lock goes with it
        holder.wait()
    assert cli(site.root, "build", "--force", "--out", str(out)).returncode == 0


def test_two_builds_at_once_never_fail_with_an_internal_error(built):
    site, out, before = built
    command = [sys.executable, "-m", "site_builder", "-C", str(site.root), "build", "--force", "--out", str(out)]
    for _ in range(3):
        builds = [subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=REPO)
                  for _ in range(2)]
        results = [(b.wait(timeout=120), b.stderr.read()) for b in builds]
        for code, err in results:
            assert code == 0 or (code == 1 and "another build is writing" in err), err
        assert any(code == 0 for code, _ in results)
        assert everything(out) == before


def interrupted(site_root: Path, out: Path, sig: int) -> subprocess.CompletedProcess:
    """A build of site_root into out, sent sig once it has written pages into its staging folder."""
    child = subprocess.Popen([sys.executable, "-m", "site_builder", "-C", str(site_root), "build", "--force",
                              "--jobs", "1", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if any(len(list(p.glob("events/*/index.html"))) > 20 for p in out.parent.glob(".out.new-*")):
            break
        time.sleep(0.005)
    assert child.poll() is None, "the build ended before it could be interrupted"
    child.send_signal(sig)
    stdout, stderr = child.communicate(timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_a_build_interrupted_mid_write_leaves_the_previous_output_and_the_next_build_succeeds(tmp_path, sig):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_site import generate

    root = generate(tmp_path / "site", events=300, sources=10)
    out = tmp_path / "out"
    assert cli(root, "build", "--out", str(out)).returncode == 0
    before = everything(out)
    for _ in range(2):  # the second over the spare the first set aside
        result = interrupted(root, out, sig)
        if sig == signal.SIGINT:
            assert result.returncode == 130 and "Traceback" not in result.stderr, result.stderr
        else:
            assert result.returncode == -signal.SIGKILL
        assert everything(out) == before
    assert cli(root, "build", "--force", "--out", str(out)).returncode == 0
    assert everything(out) == before
    assert settled(tmp_path) == [".out.spare", "out", "site"]


def test_check_writes_nothing_at_all(site):
    site.write("notes.txt", "mine\n")
    before = everything(site.root)
    stamp = os.stat(site.root).st_mtime_ns, os.stat(site.root.parent).st_mtime_ns
    for args in (["check"], ["check", "--format", "json"]):
        assert cli(site.root, *args).returncode == 0
    assert everything(site.root) == before
    assert (os.stat(site.root).st_mtime_ns, os.stat(site.root.parent).st_mtime_ns) == stamp
