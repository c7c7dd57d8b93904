"""Timing helpers the benchmarks share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def runs(fn: Callable[[], object], n: int = 5) -> list[float]:
    """Seconds of ``n`` calls of ``fn``, one figure per call."""
    found = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        found.append(time.perf_counter() - start)
    return found


def alternating(fns: list[Callable[[], object]], n: int = 11) -> list[list[float]]:
    """Seconds of ``n`` calls of each of ``fns``, taken in turn (a, b, a, b, ...), so that a
    ratio compares calls made under the same load of the machine."""
    found: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for fn, times in zip(fns, found, strict=True):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return found


def spread(values: list[float], unit: float = 1000.0) -> str:
    """'min / median / max' of ``values`` times ``unit`` (ms by default)."""
    v = [x * unit for x in values]
    return f"{min(v):,.0f} / {statistics.median(v):,.0f} / {max(v):,.0f}"
