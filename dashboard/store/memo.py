"""Company-wide results kept for the store version they were computed at.

The team review's filters split in two: the as-of date decides the company-wide work (the
whole leaderboard, every rep's signals, estimates and sparklines); team and period only
pick rows of it or add a cheap query. Streamlit caches a whole page result per filter
combination, so without this a change of team recomputed the company (about 1.3 s at
10,000 reps x 730 days), and every rep's self-check ranked the whole company again. Kept
results are shared by every session of the process. A result is keyed by the store file
and the change version of the data it was read from (the file's, or the PostgreSQL
replica's, which each rerun brings up to date first), so nothing is served after a write.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import pandas as pd

from dashboard.store.door import Store

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Remembered(Protocol[T_co]):
    """A function of a store remembered per store version, and what it has kept."""

    def __call__(self, store: Store, *args: Any) -> T_co: ...

    def kept(self, store: Store, *args: Any) -> T_co | None: ...


KEPT_PER_FUNCTION = 4  # a few as-of dates; a 10,000-rep board is about 10 MB
_EVERY_MEMO: list[OrderedDict] = []


def forget_all() -> None:
    """Drop every kept result (benchmarks measure the computation, not the memo)."""
    for kept in _EVERY_MEMO:
        kept.clear()


def per_store_version(fn: Callable[..., T]) -> Remembered[T]:
    """``fn(store, *args)`` remembered per (store file, store version, args).

    Arguments must be hashable or have a stable ``repr`` (the scoring config). A remembered
    DataFrame is handed out as a copy, so a caller that adds a column changes nobody else's.
    """
    kept_results: OrderedDict[tuple, Any] = OrderedDict()
    lock = threading.Lock()
    _EVERY_MEMO.append(kept_results)

    @functools.wraps(fn)
    def remembered(store: Store, *args: Any) -> T:
        key = _key(store, args)
        if key is None:  # an old store without a version, or a replica being made
            return fn(store, *args)
        with lock:
            found = kept_results.get(key)
            if found is not None:
                kept_results.move_to_end(key)
        if found is None:
            found = (fn(store, *args),)
            with lock:
                kept_results[key] = found
                while len(kept_results) > KEPT_PER_FUNCTION:
                    kept_results.popitem(last=False)
        return _handed_out(found[0])

    def kept(store: Store, *args: Any) -> T | None:
        """The result remembered for these arguments at the store's version, or None: for a
        caller with a cheaper way to the part it needs when nothing is kept."""
        key = _key(store, args)
        with lock:
            found = None if key is None else kept_results.get(key)
        return None if found is None else _handed_out(found[0])

    remembered.kept = kept  # type: ignore[attr-defined]
    return cast(Remembered[T], remembered)


def _key(store: Store, args: tuple) -> tuple | None:
    version = store.version
    return None if version < 0 else (str(store.path), version, tuple(_keyed(a) for a in args))


def _keyed(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return (type(value).__qualname__, repr(value))
    return value


def _handed_out(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, tuple):
        return tuple(_handed_out(v) for v in value)
    return value
