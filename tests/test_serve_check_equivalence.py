"""After any sequence of saves, the preview shows exactly the errors `check` gives for the same
files: each file's errors replaced on every rebuild, dropped when the file is gone."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_builder.build import Options, check
from site_builder.errors import ContentError
from site_builder.preview.session import Session

from .conftest import EVENT_YAML, SITE_YAML, SOURCE_TEXT, SiteDir
from .test_serve_incremental import touch_later

EVENTS = ("2025-08-15-a", "2025-08-15-b", "2025-08-15-c", "2025-08-15-d")  # clean ones before a bad one
BAD_EVENTS = ("secret: 1\n", "title: [unclosed\n", EVENT_YAML.replace("trustful", "trusting"),
              EVENT_YAML + "related: [nowhere]\n", "title: x\ndate: 2025-13-01\n")
GOOD_EVENTS = (EVENT_YAML, EVENT_YAML.replace("Talks in", "Meeting in"))
BAD_FRONT = ("", "title: only a title\n", "title: [unclosed\n")


def diagnostics_of(run, *args) -> list:
    try:
        run(*args)
    except ContentError as exc:
        return list(exc.diagnostics)
    return []


def _write(path: Path, text: str) -> set[Path]:
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if existed:
        touch_later(path)
    return {path}


def _unlink(path: Path) -> set[Path]:
    path.unlink(missing_ok=True)
    return {path}


def _edit_source(site: SiteDir, valid: bool, n: int) -> set[Path]:
    name = ("wire", "other")[n % 2]
    path = site.root / f"content/sources/{name}.md"
    if valid:
        return _write(path, f"---\ntitle: Wire report {n}\npublisher: Wire\npublished: 2025-08-16\n---\n"
                            f"{SOURCE_TEXT}{' More.' * (n % 3)}\n")
    return _write(path, f"---\n{BAD_FRONT[n % len(BAD_FRONT)]}---\ntext\n" if n % 4 else "title: x\n")


def _event(site: SiteDir, n: int) -> Path:
    return site.root / f"content/events/{EVENTS[n % len(EVENTS)]}.yaml"


def _edit_event(site: SiteDir, valid: bool, n: int) -> set[Path]:
    texts = GOOD_EVENTS if valid else BAD_EVENTS
    return _write(_event(site, n), texts[n % len(texts)])


def _delete(site: SiteDir, n: int) -> set[Path]:
    return _unlink(_event(site, n) if n % 3 else site.root / f"content/sources/{('wire', 'other')[n % 2]}.md")


def _rename(site: SiteDir, n: int) -> set[Path]:
    old, new = _event(site, n), _event(site, n + 1 + n % 2)
    if not old.exists() or old == new:
        return {old}
    old.rename(new)
    touch_later(new)
    return {old, new}


def apply(site: SiteDir, step: tuple[str, int]) -> set[Path]:
    """One save (or one poll's worth of them) and the files it changed."""
    kind, n = step
    if kind in ("source ok", "source bad"):
        return _edit_source(site, kind == "source ok", n)
    if kind in ("event ok", "event bad"):
        return _edit_event(site, kind == "event ok", n)
    if kind == "delete":
        return _delete(site, n)
    if kind == "rename":
        return _rename(site, n)
    # both at once: a source and an event saved in the same poll
    return _edit_source(site, n % 2 == 0, n) | _edit_event(site, n % 3 != 0, n)


KINDS = ("source ok", "source bad", "event ok", "event bad", "delete", "rename", "both")
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 19)), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
@example([("event bad", 11), ("source ok", 1), ("event ok", 0)])  # attack16: a bad file's errors on every clean one
@example([("both", 15), ("event ok", 0), ("delete", 11)])
def test_after_any_edits_the_preview_shows_exactly_the_errors_check_gives(edits):
    with tempfile.TemporaryDirectory() as tmp:
        site = SiteDir(Path(tmp) / "site")
        site.write("site.yaml", SITE_YAML)
        site.source("wire")
        for name in EVENTS[:3]:
            site.event(name, EVENT_YAML)
        session = Session(site.root)
        session.rebuild()
        for step in edits:
            shown = diagnostics_of(session.rebuild, apply(site, step))
            assert shown == diagnostics_of(check, Options(root=site.root)), step
        shutil.rmtree(site.root)


def test_the_errors_of_a_bad_event_are_not_repeated_after_a_source_and_an_event_change_together(site):
    """Found by attack16: every clean event file before a bad one showed its errors again."""
    for name in EVENTS:
        site.event(name, EVENT_YAML)
    session = Session(site.root)
    session.rebuild()
    bad = site.root / f"content/events/{EVENTS[-1]}.yaml"
    changed = _edit_source(site, True, 1) | _write(bad, "secret: 1\n")
    assert len(diagnostics_of(session.rebuild, changed)) == 4
    _write(bad, "secret: 2\n")
    assert len(diagnostics_of(session.rebuild, {bad})) == 4
    bad.unlink()
    assert diagnostics_of(session.rebuild, {bad}) == []
