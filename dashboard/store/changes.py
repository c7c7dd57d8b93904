"""What one write changed, moved between a DuckDB replica and PostgreSQL.

What changed is found without scanning the big tables: every snapshot and activity row
carries the import that wrote it, and every write to those tables changes that import's row
in ``imports`` (the store refuses a write-set that does not: ``writes.settle``). So the
imports whose rows differ give the keys to copy. Small tables are copied whole when their
fingerprint moved. Rows always travel as text, cast by the receiving side with the column's
type, so every value round-trips exactly; the same function applies a change in either
direction (``apply_change``).
"""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.store.sql import Fragment, first_value, fragment_of, run_named, statement_of
from dashboard.store.writes import IMPORT_TABLES, Kept

# Tables whose rows carry the import that wrote them, with the columns that identify a row.
KEYED = {table: kept.key for table, kept in IMPORT_TABLES.items() if isinstance(kept, Kept)}
# Big tables whose rows carry the import that replaced them.
BY_REPLACER = ("snapshot_history", "activity_history")
# The weekly summary follows the activity rows it sums.
WEEKLY = ("activity_weekly", ("rep_id", "week", "metric"))
BIG = (*KEYED, *BY_REPLACER, WEEKLY[0])
STATE = "store_state"  # the version: set by the link, never copied as a table

PG_TYPES = {"INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "VARCHAR": "text", "DATE": "date", "TIMESTAMP": "timestamp",
            "BOOLEAN": "boolean"}  # fmt: skip


def duck_columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return run_named(cur, "table_columns", {"table": table}).fetchall()


def duck_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in run_named(cur, "store_tables").fetchall()]


