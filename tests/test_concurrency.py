"""Several writers on one store: sessions of one dashboard process, and the dashboard and
the command line taking turns on the DuckDB file."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import snapshot_count
from streamlit.testing.v1 import AppTest

from dashboard.errors import NotFoundError
from dashboard.ingest import import_file, importer, undo_import
from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]
HEAD = "Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"


def cli(*args: str, db: Path, env: dict[str, str] | None = None):
    import os

    return subprocess.run([sys.executable, "-m", "dashboard", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})})  # fmt: skip


def paused_import(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Imports stop after writing, inside their transaction, until ``go`` is set."""
    inside, go = threading.Event(), threading.Event()

    def pause(cur, plan) -> None:
        inside.set()
        assert go.wait(30)

    monkeypatch.setattr(importer, "STAGES", (*importer.STAGES, pause))
    return inside, go


def test_an_undo_waits_for_an_import_that_overwrites_its_rows(store, write, monkeypatch):
    """Seen before: both reported success and a later undo brought the rows back."""
    first = import_file(store, write("a.csv", HEAD + "Ann,East,2026-11-20,40,10,10,10,10\n"))
    inside, go = paused_import(monkeypatch)
    newer = write("b.csv", HEAD + "Ann,East,2026-11-20,44,11,11,11,11\n")
    importing = threading.Thread(target=import_file, args=(store, newer))
    importing.start()
    assert inside.wait(30)
    outcome: list[object] = []

    def undo() -> None:
        try:
            outcome.append(undo_import(store, first.import_id))
        except NotFoundError as exc:
            outcome.append(exc)

    undoing = threading.Thread(target=undo)
    undoing.start()
    undoing.join(0.5)
    assert undoing.is_alive()  # it waits for the import, not beside it
    go.set()
    importing.join(30)
    undoing.join(30)
    [result] = outcome
    assert isinstance(result, NotFoundError) and "later imports #2" in str(result)
    log = store.df("import_log").set_index("import_id")["status"].to_dict()
    assert log == {1: "loaded", 2: "loaded"}
    assert store.df_sql("select ssi from snapshots")["ssi"].tolist() == [44.0]


def test_readers_do_not_wait_for_an_import_and_never_see_half_of_it(
    location, store, write, monkeypatch
):
    import_file(store, write("a.csv", HEAD + "Ann,East,2026-11-20,40,10,10,10,10\n"))
    inside, go = paused_import(monkeypatch)
    rows = "".join(f"Rep {i},East,2026-11-20,50,12,12,13,13\n" for i in range(50))
    importing = threading.Thread(target=import_file, args=(store, write("b.csv", HEAD + rows)))
    importing.start()
    assert inside.wait(30)
    seen: list[int] = []

    def read() -> None:  # another session's rerun: a new Store, its version, a query
        other = Store(location)
        other.catch_up()
        seen.append(snapshot_count(other))
        other.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(10)
    waited = reader.is_alive()
    go.set()
    importing.join(30)
    reader.join(30)
    assert not waited and seen == [1]  # not blocked, and none of the 50 rows yet
    assert snapshot_count(Store(location)) == 51


def test_the_same_file_uploaded_twice_at_once_loads_once(store, write):
    path = write("same.csv", HEAD + "Ann,East,2026-11-20,40,10,10,10,10\n")
    results = []
    threads = [threading.Thread(target=lambda: results.append(import_file(store, path)))
               for _ in range(2)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    loaded = [r for r in results if r.import_id is not None]
    again = [r for r in results if r.imported_before is not None]
    assert len(loaded) == 1 and len(again) == 1
    assert again[0].imported_before == loaded[0].import_id
    # After undoing it, the file can be imported again (the other upload logged nothing).
    undo_import(store, loaded[0].import_id)
    assert import_file(store, path).rows_loaded == 1


HOLD = (
    "import sys, time; from dashboard.store import Store; s = Store(sys.argv[1]); "
    "print('open', flush=True); time.sleep(float(sys.argv[2]))"
)


def hold_store(db: Path, seconds: float) -> subprocess.Popen:
    """Another process with the store open, as the dashboard is during a rerun."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_cli_import_waits_its_turn_and_says_so(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,SSI\nAnn,40\n")
    # The store is held until the import says it waits (a fixed hold once ended before a
    # slow machine's import had even started), then let go: the import goes on.
    holder = hold_store(db, 120)
    importer = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", str(f), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    try:
        said = importer.stderr.readline()
    finally:
        holder.kill()
        holder.wait(30)
    stdout, stderr = importer.communicate(timeout=120)
    assert importer.returncode == 0, said + stderr
    assert "waiting for another program to finish with the store" in said
    assert "loaded 1 new" in stdout


def test_a_store_busy_past_the_wait_is_a_message_not_a_driver_error(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = hold_store(db, 10)
    try:
        out = cli("leaderboard", db=db, env={"SSI_LOCK_WAIT": "0.5"})
    finally:
        holder.kill()
    assert out.returncode == 1
    assert "stayed busy in another program" in out.stderr and "SSI_LOCK_WAIT" in out.stderr
    assert "Traceback" not in out.stderr and "IO Error" not in out.stderr


def test_the_dashboard_lets_go_between_reruns_and_shows_an_import_made_elsewhere(
    tmp_path, monkeypatch
):
    db = tmp_path / "s.duckdb"
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nAnn,East,40\n")
    assert cli("import", str(f), db=db).returncode == 0
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(db))
    monkeypatch.setenv("SSI_AUTH", "none")  # one machine, no users: no sign-in
    at = AppTest.from_file(str(ROOT / "dashboard" / "web" / "app.py"), default_timeout=90).run()
    assert not at.exception
    board = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert board["rep"].tolist() == ["Ann"]
    # No waiting allowed: the dashboard must hold no connection between reruns.
    g = tmp_path / "ssi_2026-11-20b.csv"
    g.write_text("Name,Team,Date,SSI\nBob,East,2026-11-20,60\n")
    out = cli("import", str(g), db=db, env={"SSI_LOCK_WAIT": "0"})
    assert out.returncode == 0, out.stderr
    at.run()
    board = next(d for d in at.dataframe if "rank" in d.value.columns).value
    assert board["rep"].tolist() == ["Bob", "Ann"]


@pytest.mark.parametrize("writers", [4])
def test_many_imports_at_once_lose_nothing(store, write, writers):
    paths = [write(f"w{i}.csv", HEAD + f"Rep {i},East,2026-11-20,{40 + i},10,10,10,{10 + i}\n")
             for i in range(writers)]  # fmt: skip
    threads = [threading.Thread(target=import_file, args=(store, p)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert snapshot_count(store) == writers
    assert sorted(store.df("import_log")["import_id"].tolist()) == list(range(1, writers + 1))
