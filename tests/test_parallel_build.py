"""A big site builds in forked workers (site_builder/speed/workers.py): same bytes, same errors, same safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.build import Options, build
from site_builder.errors import ContentError
from site_builder.speed.workers import PARALLEL_FROM_EVENTS

from .test_build_site import tree_digest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from generate_site import generate  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A site listed by period (more than 300 events): every kind of page is shared out."""
    return generate(tmp_path_factory.mktemp("synthetic") / "site", events=320, sources=12)


def both_ways(root: Path, tmp_path: Path, **options) -> tuple[dict, dict]:
    """Both trees but the search bundle, which Pagefind writes after the pages either way
    (tests/test_search_index.py checks it)."""
    one = build(Options(root=root, out=tmp_path / "one", jobs=1, **options))
    two = build(Options(root=root, out=tmp_path / "two", jobs=3, **options))
    assert one.paths and sorted(one.paths) == sorted(two.paths)
    for out in ("one", "two"):
        assert (tmp_path / out / "pagefind/pagefind.js").is_file()
    return pages(tmp_path / "one"), pages(tmp_path / "two")


def pages(folder: Path) -> dict:
    return {path: digest for path, digest in tree_digest(folder).items() if not path.startswith("pagefind/")}


def test_workers_build_byte_identical_output_to_one_process(synthetic, tmp_path):
    one, two = both_ways(synthetic, tmp_path)
    assert len(one) > 320 and one == two


def test_the_real_site_built_by_workers_is_byte_identical_too(real_site, tmp_path):
    one, two = both_ways(real_site.root, tmp_path, drafts=True, base_url="https://example.net/sub/")
    assert one == two


def errors_of(root: Path, jobs: int) -> list:
    with pytest.raises(ContentError) as caught:
        build(Options(root=root, out=root / "build", jobs=jobs))
    return caught.value.diagnostics


def test_workers_report_exactly_the_errors_one_process_reports(synthetic, tmp_path):
    root = tmp_path / "broken"
    generate(root, events=240, sources=12)
    events = sorted((root / "content/events").glob("*.yaml"))
    for path in events[::40]:  # misquotes in files every worker reads (0, 40, ... 200)
        path.write_text(path.read_text().replace("    quote: ", "    quote: Nobody said ", 1))
    events[7].write_text(events[7].read_text().replace("lane: ", "lane: no-such-", 1))
    events[200].write_text("id: event-000003\n" + events[200].read_text())  # a duplicate id, read by another worker ...
    events[201].write_text("id: event-000004\n" + events[201].read_text().replace("quote: ", "quote: Never ", 1))
    # ... the second one also misquotes, which is not reported: a duplicate is not built
    one, two = errors_of(root, 1), errors_of(root, 3)
    assert one == two
    messages = [d.message for d in two]
    assert sum("the quote is not in source" in m for m in messages) == 5  # not 200's nor 201's
    assert sum("duplicate event id" in m for m in messages) == 2
    assert any("unknown lane 'no-such-" in m for m in messages)


