"""Full-text search: a Pagefind index of events and source texts, written into the staged build.
The records come from the model, not the HTML, so a result links exactly where it should (an event's
page, the passage of a source); if the `pagefind` binary fails, the build fails and build/ stays."""

# A large site is indexed in parts; given a cache (the build passes speed/search_cache.py's), a part
# that would be asked of Pagefind in exactly the same words as in an earlier build is copied from it.
# A passage's link is the anchor of the excerpt cited there, else a text fragment of its first words.

from __future__ import annotations

import base64
import hashlib
import json
import threading
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator

from site_builder.content.archived import visible_text
from site_builder.content.visible_text import paragraph_spans
from site_builder.content.excerpts import text_fragment
from site_builder.errors import ContentError, Diagnostic
from site_builder.model import Event, Excerpt, Site, Source
from site_builder.output.write import ensure_folder, write_files
from site_builder.render.markdown import markdown_text
from site_builder.render.memo import Memo, keepable
from site_builder.render.pages import RenderContext
from site_builder.render.pieces import piece
from site_builder.render.pagefind import SearchIndexError, inside_bundle, locate_pagefind
from site_builder.render import pagefind
from site_builder.render.urls import Urls
from site_builder.render.i18n import language_named

BUNDLE_DIR = "pagefind"  # relative to the site root; the search page loads BUNDLE_DIR/pagefind.js

# Pagefind's memory follows the text of one index and peaks while it builds its files, so a large
# site is indexed in parts of at most MAX_PART_CHARS (as part_count counts them), each by a
# `pagefind --service` process of its own that exits when its part is written; the search page
# merges them in the browser (Pagefind's mergeIndex). PARALLEL_PARTS run at a time. The build
# runs the index while the pages render (build.py), through a gate that starts no Pagefind process
# until the render workers are gone: a worker holds about a Pagefind process's memory, and the two
# at once would pass the build's memory budget. The records, the cache and its files go meanwhile.
MAX_PART_RECORDS = 2_500
MAX_PART_CHARS = 1_400_000
PARALLEL_PARTS = 2
_PART_KEEP = {"pagefind-entry.json", "index", "fragment", "filter"}  # and the .pf_meta: what mergeIndex reads


@dataclass(frozen=True)
class Record:
    url: str
    content: str
    meta: dict[str, str]  # title, kind, date (and lane): what a result shows


def search_records(site: Site) -> list[Record]:
    return list(iter_search_records(site))


def iter_search_records(site: Site, part: int = 0, parts: int = 1) -> Iterator[Record]:
    """The records in model order, or those of one part (part_of their URL)."""
    urls = Urls(site, {})
    for event in site.events:
        record = _event_record(site, urls, event)
        if parts == 1 or part_of(record.url, parts) == part:
            yield record
    yield from _source_search_records(site, urls, part, parts)


def _source_search_records(site: Site, urls: Urls, part: int = 0, parts: int = 1) -> Iterator[Record]:
    for source in site.sources:
        for record in _source_records(site, urls, source, paragraph_spans(visible_text(source).text)):
            if parts == 1 or part_of(record.url, parts) == part:
                yield record


def part_of(url: str, parts: int) -> int:
    """The part a record is indexed in, by a hash of its URL: an edited event leaves every other
    record in its part (the other parts can come from the cache), and every part's word statistics,
    so the scores of merged results, are those of the whole site."""
    # blake2b rather than crc32: a CRC is linear, so URLs that differ in a few set places could
    # all fall in the same few parts.
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "big") % parts


def _event_record(site: Site, urls: Urls, event: Event) -> Record:
    quotes = [" … ".join(x.selector.quoted) for x in event.excerpts]
    notes = [x.note for x in event.excerpts if x.note]
    when = language_named(site.config.language).when(event.when)
    text = [event.title, when, event.place or "", " ".join(event.actors), " ".join(event.tags),
            markdown_text(event.summary), *quotes, *notes]
    lane = site.lanes_by_id[event.lane].label
    return Record(urls.event(event), "\n".join(t for t in text if t),
                  {"title": event.title, "kind": "Event", "date": when, "lane": lane})


def _source_records(site: Site, urls: Urls, source: Source, spans: list[tuple[int, int]]) -> list[Record]:
    """One record per paragraph of the visible text (spans), so a result can point at the passage
    it matched: the first excerpt (in the source's order) cited in it."""
    text = visible_text(source).text
    starts = [start for start, _ in spans]
    cited: dict[int, Excerpt] = {}
    for excerpt in site.excerpts_by_source.get(source.id, ()):
        first = excerpt.selector.shown[0][0]
        at = bisect_right(starts, first) - 1
        if at >= 0 and first < spans[at][1]:
            cited.setdefault(at, excerpt)
    meta = {"title": source.title, "kind": "Source",
            "date": f"{source.publisher}, {language_named(site.config.language).date(source.published, short=True)}"}
    records = []
    for at, (start, end) in enumerate(spans):
        if at in cited:
            url = urls.excerpt(cited[at])
        else:
            url = urls.source(source.id) + text_fragment(((start, end),), text)
        records.append(Record(url, " ".join(text[start:end].split()), meta))
    return records


