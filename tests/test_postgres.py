"""PostgreSQL stores: PostgreSQL holds exactly what the writing process's replica holds, other
processes' replicas catch up to it, and answers equal a file store's given the same files."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import psycopg
import pytest
from conftest import write_twice
from streamlit.testing.v1 import AppTest
from test_activity_summary import daily_file, weekly_file

from dashboard.errors import DashboardError
from dashboard.ingest import import_file, undo_import
from dashboard.store import Store, postgres
from dashboard.store.backup import backup, restore

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.backends("postgresql")


def cli(*args: str, db: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "dashboard", *args, "--db", db],
                          capture_output=True, text=True, cwd=ROOT, timeout=180,
                          env={**os.environ, **env})  # fmt: skip


def every_table(con, skip_types: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> dict:
    """Every row of every table of a replica (a DuckDB connection), sorted."""
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary"
    ).fetchall()]  # fmt: skip
    found = {}
    for table in (t for t in tables if t not in skip):
        cols = [c for c, t in con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = $t "
            "order by column_index", {"t": table}).fetchall() if t not in skip_types]  # fmt: skip
        names = ", ".join(f'"{c}"' for c in cols)
        found[table] = con.execute(f'select {names} from "{table}" order by all').fetchall()  # noqa: S608 (catalogue names)
    return found


def snapshot_file(rng: random.Random) -> str:
    rows = ["Name,Team,Date,SSI,Brand,People,Insights,Relationships"]
    for person in rng.sample(["Ann", "Bob", "Cy", "Dee"], rng.randint(1, 4)):
        day = f"2026-11-{rng.randint(1, 20):02d}"
        p = [rng.randint(0, 25) for _ in range(4)]
        rows.append(
            f"{person},{rng.choice(['East', 'West'])},{day},{sum(p)},{p[0]},{p[1]},{p[2]},{p[3]}"
        )
    return "\n".join(rows) + "\n"


def other_replica(url: str, folder: Path, monkeypatch) -> postgres.Link:
    """A second process's view of the store: a link with a replica of its own."""
    monkeypatch.setenv(postgres.CACHE_ENV, str(folder))
    return postgres.Link(url)


def test_every_table_matches_across_replicas_and_a_file_store(pg_url, tmp_path, monkeypatch):
    rng = random.Random(7)
    store = Store(pg_url)
    file_store = Store(tmp_path / "same.duckdb")
    follower = other_replica(pg_url, tmp_path / "follower", monkeypatch)
    loaded: list[int] = []
    for step in range(24):
        if loaded and rng.random() < 0.3:
            victim = rng.choice(loaded)
            outcomes = []
            for s in (store, file_store):
                try:
                    undo_import(s, victim)
                    outcomes.append("undone")
                except DashboardError as exc:
                    outcomes.append(str(exc))
            assert outcomes[0] == outcomes[1]
            if outcomes[0] == "undone":
                loaded.remove(victim)
        else:
            kind = rng.random()
            text = (snapshot_file(rng) if kind < 0.4 else weekly_file(rng) if kind < 0.55
                    else daily_file(rng, step))  # fmt: skip
            path = tmp_path / f"f{step}.csv"
            path.write_text(text)
            results = []
            for s in (store, file_store):
                try:
                    results.append(import_file(s, path).import_id)
                except DashboardError as exc:
                    results.append(str(exc))
            assert results[0] == results[1]
            if isinstance(results[0], int):
                loaded.append(results[0])
        follower.version()  # catches up from the change log, as at a rerun
        mine = every_table(store._backend.cursor())
        assert every_table(follower.replica) == mine, f"step {step}"
        # Same rows as the file store, but for when things happened.
        assert every_table(store._backend.cursor(), ("TIMESTAMP",)) == every_table(
            file_store._backend.cursor(), ("TIMESTAMP",)
        ), f"step {step}"
    assert len(loaded) > 5
    # A process starting with no replica copies the whole store and sees the same.
    newcomer = other_replica(pg_url, tmp_path / "newcomer", monkeypatch)
    assert every_table(newcomer.replica) == every_table(store._backend.cursor())
    for link in (follower, newcomer):
        link.close()
    file_store.close()


