"""Garbage-collector settings for long-running service processes (web workers, schedulers).

Every command restores an engine instance: thousands of linked objects (task trees point at their
workflow and back), which only the cyclic collector frees. With CPython's default first-generation
threshold (700 allocations) a single request triggers several collections, and each full
collection also walks everything created at start-up (parsed BPMN specs, the app, modules).
"""

from __future__ import annotations

import gc

# Collect the youngest generation after this many net allocations (default 700): about once per
# command instead of several times. Older generations keep CPython's default ratios.
FIRST_GENERATION_THRESHOLD = 20_000


def tune_gc() -> None:
    """Call once the process is set up: start-up objects move out of the collector's view
    (gc.freeze: they live as long as the process anyway), then raise the first threshold."""
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