def test_a_template_error_in_a_worker_is_located_and_leaves_the_previous_build(synthetic, tmp_path):
    root = tmp_path / "site"
    generate(root, events=240, sources=12)
    assert subprocess.run(cli(root, "build", "--jobs", "2"), capture_output=True).returncode == 0
    before = tree_digest(root / "build")
    (root / "templates").mkdir()
    (root / "templates/event.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ event.nope() }}{% endblock %}')
    result = subprocess.run(cli(root, "build", "--jobs", "2"), capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/event.html:2:1: error: template error:" in result.stderr
    assert "previous output was left as it was" in result.stderr
    assert tree_digest(root / "build") == before
    assert hidden(root) == [".build.spare"]  # what the failed build wrote, for the next one to write over


def cli(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", "-C", str(root), *args]


def test_a_killed_parallel_build_leaves_the_previous_build_and_no_worker_behind(tmp_path):
    root = generate(tmp_path / "site", events=PARALLEL_FROM_EVENTS, sources=25)
    assert subprocess.run(cli(root, "build"), capture_output=True).returncode == 0
    before = tree_digest(root / "build")
    (root / "site.yaml").write_text((root / "site.yaml").read_text().replace("Synthetic timeline", "Renamed"))
    child = subprocess.Popen(cli(root, "build", "--jobs", "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any((p / "events").is_dir() for p in tmp_path.glob("site/.build.new-*")):  # workers are writing pages
        assert child.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    while builders_of(root):  # the workers die with it (PR_SET_PDEATHSIG)
        assert time.monotonic() < deadline, f"workers still running: {builders_of(root)}"
        time.sleep(0.05)
    assert tree_digest(root / "build") == before
    assert subprocess.run(cli(root, "build"), capture_output=True).returncode == 0  # and the next build cleans up
    assert hidden(root) == [".build.spare"]  # the previous site, for the next build to write over


def hidden(root: Path) -> list[str]:
    """The build's folders beside build/, once the background deletes (output.py) have finished."""
    deadline = time.monotonic() + 30
    while any(".old-" in p.name for p in root.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


def builders_of(root: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(root).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


AUTO_COUNTS = """
import os, threading
from site_builder.speed.workers import PARALLEL_FROM_EVENTS, worker_count
small, big = worker_count(PARALLEL_FROM_EVENTS - 1), worker_count(PARALLEL_FROM_EVENTS)
threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
print(small, big, worker_count(PARALLEL_FROM_EVENTS), worker_count(10, requested=2))
"""


def test_small_sites_and_threaded_programs_build_in_one_process_unless_asked():
    out = subprocess.run([sys.executable, "-c", AUTO_COUNTS], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", str(min(len(os.sched_getaffinity(0)), 8)), "1", "2"]


def test_the_embed_view_renders_in_the_home_pages_task_and_every_renderer_has_its_tasks():
    from site_builder.speed.forked_render import _tasks
    from site_builder.render.site import renderers

    ordered = renderers()
    tasks = _tasks(ordered, 6)
    groups = [[ordered[i].__name__ for i in indices] for indices, _, _ in tasks]
    assert groups[0] == ["home_page", "embed_page"]  # the embed view takes the home page's values
    whole = sorted(i for indices, _, shares in tasks if shares == 1 for i in indices)
    shared = sorted((i, share) for indices, share, shares in tasks if shares == 6 for i in indices)
    assert len(whole) == len(set(whole)) and len(shared) == len(set(shared))
    assert sorted({*whole, *(i for i, _ in shared)}) == list(range(len(ordered)))
    assert {ordered[i].__name__ for i, _ in shared} == {"event_pages", "source_pages", "period_pages"}
    assert len(shared) == 3 * 6


def test_the_search_index_is_built_while_the_workers_render_and_pagefind_after(synthetic, tmp_path, monkeypatch):
    # Pagefind's processes peak at about a render worker's memory: none runs while the workers
    # live (the records and cached parts are made meanwhile); once they are gone, PARALLEL_PARTS.
    import multiprocessing
    import threading

    from site_builder.render import pagefind, publishing, search_index

    monkeypatch.setattr(search_index, "MAX_PART_RECORDS", 60)  # several parts, to be run at once if allowed
    seen, running, lock = [], [0], threading.Lock()

    def probe(staging, site, cache, gate):  # the first of BESIDE_RENDER: what it finds when it starts
        seen.append(len(multiprocessing.active_children()))

    class Counted(pagefind.PagefindService):
        def __init__(self, *args, **kwargs):
            with lock:
                running[0] += 1
                seen.append((len(multiprocessing.active_children()), running[0]))
            super().__init__(*args, **kwargs)

        def __exit__(self, *exc):
            try:
                super().__exit__(*exc)
            finally:
                with lock:
                    running[0] -= 1

    monkeypatch.setattr(pagefind, "PagefindService", Counted)
    monkeypatch.setattr(publishing, "BESIDE_RENDER", [probe, *publishing.BESIDE_RENDER])
    result = build(Options(root=synthetic, out=tmp_path / "out", jobs=2))
    assert seen[0] == 2  # started beside the two render workers, not after them
    starts = seen[1:]
    assert len(starts) == search_index.part_count(result.site) > 2
    assert not any(workers for workers, _ in starts)
    assert all(at_once <= search_index.PARALLEL_PARTS for _, at_once in starts)
    assert (tmp_path / "out/pagefind/pagefind.js").is_file()


def test_a_failed_render_stops_the_search_index_and_leaves_no_thread(synthetic, tmp_path):
    import threading

    root = tmp_path / "site"
    generate(root, events=240, sources=12)
    (root / "templates").mkdir()
    (root / "templates/event.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ event.nope() }}{% endblock %}')
    before = threading.active_count()
    with pytest.raises(ContentError):
        build(Options(root=root, out=tmp_path / "out", jobs=2))
    assert threading.active_count() == before  # nothing writes into the discarded staging folder
    assert not (tmp_path / "out").exists()


def test_the_shares_of_a_renderer_take_turns_at_its_pages_and_each_page_is_made_once():
    from types import SimpleNamespace

    from site_builder.speed.forked_render import PAGES_PER_TURN, ShareContext

    site = SimpleNamespace(config=None)
    for shares in (1, 2, 6):
        for count in (0, 1, PAGES_PER_TURN + 1, 37):
            turns = [list(ShareContext(site, None, None, share, shares).turns(count)) for share in range(shares)]
            assert sorted(n for share in turns for n in share) == list(range(count))
    ctx = ShareContext(site, None, None, share=1, shares=2)
    seen = [(n, ctx.calls) for n in ctx.turns(3 * PAGES_PER_TURN)]  # calls: the page's number + 1
    assert seen == [(n, n + 1) for n in range(PAGES_PER_TURN, 2 * PAGES_PER_TURN)]


def test_a_share_renders_its_own_pages_only(synthetic):
    # Each share makes the pages of its turns and looks at no other item (a source's make()
    # splits its text into paragraphs): the shares' pages together are render_site's, once each.
    from site_builder.content.load import load_site
    from site_builder.speed.forked_render import ShareContext
    from site_builder.render.pages import event_pages, source_pages
    from site_builder.render.site import static_outputs
    from site_builder.render.theme import Theme
    from site_builder.render.urls import Urls

    site = load_site(synthetic)
    theme = Theme.for_site(synthetic, site.config.theme)
    env = theme.environment()
    names, _ = static_outputs(site, theme, env)
    for renderer, items in ((event_pages, site.events), (source_pages, site.sources)):
        every = [path for path, _ in renderer(ShareContext(site, Urls(site, names), env, 0, 1))]
        shares = [[path for path, _ in renderer(ShareContext(site, Urls(site, names), env, share, 3))]
                  for share in range(3)]
        assert len(every) == len(items) and sorted(every) == sorted(p for share in shares for p in share)
        assert all(0 < len(share) < len(items) for share in shares)
