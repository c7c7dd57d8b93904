"""Results remembered per store, store version, rules in force and arguments: the one memo of
the app. Pages call the views' functions as they are; a function marked ``@remembered``
computes once per key and hands out copies.

The team review's filters split in two: the as-of date decides the company-wide work (the
whole leaderboard, every rep's signals, estimates and sparklines); team and period only pick
rows of it. Remembering the company-wide parts on their own makes a change of team reuse
them, and lets every rep's self-check read its row of one board.

Results are kept as they are, in this process, shared by every session (no pickling: a
10,000-rep team review unpickled at every rerun cost more than the filter change it served;
bench/test_big_store.py). The key holds the store's address and ``Store.version`` (the
file's change version, or the PostgreSQL replica's, which each rerun brings up to date
first), so nothing is served after a write, by this process or another.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import pandas as pd

from dashboard.scoring.config import rules_in_force
from dashboard.store import Store

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

KEEP = 16  # results per function: filter combinations of a few sessions
KEEP_COMPANY_WIDE = 4  # a few as-of dates: each is a whole company's board


class Remembered(Protocol[T_co]):
    """A function of a store remembered per key, and what it has kept."""

    def __call__(self, store: Store, *args: Any, **kwargs: Any) -> T_co: ...

    def kept(self, store: Store, *args: Any, **kwargs: Any) -> T_co | None: ...


_EVERY_MEMO: list[OrderedDict] = []


def forget_all() -> None:
    """Drop every kept result (benchmarks measure the computation, not the memo)."""
    for kept in _EVERY_MEMO:
        kept.clear()


def remembered(fn: Callable[..., T] | None = None, *, keep: int = KEEP) -> Any:
    """``fn(store, *args, **kwargs)`` remembered per (store, version, rules, arguments), the
    ``keep`` most recently used. Arguments must be hashable or have a stable ``repr`` (the
    scoring config, a viewer's lists). Used bare or as ``@remembered(keep=...)``."""
    if fn is None:
        return functools.partial(remembered, keep=keep)
    kept_results: OrderedDict[tuple, Any] = OrderedDict()
    lock = threading.Lock()
    _EVERY_MEMO.append(kept_results)
    signature = inspect.signature(fn)

    def key_of(store: Store, args: tuple, kwargs: dict[str, Any]) -> tuple | None:
        # Bound with the defaults: f(s, a) and f(s, a, None) are one call when None is the
        # default, and one result.
        bound = signature.bind(store, *args, **kwargs)
        bound.apply_defaults()
        return _key(store, tuple(bound.arguments.values())[1:], {})

    @functools.wraps(fn)
    def remembering(store: Store, *args: Any, **kwargs: Any) -> T:
        key = key_of(store, args, kwargs)
        if key is None:  # a replica being made: nothing to key by yet
            return fn(store, *args, **kwargs)
        with lock:
            found = kept_results.get(key)
            if found is not None:
                kept_results.move_to_end(key)
        if found is None:
            found = (fn(store, *args, **kwargs),)
            with lock:
                kept_results[key] = found
                while len(kept_results) > keep:
                    kept_results.popitem(last=False)
        return cast(T, _handed_out(found[0]))

    def kept(store: Store, *args: Any, **kwargs: Any) -> T | None:
        """The result remembered for these arguments at the store's version, or None: for a
        caller with a cheaper way to the part it needs when nothing is kept."""
        key = key_of(store, args, kwargs)
        with lock:
            found = None if key is None else kept_results.get(key)
        return None if found is None else cast(T, _handed_out(found[0]))

    remembering.kept = kept  # type: ignore[attr-defined]
    return cast(Remembered[T], remembering)


def _key(store: Store, args: tuple, kwargs: dict[str, Any]) -> tuple | None:
    version = store.version
    if version < 0:
        return None
    named = tuple(sorted((k, _keyed(v)) for k, v in kwargs.items()))
    return str(store.path), version, rules_in_force(), tuple(_keyed(a) for a in args), named


def _keyed(value: Any) -> Any:
    if isinstance(value, list):
        value = tuple(value)
    try:
        hash(value)
    except TypeError:
        return (type(value).__qualname__, repr(value))
    return value


def _handed_out(value: Any) -> Any:
    """A copy a caller may change without changing anybody else's: frames are copied lazily
    (pandas copies on write), containers of them one level deep; a frozen dataclass holding
    nothing a caller could change in place is handed out as it is."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        mutable = _mutable_fields(type(value))
        if not mutable:
            return value
        return dataclasses.replace(value, **{f: _handed_out(getattr(value, f)) for f in mutable})
    if isinstance(value, dict):
        return {k: _handed_out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_handed_out(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_handed_out(v) for v in value)
    return value


_CHANGEABLE = ("DataFrame", "Series", "dict", "list", "set", "ndarray")


@functools.cache
def _mutable_fields(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass a caller could change in place (frames, dicts, lists), by
    their declared types; every field of a dataclass that is not frozen."""
    fields = dataclasses.fields(kind)
    if not kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return tuple(f.name for f in fields)
    return tuple(f.name for f in fields if any(w in str(f.type) for w in _CHANGEABLE))
