"""The Pagefind index the build writes: what is in it, where results point, and what a failure does."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.build import Options, build
from site_builder.render import pagefind
from site_builder.render import search_index as search
from site_builder.content.excerpts import text_fragment
from site_builder.content.load import load_site
from site_builder.htmltext import html_to_text
from site_builder.render.markdown import markdown_text, render_markdown
from site_builder.render.search_index import SearchIndexError, search_records, write_index


def test_every_event_and_every_source_paragraph_is_a_record(real_site):
    site = load_site(real_site.root)
    records = search_records(site)
    events = [r for r in records if r.meta["kind"] == "Event"]
    passages = [r for r in records if r.meta["kind"] == "Source"]
    assert [r.url for r in events] == [f"/events/{e.id}/" for e in site.events]
    summit = next(r for r in events if r.url == "/events/2025-08-15-anchorage-summit/")
    assert "lasted over three hours" in summit.content  # its quotations are searchable too
    assert summit.meta["lane"] == "Russia–US"
    assert len(passages) > 20
    assert all(r.url.startswith("/sources/") for r in passages)


def test_a_passage_links_to_the_excerpt_cited_in_it_or_else_to_its_own_words(real_site):
    passages = {r.content[:40]: r.url for r in search_records(load_site(real_site.root)) if r.meta["kind"] == "Source"}
    cited = next(url for text, url in passages.items() if "have held closed-door talks in Alaska" in text
                 or text.startswith("date 2025-08-16 ANCHORAGE"))
    assert cited == "/sources/tass-2025-08-16-putin-alaska-takeaways/#excerpt-2025-08-15-anchorage-summit-4"
    uncited = next(url for text, url in passages.items() if text.startswith("TASS has gathered the key takeaways"))
    # A text fragment: its first and last words, which the browser scrolls to and highlights.
    assert uncited == ("/sources/tass-2025-08-16-putin-alaska-takeaways/"
                       "#:~:text=TASS%20has%20gathered%20the,the%20Russian%20president%20said.")


def test_a_passage_cited_by_several_excerpts_links_to_the_first_in_the_sources_order(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_site import generate

    site = load_site(generate(tmp_path / "site", events=200, sources=4))  # 100 excerpts a source
    records = {r.content: r.url for r in search_records(site) if r.meta["kind"] == "Source"}
    shared = 0
    for source in site.sources:
        excerpts = site.excerpts_by_source[source.id]
        for start, end in search.paragraph_spans(source.text):
            inside = [x for x in excerpts if start <= x.selector.start < end]
            shared += len(inside) > 1
            url = records[" ".join(source.text[start:end].split())]
            assert url == (f"/sources/{source.id}/#{inside[0].anchor}" if inside else
                           f"/sources/{source.id}/{text_fragment(((start, end),), source.text)}")
    assert shared > 5


def test_a_summary_is_searched_by_the_words_it_shows():
    plain = "Talks resumed in Istanbul.\n\nBoth delegations   met for two hours."
    # Without the parsers for a line of plain words; the same words as through them, whatever the text.
    for text in (plain, "Both delegations   met for two hours.", 'Putin said "no".', "- a list item",
                 "1. First point", "# A heading", "Talks *resumed* in [Istanbul](https://example.org/talks)"):
        assert markdown_text(text) == html_to_text(render_markdown(text)), text
    assert markdown_text("- a list item") == "a list item"
    marked = "Talks *resumed* in [Istanbul](https://example.org/talks) after a Q&amp;A `session`"
    assert markdown_text(marked) == "Talks resumed in Istanbul after a Q&A session"


def test_a_file_pagefind_puts_outside_its_bundle_stops_the_index():
    with pytest.raises(SearchIndexError, match="outside its bundle: ../site.yaml"):
        list(search._bundle_files([{"path": "../site.yaml", "content": ""}], everything=True))
    kept = search._bundle_files([{"path": "pagefind.js", "content": "eA=="},
                                 {"path": "index/en.pf_index", "content": ""},
                                 {"path": "en_1.pf_meta", "content": ""}], everything=False)
    assert [path for path, _ in kept] == ["index/en.pf_index", "en_1.pf_meta"]  # a merged part: its index only


def test_the_build_writes_the_pagefind_bundle_for_the_site_language(real_site, tmp_path):
    out = tmp_path / "build"
    build(Options(root=real_site.root, out=out))
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] > 11
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_when_indexing_fails_the_build_fails_and_the_live_build_stays(real_site, tmp_path):
    out = real_site.root / "build"
    assert real_site.cli("build").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'pagefind: out of cheese' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    real_site.write("content/events/2025-08-15-talks-new.yaml", (real_site.root / "content/events/"
                    "2025-08-15-anchorage-summit.yaml").read_text().replace("summit talks", "more talks"))
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(broken)}  # honoured by pagefind's own locator
    result = subprocess.run([sys.executable, "-m", "site_builder", "-C", str(real_site.root), "build"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "pagefind:1:1: error: the search index could not be built" in result.stderr
    assert "out of cheese" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


FAKE_PAGEFIND = '''#!{python}
# A stand-in for `pagefind --service`: answers the first message, then the next two as the test says.
import base64, json, sys
def read():
    raw = b""
    while (byte := sys.stdin.buffer.read(1)) != b",":
        raw += byte
    return json.loads(base64.b64decode(raw))
def answer(message_id, payload):
    message = json.dumps({{"message_id": message_id, "payload": payload}})
    sys.stdout.buffer.write(base64.b64encode(message.encode()) + b",")
    sys.stdout.buffer.flush()
answer(read()["message_id"], {{"type": "NewIndex", "index_id": 0}})
{body}
sys.stdin.buffer.read()
'''


def fake_pagefind(tmp_path, monkeypatch, body: str):
    fake = tmp_path / "pagefind"
    fake.write_text(FAKE_PAGEFIND.format(python=sys.executable, body=body))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))


def test_records_go_to_pagefind_without_waiting_but_answers_out_of_order_stop_the_index(
        real_site, tmp_path, monkeypatch):
    # Records are sent in one stream; the index is only the same as sending them one at a time
    # if Pagefind handles them in order, so an answer out of order is an error, not a shuffle.
    fake_pagefind(tmp_path, monkeypatch, "first, second = read(), read()\n"
                                         "answer(second['message_id'], {'type': 'IndexedFile'})")
    with pytest.raises(SearchIndexError, match="answered message 3 when 2 was next"):
        write_index(tmp_path / "out", load_site(real_site.root))


def test_a_record_pagefind_refuses_in_the_stream_stops_the_index_with_its_message(
        real_site, tmp_path, monkeypatch):
    fake_pagefind(tmp_path, monkeypatch, "answer(read()['message_id'], {'type': 'IndexedFile'})\n"
                                         "answer(read()['message_id'], {'type': 'Error', 'message': 'record too odd'})")
    with pytest.raises(SearchIndexError, match="pagefind refused AddRecord: record too odd"):
        write_index(tmp_path / "out", load_site(real_site.root))


def test_a_pagefind_that_stops_answering_fails_the_index_instead_of_hanging(real_site, tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind, "ANSWER_SECONDS", 1)
    fake_pagefind(tmp_path, monkeypatch, "import time\ntime.sleep(3600)")
    started = time.monotonic()
    with pytest.raises(SearchIndexError, match="pagefind gave no answer to AddRecord in 1 s"):
        write_index(tmp_path / "out", load_site(real_site.root))
    assert time.monotonic() - started < 30


# A large site's index comes in parts (MAX_PART_RECORDS records or MAX_PART_CHARS characters each),
# each written by a Pagefind process of its own, so Pagefind's memory is one part's. Here the real
# site (49 records) is cut into parts of 12 records at most.

def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_record_is_in_exactly_one_part_chosen_by_its_url(real_site, monkeypatch):
    site = load_site(real_site.root)
    every = search_records(site)
    assert search.part_count(site) == 1
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    parts = search.part_count(site)
    assert parts == -(-len(every) // 12) == 5
    dealt = [list(search.iter_search_records(site, part, parts)) for part in range(parts)]
    for part, records in enumerate(dealt):  # in model order within a part
        assert records == [r for r in every if search.part_of(r.url, parts) == part]
    assert sorted(r.url for part in dealt for r in part) == sorted(r.url for r in every)
    assert len({search.part_of(r.url, parts) for r in every}) == parts
    monkeypatch.setattr(search, "MAX_PART_CHARS", 2_000)  # long text makes parts too, not only many records
    assert search.part_count(site) > 5
    assert search.part_dirs(3) == ["pagefind", "pagefind/part-2", "pagefind/part-3"]


def test_a_new_event_moves_no_other_record_to_another_part_and_parts_mix_events_and_passages(tmp_path):
    # Parts by position would shift every record after a new event, and every part would have to
    # be indexed again; by URL, only the parts of the records that changed are.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate_site import generate

    root = generate(tmp_path / "site", events=400, sources=20)
    before = search_records(load_site(root))
    event = next((root / "content" / "events").glob("*.yaml"))
    (event.parent / "zz-copy.yaml").write_text(event.read_text(encoding="utf-8"), encoding="utf-8")
    after = search_records(load_site(root))
    assert len(after) == len(before) + 1
    parts = 4
    assert {r.url: search.part_of(r.url, parts) for r in before}.items() <= {
        r.url: search.part_of(r.url, parts) for r in after}.items()
    sizes = [[r for r in after if search.part_of(r.url, parts) == part] for part in range(parts)]
    events = sum(r.meta["kind"] == "Event" for r in after)
    for records in sizes:  # each part about a quarter of the events and of the passages
        assert 0.8 * events / parts < sum(r.meta["kind"] == "Event" for r in records) < 1.2 * events / parts
        assert 0.8 * len(after) / parts < len(records) < 1.2 * len(after) / parts


def test_the_parts_are_written_into_the_bundle_as_indexes_only_and_the_same_each_time(real_site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")  # Pagefind both times: the part cache counts on it
    site = load_site(real_site.root)
    write_index(tmp_path / "one", site)
    write_index(tmp_path / "two", site)
    one = tree(tmp_path / "one")
    assert one == tree(tmp_path / "two")  # byte-identical rebuilds
    assert all(one.values())  # every file written whole (Pagefind's own WriteFiles could leave one empty)
    every = search_records(site)
    folders = [tmp_path / "one" / Path(d).relative_to("pagefind") for d in search.part_dirs(5)]
    counts = [json.loads((f / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"] for f in folders]
    assert counts == [sum(search.part_of(r.url, 5) == part for r in every) for part in range(5)]
    assert (tmp_path / "one" / "pagefind.js").is_file()
    for folder in folders[1:]:  # merged into the first: no second copy of Pagefind's scripts or WASM
        names = {p.name for p in folder.iterdir()}
        assert {n for n in names if not n.endswith(".pf_meta")} == {"pagefind-entry.json", "index", "fragment"}
    assert not [p for p in tmp_path.glob("one/**/part-*/part-*")]


def test_the_search_page_names_the_parts_the_build_writes(real_site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    out = tmp_path / "build"
    build(Options(root=real_site.root, out=out, base_url="https://example.net/sub/"))
    html = (out / "search" / "index.html").read_text()
    merge = re.search(r'data-pagefind-merge="([^"]*)"', html).group(1).split()
    assert merge == [f"/sub/pagefind/part-{n}/" for n in range(2, 6)]
    for url in merge:
        assert (out / url.removeprefix("/sub/") / "pagefind-entry.json").is_file()
    single = tmp_path / "single"
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 2_500)
    build(Options(root=real_site.root, out=single))
    assert "data-pagefind-merge" not in (single / "search" / "index.html").read_text()
    assert not list((single / "pagefind").glob("part-*"))


def test_a_part_pagefind_refuses_stops_the_whole_index(real_site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    fake_pagefind(tmp_path, monkeypatch, "answer(read()['message_id'], {'type': 'Error', 'message': 'record too odd'})")
    with pytest.raises(SearchIndexError, match="pagefind refused AddRecord: record too odd"):
        write_index(tmp_path / "out", load_site(real_site.root))


def test_at_most_parallel_parts_pagefind_processes_run_at_once(real_site, tmp_path, monkeypatch):
    # Pagefind's memory is what the parts are cut for: a thread writing a part's files while
    # the others index must not mean one Pagefind process more.
    monkeypatch.setattr(search, "MAX_PART_RECORDS", 12)
    running = tmp_path / "running"
    running.mkdir()
    fake_pagefind(tmp_path, monkeypatch, f"""import os, time
mine = os.path.join({str(running)!r}, str(os.getpid()))
open(mine, "w").close()
with open({str(tmp_path / "counts")!r}, "a") as log:
    log.write(f"{{len(os.listdir({str(running)!r}))}}\\n")
while (message := read())["payload"]["type"] == "AddRecord":
    answer(message["message_id"], {{"type": "IndexedFile"}})
time.sleep(0.2)
files = [{{"path": p, "content": base64.b64encode(b"{{}}").decode()}} for p in ("pagefind-entry.json", "pagefind.js")]
answer(message["message_id"], {{"type": "GetFiles", "files": files}})
os.remove(mine)""")
    write_index(tmp_path / "out", load_site(real_site.root))
    counts = [int(n) for n in (tmp_path / "counts").read_text().split()]
    assert len(counts) == 5 and max(counts) == search.PARALLEL_PARTS
