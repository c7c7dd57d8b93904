"""The store keeps what a write implies (dashboard/store/writes.py): every table that carries
an import is declared, a write that moves an import declares what it touched, and the
summaries follow from the declaration for every writer."""

from __future__ import annotations

import pytest

from dashboard.errors import StoreError
from dashboard.store import Store, writes
from dashboard.store.schema import run_migrations

HEAD = "Name,Date,SSI,Brand,People,Insights,Relationships\n"


def import_tables(store: Store) -> set[str]:
    found = store.df_sql(
        "select distinct table_name from duckdb_columns() where schema_name = 'main' "
        "and column_name in ('import_id', 'replaced_by')"
    )
    return set(found["table_name"])


def test_every_table_that_carries_an_import_is_declared(store):
    """Read from the schema, not a hand list: a new table with an import_id is either
    kept from the write-set or says why it needs nothing."""
    carried = import_tables(store)
    assert {"snapshots", "activity", "imports", "snapshot_history"} <= carried
    assert carried <= writes.IMPORT_TABLES.keys()
    writes.check_import_tables(store._backend.cursor())  # the check the migrations run


@pytest.mark.backends("duckdb")
def test_a_new_table_with_an_import_id_is_refused_until_it_is_declared(tmp_path, monkeypatch):
    """A toy writer: its table carries an import_id, so the store refuses its schema until
    IMPORT_TABLES says what a write to it needs."""
    toy = tmp_path / "toy"
    toy.mkdir()
    from dashboard.store import schema

    every = schema.migrations()
    extra = (every[-1][0] + 1, "999_toy.sql",
             "create table toy_goals (goal_id integer, import_id integer not null);")  # fmt: skip
    monkeypatch.setattr(schema, "migrations", lambda *a: [*every, extra])
    with pytest.raises(StoreError, match=r"toy_goals carry an import but .*IMPORT_TABLES"):
        Store(tmp_path / "a.duckdb")
    monkeypatch.setitem(writes.IMPORT_TABLES, "toy_goals", writes.NeedsNothing("a toy"))
    with Store(tmp_path / "b.duckdb") as store:
        assert "toy_goals" in import_tables(store)
        writes.check_import_tables(store._backend.cursor())
        assert run_migrations(store._backend.cursor()) == []


def test_a_write_that_moves_an_import_without_declaring_is_refused(load, store):
    load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    before = store.df_sql("select * from snapshots order by all")
    with pytest.raises(StoreError, match="without declaring what it touched"):
        with store.transaction() as cur:
            cur.execute("update snapshots set ssi = 55")
            cur.execute("update imports set rows_updated = 1")
    assert store.df_sql("select * from snapshots order by all").equals(before)


def test_a_write_set_without_an_import_to_say_so_is_refused(load, store):
    """PostgreSQL finds what a write changed through the imports it moved: a declared
    write that moved none would not reach other processes."""
    load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    with pytest.raises(StoreError, match="without an import row"):
        with store.transaction() as cur:
            cur.execute("update snapshots set ssi = 55")
            cur.touched("touched_readings", "readings_of_every_rep")
    assert store.df_sql("select ssi from snapshots")["ssi"].tolist() == [40]


def test_an_unknown_write_set_is_refused(store):
    with pytest.raises(StoreError, match="not a write-set"), store.transaction() as cur:
        cur.touched("touched_goals", "readings_of_import")


def test_a_declared_hand_write_keeps_every_summary(load, store):
    """A writer other than the importer (here, by hand) that declares what it touched gets
    the latest readings, the bases of the changes and the team days kept for it."""
    from dashboard.scoring.team_days import resum_store

    load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nAnn,2026-01-09,50,12,12,13,13\n")
    resum_store(store)  # the team days, under the rules in force
    with store.transaction() as cur:
        cur.execute("insert into imports (import_id, file_name, content_hash, format, imported_at) "
                    "values (99, 'by hand', 'h99', 'test', now())")  # fmt: skip
        cur.execute("update snapshots set ssi = 70, import_id = 99 where day = '2026-01-09'")
        cur.touched("touched_readings", "readings_of_every_rep")
    latest = store.df_sql("select ssi from rep_latest")["ssi"].tolist()
    bases = store.df_sql("select window_days, ssi from rep_change_bases order by 1")
    team = store.df_sql("select ssi_sum / reps as ssi from team_days where day = '2026-01-09'")
    assert latest == [70]
    assert bases.values.tolist() == [[7, 40]]  # none 30 days before
    assert team["ssi"].tolist() == [70]
