"""Backup and restore round-trip exactly: every table, every row, and the next ids."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str):
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)  # fmt: skip


def every_table(path: Path) -> dict[str, list[tuple]]:
    with Store(path) as store, store.reading() as cur:
        tables = [r.table_name for r in store.rows("base_tables")]
        return {t: sorted(map(tuple, cur.run_filled("whole_table", table=t).df().astype(str).values))
                for t in tables}  # fmt: skip


def test_backup_and_restore_round_trip_every_table(demo_db, tmp_path):
    source = tmp_path / "source.duckdb"
    shutil.copy(demo_db, source)
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nNew Person,New Team,55\n")
    assert cli("import", str(f), "--db", str(source)).returncode == 0
    out = cli("backup", str(tmp_path / "bk"), "--db", str(source))
    assert out.returncode == 0, out.stderr
    restored = tmp_path / "restored.duckdb"
    out = cli("restore", str(tmp_path / "bk"), "--db", str(restored))
    assert out.returncode == 0, out.stderr
    before, after = every_table(source), every_table(restored)
    assert before.keys() == after.keys() and before == after
    assert sum(len(rows) for rows in after.values()) > 20_000
    # The restored store hands out the ids that come next, as the original would.
    g = tmp_path / "ssi_2026-11-20b.csv"
    g.write_text("Name,Team,SSI\nLater Person,Later Team,50\n")
    for db in (source, restored):
        assert cli("import", str(g), "--db", str(db)).returncode == 0
    later_source, later_restored = every_table(source), every_table(restored)
    for table in ("reps", "teams", "snapshots"):  # the same new ids on both sides
        assert later_source[table] == later_restored[table]
    ids = [[row[0] for row in t["imports"]] for t in (later_source, later_restored)]
    assert ids[0] == ids[1] == ["1", "2", "3"]


def test_restore_refuses_to_overwrite_and_backup_refuses_an_existing_folder(demo_db, tmp_path):
    out = cli("backup", str(tmp_path), "--db", str(demo_db))
    assert out.returncode == 1 and "exists already" in out.stderr
    assert cli("backup", str(tmp_path / "bk"), "--db", str(demo_db)).returncode == 0
    out = cli("restore", str(tmp_path / "bk"), "--db", str(demo_db))
    assert out.returncode == 1 and "exists already" in out.stderr
    out = cli("restore", str(tmp_path / "nothing"), "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 1 and "is not a backup" in out.stderr
