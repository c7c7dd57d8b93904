"""The one door to the store: ``Store`` and its ``Cursor``.

A ``Store`` runs the named queries of ``queries/*.sql`` with bound parameters, each on a
fresh cursor, over a backend (``file.py``: a DuckDB file; ``postgres.py``: PostgreSQL with a
DuckDB replica per process) that it never asks about. Writes go through ``transaction()``,
which settles each write's declared write-set before it commits (``writes.py``).
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard import DATA_DIR
from dashboard.errors import DashboardError, StoreError
from dashboard.frames import SortKey, result_frame
from dashboard.store import schema, writes
from dashboard.store.backend import Backend, OnWait, TableRows
from dashboard.store.file import FileBackend
from dashboard.store.postgres import PostgresBackend, is_postgres
from dashboard.store.sql import Fragment, Query, current_queries, run_query

# A row of a query: a named tuple of its columns (``row.day`` as well as ``row[0]``), its type
# made at run time from the query's columns, hence Any to the type checker.
Row = Any
DEFAULT_DB = DATA_DIR / "ssi.duckdb"
DB_ENV_VAR = "SSI_DASHBOARD_DB"


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path | str:
    """``--db`` wins, then ``$SSI_DASHBOARD_DB``, then ``data/ssi.duckdb``. A
    ``postgresql://`` address stays text (a Path would fold its ``//``)."""
    chosen = explicit or os.environ.get(DB_ENV_VAR)
    if not chosen:
        return DEFAULT_DB
    if is_postgres(str(chosen)):
        return str(chosen)
    return Path(chosen)


def _backend_kind(location: Path | str) -> type[FileBackend] | type[PostgresBackend]:
    return PostgresBackend if isinstance(location, str) else FileBackend


