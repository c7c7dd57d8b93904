"""A query's result as the DataFrame DuckDB's ``.df()`` gives, built through Arrow.

``.df()`` is slower than Arrow at turning the leaderboard's 52 columns of 10,000 rows into
pandas (``Store.wide_df``; bench/test_big_store.py). Only results
whose every column has a type converted here exactly as ``.df()`` converts it go this way
(a test compares the two); anything else (decimals, intervals, lists, time zones) goes
through ``.df()``.

A result can be ordered here rather than in its SQL (``order_by``): DuckDB's sort carries
every column of a wide result through it, where Arrow sorts the key columns and then takes
the rows, which is cheaper for the leaderboard.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import cast

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# DuckDB warns that an Arrow table from an executed statement is a copy; for the results
# taken this way (thousands of rows) the copy costs less than ``.df()`` saves. Ignored by
# message once, here: catch_warnings is not safe across Streamlit's session threads.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# The nullable pandas type ``.df()`` gives a column of these types holding a NULL.
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
}  # fmt: skip
_CONVERTED = frozenset({
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "BOOLEAN", "VARCHAR", "DATE", "TIMESTAMP", "DOUBLE", "FLOAT",
})  # fmt: skip


# One key of an ordering: a column and whether it sorts descending. Missing values come
# last either way, as in DuckDB's default "nulls last"; text sorts by its UTF-8 bytes, as
# in DuckDB without a collation.
SortKey = tuple[str, bool]


def result_frame(
    result: duckdb.DuckDBPyConnection, order_by: Sequence[SortKey] = ()
) -> pd.DataFrame:
    """The executed statement's rows, as ``result.df()`` would give them, ordered by
    ``order_by`` (ties keep the result's own order) when given."""
    if not all(str(column[1]) in _CONVERTED for column in result.description or ()):
        return _ordered(result.df(), order_by)
    table = cast(pa.Table, result.to_arrow_table())
    if order_by and table.num_rows > 1:
        keys = [(name, "descending" if desc else "ascending", "at_end") for name, desc in order_by]
        table = table.take(pc.sort_indices(table, sort_keys=keys))
    frame = table.to_pandas(date_as_object=False)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) and column.null_count == table.num_rows:
            frame[name] = pd.Series([None] * table.num_rows, index=frame.index, dtype=object)
        elif column.null_count and column.type in _NULLABLE:
            frame[name] = column.to_pandas(types_mapper=_NULLABLE.get)
        elif pa.types.is_date(column.type):
            frame[name] = frame[name].astype("datetime64[us]")
    return frame


def _ordered(frame: pd.DataFrame, order_by: Sequence[SortKey]) -> pd.DataFrame:
    if not order_by or len(frame) < 2:
        return frame
    names = [name for name, _ in order_by]
    ascending = [not desc for _, desc in order_by]
    ordered = frame.sort_values(names, ascending=ascending, na_position="last", kind="stable")
    return ordered.reset_index(drop=True)
