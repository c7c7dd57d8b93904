"""PostgreSQL as the system of record, with a private DuckDB replica in each process.

Why this shape (docs/ARCHITECTURE.md has the longer version): every query in ``queries/*.sql``
is DuckDB SQL, and the Activity page and the team review need DuckDB's columnar speed. So
PostgreSQL holds every table and decides who writes; each process answers reads from its own
DuckDB copy and keeps it current from PostgreSQL's change log.

A write, in any process:

1. opens a PostgreSQL transaction and takes the store's advisory lock (one writer at a time,
   in every process and machine, waiting a bounded time), then brings the replica up to date;
2. runs on the replica inside a DuckDB transaction, exactly as in file mode;
3. copies what it changed into PostgreSQL in the same PostgreSQL transaction, with a row in
   ``ssi_changes`` saying what changed (``changes.py``), and moves the version. PostgreSQL
   commits, then DuckDB.

A reader's ``Store`` brings the replica up to date when it opens (one small query when
nothing moved), applying the logged changes since its own version the same way.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard.errors import StoreError, StoreLockedError
from dashboard.store import schema
from dashboard.store.backend import OnWait, TableRows
from dashboard.store.changes import (
    BY_REPLACER,
    KEYED,
    PG_TYPES,
    WEEKLY,
    Change,
    DuckSide,
    PgSide,
    apply_change,
    change_between,
    copied_tables,
    duck_columns,
    duck_tables,
    fingerprints,
)  # fmt: skip
from dashboard.store.sql import fragment_of, run_named, statement_of, statements_of

PREFIXES = ("postgresql://", "postgres://")
CACHE_ENV = "SSI_REPLICA_DIR"
LOCK_KEY = 0x551D_A5B0  # the advisory lock every writer takes
SLOTS = 8  # replicas of one store a machine keeps (one per running process)


def is_postgres(location: object) -> bool:
    return isinstance(location, str) and location.startswith(PREFIXES)


# Query parameters of a libpq address that hold a secret (masked wherever it is shown).
_SECRET_PARAMS = re.compile(r"(?i)pass|secret|token|key")


def safe_url(url: str) -> str:
    """The address with every secret masked, for messages, logs and file names: the
    password of ``user:password@`` and the value of ``?password=`` (and of any parameter
    named like a secret: sslpassword, a key)."""
    head, sep, rest = url.partition("://")
    rest, qmark, query = rest.partition("?")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        user, colon, _ = creds.partition(":")
        rest = f"{user}{':***' if colon else ''}@{host}"
    if qmark:
        pairs = [pair.partition("=") for pair in query.split("&")]
        query = "&".join(f"{k}{eq}{'***' if eq and _SECRET_PARAMS.search(k) else v}"
                         for k, eq, v in pairs)  # fmt: skip
    return f"{head}{sep}{rest}{qmark}{query}"


def mask_secrets(text: str, url: str) -> str:
    """``text`` with the address's secrets masked wherever they appear in it (a driver's
    message may quote its connection string)."""
    secrets = [url] if url else []
    head, _, rest = url.partition("://")
    creds = rest.partition("?")[0].rpartition("@")[0]
    if ":" in creds:
        secrets.append(creds.partition(":")[2])
    for pair in rest.partition("?")[2].split("&"):
        key, eq, value = pair.partition("=")
        if eq and value and _SECRET_PARAMS.search(key):
            secrets.append(value)
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, safe_url(url) if secret == url else "***")
    return text


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is in requirements.txt
        raise StoreError("PostgreSQL stores need psycopg: pip install -r requirements.txt") from exc
    return psycopg


def replica_folder() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ssi-dashboard"


def _connect_replica(path: Path) -> duckdb.DuckDBPyConnection:
    """A replica may use 40% of the machine's memory (DuckDB's default is 80%): the
    process also holds the rows it moves, and a server runs other processes."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return duckdb.connect(str(path), config={"memory_limit": f"{int(total * 0.4) >> 20}MB"})


