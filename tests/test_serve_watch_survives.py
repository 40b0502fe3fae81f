"""The preview's watcher keeps watching whatever happens to the folder under it, and says so."""

from __future__ import annotations

import io
import shutil
import threading
import time
from pathlib import Path

from site_builder.preview.app import Preview
from site_builder.preview.session import Session
from site_builder.preview.watch import Rebuilder, watched_paths


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_site_folder_deleted_and_made_again_under_serve_is_said_and_watched_again(site, tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    shutil.copytree(site.root, kept)
    monkeypatch.chdir(site.root)  # `cd site && site-builder serve`: the site is "."
    here, out = Path("."), io.StringIO()
    preview = Preview(here)
    rebuilder = Rebuilder(Session(here), preview, watched_paths(here), lambda: None, out)
    rebuilder.build_now()
    watching = threading.Thread(target=rebuilder.watch_forever, args=(0.02,), daemon=True)
    watching.start()
    try:
        shutil.rmtree(site.root)
        assert wait_for(lambda: "was deleted; rebuilds wait until it is back" in out.getvalue()), out.getvalue()
        shutil.copytree(kept, site.root)
        (site.root / "content/events/bad.yaml").write_text("secret: 1\n")
        assert wait_for(lambda: preview.snapshot.errors), out.getvalue()  # before: the thread had died
        assert watching.is_alive()
        assert {Path(d.path).name for d in preview.snapshot.errors} == {"bad.yaml"}
        assert "is there again; watching it" in out.getvalue()
    finally:
        rebuilder.stop()
        watching.join(10)
