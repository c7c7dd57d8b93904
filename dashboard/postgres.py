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
   ``ssi_changes`` saying what changed, and moves the version. PostgreSQL commits, then DuckDB.

What changed is found without scanning the big tables: every snapshot and activity row
carries the import that wrote it, and every write to those tables changes that import's row
in ``imports`` (a new import, or one marked undone). So the imports whose rows differ give
the keys to copy. Small tables are copied whole when their fingerprint moved.

A reader checks the version at every rerun (one small query); when it moved, the replica
applies the logged changes since its own version, the same way in the other direction.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import itertools
import json
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.errors import StoreError, StoreLockedError

PREFIXES = ("postgresql://", "postgres://")
CACHE_ENV = "SSI_REPLICA_DIR"
LOCK_KEY = 0x551D_A5B0  # the advisory lock every writer takes
SLOTS = 8  # replicas of one store a machine keeps (one per running process)

# Tables whose rows carry the import that wrote them, with the columns that identify a row.
KEYED = {"snapshots": ("rep_id", "day"), "activity": ("rep_id", "day", "metric")}
# Tables whose rows carry the import that replaced them.
BY_REPLACER = ("snapshot_history", "activity_history")
# The weekly summary follows the activity rows it sums.
WEEKLY = ("activity_weekly", ("rep_id", "week", "metric"))
BIG = (*KEYED, *BY_REPLACER, WEEKLY[0])
STATE = "store_state"  # the version: set by the link, never copied as a table
SEQUENCES = {"team_ids": ("teams", "team_id"), "rep_ids": ("reps", "rep_id"),
             "audit_ids": ("audit", "audit_id")}  # fmt: skip

PG_TYPES = {"INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "VARCHAR": "text", "DATE": "date", "TIMESTAMP": "timestamp",
            "BOOLEAN": "boolean"}  # fmt: skip

META_DDL = """
create table if not exists ssi_meta (store_id text not null, schema_version integer not null);
create table if not exists ssi_changes (
    version  bigint primary key,
    imports  integer[] not null,
    tables   text[] not null,
    made_at  timestamptz not null default now()
);
create table if not exists ssi_sequences (name text primary key, last_value bigint not null);
"""


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


def _q(name: str) -> str:
    """A table or column name from the store's own catalogue, quoted."""
    return '"' + name.replace('"', '""') + '"'


# -- moving rows: always as text, cast by the receiving side ---------------------------------


def _duck_columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return cur.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and table_name = $t order by column_index",
        {"t": table},
    ).fetchall()


def _duck_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary "
        "order by table_name").fetchall()]  # fmt: skip


