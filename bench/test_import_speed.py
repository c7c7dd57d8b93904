"""Import speed against DuckDB's own read_csv of the same file, measured in the same run.

Run with `make bench`. Prints its figures; docs/PERFORMANCE.md records them.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from bench.record import record
from bench.timing import spread
from dashboard.ingest import import_file
from dashboard.scoring import leaderboard
from dashboard.store import Store

pytestmark = pytest.mark.bench
ROWS = int(os.environ.get("BENCH_ROWS", 1_500_000))
REPS = 5_000
RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", 3))


def write_export(path: Path, rows: int, seed: int = 1) -> None:
    """A team export with a date column: REPS people over rows / REPS days."""
    rng = np.random.default_rng(seed)
    days = rows // REPS
    rep = np.tile(np.arange(REPS), days)
    pillars = np.round(rng.uniform(0, 25, size=(len(rep), 4)), 2)
    start = date(2025, 1, 1)
    frame = pd.DataFrame({
        "Name": [f"Rep {i:05d}" for i in range(REPS)] * days,
        "Email": [f"rep{i:05d}@example.com" for i in range(REPS)] * days,
        "Team": [f"Team {i % 40:02d}" for i in range(REPS)] * days,
        "Date": pd.Series(pd.to_datetime([start + timedelta(days=int(d)) for d in range(days)]))
                  .dt.strftime("%Y-%m-%d").to_numpy().repeat(REPS),
        "SSI": np.round(pillars.sum(axis=1), 2),
        "Brand": pillars[:, 0], "People": pillars[:, 1], "Insights": pillars[:, 2],
        "Relationships": pillars[:, 3],
        "Profile views": rng.integers(0, 40, len(rep)),
        "Searches performed": rng.integers(0, 20, len(rep)),
    })  # fmt: skip
    frame.to_csv(path, index=False)


# The floor of any import that stores this file as the store holds it (readings, and one
# activity row per person, day and metric): the file read with its numbers as numbers, the
# people and teams named, both tables written, one commit. No check, no change detection, no
# summary, no undo record. Measured in turn with read_csv and import_file, it says how much
# of the 2 x read_csv budget storing the rows takes before the import does anything else.
FLOOR_COLUMNS = {"name": "VARCHAR", "email": "VARCHAR", "team": "VARCHAR", "day": "DATE",
                 "ssi": "DOUBLE", "brand": "DOUBLE", "people": "DOUBLE", "insights": "DOUBLE",
                 "relationships": "DOUBLE", "profile_views": "DOUBLE", "searches": "DOUBLE"}  # fmt: skip
FLOOR_SQL = """
create temp table floor_cells as
select * from read_csv($path, header = true, auto_detect = false, columns = $columns);
insert into teams (name) select distinct team from floor_cells;
create temp table floor_people as
select f.name, f.email, f.team, nextval('rep_ids') as rep_id, t.team_id
from (select distinct name, email, team from floor_cells) f join teams t on t.name = f.team;
insert into reps (rep_id, name, email) select rep_id, name, email from floor_people;
create temp table floor_rows as
select p.rep_id, p.team_id, c.* exclude (name, email, team)
from floor_cells c join floor_people p using (name, email, team);
insert into snapshots (rep_id, day, team_id, ssi, brand, people, insights, relationships,
                       source, import_id)
select rep_id, day, team_id, ssi, brand, people, insights, relationships, 'reported', 1
from floor_rows;
insert into activity by name
select rep_id, day, team_id, metric, value, 1 as import_id, null as period_end
from (unpivot (select rep_id, day, team_id, profile_views, searches from floor_rows)
      on profile_views, searches into name metric value value);