def copied_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table a whole copy moves (the version is set by the link, not copied)."""
    return [t for t in duck_tables(cur) if t != STATE]


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
        return duck_columns(self.cur, table)

    def _text_columns(self, table: str) -> list:
        return [fragment_of("as_text", column=c) for c, _ in self.columns(table)]

    def _reader(self, cur: duckdb.DuckDBPyConnection) -> pa.RecordBatchReader:
        return cur.to_arrow_reader(200_000)

    def keys(self, table: str, key: tuple[str, ...], scope_col: str, scope: list[int]) -> pa.Table:
        columns = [fragment_of("as_text", column=c) for c in key]
        return run_named(self.cur, "keys_in_scope", {"scope": scope}, columns=columns,
                         table=table, scope=scope_col).to_arrow_table()  # fmt: skip

    def _key_join(self, table: str, key: tuple[str, ...], keys: pa.Table) -> tuple[str, list]:
        types = dict(self.columns(table))
        same = [fragment_of("same_key", column=c, type=types[c]) for c in key]
        return self._temp(keys), same

    def rows_for_keys(self, table, key, keys: pa.Table) -> pa.RecordBatchReader:
        name, same = self._key_join(table, key, keys)
        return self._reader(run_named(self.cur, "rows_as_text_for_keys", None,
                                      columns=self._text_columns(table), table=table, keys=name,
                                      same=same))  # fmt: skip

    def rows_where(self, table: str, scope_col: str, scope: list[int]) -> pa.RecordBatchReader:
        return self._reader(run_named(self.cur, "rows_as_text_in_scope", {"scope": scope},
                                      columns=self._text_columns(table), table=table,
                                      scope=scope_col))  # fmt: skip

    def all_rows(self, table: str) -> pa.RecordBatchReader:
        return self._reader(
            run_named(
                self.cur, "rows_as_text", None, columns=self._text_columns(table), table=table
            )
        )

    def delete_keys(self, table, key, keys: pa.Table) -> None:
        name, same = self._key_join(table, key, keys)
        run_named(self.cur, "deleted_keys", None, table=table, keys=name, same=same)

    def delete_where(self, table: str, scope_col: str, scope: list[int]) -> None:
        run_named(self.cur, "deleted_in_scope", {"scope": scope}, table=table, scope=scope_col)

    def delete_all(self, table: str) -> None:
        run_named(self.cur, "emptied_table", table=table)

    def is_empty(self, table: str) -> bool:
        return bool(first_value(run_named(self.cur, "table_is_empty", table=table)))

    def fill(self, table: str, rows: pa.RecordBatchReader | None) -> None:
        """Fill an empty table outside any transaction, building its indexes once after the
        rows: one transaction holding a two-year activity table and its unique index needs
        more memory than a replica may use, where the index built after the rows stayed
        within it. DuckDB cannot drop and rebuild an index inside the transaction that fills
        its table, hence outside."""
        indexes = run_named(self.cur, "table_indexes", {"table": table}).fetchall()
        for name, _ in indexes:
            run_named(self.cur, "dropped_index", index=name)
        self.insert(table, rows)
        for _, definition in indexes:
            self.cur.execute(definition)  # the replica's own index, as its catalogue wrote it

    def insert(self, table: str, rows: pa.RecordBatchReader | None) -> None:
        if rows is None:
            return
        cols = self.columns(table)
        run_named(self.cur, "inserted_rows", None, table=table, columns=[c for c, _ in cols],
                  values=[fragment_of("cast_as", column=c, type=t) for c, t in cols],
                  source=self._temp(rows))  # fmt: skip


_TEMP_NAMES = itertools.count(1)


class PgSide:
    """PostgreSQL: a psycopg connection inside a transaction."""

    def __init__(self, conn, columns_of):
        self.conn = conn
        self._columns_of = columns_of  # the replica's catalogue: the same tables and columns

    def columns(self, table: str) -> list[tuple[str, str]]:
        return self._columns_of(table)

    def _copy_out(
        self, select: Fragment, columns: list[str], params: tuple = ()
    ) -> pa.RecordBatchReader | None:
        spool = tempfile.TemporaryFile()
        with (
            self.conn.cursor() as cur,
            cur.copy(statement_of("pg_copy_out", select=select), params) as copy,
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
        with (
            self.conn.cursor() as cur,
            cur.copy(statement_of("pg_copy_in", table=table, columns=columns)) as copy,
        ):
            for batch in _batches(rows):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, _NO_HEADER)
                copy.write(buffer.getvalue())

    def _run(self, name: str, params: tuple = (), /, **slots: Any) -> None:
        with self.conn.cursor() as cur:
            cur.execute(statement_of(name, **slots), params)

    def _text_rows(self, table: str, query: str, params: tuple = (), /, **slots: Any):
        names = [c for c, _ in self.columns(table)]
        columns = [fragment_of("pg_as_text", column=c) for c in names]
        select = fragment_of(query, columns=columns, table=table, **slots)
        return self._copy_out(select, names, params)

    def _keys_table(self, table: str, key: tuple[str, ...], keys: pa.Table) -> str:
        types = dict(self.columns(table))
        name = f"ssi_keys_{next(_TEMP_NAMES)}"
        spec = [fragment_of("pg_column_spec", column=c, type=PG_TYPES[types[c]]) for c in key]
        self._run("pg_keys_table", table=name, columns=spec)
        self._copy_in(name, list(key), keys)
        return name

    def keys(self, table, key, scope_col, scope) -> pa.Table:
        columns = [fragment_of("pg_as_text", column=c) for c in key]
        select = fragment_of("pg_keys_in_scope", columns=columns, table=table, scope=scope_col)
        found = self._copy_out(select, list(key), (scope,))
        if found is None:
            return pa.table({c: pa.array([], pa.string()) for c in key})
        return found.read_all()

    def _same(self, key: tuple[str, ...]) -> list[Fragment]:
        return [fragment_of("pg_same_key", column=c) for c in key]

    def rows_for_keys(self, table, key, keys):
        name = self._keys_table(table, key, keys)
        return self._text_rows(table, "pg_rows_as_text_for_keys", keys=name, same=self._same(key))

    def rows_where(self, table, scope_col, scope):
        return self._text_rows(table, "pg_rows_as_text_in_scope", (scope,), scope=scope_col)

    def all_rows(self, table):
        return self._text_rows(table, "pg_rows_as_text")

    def delete_keys(self, table, key, keys) -> None:
        name = self._keys_table(table, key, keys)
        self._run("pg_deleted_keys", table=table, keys=name, same=self._same(key))

    def delete_where(self, table, scope_col, scope) -> None:
        self._run("pg_deleted_in_scope", (scope,), table=table, scope=scope_col)

    def delete_all(self, table) -> None:
        self._run("pg_emptied_table", table=table)

    def is_empty(self, table: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute(statement_of("pg_table_is_empty", table=table))
            return cur.fetchone()[0]

    def insert(self, table, rows) -> None:
        if rows is None:
            return
        indexes = []
        if table in BIG and self.is_empty(table):
            # Filling an empty table (a demo, a restore): build its indexes once, after.
            with self.conn.cursor() as cur:
                cur.execute(statement_of("pg_table_indexes"), (table,))
                indexes = cur.fetchall()
            for name, _ in indexes:
                self._run("pg_dropped_index", index=name)
        self._copy_in(table, [c for c, _ in self.columns(table)], rows)
        with self.conn.cursor() as cur:
            for _, definition in indexes:
                cur.execute(definition)  # PostgreSQL's own index, as its catalogue wrote it


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
    for table in duck_tables(cur):
        if table == STATE:
            continue
        if table in BIG:
            found[table] = first_value(run_named(cur, "rows_counted", table=table))
        else:
            found[table] = run_named(cur, "rows_fingerprint", table=table).fetchone()
    found["imports by row"] = dict(run_named(cur, "imports_by_row").fetchall())
    return found


def change_between(before: dict, after: dict) -> Change:
    rows_before, rows_after = before["imports by row"], after["imports by row"]
    imports = sorted(i for i in rows_before.keys() | rows_after.keys()
                     if rows_before.get(i) != rows_after.get(i))  # fmt: skip
    tables = {
        t for t in after if t != "imports by row" and t not in BIG and before.get(t) != after[t]
    }
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
        con.register("activity_keys", activity_keys)
        return run_named(con, "weeks_of_activity_keys").to_arrow_table()
    finally:
        con.close()
