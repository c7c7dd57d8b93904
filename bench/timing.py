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


def spread(values: list[float], unit: float = 1000.0) -> str:
    """'min / median / max' of ``values`` times ``unit`` (ms by default)."""
    v = [x * unit for x in values]
    return f"{min(v):,.0f} / {statistics.median(v):,.0f} / {max(v):,.0f}"
