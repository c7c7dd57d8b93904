"""The one door to the DuckDB store.

Owns the connection (opened once), runs the named queries of ``queries/*.sql`` with bound
parameters on a fresh cursor each time, applies migrations, and turns DuckDB's errors into
the app's own exceptions. Nothing else in the app talks to DuckDB directly.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import DATA_DIR, QUERIES_DIR, postgres
from dashboard.errors import NotFoundError, StoreError, StoreLockedError
from dashboard.frames import SortKey, result_frame

DEFAULT_DB = DATA_DIR / "ssi.duckdb"
DB_ENV_VAR = "SSI_DASHBOARD_DB"
MACROS_FILE = QUERIES_DIR / "macros.sql"
STATE_VERSION = 3  # the migration that adds store_state
LOCK_WAIT_ENV = "SSI_LOCK_WAIT"
DEFAULT_LOCK_WAIT_S = 30.0
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path | str:
    """``--db`` wins, then ``$SSI_DASHBOARD_DB``, then ``data/ssi.duckdb``. A
    ``postgresql://`` address stays text (a Path would fold its ``//``)."""
    chosen = explicit or os.environ.get(DB_ENV_VAR)
    if not chosen:
        return DEFAULT_DB
    if postgres.is_postgres(str(chosen)):
        return str(chosen)
    return Path(chosen)


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_COMMENT_OR_STRING = re.compile(r"--[^\n]*|'(?:[^']|'')*'")


def parameters_of(sql: str) -> frozenset[str]:
    """The ``$name`` parameters a statement binds, ignoring comments and string literals
    (a ``$x`` in a comment or in '...' is not a parameter)."""
    return frozenset(_PARAM.findall(_COMMENT_OR_STRING.sub(" ", sql)))


@dataclass(frozen=True)
class Query:
    """A named query: its statements, each with the parameters it binds, found at load."""

    name: str
    sql: str
    statements: tuple[tuple[str, frozenset[str]], ...]

    @classmethod
    def parse(cls, name: str, sql: str) -> Query:
        return cls(name, sql, tuple((st, parameters_of(st)) for st in split_statements(sql)))

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset().union(*(p for _, p in self.statements))


def load_queries(folder: Path = QUERIES_DIR) -> dict[str, Query]:
    """Read every ``-- name: x`` block of ``folder/*.sql``. Duplicate names are an error."""
    queries: dict[str, Query] = {}
    for path in sorted(folder.glob("*.sql")):
        if path.name == MACROS_FILE.name:
            continue
        text = path.read_text(encoding="utf-8")
        marks = list(_NAME_LINE.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            name = mark.group(1)
            if name in queries:
                raise StoreError(f"query '{name}' is defined twice (second in {path.name})")
            queries[name] = Query.parse(name, text[mark.end() : end].strip())
    return queries


def _newest_change(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.glob("*.sql")), default=0.0)


@lru_cache(maxsize=4)
def _queries_as_of(folder: Path, newest_change: float) -> dict[str, Query]:
    """Parsed once per process (a store is opened on every dashboard rerun), again when a
    file in ``folder`` changes."""
    return load_queries(folder)


