"""A store in one DuckDB file, shared by every ``Store`` of this process on that file.

DuckDB lets one process at a time open a file for writing, so opening waits (bounded) while
another process has it, and every ``Store`` of this process on the file shares one
connection and one writer lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dashboard.errors import NotFoundError, StoreError
from dashboard.store import schema
from dashboard.store.backend import OnWait, TableRows
from dashboard.store.sql import first_value, run_named

# One DuckDB instance per file in a process, shared by every Store on it (one per dashboard
# rerun) and closed when the last one closes. Opening and closing under one lock matters:
# an instance being closed (and checkpointing) while another opens the same file can read
# the file from before the last commit.
_SHARED: dict[tuple[str, bool], list] = {}
_SHARED_GUARD = threading.Lock()
_MACROS_APPLIED: dict[str, str] = {}  # store file -> the macros text last applied
_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def connect_waiting(
    path: Path, read_only: bool, on_wait: OnWait = None
) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting (bounded) while another process has it open: a DuckDB file
    has one writer process at a time, and the dashboard and the CLI take turns."""
    deadline = time.monotonic() + schema.lock_wait_seconds()
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not schema.is_lock_conflict(exc) or time.monotonic() >= deadline:
                raise
            if on_wait is not None:
                on_wait(f"waiting for another program to finish with the store {path} "
                        f"(up to {schema.lock_wait_seconds():g} s)...")  # fmt: skip
                on_wait = None  # said once
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _open_shared(key: tuple[str, bool], on_wait: OnWait) -> duckdb.DuckDBPyConnection:
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


def _writer_lock(path: Path) -> threading.RLock:
    """One lock per store file in this process: every Store object on the file (one per
    dashboard rerun) takes turns to write, so checks and writes never interleave."""
    key = str(path.resolve())
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, threading.RLock())


class FileBackend:
    """The DuckDB file is the store: reads and writes go to it directly."""

    def __init__(self, path: Path, *, read_only: bool, must_exist: bool, on_wait: OnWait):
        if must_exist and not path.exists():
            # A mistyped --db must not quietly create an empty store and report "nothing".
            raise NotFoundError(
                f"there is no store at {path}; check --db (or $SSI_DASHBOARD_DB), or "
                "create one with `import` or `demo`"
            )
        self.path = path
        self.location = str(path)
        self._write_lock = _writer_lock(path)
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._shared_key = (str(path.resolve()), read_only)
            self._con: duckdb.DuckDBPyConnection | None = _open_shared(self._shared_key, on_wait)
        except duckdb.Error as exc:
            raise schema.friendly_error(exc, self.location) from exc
        if not read_only:
            self._migrate()
            self._apply_macros()
        self._versioned = schema.schema_version_of(self.cursor()) >= schema.STATE_VERSION

    def _migrate(self) -> None:
        if schema.schema_version_of(self.cursor()) >= schema.latest_migration():
            return  # the usual case: no lock, so opening never waits for a writer
        with self._write_lock:
            schema.run_migrations(self.cursor())

    def _apply_macros(self) -> None:
        """Once per process and file: opening a store per rerun must not wait for a writer.
        The store remembers which text it holds, so a new process on an unchanged store
        skips the write too."""
        text = schema.macros_text()
        key = self._shared_key[0]
        if _MACROS_APPLIED.get(key) == text:
            return
        if schema.held_macros_digest(self.cursor()) != schema.macros_digest(text):
            with self._write_lock:
                schema.apply_macros(self.cursor(), text)
        _MACROS_APPLIED[key] = text

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._con.cursor()

    @property
    def version(self) -> int:
        if not self._versioned:
            return -1
        return int(first_value(run_named(self.cursor(), "store_version")))

    def catch_up(self) -> int:
        return self.version  # the file is the store: there is nothing to catch up with

    @contextmanager
    def writing(self, on_wait: OnWait) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._write_lock:
            cur = self.cursor()
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            try:
                if self._versioned:
                    run_named(cur, "next_store_version")
                cur.commit()
            except duckdb.Error as exc:
                raise schema.friendly_error(exc, self.location) from exc

    def restore(self, tables: dict[str, TableRows], sequences: dict[str, int | None],
                version: int | None) -> None:  # fmt: skip
        """One transaction: each table's rows replaced by the backup's (names the door
        checked against the catalogue), the sequences moved on, the version restored."""
        with self.writing(None) as cur:
            for table, rows in tables.items():
                run_named(cur, "emptied_table", table=table)
                cur.register("restored_rows", rows())
                run_named(cur, "restored_table", table=table)
                cur.unregister("restored_rows")
            for name, last in sequences.items():
                if last is not None:
                    run_named(cur, "advance_sequence", {"name": name, "steps": int(last)})
            if version is not None:
                run_named(cur, "restore_version", {"version": version})

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            _release_shared(self._shared_key)

    @staticmethod
    def forget(location: object) -> None:
        """Nothing of a file store is kept in the process once its Stores are closed."""