def test_cli_answers_equal_the_file_store_answers(pg_url, tmp_path):
    files = sorted((ROOT / "data" / "samples").glob("*.csv"))
    local = str(tmp_path / "local.duckdb")
    for db in (pg_url, local):
        out = cli("import", *map(str, files), db=db)
        assert "Traceback" not in out.stderr
        assert cli("undo", "3", db=db).returncode == 0
    for command in (["leaderboard", "--format", "json"], ["rep", "Ann Lee", "--format", "json"],
                    ["imports"]):  # fmt: skip
        pg, file = cli(*command, db=pg_url), cli(*command, db=local)
        assert pg.returncode == file.returncode == 0
        when = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?")  # import times differ
        assert when.sub("T", pg.stdout) == when.sub("T", file.stdout), command
        assert pg.stdout.strip()


def test_an_import_in_another_process_shows_at_the_next_rerun(pg_url, tmp_path, monkeypatch):
    first = tmp_path / "ssi_2026-11-20.csv"
    first.write_text("Name,Team,SSI\nAnn,East,40\n")
    assert cli("import", str(first), db=pg_url).returncode == 0
    monkeypatch.setenv("SSI_DASHBOARD_DB", pg_url)
    monkeypatch.setenv("SSI_AUTH", "none")
    monkeypatch.setenv(postgres.CACHE_ENV, str(tmp_path / "dashboard-replica"))
    at = AppTest.from_file(str(ROOT / "dashboard" / "web" / "app.py"), default_timeout=90).run()
    assert not at.exception
    board = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert board["rep"].tolist() == ["Ann"]
    second = tmp_path / "ssi_2026-11-20b.csv"
    second.write_text("Name,Team,Date,SSI\nBob,East,2026-11-20,60\n")
    out = cli("import", str(second), db=pg_url, SSI_LOCK_WAIT="0")
    assert out.returncode == 0, out.stderr
    at.run()
    board = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert board["rep"].tolist() == ["Bob", "Ann"]


def test_a_writer_waits_for_the_lock_then_says_the_store_stayed_busy(pg_url, tmp_path):
    Store(pg_url)
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,SSI\nAnn,40\n")
    holder = psycopg.connect(pg_url)
    holder.execute("select pg_advisory_xact_lock(%s)", (postgres.LOCK_KEY,))
    try:
        out = cli("import", str(f), db=pg_url, SSI_LOCK_WAIT="0.5")
    finally:
        holder.rollback()
        holder.close()
    assert out.returncode == 1
    assert "waiting for another program to finish writing" in out.stderr
    assert "stayed busy with another writer" in out.stderr and "SSI_LOCK_WAIT" in out.stderr
    assert "Traceback" not in out.stderr and "psycopg" not in out.stderr
    # Reads never wait for a writer.
    assert cli("imports", db=pg_url, SSI_LOCK_WAIT="0").returncode == 0
    assert "loaded 1 new" in cli("import", str(f), db=pg_url).stdout


