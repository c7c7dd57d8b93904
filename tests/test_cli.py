"""The command line as automation uses it: exit codes, stdout, stderr, JSON keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, db=None):
    cmd = [sys.executable, "-m", "dashboard", *args] + (["--db", str(db)] if db else [])
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def db(location):
    return location


def test_import_then_leaderboard_json(db, tmp_path):
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI,Brand,People,Insights,Relationships\nAnn,East,60,15,15,15,15\n"
                 "Bob,East,40,10,10,10,10\n")  # fmt: skip
    out = cli("import", str(f), db=db)
    assert out.returncode == 0, out.stderr
    assert "detected Team SSI export" in out.stdout and "loaded 2 new" in out.stdout
    assert "column 2 'Team' -> team (matched)" in out.stdout
    board = cli("leaderboard", "--format", "json", db=db)
    rows = json.loads(board.stdout)
    assert [r["rep"] for r in rows] == ["Ann", "Bob"]
    keys = {"rank", "rep", "team", "as_of", "ssi", "brand", "people", "insights", "relationships",
            "top_pct_team", "top_pct_company", "ssi_change_7d", "ssi_change_30d", "band",
            "balanced", "weakest_pillar", "stale", "email", "age_days", "listed",
            "ssi_change_7d_since", "ssi_change_30d_since"}  # fmt: skip
    assert set(rows[0]) == keys
    assert rows[0]["as_of"] == "2026-11-20" and rows[0]["balanced"] is True and rows[0]["rank"] == 1
    csv = cli("leaderboard", "--format", "csv", "--team", "East", db=db)
    assert csv.stdout.splitlines()[0].lstrip("\ufeff").startswith("rank,rep,email,team,as_of")


def test_invalid_file_exits_2_with_errors_on_stderr(db, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("Name,Date,SSI\nAnn,2026-01-02,140\n")
    out = cli("import", str(f), db=db)
    assert out.returncode == 2
    assert "bad.csv, line 2, column 'SSI': value '140': expected an SSI from 0 to 100" in out.stderr
    assert "Traceback" not in out.stderr
    assert cli("imports", db=db).stdout.strip() == "no imports yet"


def test_imports_undo_and_rep(db, tmp_path):
    f = tmp_path / "h.csv"
    rows = "".join(f"2026-01-{d:02d},{40 + d},10,10,10,{10 + d / 2}\n" for d in range(1, 20))
    f.write_text("Date,SSI,Brand,People,Insights,Relationships\n" + rows)
    assert cli("import", str(f), "--rep", "Ann Lee", "--team", "East", db=db).returncode == 0
    log = cli("imports", db=db).stdout
    assert "h.csv" in log
    summary = json.loads(cli("rep", "Ann Lee", "--format", "json", db=db).stdout)
    assert summary["rep"] == "Ann Lee" and summary["reading"]["ssi"] == 59
    assert summary["recommendations"], "a rep with weak pillars gets advice"
    text = cli("rep", "ann", db=db).stdout
    assert "forecast: on the current trend you reach 70 around 2026-01-30" in text  # +1 a day
    assert "rank: the only ranked rep in East" in text
    assert cli("undo", "1", db=db).returncode == 0
    assert cli("undo", "1", db=db).returncode == 1
    assert cli("leaderboard", db=db).stdout.strip() == "no readings in the store yet"


def test_demo_command_builds_a_store(db):
    out = cli("demo", "--reps", "8", "--days", "40", "--seed", "1", "--end", "2026-11-20", db=db)
    assert out.returncode == 0, out.stderr
    board = json.loads(cli("leaderboard", "--format", "json", db=db).stdout)
    assert 1 <= len(board) <= 8
    assert cli("demo", db=db).returncode == 1  # refuses to mix into a store with data


def test_read_commands_explain_a_missing_store_and_create_nothing(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    for args in (["leaderboard"], ["rep", "Ann"], ["imports"]):
        run = cli(*args, db=missing)
        assert run.returncode != 0 and "Traceback" not in run.stderr
        assert str(missing.name) in run.stderr or "no store" in run.stderr.lower()
    assert not missing.exists()


def test_unknown_team_is_an_error_that_lists_the_teams(db):
    assert cli("demo", "--reps", "12", "--days", "20", db=db).returncode == 0
    run = cli("leaderboard", "--team", "Nope", db=db)
    assert run.returncode == 1 and "no team called 'Nope'" in run.stderr
    assert "teams with readings you may see:" in run.stderr and "Traceback" not in run.stderr


def test_json_is_strict_json_even_with_missing_values(db, tmp_path):
    """A reading without pillars gives nulls, never NaN (which JSON parsers refuse)."""
    f = tmp_path / "ssi_only.csv"
    f.write_text("Name,Team,Date,SSI\nAnn Lee,East,2026-01-05,41.5\n")
    assert cli("import", str(f), db=db).returncode == 0
    out = cli("leaderboard", "--format", "json", db=db).stdout
    assert "NaN" not in out
    row = json.loads(out)[0]
    assert row["ssi"] == 41.5 and row["brand"] is None
    text = cli("rep", "Ann Lee", db=db)
    assert text.returncode == 0 and "brand" in text.stdout and "n/a" in text.stdout


def test_a_closed_pipe_ends_quietly(db):
    assert cli("demo", "--reps", "200", "--days", "30", db=db).returncode == 0
    cmd = f'"{sys.executable}" -m dashboard leaderboard --db "{db}" | head -1'
    run = subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.stdout.startswith("rank") or run.stdout.strip()
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


def test_an_unknown_option_shows_the_subcommands_usage(db):
    run = cli("import", "--bogus", db=db)
    assert run.returncode == 2
    assert "usage: python -m dashboard import" in run.stderr


def test_names_cannot_drive_the_terminal_and_long_ones_are_cut(db, tmp_path):
    """An ESC sequence stored by an older version is printed as text, never obeyed."""
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,Team,SSI\nAnn,East,60\nBob,East,40\n")
    assert cli("import", str(f), db=db).returncode == 0
    from dashboard.store import Store

    with Store(db) as store, store.transaction() as cur:
        cur.execute("update reps set name = $n where name = 'Ann'", {"n": "Ann\x1b]0;owned\x07"})
        cur.execute("update reps set name = $n where name = 'Bob'", {"n": "B" * 500})
    out = cli("leaderboard", db=db)
    assert out.returncode == 0 and "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert "Ann\\x1b]0;owned\\x07" in out.stdout
    assert "B" * 39 + "…" in out.stdout and "B" * 41 not in out.stdout
    rep = cli("rep", "Ann", db=db)
    assert rep.returncode == 0 and "\x1b" not in rep.stdout


def test_users_take_db_after_the_subcommand_and_a_rep_known_by_name(db, tmp_path):
    f = tmp_path / "tracker.csv"
    f.write_text("Date,SSI\n2026-11-20,40\n")
    assert cli("import", str(f), "--rep", "Ann Lee", db=db).returncode == 0
    # cli() puts --db last: `users add EMAIL --role R --db PATH`, as the README writes it.
    out = cli("users", "add", "boss@example.com", "--role", "admin", db=db)
    assert out.returncode == 0, out.stderr
    out = cli("users", "add", "ann@example.com", "--role", "rep", "--rep", "ann lee", db=db)
    assert out.returncode == 0, out.stderr
    listed = cli("users", "list", db=db).stdout
    assert "ann@example.com" in listed and "Ann Lee" in listed
    out = cli("users", "add", "zed@example.com", "--role", "rep", "--rep", "Zed", db=db)
    assert out.returncode == 1 and "no person in the store has the e-mail or name Zed" in out.stderr


def test_a_dry_run_or_an_impossible_demo_creates_no_store(tmp_path):
    missing = tmp_path / "new.duckdb"
    out = cli("import", str(ROOT / "data/samples/template_example.csv"), "--dry-run", db=missing)
    assert out.returncode == 0 and "would load 2 new" in out.stdout, out.stderr
    out = cli("demo", "--days", "10", db=missing)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == "error: the demo needs at least 1 rep and 14 days\n"
    assert not missing.exists() and list(tmp_path.iterdir()) == []


def test_the_default_date_says_what_newer_readings_it_leaves_out(db, tmp_path):
    f = tmp_path / "team.csv"
    f.write_text("Name,Date,SSI\nAnn,2026-11-20,40\nBob,2026-11-20,41\nCy,2026-11-20,42\n"
                 "Ann,2026-11-21,44\n")  # fmt: skip
    assert cli("import", str(f), db=db).returncode == 0
    out = cli("leaderboard", "--format", "json", db=db)
    assert {r["as_of"] for r in json.loads(out.stdout)} == {"2026-11-20"}
    assert "Readings of after 2026-11-20 (the newest of 2026-11-21) are not in" in out.stderr
    assert "Give --date 2026-11-21" in out.stderr
    out = cli("leaderboard", "--format", "json", "--date", "2026-11-21", db=db)
    assert out.stderr == "", out.stderr
    assert "2026-11-21" in {r["as_of"] for r in json.loads(out.stdout)}, out.stdout


def test_tables_show_a_dash_for_what_is_missing(db, tmp_path):
    f = tmp_path / "ssi_2026-11-20.csv"
    f.write_text("Name,SSI\nAnn,40\n")  # no pillars, no e-mail, no team
    assert cli("import", str(f), db=db).returncode == 0
    assert cli("users", "add", "boss@example.com", "--role", "admin", db=db).returncode == 0
    for args in (["leaderboard"], ["users", "list"], ["imports"], ["rep", "Ann"]):
        out = cli(*args, db=db).stdout
        for word in ("NaN", "<NA>", "NaT", "None"):
            assert word not in out, (args, out)