def _copied_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table a whole copy moves (the version is set by the link, not copied)."""
    return [t for t in _duck_tables(cur) if t != STATE]


class DuckSide:
    """The replica: a DuckDB cursor inside a transaction."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self.cur = cur
        self._n = 0

    def _temp(self, data: pa.Table | pa.RecordBatchReader) -> str:
        self._n += 1
        name = f"ssi_moving_{self._n}"
        self.cur.register(name, data)
        return name

    def columns(self, table: str) -> list[tuple[str, str]]:
        return _duck_columns(self.cur, table)

    def _as_text(self, table: str, where: str, params: dict) -> pa.RecordBatchReader:
        cols = ", ".join(f"cast(t.{_q(c)} as varchar) as {_q(c)}" for c, _ in self.columns(table))
        sql = f"select {cols} from {_q(table)} t {where}"
        return self.cur.sql(sql, params=params).to_arrow_reader(200_000)

    def keys(self, table: str, key: tuple[str, ...], scope_col: str, scope: list[int]) -> pa.Table:
        cols = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c in key)
        return self.cur.sql(
            f"select distinct {cols} from {_q(table)} "
            f"where {_q(scope_col)} in (select unnest($s::integer[]))",
            params={"s": scope},
        ).to_arrow_table()

    def _key_join(self, table: str, key: tuple[str, ...], keys: pa.Table) -> tuple[str, str]:
        types = dict(self.columns(table))
        name = self._temp(keys)
        on = " and ".join(f"t.{_q(c)} = cast(k.{_q(c)} as {types[c]})" for c in key)
        return name, on

    def rows_for_keys(self, table, key, keys: pa.Table) -> pa.RecordBatchReader:
        name, on = self._key_join(table, key, keys)
        return self._as_text(table, f"semi join {name} k on {on}", {})

    def rows_where(self, table: str, scope_col: str, scope: list[int]) -> pa.RecordBatchReader:
        return self._as_text(
            table, f"where t.{_q(scope_col)} in (select unnest($s::integer[]))", {"s": scope}
        )

    def all_rows(self, table: str) -> pa.RecordBatchReader:
        return self._as_text(table, "", {})

    def delete_keys(self, table, key, keys: pa.Table) -> None:
        name, on = self._key_join(table, key, keys)
        self.cur.execute(f"delete from {_q(table)} t using {name} k where {on}")

    def delete_where(self, table: str, scope_col: str, scope: list[int]) -> None:
        self.cur.execute(
            f"delete from {_q(table)} where {_q(scope_col)} in "
            "(select unnest($s::integer[]))", {"s": scope}
        )  # fmt: skip

    def delete_all(self, table: str) -> None:
        self.cur.execute(f"delete from {_q(table)}")

    def is_empty(self, table: str) -> bool:
        return self.cur.execute(
            f"select count(*) = 0 from (select 1 from {_q(table)} limit 1)"
        ).fetchone()[0]

    def fill(self, table: str, rows: pa.RecordBatchReader | None) -> None:
        """Fill an empty table outside any transaction, building its indexes once after the
        rows: one transaction holding a two-year activity table and its unique index needs
        more memory than a replica may use (measured: 8.9 GiB was not enough; the index
        built after the rows needed 70 s and stayed within it). DuckDB cannot drop and
        rebuild an index inside the transaction that fills its table, hence outside."""
        indexes = self.cur.execute(
            "select index_name, sql from duckdb_indexes() where table_name = $t", {"t": table}
        ).fetchall()
        for name, _ in indexes:
            self.cur.execute(f"drop index {_q(name)}")
        self.insert(table, rows)
        for _, definition in indexes:
            self.cur.execute(definition)

    def insert(self, table: str, rows: pa.RecordBatchReader | None) -> None:
        if rows is None:
            return
        cols = self.columns(table)
        name = self._temp(rows)
        casts = ", ".join(f"cast({_q(c)} as {t})" for c, t in cols)
        names = ", ".join(_q(c) for c, _ in cols)
        self.cur.execute(f"insert into {_q(table)} ({names}) select {casts} from {name}")


_TEMP_NAMES = itertools.count(1)