"""


def write_only(path: Path, db: Path) -> tuple[float, int]:
    """The floor above into a new store: (seconds of the write and commit, activity rows)."""
    with Store(db) as store:
        start = time.perf_counter()
        with store.transaction() as cur:
            cur.execute(FLOOR_SQL, {"path": str(path), "columns": FLOOR_COLUMNS})
        seconds = time.perf_counter() - start
        return seconds, int(store.df_sql("select count(*) as n from activity")["n"][0])


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def stage_times(store: Store, path: Path) -> tuple[float, Counter]:
    """One import with each named query timed: where its time goes."""
    spent: Counter = Counter()
    original = Store._run

    def timed_run(self, cur, query, params, translate=True):
        start = time.perf_counter()
        try:
            return original(self, cur, query, params, translate)
        finally:
            spent[query.name] += time.perf_counter() - start

    Store._run = timed_run
    try:
        total = timed(lambda: import_file(store, path))
    finally:
        Store._run = original
    return total, spent


def unique_index_cost(source: Path, work: Path) -> tuple[float, float, int]:
    """Seconds to insert the imported activity rows into an empty activity table and
    commit, without and with the store's unique (rep_id, day, metric) index."""
    found = []
    for indexed in (False, True):
        db = work / f"index_{indexed}.duckdb"
        con = duckdb.connect(str(db))
        con.execute("attach $p as src (read_only)", {"p": str(source)})
        con.execute("create table a as select * from src.activity limit 0")
        if indexed:
            con.execute("create unique index a_key on a (rep_id, day, metric)")
        con.execute("create temp table rows_in as select * from src.activity")
        n = con.execute("select count(*) from rows_in").fetchone()[0]
        con.execute("begin")
        found.append(timed(lambda con=con: (con.execute("insert into a select * from rows_in"),
                                            con.execute("commit"))))  # fmt: skip
        con.close()
    return found[0], found[1], n


def test_import_against_read_csv(tmp_path):
    path = tmp_path / "big_export.csv"
    write_export(path, ROWS)
    size_mb = path.stat().st_size / 1e6

    def baseline():
        con = duckdb.connect(str(tmp_path / "baseline.duckdb"))
        con.execute("create or replace table t as select * from read_csv($p)", {"p": str(path)})
        con.close()

    # Taken in turn (read_csv, the floor, the import, the import again), so that each ratio
    # compares runs made under the same load of the machine.
    bases, floors, imports, agains, results = [], [], [], [], []
    for i in range(RUNS):
        bases.append(timed(baseline))
        seconds, floor_activity = write_only(path, tmp_path / f"floor{i}.duckdb")
        floors.append(seconds)
        store = Store(tmp_path / f"bench{i}.duckdb")
        imports.append(timed(lambda store=store: results.append(import_file(store, path))))
        agains.append(timed(lambda store=store: import_file(store, path)))
        store.close()
    base = statistics.median(bases)
    store = Store(tmp_path / "bench0.duckdb")
    board = timed(lambda: leaderboard(store))
    store.close()
    store = Store(tmp_path / "staged.duckdb")
    total, spent = stage_times(store, path)
    store.close()
    bare, indexed, activity_rows = unique_index_cost(tmp_path / "bench0.duckdb", tmp_path)
    ratios = [t / b for t, b in zip(imports, bases, strict=True)]  # each with its own turn
    floor_ratios = [t / b for t, b in zip(floors, bases, strict=True)]
    lines = [
        f"file: {ROWS:,} rows, {size_mb:.0f} MB ({REPS:,} reps x {ROWS // REPS} days, 11 columns)",
        f"DuckDB read_csv into a table (baseline):    {spread(bases)} ms",
        f"the floor: read, name people, write, commit: {spread(floors)} ms "
        f"= {statistics.median(floor_ratios):.1f} x read_csv "
        f"({min(floor_ratios):.1f}-{max(floor_ratios):.1f}; no check, no summary)",
        f"import_file, validated, into a new store:   {spread(imports)} ms "
        f"= {statistics.median(ratios):.1f} x read_csv ({min(ratios):.1f}-{max(ratios):.1f})",
        f"the same file again (recognised, nothing):  {spread(agains)} ms "
        f"= {statistics.median(agains) / base:.2f} x read_csv",
        f"leaderboard over the {REPS:,} reps after it:   {board * 1000:,.0f} ms",
        f"one import, timed by query ({total:.2f} s):",
        *[
            f"  {name.replace('(inline)', 'typed projection, checks'):<28} {seconds:5.2f} s"
            for name, seconds in spent.most_common(10)
        ],
        f"  {'commit, file read, hashing':<28} {total - sum(spent.values()):5.2f} s",
        f"the unique index on activity: {activity_rows:,} rows inserted and committed in "
        f"{bare:.2f} s without it, {indexed:.2f} s with it",
    ]
    print("\n" + "\n".join(lines))
    record("import_speed", lines)
    assert all(r.rows_loaded == ROWS for r in results)
    assert floor_activity == activity_rows  # the floor wrote what the import wrote
