"""Work a build does from the model alone (the search index) in a thread of its own while the pages
are rendered, and the gate that keeps its processes few while the render workers are alive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Closed(Exception):
    """The gate was closed: the build stopped, and the work beside it stops at its next process."""


class Gate:
    """How many of the work's heavy processes may run at once: `width` (0: none) while the render
    workers hold their memory, any number (the work's own limit) once opened; closing it stops the
    work."""

    def __init__(self, width: int) -> None:
        self._condition = threading.Condition()
        self._free: int | None = width  # None: open, no limit here
        self._closed = False

    def open(self) -> None:
        with self._condition:
            self._free = None
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def __enter__(self) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._closed or self._free is None or self._free > 0)
            if self._closed:
                raise Closed("the build stopped")
            if self._free is not None:
                self._free -= 1

    def __exit__(self, *exc) -> None:
        with self._condition:
            if self._free is not None:
                self._free += 1
                self._condition.notify()


class Beside(Generic[T]):
    """work() in a thread, started by start() (render_into calls it once its workers are forked:
    forking a process that runs a thread could leave the child holding a lock nobody frees)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._result: T | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="beside-render", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # handed to result(), in the build's own thread
            self._error = exc

    def wait(self) -> None:
        """Until the work has ended (a build never leaves it writing into a folder it discards)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> T:
        """The work's result, or its exception raised here (once start() has run it)."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
