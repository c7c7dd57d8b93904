"""PostgreSQL mode against file mode, in the same run: the team review warm and after another
process wrote, what it costs to make one import visible to another process, and the one-off
costs (loading the store into PostgreSQL, a new process's first replica).

Size: $SSI_BENCH_PG_SIZE as REPSxDAYS (default 2000x365), or $SSI_BENCH_PG_FROM, an existing
file store (the 10,000 x 730 one), moved into PostgreSQL with `backup` and `restore` as a
team moving off one machine would. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from bench.timing import runs
from dashboard.demo import generate, load_demo
from dashboard.store import Store, postgres
from dashboard.store.backup import backup, restore
from dashboard.views.team_review import team_review

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pg_server import PostgresServer, binaries  # noqa: E402

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[1]
END = date(2026, 11, 20)


def size() -> tuple[int, int]:
    reps, days = os.environ.get("SSI_BENCH_PG_SIZE", "2000x365").split("x")
    return int(reps), int(days)


def line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"  {name:<44}{min(ms):9.0f}{statistics.median(ms):9.0f}{max(ms):9.0f} ms"
            "  (min/median/max)")  # fmt: skip


def import_elsewhere(db: str, folder: Path, n: int) -> None:
    """Another process imports one reading: what a scheduled import or replica A does."""
    f = folder / f"elsewhere_{n}.csv"
    f.write_text(f"Name,Team,Date,SSI\nElsewhere {n},Mid-Market,{END},{40 + n % 50}\n")
    done = subprocess.run([sys.executable, "-m", "dashboard", "import", str(f), "--db", db],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(binaries() is None, reason="PostgreSQL is not installed")
def test_postgres_mode_against_file_mode(tmp_path, monkeypatch):
    reps, days = size()
    monkeypatch.setenv(postgres.CACHE_ENV, str(tmp_path / "replicas"))
    server = PostgresServer().start()
    try:
        url = server.create_database("bench")
        source = os.environ.get("SSI_BENCH_PG_FROM")
        if source:
            file_path = Path(source)
            start = time.perf_counter()
            with Store(file_path) as s:
                backup(s, tmp_path / "backup")
                reps = int(s.df_sql("select count(*) as n from reps")["n"][0])
                days = int(s.df_sql("select count(distinct day) as n from snapshots")["n"][0])
            print(f"\nbackup done at {time.perf_counter() - start:.0f} s", flush=True)
            restore(tmp_path / "backup", url)
            into_pg = time.perf_counter() - start
            print(f"restore into PostgreSQL done at {into_pg:.0f} s", flush=True)
            start = time.perf_counter()
            pg_store = Store(url)  # makes this process's replica
            print(f"replica made in {time.perf_counter() - start:.0f} s", flush=True)
        else:
            file_path = tmp_path / "file.duckdb"
            data = generate(reps=reps, days=days, seed=5, end=END)
            with Store(file_path) as s:
                load_demo(s, data, "bench")
            start = time.perf_counter()
            pg_store = Store(url)
            load_demo(pg_store, data, "bench")
            into_pg = time.perf_counter() - start
            del data
        file_store = Store(file_path)

        figures = []
        for label, store in (("file", file_store), ("postgresql", pg_store)):
            figures.append(line(f"{label}: team review, warm",
                                runs(lambda s=store: team_review(s, [], END, 90))))  # fmt: skip
        # A rerun that finds nothing changed: file mode reads the version from the file,
        # PostgreSQL mode asks the server.
        for label, store in (("file", file_store), ("postgresql", pg_store)):
            figures.append(line(f"{label}: version check at a rerun",
                                runs(lambda s=store: s.catch_up(), 20)))  # fmt: skip
        # After another process wrote: make the import visible, then the team review.
        visible, after = {"file": [], "postgresql": []}, {"file": [], "postgresql": []}
        for n in range(3):
            for label, store, db in (("file", file_store, str(file_path)),
                                     ("postgresql", pg_store, url)):  # fmt: skip
                if label == "file":
                    store.close()  # the dashboard holds no connection between reruns
                import_elsewhere(db, tmp_path, n)
                start = time.perf_counter()
                if label == "file":
                    store = file_store = Store(file_path)
                store.catch_up()
                visible[label].append(time.perf_counter() - start)
                start = time.perf_counter()
                review = team_review(store, [], END, 90)
                after[label].append(time.perf_counter() - start)
                assert f"Elsewhere {n}" in review.board["rep"].tolist()
        for label in ("file", "postgresql"):
            figures.append(line(f"{label}: make another's import visible", visible[label]))
            figures.append(line(f"{label}: team review after it", after[label]))
        # A process with no replica yet copies the whole store (the others closed first:
        # three copies of a two-year store in one process is not what a server runs).
        file_store.close()
        pg_store.close()
        postgres.forget(url)
        start = time.perf_counter()
        monkeypatch.setenv(postgres.CACHE_ENV, str(tmp_path / "new-replicas"))
        newcomer = postgres.Link(url)
        first_replica = time.perf_counter() - start
        newcomer.close()

        how = "backup + restore" if source else "demo"
        print(f"\n{reps:,} reps x {days} days; one-off costs: {how} into PostgreSQL "
              f"{into_pg:.1f} s, a new process's first replica {first_replica:.1f} s")  # fmt: skip
        print("\n".join(figures))
    finally:
        server.stop()
