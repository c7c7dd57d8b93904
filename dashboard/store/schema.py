"""The schema below both backends: migrations, the macros, and waiting for a lock.

Migrations are numbered files (``queries/migrations/NNN_*.sql``), each applied once in its
own transaction. The macros of ``queries/macros.sql`` are re-created when their text
changes, so a changed macro needs no migration.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from dashboard import QUERIES_DIR
from dashboard.errors import StoreError, StoreLockedError
from dashboard.store.sql import Query, first_value, run_named, run_query
from dashboard.store.writes import check_import_tables

MACROS_FILE = QUERIES_DIR / "macros.sql"
MIGRATIONS_DIR = QUERIES_DIR / "migrations"
STATE_VERSION = 3  # the migration that adds store_state
LOCK_WAIT_ENV = "SSI_LOCK_WAIT"
DEFAULT_LOCK_WAIT_S = 30.0


def migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, str]]:
    """(version, file name, sql) for every ``NNN_description.sql``, in order."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path.name, path.read_text(encoding="utf-8")))
    return found


def latest_migration() -> int:
    return max(version for version, _, _ in migrations())


def schema_version_of(cur: duckdb.DuckDBPyConnection) -> int:
    if not first_value(run_named(cur, "has_schema_version")):
        return 0
    return int(first_value(run_named(cur, "schema_version")))


def run_migrations(cur: duckdb.DuckDBPyConnection, up_to: int | None = None) -> list[int]:
    """Apply, each in its own transaction, the migrations after the store's version (and
    not after ``up_to``); the versions applied."""
    applied = []
    current = schema_version_of(cur)
    for version, name, sql in migrations():
        if version <= current or (up_to is not None and version > up_to):
            continue
        cur.begin()
        try:
            cur.execute(sql)  # a migration file of queries/, run whole
            run_named(cur, "record_migration", {"version": version, "name": name})
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
        applied.append(version)
    if applied:
        check_import_tables(cur)
    return applied


def macros_text() -> str:
    return MACROS_FILE.read_text(encoding="utf-8")


def macros_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def held_macros_digest(cur: duckdb.DuckDBPyConnection) -> str | None:
    """The digest of the macros text a store holds (None: a store from before the digest,
    or a new one)."""
    try:
        return str(first_value(run_named(cur, "held_macros_digest")))
    except duckdb.CatalogException:
        return None


def apply_macros(cur: duckdb.DuckDBPyConnection, text: str) -> None:
    """(Re)create every macro of ``text``, and remember which text the store holds."""
    run_query(cur, Query.parse("macros", text), None)
    run_named(cur, "remember_macros_digest", digest=macros_digest(text))


def lock_wait_seconds() -> float:
    """How long opening or writing to a store waits for another process to let go
    ($SSI_LOCK_WAIT, 30 s)."""
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_S)))
    except ValueError:
        return DEFAULT_LOCK_WAIT_S


def is_lock_conflict(exc: duckdb.Error) -> bool:
    """DuckDB's refusal to open a file another process holds."""
    text = str(exc).lower()
    return "lock" in text and "conflicting" in text


def friendly_error(exc: duckdb.Error, location: str) -> StoreError:
    """DuckDB's error as the app's own, with a message a person can act on."""
    text = str(exc)
    if is_lock_conflict(exc):
        return StoreLockedError(
            f"The store {location} stayed busy in another program (an import, or a command) "
            f"for {lock_wait_seconds():g} s. Try again when it has finished; "
            f"${LOCK_WAIT_ENV} sets how long to wait."
        )
    if isinstance(exc, duckdb.IOException):
        return StoreError(f"Could not open the store {location}: {text.splitlines()[0]}")
    if isinstance(exc, duckdb.ConstraintException):
        return StoreError(f"The store refused a value that breaks its rules: {text}")
    return StoreError(f"The store could not run a query: {text.splitlines()[0]}")
