"""The admin's Monday upload into a store of 10,000 reps over two years.

A team export for the day after the store's last reading: every rep, SSI, pillars, two
activity columns and two columns the importer does not know. Imported into a copy of the
big store (bench/stores.py builds or names it), each import in a new process as the
dashboard's upload page runs after a restart, then undone. Baseline, same run: the same
files into a store that holds only those reps. Run with `make bench`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from bench.record import record
from bench.stores import END, ROOT, big_store, summed
from dashboard.store import Store

pytestmark = pytest.mark.bench

IMPORT = """
import json, sys, time
from dashboard.ingest import import_file, undo_import
from dashboard.store import Store
store = Store(sys.argv[1])
start = time.perf_counter()
if sys.argv[2] == "undo":
    undo_import(store, int(sys.argv[3]))
    import_id, loaded = int(sys.argv[3]), 0
else:
    result = import_file(store, sys.argv[2])
    import_id, loaded = result.import_id, result.rows_loaded
took = time.perf_counter() - start
store.close()
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": took, "peak_mb": peak, "import_id": import_id, "loaded": loaded}))
"""


def in_new_process(store: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", IMPORT, str(store), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def monday_export(source: Path, day, path: Path, seed: int) -> int:
    """Every rep with a reading in the store's last 30 days, in the team they were in."""
    con = duckdb.connect(str(source), read_only=True)
    reps = con.execute(
        "select r.name, r.email, t.name as team from reps r join (select rep_id, "
        "arg_max(team_id, day) as team_id from snapshots where day > $since group by rep_id) "
        "x using (rep_id) join teams t using (team_id) order by r.rep_id",
        {"since": END - timedelta(days=30)},
    ).df()
    con.close()
    rng = np.random.default_rng(seed)
    pillars = rng.uniform(5, 24, size=(len(reps), 4)).round(2)
    pd.DataFrame({
        "Name": reps["name"], "Email": reps["email"], "Team": reps["team"],
        "Date": day.isoformat(), "SSI": pillars.sum(axis=1).round(2),
        "Brand": pillars[:, 0], "People": pillars[:, 1], "Insights": pillars[:, 2],
        "Relationships": pillars[:, 3],
        "Profile views": rng.integers(0, 40, len(reps)),
        "Searches performed": rng.integers(0, 20, len(reps)),
        "Region (CRM)": "EMEA", "Notes": "",
    }).to_csv(path, index=False)  # fmt: skip
    return len(reps)


def spread_of(figures: list[dict], key: str, unit: float = 1.0) -> str:
    return " / ".join(f"{f[key] * unit:,.2f}" for f in figures)


def test_monday_upload_into_a_two_year_store(tmp_path):
    source = big_store()
    copy = tmp_path / "big.duckdb"
    start = time.perf_counter()
    shutil.copyfile(source, copy)
    copied = time.perf_counter() - start
    start = time.perf_counter()
    Store(copy).close()  # migrations this copy has not had yet (007 drops two indexes)
    migrated = time.perf_counter() - start
    first = summed(copy)  # so the first import is not the one that sums the team days
    files = [tmp_path / f"team_ssi_{END + timedelta(days=d)}.csv" for d in (1, 2)]
    rows = [
        monday_export(source, END + timedelta(days=d), f, d)
        for d, f in zip((1, 2), files, strict=True)
    ]

    big = [in_new_process(copy, str(f)) for f in files]
    undo = in_new_process(copy, "undo", str(big[-1]["import_id"]))
    small_store = tmp_path / "small.duckdb"
    small = [in_new_process(small_store, str(f)) for f in files]
    assert [b["loaded"] for b in big] == rows == [s["loaded"] for s in small]

    ratio = [b["seconds"] / s["seconds"] for b, s in zip(big, small, strict=True)]
    lines = [
        f"store: {source.name}, copied in {copied:.0f} s; opening it ran its migrations in "
        f"{migrated:.1f} s",
        *first,
        f"file: {rows[0]:,} rows (every rep, one day), 13 columns, 2 of them unknown",
        "each import in a new process; figures for the first and the second day:",
        f"  into the two-year store:       {spread_of(big, 'seconds')} s, "
        f"peak {spread_of(big, 'peak_mb', 1 / 1024)} GB",
        f"  into a store of only them:     {spread_of(small, 'seconds')} s, "
        f"peak {spread_of(small, 'peak_mb', 1 / 1024)} GB",
        f"  ratio (two-year / baseline):   {' / '.join(f'{r:.1f} x' for r in ratio)}",
        f"undo of the second import:       {undo['seconds']:.2f} s, "
        f"peak {undo['peak_mb'] / 1024:.2f} GB",
    ]
    print("\n" + "\n".join(lines))
    record("monday_upload", lines)