def test_init_makes_the_schema_and_an_unreachable_server_is_a_message(pg_url, pg_server):
    out = cli("init", db=pg_url)
    assert out.returncode == 0, out.stderr
    assert "schema version" in out.stdout and "@" in out.stdout
    with psycopg.connect(pg_url) as conn:
        tables = {r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'public'")}  # fmt: skip
    assert {"snapshots", "activity", "imports", "users", "ssi_changes", "store_state"} <= tables
    gone = f"postgresql://postgres:secret@127.0.0.1:{pg_server.port + 1}/nothing"
    out = cli("leaderboard", db=gone)
    assert out.returncode == 1 and "Could not reach the PostgreSQL store" in out.stderr
    assert "secret" not in out.stderr and "Traceback" not in out.stderr


def test_backup_and_restore_between_postgresql_and_files_round_trip(pg_url, pg_server, tmp_path):
    sample = ROOT / "data" / "samples"
    assert cli("import", *map(str, sorted(sample.glob("*.csv"))), db=pg_url).stderr.count(
        "Traceback") == 0  # fmt: skip
    with Store(pg_url) as s:
        backup(s, tmp_path / "b1")
        original = every_table(s._backend.cursor(), skip=("store_state",))
    # Into a new PostgreSQL database, and from there into a file: every table the same.
    target = pg_server.create_database("restored_" + tmp_path.name[-8:].lower().replace("-", "_"))
    restore(tmp_path / "b1", target)
    with Store(target) as s:
        assert every_table(s._backend.cursor(), skip=("store_state",)) == original
        backup(s, tmp_path / "b2")
    restore(tmp_path / "b2", tmp_path / "r.duckdb")
    with Store(tmp_path / "r.duckdb") as s:
        assert every_table(s._backend.cursor(), skip=("store_state",)) == original
    # The restored store hands out the ids that come next, as the original does.
    late = tmp_path / "ssi_2026-11-21.csv"
    late.write_text("Name,Team,SSI\nLate Starter,New Team,33\n")
    for db in (pg_url, target):
        assert cli("import", str(late), db=db).returncode == 0
    ids = []
    for db in (pg_url, target):
        with Store(db) as s:
            ids.append(s._backend.cursor().execute("select max(import_id), max(rep_id), max(team_id) from "
                                      "imports, reps, teams").fetchone())  # fmt: skip
    assert ids[0] == ids[1]
    # Restore refuses a PostgreSQL store that holds data.
    with pytest.raises(DashboardError, match="holds data already"):
        restore(tmp_path / "b1", pg_url)
    postgres.forget(target)


HALF_MADE = """
import os, sys
from dashboard.store import postgres
from dashboard.store import Store
made = []
real = postgres.DuckSide.fill
def fill(self, table, rows):
    made.append(table)
    if len(made) == 4:
        os._exit(9)  # the process dies while making its replica
    real(self, table, rows)
postgres.DuckSide.fill = fill
Store(sys.argv[1])
"""


def test_a_replica_whose_process_died_while_making_it_is_made_again(pg_url, tmp_path):
    sample = ROOT / "data" / "samples"
    assert "Traceback" not in cli("import", *map(str, sorted(sample.glob("*.csv"))),
                                  db=pg_url).stderr  # fmt: skip
    with Store(pg_url) as s:
        assert s.scalar("count_imports") > 3
        original = every_table(s._backend.cursor(), skip=("store_state",))
    folder = tmp_path / "another_machine"
    env = {postgres.CACHE_ENV: str(folder)}
    import os

    died = subprocess.run([sys.executable, "-c", HALF_MADE, pg_url], cwd=ROOT, timeout=180,
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert died.returncode == 9
    (left,) = folder.glob("*.duckdb")
    with duckdb.connect(str(left)) as half:
        assert half.execute("select version from store_state").fetchone()[0] == -1
    out = cli("leaderboard", "--format", "json", db=pg_url, **env)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    with duckdb.connect(str(left)) as remade:
        assert every_table(remade, skip=("store_state",)) == original


def test_a_store_that_went_back_in_time_is_copied_again(pg_url, tmp_path, monkeypatch):
    """A pg_restore of an older dump: the version goes back and the log does not explain it."""
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nAnn,East,40\nBob,East,50\n")
    with Store(pg_url) as store:
        import_file(store, f)
    follower = other_replica(pg_url, tmp_path / "follower", monkeypatch)
    assert sorted(r[0] for r in follower.replica.execute("select name from reps").fetchall()) == [
        "Ann", "Bob"]  # fmt: skip
    with psycopg.connect(pg_url) as conn:  # what the older dump held
        conn.execute(
            "delete from snapshots where rep_id = (select rep_id from reps where name = 'Bob')"
        )
        conn.execute("delete from reps where name = 'Bob'")
        older = conn.execute("update store_state set version = version - 1 returning version")
        older = older.fetchone()[0]
        conn.execute("delete from ssi_changes where version > %s", (older,))
    assert follower.version() == older
    assert [r[0] for r in follower.replica.execute("select name from reps").fetchall()] == ["Ann"]
    assert follower.replica.execute("select count(*) from snapshots").fetchone()[0] == 1
    follower.close()


def test_a_running_process_that_cannot_take_a_whole_copy_says_restart(
    pg_url, tmp_path, monkeypatch
):
    """What a two-year store replaced under a running process did: DuckDB ran out of memory."""
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nAnn,East,40\nBob,East,50\n")
    with Store(pg_url) as store:
        import_file(store, f)
    follower = other_replica(pg_url, tmp_path / "follower", monkeypatch)
    with psycopg.connect(pg_url) as conn:  # replaced: the version goes back, unexplained
        conn.execute("delete from snapshots")
        older = conn.execute("update store_state set version = version - 1 returning version")
        conn.execute("delete from ssi_changes where version > %s", (older.fetchone()[0],))

    def out_of_memory(*args):
        raise duckdb.OutOfMemoryException("could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(postgres, "apply_change", out_of_memory)
    with pytest.raises(postgres.StoreError, match="Restart it"):
        follower.version()
    # Nothing half-copied: the replica still holds what it had.
    assert follower.replica.execute("select count(*) from snapshots").fetchone()[0] == 2
    follower.close()


def test_a_store_made_before_migration_7_is_upgraded_and_keeps_the_activity_rule(
    pg_url, tmp_path, monkeypatch
):
    """A PostgreSQL store of schema 6 (unique index on activity) opened by this version:
    the migration runs on a replica, every row comes through, and the rule it moved from the
    index to the writes still refuses a second value."""
    import dashboard.store.schema as schema_module
    from dashboard.errors import StoreError
    from dashboard.store.sql import Query

    every = schema_module.migrations()
    monkeypatch.setattr(schema_module, "migrations", lambda *a: every[:6])
    monkeypatch.setenv(postgres.CACHE_ENV, str(tmp_path / "before"))
    old = Store(pg_url)
    assert old.schema_version() == 6
    path = tmp_path / "activity.csv"
    path.write_text("Name,Date,SSI,Profile views,Searches performed\n"
                    "Ann,2025-01-02,40,12,3\nBob,2025-01-02,50,7,1\n")  # fmt: skip
    with monkeypatch.context() as m:  # version 6 had no summaries of readings (migration 008)
        for name in ("reps_of_touched_readings", "refresh_latest_readings", "team_days_rules"):
            m.setitem(old.queries, name, Query.parse(name, "select 1 where false"))
        import_file(old, path)
    old.close()
    postgres.forget(pg_url)  # as a new process, which opens the store afresh

    monkeypatch.setattr(schema_module, "migrations", lambda *a: every)
    monkeypatch.setenv(postgres.CACHE_ENV, str(tmp_path / "after"))
    store = Store(pg_url)
    assert store.schema_version() == every[-1][0] >= 7
    assert store.df_sql("select rep_id, metric, value from activity order by all").values.tolist() == [
        [1, "profile_views", 12.0], [1, "searches", 3.0],
        [2, "profile_views", 7.0], [2, "searches", 1.0]]  # fmt: skip
    assert store.df_sql("select index_name from duckdb_indexes() order by all")[
        "index_name"].tolist() == []  # fmt: skip
    write_twice(monkeypatch)
    path.write_text("Name,Date,SSI,Profile views\nAnn,2025-01-03,41,15\n")
    with pytest.raises(StoreError, match="one activity value per person, day and metric"):
        import_file(store, path)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select count(*) from activity").fetchone()[0] == 4
