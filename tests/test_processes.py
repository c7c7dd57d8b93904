"""Several processes on one store, in both modes (a DuckDB file, PostgreSQL): importers,
readers and an undo at once, and importers killed at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.ingest import import_file
from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]
HEAD = "Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"

IMPORTER = """
import sys
from dashboard.ingest import import_file
from dashboard.store import Store
store = Store(sys.argv[1])
print("open", flush=True)
for path in sys.argv[2:]:
    result = import_file(store, path)
    print(result.import_id, result.rows_loaded, flush=True)
"""

READER = """
import sys, time
from dashboard.store import Store
location, until = sys.argv[1], time.monotonic() + float(sys.argv[2])
postgres = location.startswith("postgresql://")
store = Store(location) if postgres else None
last, reads = -1, 0
while time.monotonic() < until:
    s = store or Store(location, read_only=True)  # a file is let go between reads
    s.catch_up()
    n = int(s.df_sql("select count(*) as n from snapshots")["n"][0])
    if not postgres:
        s.close()
    if n < last:
        print(f"count went back from {last} to {n}", flush=True)
        sys.exit(3)
    last, reads = n, reads + 1
    time.sleep(0.05)
print(last, reads, flush=True)
"""

UNDO = """
import sys, time
from dashboard.ingest import undo_import
from dashboard.store import Store
time.sleep(float(sys.argv[3]))
print(undo_import(Store(sys.argv[1]), int(sys.argv[2])), flush=True)
"""


def python(code: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip


def people_file(path: Path, prefix: str, people: int, days: int) -> Path:
    rows = [f"{prefix} {p},East,2026-11-{d:02d},{40 + p % 15},10,10,10,{10 + p % 15}\n"
            for p in range(people) for d in range(1, days + 1)]  # fmt: skip
    path.write_text(HEAD + "".join(rows))
    return path


def readings(store: Store, name: str) -> list[tuple]:
    frame = store.df_sql(
        "select s.day, s.ssi, s.relationships, s.import_id from snapshots s "
        "join reps r using (rep_id) where r.name = $n order by s.day", {"n": name}
    )  # fmt: skip
    return list(frame.itertuples(index=False, name=None))


def test_two_importers_four_readers_and_an_undo_at_once(location, tmp_path):
    base = tmp_path / "base.csv"
    base.write_text(HEAD + "".join(f"Ann,East,2026-11-{d:02d},40,10,10,10,10\n" for d in (1, 2, 3)))
    newer = tmp_path / "newer.csv"
    newer.write_text(
        HEAD + "".join(f"Ann,East,2026-11-{d:02d},60,15,15,15,15\n" for d in (1, 2, 3))
    )
    with Store(location) as store:
        import_file(store, base)
        before = readings(store, "Ann")
        assert import_file(store, newer).rows_updated == 3
    batches = {w: [people_file(tmp_path / f"w{w}_{i}.csv", f"W{w} F{i}", 40, 5)
                   for i in range(3)] for w in (1, 2)}  # fmt: skip
    started = time.monotonic()
    importers = [python(IMPORTER, location, *batches[w]) for w in (1, 2)]
    readers = [python(READER, location, 12) for _ in range(4)]
    undo = python(UNDO, location, 2, 1.0)
    outputs = {}
    for name, proc in [("importer 1", importers[0]), ("importer 2", importers[1]),
                       ("undo", undo)] + [(f"reader {i}", r) for i, r in enumerate(readers)]:  # fmt: skip
        out, err = proc.communicate(timeout=120)
        outputs[name] = out
        assert proc.returncode == 0, f"{name}: {err[-2000:]}"
        assert "Traceback" not in err and "Error" not in err, f"{name}: {err[-2000:]}"
    assert time.monotonic() - started < 120
    loaded = [line.split() for key in ("importer 1", "importer 2")
              for line in outputs[key].splitlines()[1:]]  # fmt: skip
    assert len(loaded) == 6 and all(n == "200" for _, n in loaded)
    assert all(int(o.split()[1]) > 0 for k, o in outputs.items() if k.startswith("reader"))
    with Store(location) as store:
        log = store.df("import_log").set_index("import_id")["status"].to_dict()
        assert sorted(log) == list(range(1, 9))
        assert log[2] == "undone" and sum(s == "loaded" for s in log.values()) == 7
        assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 3 + 6 * 200
        assert readings(store, "Ann") == before  # the undo restored the earlier rows exactly


@pytest.mark.parametrize("chunk", range(4))
def test_an_importer_killed_at_any_moment_leaves_all_or_nothing(location, tmp_path, chunk):
    rng = random.Random(chunk)
    with Store(location) as store:
        import_file(store, people_file(tmp_path / "base.csv", "Base", 10, 3))
    outcomes = set()
    for kill in range(5):  # 4 chunks x 5: 20 random moments in each mode
        big = people_file(tmp_path / f"big{kill}.csv", f"Big{kill}", 400, 10)
        proc = python(IMPORTER, location, big)
        assert proc.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.0, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        with Store(location) as store:
            log = store.df("import_log")
            mine = log[log["file_name"] == big.name]
            count = store.df_sql(
                "select count(*) as n from snapshots s join reps r using (rep_id) "
                "where r.name like $p", {"p": f"Big{kill} %"}
            )["n"][0]  # fmt: skip
            if len(mine):
                outcomes.add("all")
                assert count == 4000 and mine["rows_loaded"].tolist() == [4000]
            else:
                outcomes.add("none")
                assert count == 0
            # Whatever happened, the store works: the file imports now, or was imported.
            result = import_file(store, big)
            assert (result.rows_loaded == 4000) != (result.imported_before is not None)
            assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 30 + 4000 * (
                kill + 1
            )
    assert outcomes  # which ones happened depends on the machine's speed
