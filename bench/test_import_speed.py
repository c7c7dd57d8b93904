"""Import speed against DuckDB's own read_csv of the same file, measured in the same run.

Run with `make bench`. Prints its figures; docs/PERFORMANCE.md records them.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.ingest import import_file
from dashboard.scoring import leaderboard
from dashboard.store import Store

pytestmark = pytest.mark.bench
ROWS = int(os.environ.get("BENCH_ROWS", 1_500_000))
REPS = 5_000


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


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_import_against_read_csv(tmp_path):
    path = tmp_path / "big_export.csv"
    write_export(path, ROWS)
    size_mb = path.stat().st_size / 1e6

    def baseline():
        con = duckdb.connect(str(tmp_path / "baseline.duckdb"))
        con.execute("create or replace table t as select * from read_csv($p)", {"p": str(path)})
        con.close()

    base = min(timed(baseline) for _ in range(2))
    store = Store(tmp_path / "bench.duckdb")
    result = None

    def run_import():
        nonlocal result
        result = import_file(store, path)

    ours = timed(run_import)
    again = timed(lambda: import_file(store, path))
    board = timed(lambda: leaderboard(store))
    print(f"\nfile: {ROWS:,} rows, {size_mb:.0f} MB")
    print(f"duckdb read_csv into a table (best of 2): {base:.2f} s")
    print(f"import_file, validated, into the store:   {ours:.2f} s  ({ours / base:.2f} x read_csv)")
    print(f"same file again (recognised, no work):    {again:.3f} s")
    print(f"leaderboard over {REPS:,} reps after it:     {board:.3f} s")
    assert result.rows_loaded == ROWS