class Store:
    """A store, thread-safe: each query runs on its own cursor."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        read_only: bool = False,
        must_exist: bool = False,
        on_wait: OnWait = None,
    ):
        location = resolve_db_path(path)
        self.queries = current_queries()
        self._on_wait = on_wait
        self._backend: Backend = (
            PostgresBackend(location, read_only=read_only, must_exist=must_exist, on_wait=on_wait)
            if isinstance(location, str)
            else FileBackend(location, read_only=read_only, must_exist=must_exist, on_wait=on_wait)
        )
        self.path = self._backend.path
        self.location = self._backend.location

    # -- schema and version --------------------------------------------------
    def schema_version(self) -> int:
        return schema.schema_version_of(self._backend.cursor())

    @property
    def version(self) -> int:
        """The change version of the data this store's queries read: it moves with every
        committed write, by this process or any other, so a result kept for one version is
        never served for another. -1 when the store has none (older than versions, or a
        PostgreSQL replica being made): keep nothing then. Asks nobody: a new ``Store``, one
        per rerun or command, has already seen every commit made before it opened."""
        return self._backend.version

    def catch_up(self) -> int:
        """See every commit made since this store opened, by any process; the version."""
        return self._backend.catch_up()

    # -- queries ------------------------------------------------------------
    def query(self, name: str) -> Query:
        try:
            return self.queries[name]
        except KeyError:
            raise StoreError(f"there is no query named '{name}' in queries/*.sql") from None

    def df(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a named query and return its rows as a DataFrame."""
        return self._run(self._backend.cursor(), self.query(name), params).df()

    def wide_df(
        self, name: str, params: Mapping[str, Any] | None = None, order_by: Sequence[SortKey] = ()
    ) -> pd.DataFrame:
        """``df`` for a result of thousands of rows and dozens of columns, made through
        Arrow (dashboard/frames.py) and ordered there by ``order_by`` (column, descending)
        when given: cheaper than ``df`` and than the SQL's own sort for such a result,
        dearer for a few rows (bench/test_team_review_speed.py)."""
        cur = self._run(self._backend.cursor(), self.query(name), params)
        return result_frame(cur, order_by)

    def rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Rows as named tuples: ``row.day`` as well as ``row[0]``."""
        return named_rows(self._run(self._backend.cursor(), self.query(name), params))

    def columns(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A named query's columns as NumPy arrays (no DataFrame made for a long result
        that is only split up again)."""
        return self._run(self._backend.cursor(), self.query(name), params).fetchnumpy()

    def scalar(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self._run(self._backend.cursor(), self.query(name), params).fetchone()
        return None if row is None else row[0]

    def df_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run SQL text from a test or a benchmark (the app's own SQL is in ``queries/``)."""
        return self._run(self._backend.cursor(), Query.parse("(inline)", sql), params).df()

    def _run(
        self, cur: duckdb.DuckDBPyConnection, query: Query, params: Mapping | None,
        translate: bool = True,
    ) -> duckdb.DuckDBPyConnection:  # fmt: skip
        try:
            return run_query(cur, query, params)
        except duckdb.Error as exc:
            if not translate:
                raise
            raise schema.friendly_error(exc, self.location) from exc

    # -- writing and reading -------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """All writes inside commit together or not at all, one writer at a time. Before
        they commit, what the write declared it touched is checked and every summary
        refreshed from it (``writes.settle``)."""
        with self._backend.writing(self._on_wait) as raw:
            cur = Cursor(self, raw)
            cur.begin_write_set()
            yield cur
            cur.settle()

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A cursor for reads that need registered DataFrames: no transaction, no write lock,
        and no new version, so kept results stay valid."""
        cur = self._backend.cursor()
        try:
            yield Cursor(self, cur)
        finally:
            cur.close()

    def restore(self, tables: dict[str, TableRows], sequences: dict[str, int | None],
                version: int | None) -> None:  # fmt: skip
        """Fill this store, which must hold no import, with a backup's tables (summaries
        included) and sequence positions."""
        if self.scalar("count_imports"):
            raise DashboardError(f"the store {self.location} holds data already; restore into "
                                 "a new, empty store")  # fmt: skip
        known = {r.table_name for r in self.rows("base_tables")}
        unknown = sorted(set(tables) - known)
        if unknown:
            raise DashboardError(
                f"the backup has table(s) this store has not: {', '.join(unknown)}"
            )
        self._backend.restore(tables, sequences, version)

    @staticmethod
    def forget(location: str | os.PathLike) -> None:
        """Let go of what this process keeps of a store between Stores (a PostgreSQL
        store's replica is made again when it is next opened)."""
        found = resolve_db_path(location)
        _backend_kind(found).forget(found)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@lru_cache(maxsize=256)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", columns, rename=True)  # noqa: PYI024 (column names come at run time)


def named_rows(cur: duckdb.DuckDBPyConnection) -> list[Row]:
    """The cursor's remaining rows, each a named tuple of its column names."""
    row = _row_type(tuple(d[0] for d in cur.description or ()))
    return [row(*values) for values in cur.fetchall()]


class Cursor:
    """A cursor inside a transaction (or a read); runs named queries, registers DataFrames,
    and keeps the write-set a transaction declares. The DuckDB cursor stays private."""

    def __init__(self, store: Store, cur: duckdb.DuckDBPyConnection):
        self._store = store
        self._raw = cur
        self.writes = writes.WriteSet()
        self._imports_before: tuple | None = None

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> Cursor:
        self._store._run(self._raw, self._store.query(name), params)
        return self

    def run_filled(
        self, query: str, params: Mapping[str, Any] | None = None, /, **slots: Any
    ) -> Cursor:
        """Run a named query whose slots (names, positions, fragments) ``slots`` fill."""
        self._store._run(self._raw, self._store.query(query).filled(**slots), params)
        return self

    def fragment(self, query: str, /, **slots: Any) -> Fragment:
        """A named block, filled, for another query's ``fragment`` slot."""
        return self._store.query(query).fragment(**slots)

    def reading_file(self, name: str, params: Mapping[str, Any]) -> str | None:
        """Run a query that reads an uploaded file; DuckDB's own message when the file
        cannot be read (it names the line and the problem), else None."""
        try:
            self._store._run(self._raw, self._store.query(name), params, translate=False)
        except duckdb.Error as exc:
            return str(exc)
        return None

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> Cursor:
        """SQL built by the app from fixed parts (never from user text)."""
        self._store._run(self._raw, Query.parse("(inline)", sql), params)
        return self

    def fetchall(self) -> list[Row]:
        return named_rows(self._raw)

    def fetchone(self) -> Row:
        """The next row as a plain tuple (None when there is none)."""
        return self._raw.fetchone()

    def df(self) -> pd.DataFrame:
        return self._raw.df()

    # -- the write-set ---------------------------------------------------------
    def begin_write_set(self) -> None:
        self.writes = writes.WriteSet()
        self._imports_before = self.run("imports_fingerprint").fetchone()

    def settle(self) -> None:
        """Check the store's rules on what this write declared and refresh every summary
        from it; the transaction does this before it commits (a dry run calls it before it
        rolls back, so it sees the same checks)."""
        now = self.run("imports_fingerprint").fetchone()
        writes.settle(self, self.writes, now != self._imports_before)
        # Summaries move no import row: what was read is where the next write-set starts.
        self.writes, self._imports_before = writes.WriteSet(), now

    def touched(self, keys: str, query: str, params: Mapping[str, Any] | None = None) -> Cursor:
        """Declare what this write touched: ``query`` fills ``keys`` (``touched_readings``:
        rep_id, day, rows_written; ``touched_activity``: rep_id, day, metric), and the store
        checks and summarises from it before the write commits."""
        if keys not in writes.TOUCHED_KEYS:
            raise StoreError(
                f"'{keys}' is not a write-set of the store ({', '.join(writes.TOUCHED_KEYS)})"
            )
        self.run(query, params)
        self.writes.touched.add(keys)
        return self

    def wrote(self, table: str) -> Cursor:
        """Declare an import's write to a table that needs nothing beyond its own rows
        (``NeedsNothing`` in ``writes.IMPORT_TABLES``: a goal file's goals)."""
        if not isinstance(writes.IMPORT_TABLES.get(table), writes.NeedsNothing):
            raise StoreError(f"'{table}' is not a table an import writes without a write-set")
        self.writes.plain.add(table)
        return self

    def summed_again(
        self, rules: Mapping[str, Any] | None = None, everything: bool = False
    ) -> Cursor:
        """Declare that every summary (``everything``, the demo) or the team-day summary
        under new ``rules`` is summed again from all rows before the write commits."""
        self.writes.everything |= everything
        if rules is not None:
            self.writes.rules = dict(rules)
        return self

    # -- whole tables (backup and restore) -----------------------------------
    def arrow_of_table(self, table: str) -> pa.Table:
        """Every row of one of the store's own tables (a name from ``base_tables``)."""
        query = self._store.query("whole_table").filled(table=self._own_table(table))
        return self._store._run(self._raw, query, None).to_arrow_table()

    def register(self, name: str, frame: pd.DataFrame | pa.Table | pa.RecordBatchReader) -> None:
        # DuckDB 2 refuses to register while an earlier result is still open.
        self._raw.complete()
        self._raw.register(name, frame)

    def _own_table(self, table: str) -> str:
        """``table`` if it is one of the store's tables (names are spliced into SQL only
        after this check against the catalogue)."""
        known = {r.table_name for r in self._store.rows("base_tables")}
        if table not in known:
            raise StoreError(f"the store has no table '{table}'")
        return table