class Link:
    """One PostgreSQL store as seen from this process: the connection and the replica."""

    def __init__(self, url: str, on_wait=None):
        self.url = url
        self.label = safe_url(url)
        self.guard = threading.RLock()
        self._conn = None
        psycopg = _psycopg()
        self._psycopg = psycopg
        self.replica_path, self.replica = self._open_replica()
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self.macros_applied = False
        self.setup(on_wait)

    # connections
    def connect(self):
        try:
            conn = self._psycopg.connect(self.url, connect_timeout=10)
        except self._psycopg.Error as exc:
            said = mask_secrets(str(exc).strip().splitlines()[0], self.url)
            raise StoreError(f"Could not reach the PostgreSQL store {self.label}: {said}") from exc
        with conn.cursor() as cur:
            for statement in statements_of("pg_session"):
                cur.execute(statement)
        conn.commit()
        return conn

    @property
    def conn(self):
        if self._conn is None or self._conn.closed:
            self._conn = self.connect()
        return self._conn

    def _open_replica(self) -> tuple[Path, duckdb.DuckDBPyConnection]:
        folder = replica_folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stem = hashlib.sha256(self.label.encode()).hexdigest()[:16]
        for slot in range(SLOTS):
            path = folder / f"{stem}-{slot}.duckdb"
            # A slot is this process's while it holds the slot's lock file (not DuckDB's own
            # lock, which is let go while a replica is made afresh).
            holder = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 (held for the process)
            try:
                fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder.close()
                continue
            self._slot_lock = holder
            try:
                return path, _connect_replica(path)
            except duckdb.Error:
                # Only a cache: a replica that will not open (a crash mid-write) is made
                # again from PostgreSQL.
                for stale in (path, path.with_suffix(".duckdb.wal"), path.with_suffix(".origin")):
                    stale.unlink(missing_ok=True)
                return path, _connect_replica(path)
        raise StoreError(f"all {SLOTS} replica slots of {self.label} in {folder} are in use")

    def columns(self, table: str) -> list[tuple[str, str]]:
        if table not in self._columns:
            self._columns[table] = duck_columns(self.replica.cursor(), table)
        return self._columns[table]

    def close(self) -> None:
        with self.guard:
            if self._conn is not None:
                self._conn.close()
            self.replica.close()
            self._slot_lock.close()

    # versions
    def replica_version(self) -> int:
        try:
            row = run_named(self.replica.cursor(), "store_version").fetchone()
        except duckdb.Error:
            return -1
        return -1 if row is None else int(row[0])

    @contextmanager
    def locked(self, conn, on_wait=None) -> Iterator[None]:
        """The store's writer lock, inside ``conn``'s transaction; waits a bounded time."""
        wait = schema.lock_wait_seconds()
        with conn.cursor() as cur:
            cur.execute(statement_of("pg_try_lock"), (LOCK_KEY,))
            if not cur.fetchone()[0]:
                if on_wait is not None:
                    on_wait(f"waiting for another program to finish writing to {self.label} "
                            f"(up to {wait:g} s)...")  # fmt: skip
                cur.execute(statement_of("pg_lock_timeout"), (f"{int(wait * 1000)}ms",))
                try:
                    cur.execute(statement_of("pg_lock"), (LOCK_KEY,))
                except self._psycopg.errors.LockNotAvailable as exc:
                    raise StoreLockedError(
                        f"The store {self.label} stayed busy with another writer for {wait:g} s. "
                        "Try again when it has finished; $SSI_LOCK_WAIT sets how long to wait."
                    ) from exc
        yield

    # set-up: schema, migrations, first copy
    def setup(self, on_wait=None) -> None:
        with self._locked_transaction(on_wait) as conn:
            with conn.cursor() as cur:
                cur.execute(statement_of("pg_has_meta"))
                exists = cur.fetchone()[0]
                if exists:
                    cur.execute(statement_of("pg_meta"))
                    store_id, held_schema = cur.fetchone()
            if not exists:
                self._create(conn)
            elif held_schema < schema.latest_migration():
                self._migrate(conn, held_schema)
            else:
                conn.rollback()  # lets the lock go: catching up needs none
                self._catch_up_or_reload(store_id)

    def _fresh_replica(self, up_to: int | None = None) -> None:
        """Empty the replica and give it the schema (of migration ``up_to``, or the latest)."""
        # Only ever while the link is made, before any Store holds a cursor on the replica.
        self.replica.close()
        for stale in (self.replica_path, self.replica_path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        self.replica = _connect_replica(self.replica_path)
        cur = self.replica.cursor()
        schema.run_migrations(cur, up_to)
        self._columns.clear()

    def _create_tables(self, conn) -> None:
        rcur = self.replica.cursor()
        with conn.cursor() as cur:
            for table in duck_tables(rcur):
                spec = [fragment_of("pg_column_spec", column=c, type=PG_TYPES[t])
                        for c, t in duck_columns(rcur, table)]  # fmt: skip
                cur.execute(statement_of("pg_dropped_table", table=table))
                cur.execute(statement_of("pg_created_table", table=table, columns=spec))
            indexes = [(t, ("import_id",)) for t in KEYED] + list(KEYED.items())
            indexes += [(t, ("replaced_by",)) for t in BY_REPLACER] + [WEEKLY]
            for table, columns in indexes:
                cur.execute(statement_of("pg_created_index", table=table, columns=list(columns)))

    def _push_everything(self, conn, note_version: bool = True) -> None:
        rcur = self.replica.cursor()
        tables = copied_tables(rcur)
        apply_change(Change([], tables), DuckSide(rcur), PgSide(conn, self.columns))
        version = self.replica_version()
        with conn.cursor() as cur:
            cur.execute(statement_of("pg_cleared_version"))
            cur.execute(statement_of("pg_first_version"), (version,))
            cur.execute(statement_of("pg_logged_whole_copy"), (version, [], tables))
        self.push_sequences(conn)

    def _create(self, conn) -> None:
        self._fresh_replica()
        self._create_tables(conn)
        with conn.cursor() as cur:
            for statement in statements_of("pg_create_meta"):
                cur.execute(statement)
            store_id = uuid.uuid4().hex
            cur.execute(statement_of("pg_new_meta"), (store_id, schema.latest_migration()))
        self._push_everything(conn)
        self._remember(store_id)

    def _migrate(self, conn, held_schema: int) -> None:
        """Migrations run on a replica of the old schema; then every table is written again."""
        with conn.cursor() as cur:
            cur.execute(statement_of("pg_store_id"))
            store_id = cur.fetchone()[0]
        self._fresh_replica(up_to=held_schema)
        self._load_all(conn)
        schema.run_migrations(self.replica.cursor(), None)
        self._columns.clear()
        self._create_tables(conn)
        cur = self.replica.cursor()
        run_named(cur, "next_store_version")
        self._push_everything(conn)
        with conn.cursor() as pcur:
            pcur.execute(statement_of("pg_schema_moved_on"), (schema.latest_migration(),))
        self._remember(store_id)

    def _load_all(self, conn) -> int:
        """Copy every table from PostgreSQL into the freshly made replica, table by table.

        No Store reads a replica being made, so this needs no single transaction (which a
        two-year store does not fit in). The version is set last: until then it reads -1,
        and a process that dies half-way makes the replica again."""
        version = self._read_version(conn)
        rcur = self.replica.cursor()
        run_named(rcur, "set_store_version", {"version": -1})
        source, replica = PgSide(conn, self.columns), DuckSide(rcur)
        for table in copied_tables(rcur):
            replica.delete_all(table)  # the rows migrations seed (the metric catalogue)
            replica.fill(table, source.all_rows(table))
        self._pull_sequences(conn, rcur)
        run_named(rcur, "set_store_version", {"version": version})
        return version

    def _apply_from_pg(self, conn, change: Change, version: int) -> None:
        """Make the replica hold PostgreSQL's rows for ``change``, at ``version``, in one
        DuckDB transaction (readers see all of it or none)."""
        rcur = self.replica.cursor()
        rcur.begin()
        try:
            apply_change(change, PgSide(conn, self.columns), DuckSide(rcur))
            run_named(rcur, "set_store_version", {"version": version})
            self._pull_sequences(conn, rcur)
            rcur.commit()
        except BaseException:
            rcur.rollback()
            raise

    def _origin_file(self) -> Path:
        return self.replica_path.with_suffix(".origin")

    def _remember(self, store_id: str) -> None:
        self._origin_file().write_text(json.dumps({"store_id": store_id}))

    def _catch_up_or_reload(self, store_id: str) -> None:
        try:
            known = json.loads(self._origin_file().read_text())["store_id"]
        except (OSError, ValueError, KeyError):
            known = None
        if known != store_id or self.replica_version() < 0:
            self._origin_file().unlink(missing_ok=True)
            conn = self.connect()
            try:
                conn.set_isolation_level(self._psycopg.IsolationLevel.REPEATABLE_READ)
                self._fresh_replica()
                self._load_all(conn)
                conn.commit()
            finally:
                conn.close()
            self._remember(store_id)
        else:
            self.catch_up()

    # keeping up
    def catch_up(self, conn=None) -> int:
        """Apply what other processes wrote since the replica's version; the version now."""
        with self.guard:
            own = conn is None
            if own:
                conn = self.conn
            try:
                target = self._read_version(conn)
                have = self.replica_version()
                if target == have:
                    return target
                with conn.cursor() as cur:
                    cur.execute(statement_of("pg_changes_since"), (have, target))
                    logged = cur.fetchall()
                if target > have and len(logged) == target - have:
                    change = Change(sorted({i for imports, _ in logged for i in imports}),
                                    sorted({t for _, tables in logged for t in tables}))  # fmt: skip
                else:
                    # The log does not explain the move (a store restored with pg_restore
                    # went back in time): copy every table again.
                    change = Change([], copied_tables(self.replica.cursor()))
                try:
                    self._apply_from_pg(conn, change, target)
                except duckdb.Error as exc:
                    # Seen when a two-year store was replaced under a running process: its
                    # readers hold the replica, so the copy is one transaction, too big.
                    raise StoreError(
                        f"This process's copy of {self.label} could not take the latest "
                        f"changes ({str(exc).splitlines()[0]}). Restart it: a new process "
                        "makes its copy afresh."
                    ) from exc
                return target
            finally:
                if own:
                    conn.commit()

    def _read_version(self, conn) -> int:
        with conn.cursor() as cur:
            cur.execute(statement_of("pg_version"))
            return int(cur.fetchone()[0])

    def version(self) -> int:
        """PostgreSQL's version, after bringing the replica to it (one query when unchanged).

        While another session of this process is writing, its version so far: readers do
        not wait for a write, and see it at their next rerun."""
        if not self.guard.acquire(blocking=False):
            return self.replica_version()
        try:
            try:
                return self.catch_up()
            except self._psycopg.OperationalError:
                self._conn = None  # the server went away or restarted: reconnect once
                return self.catch_up()
        finally:
            self.guard.release()

    def _pull_sequences(self, conn, rcur) -> None:
        with conn.cursor() as cur:
            cur.execute(statement_of("pg_sequences"))
            wanted = dict(cur.fetchall())
        have = dict(run_named(rcur, "replica_sequences").fetchall())
        for name, last in wanted.items():
            steps = int(last) - int(have.get(name) or 0)
            if name in have and steps > 0:
                run_named(rcur, "sequence_moved_on", {"name": name, "steps": steps})

    def push_sequences(self, conn, rcur=None) -> None:
        rcur = rcur or self.replica.cursor()
        rows = run_named(rcur, "replica_sequences_used").fetchall()
        _send_sequences(conn, dict(rows))

    # restoring a backup
    def restore(self, tables: dict[str, TableRows], sequences: dict[str, int | None]) -> int:
        """Write a backup's tables straight into PostgreSQL, in one transaction; the version.

        Not through the replica: its single transaction cannot hold a two-year store. So
        this process's replica is left to be made again, table by table, when the store is
        next opened (the caller ``forget``s this link)."""
        with self.guard, self._locked_transaction() as conn:
            target = PgSide(conn, self.columns)
            copied = copied_tables(self.replica.cursor())
            as_text = duckdb.connect()  # casts each batch to the text COPY takes
            try:
                for table in copied:
                    target.delete_all(table)
                    if table in tables:
                        target.insert(table, _text_batches(as_text, tables[table](),
                                                           self.columns(table)))  # fmt: skip
            finally:
                as_text.close()
            _send_sequences(conn, sequences)
            with conn.cursor() as cur:
                cur.execute(statement_of("pg_next_version"))
                version = cur.fetchone()[0]
                cur.execute(statement_of("pg_logged_change"), (version, [], copied))
        self._origin_file().unlink(missing_ok=True)
        return version

    # writing
    @contextmanager
    def writing(self, on_wait=None) -> Iterator[Writer]:
        """A PostgreSQL transaction holding the writer lock, the replica caught up under it."""
        with self.guard, self._locked_transaction(on_wait) as conn:
            self.catch_up(conn)
            yield Writer(self, conn)

    @contextmanager
    def _locked_transaction(self, on_wait=None) -> Iterator:
        """A new connection whose transaction holds the writer lock: committed at the end,
        rolled back on any error, closed either way."""
        conn = self.connect()
        try:
            with self.locked(conn, on_wait):
                yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()


class Writer:
    """Sends one replica transaction's changes to PostgreSQL (the caller commits both)."""

    def __init__(self, link: Link, conn):
        self.link = link
        self.conn = conn

    def send(self, rcur: duckdb.DuckDBPyConnection, before: dict) -> int:
        change = change_between(before, fingerprints(rcur))
        with self.conn.cursor() as cur:
            cur.execute(statement_of("pg_next_version"))
            version = cur.fetchone()[0]
        run_named(rcur, "set_store_version", {"version": version})
        apply_change(change, DuckSide(rcur), PgSide(self.conn, self.link.columns))
        with self.conn.cursor() as cur:
            cur.execute(statement_of("pg_logged_change"), (version, change.imports, change.tables))
        self.link.push_sequences(self.conn, rcur)
        return version


def _send_sequences(conn, last_values: dict[str, int | None]) -> None:
    """Move PostgreSQL's record of the id sequences on (never back)."""
    with conn.cursor() as cur:
        for name, last in last_values.items():
            if last is not None:
                cur.execute(statement_of("pg_sequence_moved_on"), (name, last))


def _text_batches(con: duckdb.DuckDBPyConnection, rows: pa.RecordBatchReader,
                  columns: list[tuple[str, str]]) -> pa.RecordBatchReader:  # fmt: skip
    """``rows`` with every column as DuckDB's text, in the table's column order: the same
    text a replica sends, so PostgreSQL casts it the same way."""
    con.register("ssi_incoming", rows)
    as_text = [fragment_of("column_as_text", column=c) for c, _ in columns]
    return run_named(con, "incoming_as_text", columns=as_text).to_arrow_reader(200_000)


_LINKS: dict[str, Link] = {}
_LINKS_GUARD = threading.Lock()


def link_for(url: str, on_wait=None) -> Link:
    """One link per store per process, kept open: the replica is this process's own."""
    with _LINKS_GUARD:
        link = _LINKS.get(url)
        if link is None:
            link = _LINKS[url] = Link(url, on_wait)
        return link


def forget(url: str) -> None:
    """Close this process's link to ``url`` (its replica stays on disk for next time)."""
    with _LINKS_GUARD:
        link = _LINKS.pop(url, None)
    if link is not None:
        link.close()


class PostgresBackend:
    """A ``Store`` on PostgreSQL: reads answered by this process's replica, writes sent to
    PostgreSQL in the same transaction as the replica's."""

    def __init__(self, url: str, *, read_only: bool, must_exist: bool, on_wait: OnWait):
        self.link = link_for(url, on_wait)
        self.path = self.link.replica_path
        self.location = self.link.label
        self._con: duckdb.DuckDBPyConnection | None = self.link.replica.cursor()
        if not self.link.macros_applied:  # the replica is the process's own: once
            with self.link.guard:
                schema.apply_macros(self.cursor(), schema.macros_text())
            self.link.macros_applied = True
        self.link.version()  # a new Store sees every commit made so far, by anyone

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._con.cursor()

    @property
    def version(self) -> int:
        return self.link.replica_version()

    def catch_up(self) -> int:
        return self.link.version()

    @contextmanager
    def writing(self, on_wait: OnWait) -> Iterator[duckdb.DuckDBPyConnection]:
        """The write runs on the replica; its changes go to PostgreSQL in one transaction,
        which commits first (a replica left behind catches up from the change log)."""
        with self.link.writing(on_wait) as writer:
            cur = self.cursor()
            before = fingerprints(cur)
            cur.begin()
            try:
                yield cur
                writer.send(cur, before)
            except BaseException:
                cur.rollback()
                raise
            writer.conn.commit()
            try:
                cur.commit()
            except duckdb.Error as exc:
                raise StoreError(
                    f"The write is saved in {self.location}, but this process's copy of the "
                    f"store could not take it ({str(exc).splitlines()[0]}); it copies it again "
                    "at its next page view or command."
                ) from exc

    def restore(self, tables: dict[str, TableRows], sequences: dict[str, int | None],
                version: int | None) -> None:  # fmt: skip
        """Straight into PostgreSQL, not through the replica (whose single transaction
        cannot hold a two-year store); the replica is made again when next opened."""
        self.link.restore(tables, sequences)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @staticmethod
    def forget(location: object) -> None:
        forget(str(location))
