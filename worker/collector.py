"""Python's cyclic garbage collector, set for a worker's allocation pattern."""

from __future__ import annotations

import gc

GC_THRESHOLDS = (50_000, 50, 100)


def tune_gc() -> None:
    """A worker allocates and frees millions of short-lived objects per minute (records,
    events, rows), nearly all freed by reference counting. Python's default cyclic collector
    (a young collection every 700 allocations, full ones scanning the whole heap) spent about
    a tenth of a worker's CPU on them. What start-up allocated (modules, settings, the pool)
    moves to the permanent generation, never scanned again, and collections run less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
