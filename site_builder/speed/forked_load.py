"""The event files of a large site read, named and built by forked workers (workers.py), with
what each group of files gave kept for the next build (load_cache.py): a Reader for load_site."""

from __future__ import annotations

import pickle
from pathlib import Path
from collections.abc import Iterator

from site_builder.content.events import event_record
from site_builder.content.media import MEDIA_FOLDER
from site_builder.content.load import (EventOutcome, Reader, SitePaths, checked_fields, event_files, event_outcome,
                                       read_event)
from site_builder.content.yamlsafe import MAX_FILE_BYTES
from site_builder.errors import Report
from site_builder.model import SiteConfig, Source
from site_builder.speed.load_cache import LoadCache, group_count, group_key, group_of, inputs_digest
from site_builder.speed.workers import ForkedWorkers, worker_count

EVENTS_PER_CHUNK = 500  # files a worker reads per task: small enough to share the work out evenly


class ForkedReader(Reader):
    """The plain Reader's outcomes, in the same order, made by `workers` processes (None: as
    many as the site's size is worth, worker_count; 1: in this process, as the plain one)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def read_events(self, paths: SitePaths, config: SiteConfig, sources: dict[str, Source],
                    report: Report) -> Iterator[EventOutcome]:
        if self.workers == 1:
            return super().read_events(paths, config, sources, report)
        files = event_files(paths, report)
        count = worker_count(len(files), self.workers)
        if count == 1:
            return (read_event(path, config, sources) for path in files)
        cache = LoadCache.default()
        if cache is None:
            return _read_forked(files, config, sources, count)
        return _read_cached(files, config, sources, count, cache, paths.content / MEDIA_FOLDER)


def _sent(outcome: EventOutcome) -> EventOutcome:
    """What a worker sends back: the record cut to what the checks across files read."""
    return outcome._replace(record=checked_fields(outcome.record))


def _read_forked(files: list[str], config: SiteConfig, sources: dict[str, Source],
                 count: int) -> Iterator[EventOutcome]:
    """A worker also builds an event whose id turns out to be a duplicate; load_events then
    leaves it out, as it does the plain Reader's."""
    size = max(1, min(EVENTS_PER_CHUNK, -(-len(files) // (count * 4))))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]

    def read_chunk(chunk: list[str]) -> list[EventOutcome]:
        return [_sent(read_event(path, config, sources)) for path in chunk]

    with ForkedWorkers(read_chunk, chunks, count) as workers:
        for done in workers.results(ordered=True):
            yield from done


def _read_cached(files: list[str], config: SiteConfig, sources: dict[str, Source], count: int,
                 cache: LoadCache, media: Path) -> Iterator[EventOutcome]:
    """_read_forked by groups of files (load_cache.py), each group's outcomes taken from the
    cache when it holds them. media: the folder of the images events may show."""
    inputs = inputs_digest(config, sources, media)
    groups = group_count(len(files))
    members: list[list[str]] = [[] for _ in range(groups)]
    for path in files:
        members[group_of(path, groups)].append(path)

    def read_group(group: list[str]) -> tuple[str | None, bytes]:
        """(key, pickled outcomes): the cache's when it holds them, else made from the bytes read
        here (the ones the key is made of). A file that cannot be read, or is over the size limit:
        no key, read as always (which reports it)."""
        read = []
        for path in group:
            try:
                with open(path, "rb") as file:
                    data = file.read(MAX_FILE_BYTES + 1)
            except OSError:
                data = None
            if data is None or len(data) > MAX_FILE_BYTES:
                done = [_sent(read_event(path, config, sources)) for path in group]
                return None, pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
            read.append((path, data))
        key = group_key(inputs, read)
        body = cache.load(key)
        if body is None:
            done = []
            for path, data in read:
                report = Report()
                done.append(_sent(event_outcome(path, event_record(data, path, report), report, config, sources)))
            body = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
            cache.store(key, body)
        return key, body

    outcomes: dict[str, EventOutcome] = {}
    keys = set()
    with ForkedWorkers(read_group, [group for group in members if group], count) as workers:
        for key, body in workers.results(ordered=False):
            for outcome in pickle.loads(body):
                outcomes[outcome.path] = outcome
            keys.add(key)
    if None not in keys:
        cache.prune(keys)
    for path in files:
        yield outcomes[path]
