"""The cyclic garbage collector, paused while a site loads: loading makes many objects that all
stay alive, and the collector, set off by so many allocations, would walk them over and over."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from collections.abc import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block; then what the block made goes straight to the oldest
    generation (freeze moves every tracked object to the permanent one, unfreeze moves those to
    the oldest), so that the first young collection after it does not walk it all either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:  # nobody froze objects on purpose (ForkedWorkers does, for a while)
                gc.freeze()
                gc.unfreeze()
            gc.enable()
