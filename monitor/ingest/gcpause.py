"""Pause Python's cyclic garbage collector while a snapshot's records are built.

Why: a snapshot is hundreds of thousands of small objects (records, tuples,
strings) that all stay alive until the snapshot is stored. Each young-generation
collection walks them again, and the full collections they trigger walk every
one of them: on the real SDN series that was about a tenth of the ingest time.
None of these objects form reference cycles, so reference counting frees them
anyway; the collector runs again as soon as the block ends, so any cycle made in
between is still collected, only later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic collection; restores the collector's previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