def part_count(site: Site, memo: Memo | None = None) -> int:
    """How many parts the index is written in: from counts the model gives at once, so the
    search page (rendered before the index is written) names the same parts the index writes.
    `memo` keeps each event's and source's counts (the search page asks at every preview rebuild)."""
    memo = memo or Memo()
    records = len(site.events)
    chars = sum(memo.of(_count_event_chars, event) for event in site.events)
    for source in site.sources:
        paragraphs, text = memo.of(_count_source_size, source)
        records += paragraphs
        chars += text
    return max(1, -(-records // MAX_PART_RECORDS), -(-chars // MAX_PART_CHARS))


def _count_event_chars(event: Event) -> int:
    chars = 2 * len(event.title) + len(event.summary) + len(event.place or "") + 60
    chars += sum(len(a) + 1 for a in event.actors) + sum(len(t) + 1 for t in event.tags)
    return chars + sum(len(x.quote) + len(x.note or "") for x in event.excerpts)


def _count_source_size(source: Source) -> tuple[int, int]:
    """(paragraphs, characters they and their records' titles add)."""
    spans = paragraph_spans(visible_text(source).text)
    chars = sum(end - start for start, end in spans) + len(spans) * (len(source.title) + len(source.publisher) + 20)
    return len(spans), chars


def part_dirs(parts: int) -> list[str]:
    """Where each part's bundle goes, relative to the site root: the first is the bundle the
    search page loads, the others sit inside it and are merged into it."""
    return [BUNDLE_DIR] + [f"{BUNDLE_DIR}/part-{n}" for n in range(2, parts + 1)]


def index_site(staging: Path, site: Site, cache: Any = None, gate: AbstractContextManager | None = None) -> list[str]:
    """BESIDE_RENDER: write the Pagefind bundle to staging/pagefind/; the paths written, relative
    to staging. Failing stops the build."""
    ensure_folder(Path(staging) / BUNDLE_DIR, staging)  # staging may be a reused spare (output.staged)
    try:
        return [f"{BUNDLE_DIR}/{path}" for path in write_index(Path(staging) / BUNDLE_DIR, site, cache, gate)]
    except SearchIndexError as exc:
        raise ContentError([Diagnostic(
            "pagefind", 1, 1, f"the search index could not be built: {exc}",
            hint="`pip install -e .` installs pagefind[bin]; PAGEFIND_BINARY_PATH may point at another pagefind"),
        ]) from exc


def write_index(output: Path, site: Site, cache: Any = None, gate: AbstractContextManager | None = None) -> list[str]:
    """Write the bundle to output/ and, on a large site, the other parts to output/part-N/; the
    paths written, relative to output. `cache`: parts kept between builds (a PartCache of
    speed/search_cache.py: key, load, store, prune), or None to index every part. `gate`: entered
    around each Pagefind process besides PARALLEL_PARTS (the build's speed/beside.py Gate)."""
    # One language for the whole index: the search page loads the index of its own <html lang>.
    language = site.config.language.split("-")[0].lower()  # Pagefind wants ISO 639-1
    parts = part_count(site)
    folders = [output / Path(d).relative_to(BUNDLE_DIR) for d in part_dirs(parts)]
    output.mkdir(parents=True, exist_ok=True)
    for folder in folders:  # real folders, whatever an earlier site left there (output.staged)
        ensure_folder(folder, output)
    binary = locate_pagefind()
    new_index = json.dumps({"type": "NewIndex", "config": {"force_language": language}}).encode("utf-8")
    records = _part_records(site, language, parts, getattr(cache, "records", None))
    jobs = [_Part(folder, n == 0, new_index, part) for n, (folder, part) in enumerate(zip(folders, records))]
    if cache is not None:
        for job in jobs:
            job.key = cache.key(binary, job.everything, job.new_index, job.records)
        if any(job.key is None for job in jobs):
            cache = None  # a binary that cannot be read cannot be told from another one
    gate = gate if gate is not None else nullcontext()
    if parts == 1:
        written = [_write_part(jobs[0], binary, cache, nullcontext(), gate)]
    else:
        # Each part in a process of its own, which exits once its part is indexed: Pagefind holds
        # PARALLEL_PARTS parts' memory at most. One thread more than that writes the files of a
        # part whose process is gone (or that came from the cache) while the others index. The
        # first error, in the order of the parts, stops the build.
        indexing = threading.BoundedSemaphore(PARALLEL_PARTS)
        with ThreadPoolExecutor(max_workers=PARALLEL_PARTS + 1, thread_name_prefix="pagefind") as pool:
            futures = [pool.submit(_write_part, job, binary, cache, indexing, gate) for job in jobs]
            try:
                written = [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    if cache is not None:
        cache.prune(keep={job.key for job in jobs})
    paths = []
    for job, names in zip(jobs, written):
        inside = job.folder.relative_to(output).as_posix()
        paths.extend(names if inside == "." else [f"{inside}/{name}" for name in names])
    return paths


@dataclass
class _Part:
    """One part of the index as Pagefind is asked for it."""
    folder: Path
    everything: bool  # the first part: Pagefind's scripts, styles and WASM too, not only the index
    new_index: bytes  # the NewIndex payload, as sent
    records: list[bytes]  # every AddRecord payload as sent, in order, but for the index_id (_ADD_RECORD)
    key: str | None = None  # its name in the cache (PartCache.key); None: no cache


# An AddRecord payload is its record's JSON with these two fields first: the record is encoded
# before Pagefind is started (its bytes make the part's cache key), the index_id only once
# Pagefind has answered NewIndex. The result is the bytes json.dumps gives the whole payload.
_ADD_RECORD = b'{"type": "AddRecord", "index_id": %d, '


def _part_records(site: Site, language: str, parts: int, memo: Memo | None = None) -> list[list[bytes]]:
    """Every part's records, encoded for Pagefind once: in model order within a part. An event's
    comes through `memo` (a build's keeps them between builds: PartCache.records)."""
    found: list[list[bytes]] = [[] for _ in range(parts)]
    urls = Urls(site, {})
    ctx = RenderContext(site, urls, None, memo if memo is not None else Memo())  # type: ignore[arg-type]
    for event in site.events:
        url, record = piece(ctx, _encoded_event_record, event)
        found[part_of(url, parts)].append(record)
    ctx.memo.done()
    for r in _source_search_records(site, urls):
        found[part_of(r.url, parts)].append(_encoded(r, language))
    return found


@keepable
def _encoded_event_record(ctx: RenderContext, event: Event) -> tuple[str, bytes]:
    """The event's record's URL, and the record encoded for Pagefind."""
    record = _event_record(ctx.site, ctx.urls, event)
    return record.url, _encoded(record, ctx.site.config.language.split("-")[0].lower())


def _encoded(r: Record, language: str) -> bytes:
    # No filters: Pagefind writes them from a hash map in a random order, and the same content
    # must build the same bytes.
    return json.dumps({"url": r.url, "content": r.content, "language": language, "meta": r.meta,
                       "filters": None, "sort": None}).encode("utf-8")


def _write_part(job: _Part, binary: str, cache, indexing: AbstractContextManager,
                gate: AbstractContextManager) -> list[str]:
    """Write one part's files: from the cache when it holds them, else as Pagefind writes them;
    their paths, relative to the part's folder."""
    files = cache.load(job.key) if cache is not None else None
    if files is None:
        with gate:
            files = list(_bundle_files(_run_pagefind(job, binary, indexing), job.everything))
        stored = cache is not None and _complete(files, job.everything)
    else:
        stored = False
    with _writing:
        written = set(write_files(job.folder, files))
    if not _complete(written, job.everything):
        raise SearchIndexError(f"pagefind wrote no search bundle to {job.folder}")
    if stored:  # once it is written: a part that could not be written is no part to keep
        cache.store(job.key, files)
    return sorted(written)


# One part's files written at a time: several threads writing many small files at once cost more
# system time than one after another.
_writing = threading.Lock()


def _complete(files: Iterable, everything: bool) -> bool:
    """Whether these files (paths, or (path, bytes) pairs) make a bundle the search page can load."""
    paths = {f if isinstance(f, str) else f[0] for f in files}
    return "pagefind-entry.json" in paths and (not everything or "pagefind.js" in paths)


def _run_pagefind(job: _Part, binary: str, indexing: AbstractContextManager) -> list[dict]:
    """Index one part in a Pagefind process of its own; its files as Pagefind gives them."""
    with indexing, pagefind.PagefindService(binary) as service:
        index_id = service.request_encoded([("NewIndex", job.new_index)])[0]["index_id"]
        # All records in one stream: Pagefind indexes one while the next is being sent.
        head = _ADD_RECORD % index_id
        service.request_encoded(("AddRecord", head + record[1:]) for record in job.records)
        # The files come back to be written here: Pagefind's own WriteFiles answers before its
        # writes are done, and a file could still be empty when the process exits.
        return service.request({"type": "GetFiles", "index_id": index_id}).get("files") or []


def _bundle_files(files: list[dict], everything: bool) -> Iterator[tuple[str, bytes]]:
    for file in files:
        path = file["path"]
        parts = path.split("/")
        if not inside_bundle(path):
            raise SearchIndexError(f"pagefind gave a file outside its bundle: {path}")
        if everything or parts[0] in _PART_KEEP or path.endswith(".pf_meta"):
            yield path, base64.b64decode(file["content"])