class PgSide:
    """PostgreSQL: a psycopg connection inside a transaction."""

    def __init__(self, conn, columns_of):
        self.conn = conn
        self._columns_of = columns_of  # the replica's catalogue: the same tables and columns

    def columns(self, table: str) -> list[tuple[str, str]]:
        return self._columns_of(table)

    def _copy_out(
        self, select: str, columns: list[str], params: tuple = ()
    ) -> pa.RecordBatchReader | None:
        spool = tempfile.TemporaryFile()
        with (
            self.conn.cursor() as cur,
            cur.copy(
                f"copy ({select}) to stdout with (format csv, header, force_quote *)", params
            ) as copy,
        ):
            for chunk in copy:
                spool.write(chunk)
        spool.seek(0)
        if spool.read(1) == b"":
            spool.close()
            return None
        spool.seek(0)
        options = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            null_values=[""],
        )
        return pacsv.open_csv(spool, convert_options=options)

    def _copy_in(self, table: str, columns: list[str], rows) -> None:
        names = ", ".join(_q(c) for c in columns)
        with (
            self.conn.cursor() as cur,
            cur.copy(f"copy {_q(table)} ({names}) from stdin with (format csv)") as copy,
        ):
            for batch in _batches(rows):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, _NO_HEADER)
                copy.write(buffer.getvalue())

    def _text_rows(self, table: str, tail: str, params: tuple = ()) -> pa.RecordBatchReader | None:
        names = [c for c, _ in self.columns(table)]
        cols = ", ".join(f"t.{_q(c)}::text as {_q(c)}" for c in names)
        return self._copy_out(f"select {cols} from {_q(table)} t {tail}", names, params)

    def _keys_table(self, table: str, key: tuple[str, ...], keys: pa.Table) -> str:
        types = dict(self.columns(table))
        name = f"ssi_keys_{next(_TEMP_NAMES)}"
        spec = ", ".join(f"{_q(c)} {PG_TYPES[types[c]]}" for c in key)
        with self.conn.cursor() as cur:
            cur.execute(f"create temp table {name} ({spec}) on commit drop")
        self._copy_in(name, list(key), keys)
        return name

    def keys(self, table, key, scope_col, scope) -> pa.Table:
        cols = ", ".join(f"{_q(c)}::text as {_q(c)}" for c in key)
        found = self._copy_out(
            f"select distinct {cols} from {_q(table)} where {_q(scope_col)} = any(%s)",
            list(key),
            (scope,),
        )
        if found is None:
            return pa.table({c: pa.array([], pa.string()) for c in key})
        return found.read_all()

    def rows_for_keys(self, table, key, keys):
        name = self._keys_table(table, key, keys)
        on = " and ".join(f"t.{_q(c)} = k.{_q(c)}" for c in key)
        return self._text_rows(table, f"where exists (select 1 from {name} k where {on})")

    def rows_where(self, table, scope_col, scope):
        return self._text_rows(table, f"where t.{_q(scope_col)} = any(%s)", (scope,))

    def all_rows(self, table):
        return self._text_rows(table, "")

    def delete_keys(self, table, key, keys) -> None:
        name = self._keys_table(table, key, keys)
        on = " and ".join(f"t.{_q(c)} = k.{_q(c)}" for c in key)
        with self.conn.cursor() as cur:
            cur.execute(f"delete from {_q(table)} t using {name} k where {on}")

    def delete_where(self, table, scope_col, scope) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"delete from {_q(table)} where {_q(scope_col)} = any(%s)", (scope,))

    def delete_all(self, table) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"delete from {_q(table)}")

    def is_empty(self, table: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute(f"select not exists (select 1 from {_q(table)})")
            return cur.fetchone()[0]

    def insert(self, table, rows) -> None:
        if rows is None:
            return
        indexes = []
        if table in BIG and self.is_empty(table):
            # Filling an empty table (a demo, a restore): build its indexes once, after.
            with self.conn.cursor() as cur:
                cur.execute(
                    "select indexname, indexdef from pg_indexes where tablename = %s", (table,)
                )
                indexes = cur.fetchall()
                for name, _ in indexes:
                    cur.execute(f"drop index {_q(name)}")
        self._copy_in(table, [c for c, _ in self.columns(table)], rows)
        with self.conn.cursor() as cur:
            for _, definition in indexes:
                cur.execute(definition)


_NO_HEADER = pacsv.WriteOptions(include_header=False)


def _batches(rows) -> Iterator[pa.RecordBatch]:
    if rows is None:
        return
    if isinstance(rows, pa.Table):
        yield from rows.to_batches()
        return
    for batch in rows:
        if batch.num_rows:
            yield batch


# -- what a write changed ---------------------------------------------------------------------


@dataclass
class Change:
    """What one write changed: the imports whose rows moved and the tables to copy whole."""

    imports: list[int] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def fingerprints(cur: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Cheap signatures: small tables by content, big ones by count, imports by row."""
    found: dict[str, object] = {}
    for table in _duck_tables(cur):
        if table == STATE:
            continue
        if table in BIG:
            found[table] = cur.execute(f"select count(*) from {_q(table)}").fetchone()[0]
        else:
            found[table] = cur.execute(
                f"select count(*), coalesce(sum(hash(t)), 0) from {_q(table)} t"
            ).fetchone()
    found["imports by row"] = dict(
        cur.execute("select import_id, hash(i) from imports i").fetchall()
    )
    return found


def change_between(before: dict, after: dict, forced: Iterable[str] = ()) -> Change:
    rows_before, rows_after = before["imports by row"], after["imports by row"]
    imports = sorted(i for i in rows_before.keys() | rows_after.keys()
                     if rows_before.get(i) != rows_after.get(i))  # fmt: skip
    tables = {
        t for t in after if t != "imports by row" and t not in BIG and before.get(t) != after[t]
    }
    tables |= set(forced) - {STATE}
    if not imports:
        # A big table that moved with no import to say why (a restore): copy it whole.
        tables |= {t for t in BIG if t in after and before.get(t) != after[t]}
    return Change(imports, sorted(tables))


def apply_change(change: Change, src, dst) -> None:
    """Make ``dst`` hold what ``src`` holds for everything ``change`` names."""
    for table in change.tables:
        dst.delete_all(table)
        dst.insert(table, src.all_rows(table))
    scope = [i for i in change.imports]
    if not scope:
        return
    weekly_keys = None
    for table, key in KEYED.items():
        if table in change.tables:
            continue
        keys = pa.concat_tables([src.keys(table, key, "import_id", scope),
                                 dst.keys(table, key, "import_id", scope)]).group_by(list(key)).aggregate([])  # fmt: skip
        if table == "activity":
            weekly_keys = _weeks_of(keys)
        if keys.num_rows == 0:
            continue
        rows = src.rows_for_keys(table, key, keys)
        if not dst.is_empty(table):
            dst.delete_keys(table, key, keys)
        dst.insert(table, rows)
    for table in BY_REPLACER:
        if table in change.tables:
            continue
        dst.delete_where(table, "replaced_by", scope)
        dst.insert(table, src.rows_where(table, "replaced_by", scope))
    table, key = WEEKLY
    if weekly_keys is not None and weekly_keys.num_rows and table not in change.tables:
        rows = src.rows_for_keys(table, key, weekly_keys)
        if not dst.is_empty(table):
            dst.delete_keys(table, key, weekly_keys)
        dst.insert(table, rows)


def _weeks_of(activity_keys: pa.Table) -> pa.Table:
    """(rep, Monday of the week, metric) for activity keys: the summary rows they feed."""
    con = duckdb.connect()
    try:
        con.register("k", activity_keys)
        return con.sql(
            "select distinct rep_id, cast(cast(date_trunc('week', cast(day as date)) as date) "
            "as varchar) as week, metric from k"
        ).to_arrow_table()
    finally:
        con.close()


# -- the link ---------------------------------------------------------------------------------


def replica_folder() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ssi-dashboard"


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "lock" in text and "conflicting" in text


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
        self._guard = threading.RLock()
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
            cur.execute("set timezone = 'UTC'; set datestyle = 'ISO'; set extra_float_digits = 1")
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
            self._columns[table] = _duck_columns(self.replica.cursor(), table)
        return self._columns[table]

    def close(self) -> None:
        with self._guard:
            if self._conn is not None:
                self._conn.close()
            self.replica.close()
            self._slot_lock.close()

    # versions
    def replica_version(self) -> int:
        try:
            row = self.replica.cursor().execute(f"select version from {STATE}").fetchone()
        except duckdb.Error:
            return -1
        return -1 if row is None else int(row[0])

    @contextmanager
    def locked(self, conn, on_wait=None) -> Iterator[None]:
        """The store's writer lock, inside ``conn``'s transaction; waits a bounded time."""
        from dashboard.store import lock_wait_seconds

        wait = lock_wait_seconds()
        with conn.cursor() as cur:
            cur.execute("select pg_try_advisory_xact_lock(%s)", (LOCK_KEY,))
            if not cur.fetchone()[0]:
                if on_wait is not None:
                    on_wait(f"waiting for another program to finish writing to {self.label} "
                            f"(up to {wait:g} s)...")  # fmt: skip
                cur.execute(f"set local lock_timeout = '{int(wait * 1000)}ms'")
                try:
                    cur.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                except self._psycopg.errors.LockNotAvailable as exc:
                    raise StoreLockedError(
                        f"The store {self.label} stayed busy with another writer for {wait:g} s. "
                        "Try again when it has finished; $SSI_LOCK_WAIT sets how long to wait."
                    ) from exc
        yield

    # set-up: schema, migrations, first copy
    def setup(self, on_wait=None) -> None:
        from dashboard.store import latest_migration

        with self._locked_transaction(on_wait) as conn:
            with conn.cursor() as cur:
                cur.execute("select to_regclass('ssi_meta') is not null")
                exists = cur.fetchone()[0]
                if exists:
                    cur.execute("select store_id, schema_version from ssi_meta")
                    store_id, schema = cur.fetchone()
            if not exists:
                self._create(conn)
            elif schema < latest_migration():
                self._migrate(conn, schema)
            else:
                conn.rollback()  # lets the lock go: catching up needs none
                self._catch_up_or_reload(store_id)

    def _fresh_replica(self, up_to: int | None = None) -> None:
        """Empty the replica and give it the schema (of migration ``up_to``, or the latest)."""
        from dashboard.store import run_migrations

        # Only ever while the link is made, before any Store holds a cursor on the replica.
        self.replica.close()
        for stale in (self.replica_path, self.replica_path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        self.replica = _connect_replica(self.replica_path)
        cur = self.replica.cursor()
        run_migrations(cur, up_to)
        self._columns.clear()

    def _create_tables(self, conn) -> None:
        rcur = self.replica.cursor()
        with conn.cursor() as cur:
            for table in _duck_tables(rcur):
                spec = ", ".join(f"{_q(c)} {PG_TYPES[t]}" for c, t in _duck_columns(rcur, table))
                cur.execute(f"drop table if exists {_q(table)}")
                cur.execute(f"create table {_q(table)} ({spec})")
            for table, key in KEYED.items():
                cur.execute(f"create index on {_q(table)} (import_id)")
                cur.execute(f"create index on {_q(table)} ({', '.join(key)})")
            for table in BY_REPLACER:
                cur.execute(f"create index on {_q(table)} (replaced_by)")
            cur.execute(f"create index on activity_weekly ({', '.join(WEEKLY[1])})")

    def _push_everything(self, conn, note_version: bool = True) -> None:
        rcur = self.replica.cursor()
        tables = _copied_tables(rcur)
        apply_change(Change([], tables), DuckSide(rcur), PgSide(conn, self.columns))
        version = self.replica_version()
        with conn.cursor() as cur:
            cur.execute("delete from store_state")
            cur.execute("insert into store_state values (%s)", (version,))
            cur.execute("insert into ssi_changes (version, imports, tables) values (%s, %s, %s) "
                        "on conflict (version) do update set tables = excluded.tables, "
                        "imports = excluded.imports", (version, [], tables))  # fmt: skip
        self._push_sequences(conn)

    def _create(self, conn) -> None:
        from dashboard.store import latest_migration

        self._fresh_replica()
        self._create_tables(conn)
        with conn.cursor() as cur:
            cur.execute(META_DDL)
            store_id = uuid.uuid4().hex
            cur.execute("insert into ssi_meta values (%s, %s)", (store_id, latest_migration()))
        self._push_everything(conn)
        self._remember(store_id)

    def _migrate(self, conn, schema: int) -> None:
        """Migrations run on a replica of the old schema; then every table is written again."""
        from dashboard.store import latest_migration, run_migrations

        with conn.cursor() as cur:
            cur.execute("select store_id from ssi_meta")
            store_id = cur.fetchone()[0]
        self._fresh_replica(up_to=schema)
        self._load_all(conn)
        run_migrations(self.replica.cursor(), None)
        self._columns.clear()
        self._create_tables(conn)
        cur = self.replica.cursor()
        cur.execute(f"update {STATE} set version = version + 1")
        self._push_everything(conn)
        with conn.cursor() as pcur:
            pcur.execute("update ssi_meta set schema_version = %s", (latest_migration(),))
        self._remember(store_id)

    def _load_all(self, conn) -> int:
        """Copy every table from PostgreSQL into the freshly made replica, table by table.

        No Store reads a replica being made, so this needs no single transaction (which a
        two-year store does not fit in). The version is set last: until then it reads -1,
        and a process that dies half-way makes the replica again."""
        version = self._read_version(conn)
        rcur = self.replica.cursor()
        rcur.execute(f"update {STATE} set version = -1")
        source, replica = PgSide(conn, self.columns), DuckSide(rcur)
        for table in _copied_tables(rcur):
            replica.delete_all(table)  # the rows migrations seed (the metric catalogue)
            replica.fill(table, source.all_rows(table))
        self._pull_sequences(conn, rcur)
        rcur.execute(f"update {STATE} set version = $v", {"v": version})
        return version

    def _apply_from_pg(self, conn, change: Change, version: int) -> None:
        """Make the replica hold PostgreSQL's rows for ``change``, at ``version``, in one
        DuckDB transaction (readers see all of it or none)."""
        rcur = self.replica.cursor()
        rcur.execute("begin transaction")
        try:
            apply_change(change, PgSide(conn, self.columns), DuckSide(rcur))
            rcur.execute(f"update {STATE} set version = $v", {"v": version})
            self._pull_sequences(conn, rcur)
            rcur.execute("commit")
        except BaseException:
            rcur.execute("rollback")
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
        with self._guard:
            own = conn is None
            if own:
                conn = self.conn
            try:
                target = self._read_version(conn)
                have = self.replica_version()
                if target == have:
                    return target
                with conn.cursor() as cur:
                    cur.execute("select imports, tables from ssi_changes "
                                "where version > %s and version <= %s", (have, target))  # fmt: skip
                    logged = cur.fetchall()
                if target > have and len(logged) == target - have:
                    change = Change(sorted({i for imports, _ in logged for i in imports}),
                                    sorted({t for _, tables in logged for t in tables}))  # fmt: skip
                else:
                    # The log does not explain the move (a store restored with pg_restore
                    # went back in time): copy every table again.
                    change = Change([], _copied_tables(self.replica.cursor()))
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
            cur.execute("select version from store_state")
            return int(cur.fetchone()[0])

    def version(self) -> int:
        """PostgreSQL's version, after bringing the replica to it (one query when unchanged).

        While another session of this process is writing, its version so far: readers do
        not wait for a write, and see it at their next rerun."""
        if not self._guard.acquire(blocking=False):
            return self.replica_version()
        try:
            try:
                return self.catch_up()
            except self._psycopg.OperationalError:
                self._conn = None  # the server went away or restarted: reconnect once
                return self.catch_up()
        finally:
            self._guard.release()

    def _pull_sequences(self, conn, rcur) -> None:
        with conn.cursor() as cur:
            cur.execute("select name, last_value from ssi_sequences")
            wanted = dict(cur.fetchall())
        have = dict(
            rcur.execute("select sequence_name, last_value from duckdb_sequences()").fetchall()
        )
        for name, last in wanted.items():
            steps = int(last) - int(have.get(name) or 0)
            if name in have and steps > 0:
                rcur.execute("select count(nextval($n)) from range($k)", {"n": name, "k": steps})

    def _push_sequences(self, conn, rcur=None) -> None:
        rcur = rcur or self.replica.cursor()
        rows = rcur.execute("select sequence_name, last_value from duckdb_sequences() "
                            "where last_value is not null").fetchall()  # fmt: skip
        _send_sequences(conn, dict(rows))

    # restoring a backup
    def restore(self, tables: dict[str, Callable[[], pa.RecordBatchReader]],
                sequences: dict[str, int]) -> int:  # fmt: skip
        """Write a backup's tables straight into PostgreSQL, in one transaction; the version.

        Not through the replica: its single transaction cannot hold a two-year store. So
        this process's replica is left to be made again, table by table, when the store is
        next opened (the caller ``forget``s this link)."""
        with self._guard, self._locked_transaction() as conn:
            target = PgSide(conn, self.columns)
            copied = _copied_tables(self.replica.cursor())
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
                cur.execute("update store_state set version = version + 1 returning version")
                version = cur.fetchone()[0]
                cur.execute("insert into ssi_changes (version, imports, tables) "
                            "values (%s, %s, %s)", (version, [], copied))  # fmt: skip
        self._origin_file().unlink(missing_ok=True)
        return version

    # writing
    @contextmanager
    def writing(self, on_wait=None) -> Iterator[Writer]:
        """A PostgreSQL transaction holding the writer lock, the replica caught up under it."""
        with self._guard, self._locked_transaction(on_wait) as conn:
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
        self.forced: set[str] = set()

    def send(self, rcur: duckdb.DuckDBPyConnection, before: dict) -> int:
        change = change_between(before, fingerprints(rcur), self.forced)
        with self.conn.cursor() as cur:
            cur.execute("update store_state set version = version + 1 returning version")
            version = cur.fetchone()[0]
        rcur.execute(f"update {STATE} set version = $v", {"v": version})
        apply_change(change, DuckSide(rcur), PgSide(self.conn, self.link.columns))
        with self.conn.cursor() as cur:
            cur.execute("insert into ssi_changes (version, imports, tables) values (%s, %s, %s)",
                        (version, change.imports, change.tables))  # fmt: skip
        self.link._push_sequences(self.conn, rcur)
        return version


def _send_sequences(conn, last_values: dict[str, int | None]) -> None:
    """Move PostgreSQL's record of the id sequences on (never back)."""
    with conn.cursor() as cur:
        for name, last in last_values.items():
            if last is not None:
                cur.execute("insert into ssi_sequences values (%s, %s) on conflict (name) do "
                            "update set last_value = greatest(ssi_sequences.last_value, "
                            "excluded.last_value)", (name, last))  # fmt: skip


def _text_batches(con: duckdb.DuckDBPyConnection, rows: pa.RecordBatchReader,
                  columns: list[tuple[str, str]]) -> pa.RecordBatchReader:  # fmt: skip
    """``rows`` with every column as DuckDB's text, in the table's column order: the same
    text a replica sends, so PostgreSQL casts it the same way."""
    con.register("ssi_incoming", rows)
    cols = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c, _ in columns)
    return con.sql(f"select {cols} from ssi_incoming").to_arrow_reader(200_000)


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