def migrations(folder: Path = QUERIES_DIR / "migrations") -> list[tuple[int, str, str]]:
    """(version, file name, sql) for every ``NNN_description.sql``, in order."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path.name, path.read_text(encoding="utf-8")))
    return found


def latest_migration() -> int:
    return max(version for version, _, _ in migrations())


def _schema_version_of(cur: duckdb.DuckDBPyConnection) -> int:
    exists = cur.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return cur.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def run_migrations(cur: duckdb.DuckDBPyConnection, up_to: int | None = None) -> list[int]:
    """Apply, each in its own transaction, the migrations after the store's version (and
    not after ``up_to``); the versions applied."""
    applied = []
    current = _schema_version_of(cur)
    for version, name, sql in migrations():
        if version <= current or (up_to is not None and version > up_to):
            continue
        cur.execute("begin transaction")
        try:
            cur.execute(sql)
            cur.execute(
                "insert into schema_version (version, name, applied_at) values ($v, $n, now())",
                {"v": version, "n": name},
            )
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
        applied.append(version)
    return applied


def split_statements(sql: str) -> list[str]:
    """Statements end with ';' at the end of a line (the convention of queries/*.sql)."""
    parts = [p.strip() for p in re.split(r";\s*$", sql, flags=re.MULTILINE)]
    return [p for p in parts if p and not all(ln.strip().startswith("--") for ln in p.splitlines())]


def lock_wait_seconds() -> float:
    """How long opening a store waits for another process to let go ($SSI_LOCK_WAIT, 30 s)."""
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_S)))
    except ValueError:
        return DEFAULT_LOCK_WAIT_S


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "lock" in text and "conflicting" in text


def connect_waiting(
    path: Path, read_only: bool, on_wait: Callable[[str], None] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting (bounded) while another process has it open: a DuckDB file
    has one writer process at a time, and the dashboard and the CLI take turns."""
    deadline = time.monotonic() + lock_wait_seconds()
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                raise
            if on_wait is not None:
                on_wait(f"waiting for another program to finish with the store {path} "
                        f"(up to {lock_wait_seconds():g} s)...")  # fmt: skip
                on_wait = None  # said once
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _friendly(exc: duckdb.Error, path: Path) -> StoreError:
    text = str(exc)
    if _is_lock_conflict(exc):
        return StoreLockedError(
            f"The store {path} stayed busy in another program (an import, or a command) for "
            f"{lock_wait_seconds():g} s. Try again when it has finished; ${LOCK_WAIT_ENV} sets "
            "how long to wait."
        )
    if isinstance(exc, duckdb.IOException):
        return StoreError(f"Could not open the store {path}: {text.splitlines()[0]}")
    if isinstance(exc, duckdb.ConstraintException):
        return StoreError(f"The store refused a value that breaks its rules: {text}")
    return StoreError(f"The store could not run a query: {text.splitlines()[0]}")


# One DuckDB instance per file in a process, shared by every Store on it (one per dashboard
# rerun) and closed when the last one closes. Opening and closing under one lock matters:
# an instance being closed (and checkpointing) while another opens the same file can read
# the file from before the last commit.
_SHARED: dict[tuple[str, bool], list] = {}
_SHARED_GUARD = threading.Lock()


def _open_shared(
    key: tuple[str, bool], on_wait: Callable[[str], None] | None
) -> duckdb.DuckDBPyConnection:
    with _SHARED_GUARD:
        entry = _SHARED.get(key)
        if entry is None:
            entry = _SHARED[key] = [connect_waiting(Path(key[0]), key[1], on_wait), 0]
        entry[1] += 1
        return entry[0].cursor()


def _release_shared(key: tuple[str, bool]) -> None:
    with _SHARED_GUARD:
        entry = _SHARED[key]
        entry[1] -= 1
        if entry[1] == 0:
            del _SHARED[key]
            entry[0].close()


_MACROS_APPLIED: dict[str, str] = {}  # store file -> the macros text last applied
_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    """One lock per store file in this process: every Store object on the file (one per
    dashboard rerun) takes turns to write, so checks and writes never interleave."""
    key = str(path.resolve())
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, threading.RLock())


class Store:
    """A DuckDB store file. Thread-safe: each query runs on its own cursor."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        read_only: bool = False,
        must_exist: bool = False,
        on_wait: Callable[[str], None] | None = None,
    ):
        location = resolve_db_path(path)
        self.link = None
        if isinstance(location, str):  # PostgreSQL, answered from this process's replica
            self.link = postgres.link_for(location, on_wait)
            self.path = self.link.replica_path
            self.location = self.link.label
            self.queries = _queries_as_of(QUERIES_DIR, _newest_change(QUERIES_DIR))
            self._write_lock = self.link._guard
            self._on_wait = on_wait
            self._con = self.link.replica.cursor()
            self._versioned = True
            if not self.link.macros_applied:  # the replica is the process's own: once
                self.apply_macros()
                self.link.macros_applied = True
            self.link.version()  # a new Store sees every commit made so far, by anyone
            return
        self.path = location
        self.location = str(location)
        if must_exist and not self.path.exists():
            # A mistyped --db must not quietly create an empty store and report "nothing".
            raise NotFoundError(
                f"there is no store at {self.path}; check --db (or $SSI_DASHBOARD_DB), or "
                "create one with `import` or `demo`"
            )
        self.queries = _queries_as_of(QUERIES_DIR, _newest_change(QUERIES_DIR))
        self._write_lock = _writer_lock(self.path)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._shared_key = (str(self.path.resolve()), read_only)
            self._con = _open_shared(self._shared_key, on_wait)
        except duckdb.Error as exc:
            raise _friendly(exc, self.path) from exc
        self._versioned = False  # true once the store_state table exists
        if not read_only:
            self.migrate()
            self.apply_macros()
        self._versioned = self.schema_version() >= STATE_VERSION

    # -- schema -------------------------------------------------------------
    def schema_version(self) -> int:
        return _schema_version_of(self._con.cursor())

    def migrate(self) -> list[int]:
        """Apply the migrations this store has not seen; returns the versions applied.
        (A PostgreSQL store migrates when a process first opens it: see postgres.py.)"""
        if self.schema_version() >= latest_migration():
            return []  # the usual case: no lock, so opening never waits for a writer
        with self._write_lock:
            return run_migrations(self._con.cursor())

    def apply_macros(self) -> None:
        """(Re)create the SQL macros of ``queries/macros.sql`` when this process has not yet
        (they are kept in the store), so a changed macro needs no migration. Once per
        process and file: opening a store per rerun must not wait for a writer."""
        text = MACROS_FILE.read_text(encoding="utf-8")
        key = str(self.path.resolve())
        if self.link is None and _MACROS_APPLIED.get(key) == text:
            return
        # The store remembers which text it holds: a new process on an unchanged store
        # skips the write (10 ms of a self-check's 250 in a new process at 10,000 reps).
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        if self.link is not None or self._macros_digest() != digest:
            with self._write_lock:
                cur = self._con.cursor()
                self._run(cur, Query.parse("macros", text), None)
                # A hex digest of our own file, not a value from anyone: safe to splice.
                cur.execute(f"create or replace macro ssi_macros_digest() as '{digest}'")
        _MACROS_APPLIED[key] = text

    def _macros_digest(self) -> str | None:
        try:
            return self._con.cursor().execute("select ssi_macros_digest()").fetchone()[0]
        except duckdb.CatalogException:  # a store from before the digest, or a new one
            return None

    @property
    def tracks_changes(self) -> bool:
        """Whether :attr:`generation` moves with writes (not in a store older than it)."""
        return self._versioned

    @property
    def held_version(self) -> int:
        """The version of the data this process's queries read, asking nobody: the file's,
        or in PostgreSQL mode the replica's (-1 while it is being made). Unlike
        :attr:`generation` it never brings the replica up to date, so results keyed by it
        within one page all describe the same data, at no round trip to PostgreSQL."""
        if self.link is not None:
            return self.link.replica_version()
        return self.generation

    @property
    def generation(self) -> int:
        """The store's change version, kept in the database: it moves with every committed
        write, by this process or any other, so cached results can be dropped."""
        if self.link is not None:
            return self.link.version()
        if not self._versioned:
            return 0
        return int(self._con.cursor().execute("select version from store_state").fetchone()[0])

    # -- queries ------------------------------------------------------------
    def query(self, name: str) -> Query:
        try:
            return self.queries[name]
        except KeyError:
            raise StoreError(f"there is no query named '{name}' in queries/*.sql") from None

    def sql_of(self, name: str) -> str:
        return self.query(name).sql

    def df(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a named query and return its rows as a DataFrame."""
        return self._run(self._con.cursor(), self.query(name), params).df()

    def wide_df(
        self, name: str, params: Mapping[str, Any] | None = None, order_by: Sequence[SortKey] = ()
    ) -> pd.DataFrame:
        """``df`` for a result of thousands of rows and dozens of columns, made through
        Arrow (dashboard/frames.py) and ordered there by ``order_by`` (column, descending)
        when given: 5 ms less for the leaderboard's 41 columns at 10,000 rows, and 4-6 ms
        less again than its SQL's own sort, but 0.3 ms more than ``df`` for a few rows."""
        cur = self._run(self._con.cursor(), self.query(name), params)
        return result_frame(cur, order_by)

    def rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """Rows as named tuples: ``row.day`` as well as ``row[0]``."""
        return named_rows(self._run(self._con.cursor(), self.query(name), params))

    def columns(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A named query's columns as NumPy arrays (no DataFrame made for a long result
        that is only split up again)."""
        return self._run(self._con.cursor(), self.query(name), params).fetchnumpy()

    def scalar(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self._run(self._con.cursor(), self.query(name), params).fetchone()
        return None if row is None else row[0]

    def df_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run SQL text that came from ``queries/`` or a test (never from user input)."""
        return self._run(self._con.cursor(), Query.parse("(inline)", sql), params).df()

    def _run(
        self, cur: duckdb.DuckDBPyConnection, query: Query, params: Mapping | None,
        translate: bool = True,
    ):  # fmt: skip
        """Run a query's statements; each gets exactly the parameters it names. A parameter
        a statement needs and the caller did not give is an error that names it."""
        params = dict(params or {})
        missing = query.parameters - params.keys()
        if missing:
            raise StoreError(
                f"query '{query.name}' needs parameter(s) {', '.join(sorted(missing))}"
            )
        result = cur
        try:
            for statement, needs in query.statements:
                result = cur.execute(statement, {k: params[k] for k in needs})
        except duckdb.Error as exc:
            if not translate:
                raise
            raise _friendly(exc, self.path) from exc
        return result

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """All writes inside commit together or not at all."""
        if self.link is not None:
            with self._pg_transaction() as cur:
                yield cur
            return
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute("begin transaction")
            try:
                yield Cursor(self, cur)
            except BaseException:
                cur.execute("rollback")
                raise
            else:
                try:
                    if self._versioned:
                        cur.execute("update store_state set version = version + 1")
                    cur.execute("commit")
                except duckdb.Error as exc:
                    raise _friendly(exc, self.path) from exc

    @contextmanager
    def _pg_transaction(self) -> Iterator[Cursor]:
        """The write runs on the replica; its changes go to PostgreSQL in one transaction,
        which commits first (a replica left behind catches up from the change log)."""
        with self.link.writing(self._on_wait) as writer:
            cur = self._con.cursor()
            before = postgres.fingerprints(cur)
            cur.execute("begin transaction")
            try:
                wrapped = Cursor(self, cur)
                wrapped._writer = writer
                yield wrapped
                writer.send(cur, before)
            except BaseException:
                cur.execute("rollback")
                raise
            writer.conn.commit()
            try:
                cur.execute("commit")
            except duckdb.Error as exc:
                raise StoreError(
                    f"The write is saved in {self.location}, but this process's copy of the "
                    f"store could not take it ({str(exc).splitlines()[0]}); it copies it again "
                    "at its next page view or command."
                ) from exc

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A cursor for reads that need registered DataFrames: no transaction, no write lock,
        and no new generation, so cached results stay valid."""
        cur = self._con.cursor()
        try:
            yield Cursor(self, cur)
        finally:
            cur.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            if self.link is None:
                _release_shared(self._shared_key)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _own_table(store: Store, table: str) -> str:
    """``table`` if it is one of the store's tables (names are spliced into SQL only after
    this check against the catalogue)."""
    known = {r.table_name for r in store.rows("base_tables")}
    if table not in known:
        raise StoreError(f"the store has no table '{table}'")
    return table


@lru_cache(maxsize=256)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", columns, rename=True)  # noqa: PYI024 (column names come at run time)


def named_rows(cur: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The cursor's remaining rows, each a named tuple of its column names."""
    row = _row_type(tuple(d[0] for d in cur.description or ()))
    return [row(*values) for values in cur.fetchall()]


class Cursor:
    """A cursor inside a transaction (or a read); runs named queries, registers DataFrames.
    The DuckDB cursor stays private: everything goes through named, checked queries."""

    def __init__(self, store: Store, cur: duckdb.DuckDBPyConnection):
        self._store = store
        self._raw = cur

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> Cursor:
        self._store._run(self._raw, self._store.query(name), params)
        return self

    def sql_of(self, name: str) -> str:
        return self._store.sql_of(name)

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

    def fetchall(self) -> list[tuple]:
        return named_rows(self._raw)

    def fetchone(self) -> tuple | None:
        return self._raw.fetchone()

    def df(self) -> pd.DataFrame:
        return self._raw.df()

    def arrow_of_table(self, table: str):
        """Every row of one of the store's own tables (a name from ``base_tables``)."""
        sql = f'select * from "{_own_table(self._store, table)}"'  # noqa: S608 (a catalogue name)
        return self._raw.sql(sql).to_arrow_table()

    def replace_table_rows(self, table: str, rows) -> None:
        """The table's rows become ``rows`` (Arrow, a table or a stream of batches, with its
        columns in order)."""
        name = _own_table(self._store, table)
        if getattr(self, "_writer", None) is not None:
            self._writer.forced.add(name)  # a PostgreSQL store copies the table whole
        self._raw.execute(f'delete from "{name}"')  # noqa: S608 (a catalogue name)
        self._raw.register("restored_rows", rows)
        self._raw.execute(f'insert into "{name}" select * from restored_rows')  # noqa: S608
        self._raw.unregister("restored_rows")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        # DuckDB 2 refuses to register while an earlier result is still open.
        self._raw.complete()
        self._raw.register(name, frame)
