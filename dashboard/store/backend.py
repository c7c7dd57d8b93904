"""What a store backend promises the door (``Store``): the one seam between a DuckDB file
and PostgreSQL with a replica. Nothing outside the two backends asks which one it has."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

OnWait = Callable[[str], None] | None
# A backup's table, as a function that opens its rows batch by batch.
TableRows = Callable[[], pa.RecordBatchReader]


class Backend(Protocol):
    path: Path  # the DuckDB file queries read: the store, or this process's replica of it
    location: str  # how messages name the store (a PostgreSQL address without secrets)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor for reads."""
        ...

    @property
    def version(self) -> int:
        """The change version of the data this process's queries read, asking nobody; -1
        when it has none (a store from before versions, a replica being made)."""
        ...

    def catch_up(self) -> int:
        """See every commit made so far, by any process; the version then."""
        ...

    def writing(self, on_wait: OnWait) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A transaction for one write, holding the store's writer lock: commits when the
        block ends, rolls back on an error."""
        ...

    def restore(self, tables: dict[str, TableRows], sequences: dict[str, int | None],
                version: int | None) -> None:  # fmt: skip
        """Fill this empty store with a backup's tables and sequence positions."""
        ...

    def close(self) -> None: ...
