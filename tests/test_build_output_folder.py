"""A build replaces only a folder site-builder made (or an empty one): never the site, what it
is made from, or a user's folder, whatever --out says. A refusal writes nothing, anywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.output.write import recover
from site_builder.output.folder import MARKER, MARKER_TEXT, is_marked


def everything(folder: Path) -> dict[str, tuple]:
    """Every file (its bytes), folder and link (its target) under folder, hidden ones too."""
    found: dict[str, tuple] = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(parent, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                found[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                found[rel] = ("folder",)
            else:
                found[rel] = ("file", Path(path).read_bytes())
    return found


@pytest.fixture
def user_site(site, monkeypatch):
    """The test site as a user has it: a git folder, templates, static files, notes of their own;
    the current folder is the site's."""
    site.write(".git/HEAD", "ref: refs/heads/main\n")
    site.write("templates/.keep", "")
    site.write("static/css/extra.css", "body {}\n")
    site.write("themes/mine/templates/.keep", "")
    site.write("notes/todo.txt", "call the archive\n")
    os.symlink(".", site.root / "here")
    monkeypatch.chdir(site.root)
    return site


def build(*args: str) -> int:
    return main(["build", *args])


REFUSED = {
    "content": "is the site's content/ folder",
    "content/events": "is inside the site's content/ folder",
    "content/new-folder": "is inside the site's content/ folder",
    "content/../content/sources": "is inside the site's content/ folder",
    "templates": "is the site's templates/ folder",
    "static/css": "is inside the site's static/ folder",
    "themes/mine": "is inside the site's themes/ folder",
    ".": "is the site folder",
    "./": "is the site folder",
    "..": "is a folder the site is in",
    "/": "is a folder the site is in",
    "site.yaml": "is an existing file",
    "notes/todo.txt": "is an existing file",
    "site.yaml/build": "site.yaml is a file, not a folder",
    "notes": "holds files site-builder did not write",
    ".git": "version-control folder",
    ".git/objects/build": "version-control folder",
    "here": "is a symbolic link",
    "here/": "is a symbolic link",
    "here/.": "is a symbolic link",
    "here/content": "is the site's content/ folder",
    "": "an empty path",
    "a\x1b[2Jb": "control character",
    "new\nline": "control character",
    "~/public": "folder named ~",
}


@pytest.mark.parametrize("out", REFUSED, ids=repr)
def test_an_output_folder_that_is_not_the_tools_is_refused_and_nothing_is_written(user_site, out, capsys):
    before = everything(user_site.root.parent)
    for _ in range(2):  # the second run deleted what the first one set aside
        assert build("--out", out) == 1
        err = capsys.readouterr().err
        assert "error: " in err and REFUSED[out] in err and "hint: " in err
        assert "internal error" not in err and "\x1b" not in err
    assert everything(user_site.root.parent) == before


def test_the_home_folder_is_refused_when_the_site_is_elsewhere(user_site, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_bytes(b"secret")
    before = everything(home)
    assert build("--out", str(home)) == 1
    assert "holds files site-builder did not write" in capsys.readouterr().err
    assert everything(home) == before


def test_an_output_whose_parent_links_to_the_site_is_the_sites_build_folder(user_site, capsys):
    assert build("--out", "here/build") == 0
    assert is_marked(user_site.root / "build")
    assert build("--out", "here/build", "--force") == 0  # the same folder, built again


def test_an_output_inside_another_output_folder_is_refused(user_site, tmp_path, capsys):
    other = tmp_path / "other-site-build"
    assert build("--out", str(other)) == 0
    before = everything(tmp_path)
    for inside in (other / "mine", other / "events" / "x"):
        assert build("--out", str(inside)) == 1
        assert "an output folder site-builder replaces whole" in capsys.readouterr().err
    assert everything(tmp_path) == before


def test_an_output_folder_that_is_a_link_is_refused_even_to_a_built_folder(user_site, tmp_path, capsys):
    assert build("--out", str(tmp_path / "real-build")) == 0
    os.symlink(tmp_path / "real-build", tmp_path / "build-link")
    before = everything(tmp_path)
    assert build("--out", str(tmp_path / "build-link")) == 1
    assert "is a symbolic link" in capsys.readouterr().err
    assert everything(tmp_path) == before


def test_a_build_folder_written_before_the_marker_is_refused_with_a_hint_to_remove_it(user_site, capsys):
    user_site.write("build/index.html", "<!doctype html>an older build\n")
    before = everything(user_site.root)
    assert build() == 1
    err = capsys.readouterr().err
    assert "build exists and holds files site-builder did not write" in err
    assert "a build/ written by an earlier site-builder has no marker: remove it" in err
    assert everything(user_site.root) == before


def test_a_marker_is_trusted_only_with_its_exact_first_line(user_site, capsys):
    user_site.write("mine/.site-builder-output", "my own notes about site-builder output\n")
    user_site.write("mine/keep.txt", "keep\n")
    before = everything(user_site.root)
    assert build("--out", "mine") == 1
    assert everything(user_site.root) == before
    (user_site.root / "mine" / MARKER).write_bytes(MARKER_TEXT)  # a tool's marker, not an accident
    assert build("--out", "mine") == 0 and not (user_site.root / "mine" / "keep.txt").exists()


def test_an_empty_folder_is_adopted_marked_and_built_into_again(user_site, tmp_path, capsys):
    out = tmp_path / "served"
    out.mkdir()
    assert build("--out", str(out)) == 0
    assert is_marked(out) and (out / "index.html").is_file()
    assert build("--out", str(out), "--force") == 0
    assert build("--out", str(out), "--force") == 0  # over the adopted folder, now the spare
    assert is_marked(out) and (out / "index.html").is_file()


@pytest.mark.parametrize("kind", ["folders", "files"])
def test_user_files_named_like_the_spare_and_staging_folders_are_never_touched(user_site, kind, capsys):
    names = [".build.spare", ".build.previous", ".build.new-mine", ".build.old-mine", ".build.bak"]
    for name in names:
        user_site.write(f"{name}/notes.txt" if kind == "folders" else name, f"{name} is mine\n")
    (user_site.root / ".build.new-empty").mkdir()  # empty, so it could only be a killed build's
    mine = {rel: value for rel, value in everything(user_site.root).items() if rel.startswith(tuple(names))}
    for args in ([], ["--force"], ["--force"], ["--force", "--no-spare"], ["--force"]):
        assert build(*args) == 0, capsys.readouterr().err
    after = everything(user_site.root)
    assert {rel: after.get(rel) for rel in mine} == mine
    assert is_marked(user_site.root / "build") and (user_site.root / "build" / "index.html").is_file()


def test_recover_never_moves_or_deletes_a_users_folder(tmp_path):
    dest = tmp_path / "build"
    for name in (".build.previous", ".build.new-x", ".build.old-x", ".build.other"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_bytes(b"mine")
    before = everything(tmp_path)
    recover(dest)
    assert everything(tmp_path) == before and not dest.exists()
