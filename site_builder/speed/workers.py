"""Forked worker processes for the per-event work of a full build (loading, rendering): forked once
the site is in memory, they inherit it rather than receive a pickled copy. A site under
PARALLEL_FROM_EVENTS events builds in one process: forking costs more than it saves there."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import multiprocessing
import os
import signal
import threading
from typing import Any
from collections.abc import Callable, Iterator, Sequence

PARALLEL_FROM_EVENTS = 500
MAX_WORKERS = 8

_job: tuple[Callable, Sequence] | None = None  # (function, items): read by the forked workers


def worker_count(events: int, requested: int | None = None) -> int:
    """How many processes to use: `requested` when given (--jobs), else one per core for big sites."""
    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: one process
        return 1
    if requested is not None:
        return max(1, requested)
    if events < PARALLEL_FROM_EVENTS or threading.active_count() > 1:  # forking a threaded program may deadlock
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


class ForkedWorkers:
    """function(item) for every item, in `count` forked processes (`with ForkedWorkers(f, items, n)
    as workers: workers.results()`). The workers die with the build: a killed build leaves no process
    writing behind it."""

    def __init__(self, function: Callable[[Any], Any], items: Sequence, count: int):
        self.function, self.items, self.count = function, items, count
        self._pool = None

    def __enter__(self) -> ForkedWorkers:
        global _job
        if _job is not None:
            raise RuntimeError("ForkedWorkers do not nest")
        _job = (self.function, self.items)
        # The collector in a worker then never walks the inherited site: no time spent on it, and
        # no page of it copied for the collector's bookkeeping (the gc.freeze documentation's advice).
        gc.freeze()
        # Ctrl-C held back while forking: a worker starts with it blocked and ignores it before
        # taking it again (_die_with_parent); the build gets it once its workers are all there.
        blocked = _block_interrupts()
        try:
            self._pool = multiprocessing.get_context("fork").Pool(self.count, initializer=_die_with_parent,
                                                                  initargs=(_libc_name(), blocked))
        except BaseException:
            _unblock_interrupts(blocked)
            gc.unfreeze()
            _job = None
            raise
        try:
            _unblock_interrupts(blocked)  # a Ctrl-C held back is raised here
        except BaseException:
            self.__exit__()
            raise
        return self

    def results(self, ordered: bool = True) -> Iterator:
        """Each item's result: in the items' order, or as soon as each is ready."""
        run = self._pool.imap if ordered else self._pool.imap_unordered
        return run(_call, range(len(self.items)), chunksize=1)

    def __exit__(self, *exc) -> None:
        global _job
        try:
            self._pool.terminate()
            self._pool.join()
        finally:
            gc.unfreeze()
            _job = None


def _call(index: int):
    function, items = _job
    return function(items[index])


@functools.cache
def _libc_name() -> str | None:
    """Looked up once, by the parent: find_library runs ldconfig, which each worker did."""
    return ctypes.util.find_library("c")


def _block_interrupts() -> bool:
    """Hold SIGINT back in this thread (the main one, which forks); whether it was done."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return False
    return signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _unblock_interrupts(blocked: bool) -> None:
    if blocked:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _die_with_parent(libc_name: str | None, blocked: bool = False) -> None:
    """Linux: the kernel kills this worker when the build process dies (even by SIGKILL). Ctrl-C
    is the build's to handle: a worker interrupted while holding the pool's queue lock would leave
    the build waiting for it for ever, so the worker ignores SIGINT and the build ends the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _unblock_interrupts(blocked)
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
