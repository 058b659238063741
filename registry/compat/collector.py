"""Pause Python's cyclic garbage collector while the engine fills its caches.

An evaluation allocates many small objects that live as long as the evaluator (interned
reasons, outcomes, verdicts) and none of them form reference cycles.  The cyclic collector would
still traverse the growing caches again and again, finding nothing to free: at national scale
(``benchmarks/compat.py``) that was about half of the full matrix's time.  Reference counting
frees everything as usual while the collector waits; it runs again on its normal schedule when
the evaluation ends, and then collects whatever cycles a library may have left.

The collector is process-wide, so nested and concurrent evaluations are counted: it is enabled
again when the last one ends, and only if it was enabled when the first one began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


class _Pauses:
    """How many evaluations are running, and whether to enable the collector after them."""

    lock = threading.Lock()
    depth = 0
    resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Within the block the cyclic collector does not run (reference counting does)."""
    with _Pauses.lock:
        if _Pauses.depth == 0:
            _Pauses.resume = gc.isenabled()
            gc.disable()
        _Pauses.depth += 1
    try:
        yield
    finally:
        with _Pauses.lock:
            _Pauses.depth -= 1
            if _Pauses.depth == 0 and _Pauses.resume:
                gc.enable()
