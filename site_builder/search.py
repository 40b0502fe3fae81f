"""Full-text search: a Pagefind index of events and source texts, written into the staged build.

The records come from the model, not from crawling the HTML, so each result can link exactly
where it should: an event to its page, a paragraph of an archived source to the passage (the
anchor of the excerpt cited there, else a text fragment of the paragraph's first words).
The real `pagefind` binary (from the `pagefind[bin]` package) does the indexing; if it fails,
the build fails and the previous build/ stays live.
"""

from __future__ import annotations

import base64
import json
import queue
import re
import subprocess
import tempfile
import threading
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from site_builder.content.excerpts import text_fragment
from site_builder.errors import ContentError, Diagnostic
from site_builder.memo import PerObject
from site_builder.model import Event, Excerpt, Site, Source
from site_builder.output import write_files
from site_builder.render.markdown import markdown_text
from site_builder.render.urls import Urls

BUNDLE_DIR = "pagefind"  # relative to the site root; the search page loads BUNDLE_DIR/pagefind.js
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")

# Pagefind's memory follows the text of one index, not its number of records, and peaks while it
# builds its files (GetFiles): about 90 bytes a character, so 780 MB for the 9 million characters
# of 10,000 events' 15,000 records in one index, 30 MB for a part while its records arrive. A large
# site is therefore indexed in parts, each by a `pagefind --service` process of its own that exits
# when its part is written, and the search page merges them in the browser (Pagefind's mergeIndex).
# A part of at most 1.4 million characters as part_count counts them (about 1.1 million in its
# records; 8 parts at 10,000 events) peaks at about 120 MB; two run at a time (the index ends
# sooner on two cores, for the same CPU time). The build runs the index once the render workers
# are gone (build.py), so their memory and Pagefind's are never held at once.
MAX_PART_RECORDS = 2_500
MAX_PART_CHARS = 1_400_000
PARALLEL_PARTS = 2
_PART_KEEP = {"pagefind-entry.json", "index", "fragment", "filter"}  # and the .pf_meta: what mergeIndex reads


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build stops before anything goes live."""


@dataclass(frozen=True)
class Record:
    url: str
    content: str
    meta: dict[str, str]  # title, kind, date (and lane): what a result shows


def search_records(site: Site) -> list[Record]:
    return list(iter_search_records(site))


def iter_search_records(site: Site, part: int = 0, parts: int = 1) -> Iterator[Record]:
    """The records in model order, or those of one part: record i belongs to part i % parts.

    Parts taken round the records (not in runs) mix events and passages alike, so every part's
    word statistics, and so the scores of merged results, are those of the whole site."""
    urls = Urls(site, {})
    for i, event in enumerate(site.events):
        if i % parts == part:
            yield _event_record(site, urls, event)
    i = len(site.events)
    for source in site.sources:
        spans = paragraph_spans(source.text)
        mine = [span for n, span in enumerate(spans, i) if n % parts == part]
        i += len(spans)
        if mine:
            yield from _source_records(site, urls, source, mine)


def _event_record(site: Site, urls: Urls, event: Event) -> Record:
    quotes = [" … ".join(x.selector.quoted) for x in event.excerpts]
    notes = [x.note for x in event.excerpts if x.note]
    when = event.when.format()
    text = [event.title, when, event.place or "", " ".join(event.actors), " ".join(event.tags),
            markdown_text(event.summary), *quotes, *notes]
    lane = site.lanes_by_id[event.lane].label
    return Record(urls.event(event), "\n".join(t for t in text if t),
                  {"title": event.title, "kind": "Event", "date": when, "lane": lane})


def _source_records(site: Site, urls: Urls, source: Source, spans: list[tuple[int, int]]) -> list[Record]:
    """One record per paragraph, so a result can point at the passage it matched: the first
    excerpt (in the source's order) cited in it."""
    starts = [start for start, _ in spans]
    cited: dict[int, Excerpt] = {}
    for excerpt in site.excerpts_by_source.get(source.id, ()):
        at = bisect_right(starts, excerpt.selector.start) - 1
        if at >= 0 and excerpt.selector.start < spans[at][1]:
            cited.setdefault(at, excerpt)
    meta = {"title": source.title, "kind": "Source", "date": f"{source.publisher}, {source.published.format(short=True)}"}
    records = []
    for at, (start, end) in enumerate(spans):
        if at in cited:
            url = urls.excerpt(cited[at])
        else:
            url = urls.source(source.id) + text_fragment(((start, end),), source.text)
        records.append(Record(url, " ".join(source.text[start:end].split()), meta))
    return records


def part_count(site: Site) -> int:
    """How many parts the index is written in: from counts the model gives at once, so the
    search page (rendered before the index is written) names the same parts the index writes."""
    records = len(site.events)
    chars = sum(map(_event_chars, site.events))
    for source in site.sources:
        paragraphs, text = _source_size(source)
        records += paragraphs
        chars += text
    return max(1, -(-records // MAX_PART_RECORDS), -(-chars // MAX_PART_CHARS))


def _count_event_chars(event: Event) -> int:
    chars = 2 * len(event.title) + len(event.summary) + len(event.place or "") + 60
    chars += sum(len(a) + 1 for a in event.actors) + sum(len(t) + 1 for t in event.tags)
    return chars + sum(len(x.quote) + len(x.note or "") for x in event.excerpts)


def _count_source_size(source: Source) -> tuple[int, int]:
    """(paragraphs, characters they and their records' titles add)."""
    spans = paragraph_spans(source.text)
    chars = sum(end - start for start, end in spans) + len(spans) * (len(source.title) + len(source.publisher) + 20)
    return len(spans), chars


# The search page asks at every rebuild of the preview: the unchanged events' counts are kept.
_event_chars = PerObject(_count_event_chars)
_source_size = PerObject(_count_source_size)


def part_dirs(parts: int) -> list[str]:
    """Where each part's bundle goes, relative to the site root: the first is the bundle the
    search page loads, the others sit inside it and are merged into it."""
    return [BUNDLE_DIR] + [f"{BUNDLE_DIR}/part-{n}" for n in range(2, parts + 1)]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank paragraph, as the source page splits them."""
    spans, start = [], 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if text[start:end].strip():
            spans.append((start, end))
        start = brk.end() if brk else end
    return spans


def index_site(staging: Path, site: Site) -> None:
    """POSTPROCESSOR: write the Pagefind bundle to staging/pagefind/. Failing stops the build."""
    try:
        write_index(Path(staging) / BUNDLE_DIR, site)
    except SearchIndexError as exc:
        raise ContentError([Diagnostic(
            "pagefind", 1, 1, f"the search index could not be built: {exc}",
            hint="`pip install -e .` installs pagefind[bin]; PAGEFIND_BINARY_PATH may point at another pagefind"),
        ]) from exc


def write_index(output: Path, site: Site) -> None:
    """Write the bundle to output/ and, on a large site, the other parts to output/part-N/."""
    # One language for the whole index: the search page loads the index of its own <html lang>.
    language = site.config.language.split("-")[0].lower()  # Pagefind wants ISO 639-1
    parts = part_count(site)
    folders = [output / Path(d).relative_to(BUNDLE_DIR) for d in part_dirs(parts)]
    if parts == 1:
        _write_part(folders[0], site, language, 0, 1, nullcontext())
    else:
        # Each part in a process of its own, which exits once its part is indexed: Pagefind holds
        # PARALLEL_PARTS parts' memory at most. One thread more than that writes the files of a
        # part whose process is gone while the others index. The first error, in the order of
        # the parts, stops the build.
        indexing = threading.BoundedSemaphore(PARALLEL_PARTS)
        with ThreadPoolExecutor(max_workers=PARALLEL_PARTS + 1, thread_name_prefix="pagefind") as pool:
            futures = [pool.submit(_write_part, folder, site, language, part, parts, indexing)
                       for part, folder in enumerate(folders)]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def _write_part(output: Path, site: Site, language: str, part: int, parts: int,
                indexing: AbstractContextManager) -> None:
    with indexing, PagefindService() as service:
        index_id = service.request({"type": "NewIndex", "config": {"force_language": language}})["index_id"]
        # All records in one stream: Pagefind indexes one while the next is being built here.
        service.request_all({"type": "AddRecord", "index_id": index_id, "url": r.url, "content": r.content,
                             "language": language, "meta": r.meta,
                             # No filters: Pagefind writes them from a hash map in a random order,
                             # and the same content must build the same bytes.
                             "filters": None, "sort": None} for r in iter_search_records(site, part, parts))
        # The files come back to be written here: Pagefind's own WriteFiles answers before its
        # writes are done, and a file could still be empty when the process exits.
        files = service.request({"type": "GetFiles", "index_id": index_id}).get("files") or []
    written = _write_files(output, files, everything=part == 0)
    if "pagefind-entry.json" not in written or (part == 0 and "pagefind.js" not in written):
        raise SearchIndexError(f"pagefind wrote no search bundle to {output}")


def _write_files(output: Path, files: list[dict], everything: bool) -> set[str]:
    """Write Pagefind's files under output/; a merged part needs only its index, not another
    copy of Pagefind's scripts, styles and WASM."""
    return set(write_files(output, _bundle_files(files, everything)))


def _bundle_files(files: list[dict], everything: bool) -> Iterator[tuple[str, bytes]]:
    for file in files:
        path = file["path"]
        parts = path.split("/")
        if path.startswith("/") or ".." in parts:
            raise SearchIndexError(f"pagefind gave a file outside its bundle: {path}")
        if everything or parts[0] in _PART_KEEP or path.endswith(".pf_meta"):
            yield path, base64.b64decode(file["content"])


class PagefindService:
    """`pagefind --service`, spoken to directly: base64 JSON messages, each ended by a comma.

    This is the protocol of the official `pagefind` Python wrapper (whose binary locator we use),
    without its polling for each answer every 0.1 s (a thousand-event site took minutes). Requests
    may be sent without waiting for the answers (`request_all`): Pagefind handles them one after
    another and answers in order, which is checked, so the index is the one sending them one at
    a time would build. A thread reads the answers, so neither side ever waits on a full pipe.
    """

    def __init__(self):
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None or not Path(binary).is_file():
            raise SearchIndexError("the pagefind binary is missing: install the package with "
                                   "`pip install -e .`, which brings pagefind[bin]")
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise SearchIndexError(f"cannot run {binary}: {exc}") from exc
        self._sent = self._answered = 0
        self._answers: queue.Queue[bytes | None] = queue.Queue()  # None: pagefind's output ended
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()

    def request(self, payload: dict) -> dict:
        return self.request_all([payload])[-1]

    def request_all(self, payloads: Iterable[dict]) -> list[dict]:
        """Send every request, then collect their answers; the first refusal raises."""
        types = []
        try:
            for payload in payloads:
                self._sent += 1
                message = {"message_id": self._sent, "payload": payload}
                self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
                types.append(payload["type"])
            self._process.stdin.flush()
        except OSError as exc:
            raise SearchIndexError(f"pagefind stopped answering ({exc}){self._stderr()}") from exc
        return [self._answer(kind) for kind in types]

    def _answer(self, kind: str) -> dict:
        raw = self._answers.get()
        self._answered += 1
        try:
            if raw is None:
                raise OSError("end of output")
            answer = json.loads(base64.b64decode(raw))
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"pagefind stopped answering ({exc}){self._stderr()}") from exc
        reply = answer.get("payload", {})
        if reply.get("type") == "Error":
            raise SearchIndexError(f"pagefind refused {kind}: {reply.get('message', reply)}")
        if answer.get("message_id") != self._answered:
            raise SearchIndexError(f"pagefind answered message {answer.get('message_id')} "
                                   f"when {self._answered} was next ({kind})")
        return reply

    def _read_answers(self) -> None:
        """Reader thread: each comma-ended message from pagefind's output, then None."""
        pending: list[bytes] = []  # the start of a message longer than one read (GetFiles' answer)
        try:
            while chunk := self._process.stdout.read1(1 << 16):
                *messages, rest = chunk.split(b",")
                if messages:
                    messages[0] = b"".join([*pending, messages[0]])
                    pending.clear()
                pending.append(rest)
                for message in messages:
                    self._answers.put(message)
        except (OSError, ValueError):  # the pipe was closed under us: the service is going away
            pass
        self._answers.put(None)

    def _stderr(self) -> str:
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace").strip()
        return f": {text}" if text else ""

    def __enter__(self) -> "PagefindService":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._process.stdin.close()
        except OSError:  # it already stopped: the error that ended the work is what to report
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=10)
        self._errors.close()
