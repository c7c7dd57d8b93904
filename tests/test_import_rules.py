"""Validation, idempotency, updates, undo and schema upgrades."""

from __future__ import annotations

import duckdb
import pytest
from conftest import after_query, snapshot_count, table_state, write_twice

from dashboard.errors import ImportRejectedError, StoreLockedError
from dashboard.ingest import import_file, undo_import
from dashboard.store import Store
from dashboard.store.schema import migrations

HEAD = "Name,Date,SSI,Brand,People,Insights,Relationships\n"


def rejected(load, store, text, name="bad.csv", **options) -> ImportRejectedError:
    before = table_state(store)
    with pytest.raises(ImportRejectedError) as info:
        load(name, text, **options)
    assert table_state(store) == before, "a rejected file must write nothing"
    return info.value


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        ("Ann,2026-01-02,40,26,5,5,4", "Brand", "26", "a pillar score from 0 to 25"),
        ("Ann,2026-01-02,40,-1,5,5,4", "Brand", "-1", "a pillar score from 0 to 25"),
        ("Ann,2026-01-02,101,25,25,25,25", "SSI", "101", "an SSI from 0 to 100"),
        ("Ann,2026-01-02,forty,10,10,10,10", "SSI", "forty", "an SSI from 0 to 100"),
        ("Ann,2026-01-02,40,10,10,10,nan", "Relationships", "nan", "a pillar score from 0 to 25"),
    ],
)
def test_out_of_range_and_unreadable_numbers(load, store, row, column, value, expected):
    load("good.csv", HEAD + "Bob,2026-01-01,40,10,10,10,10\n")
    err = rejected(load, store, HEAD + "Bob,2026-01-02,41,10,10,11,10\n" + row + "\n")
    problem = err.problems[0]
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "bad.csv",
        3,
        column,
        value,
    )
    assert problem.message == f"expected {expected}"
    assert f"bad.csv, line 3, column '{column}': value '{value}': expected" in str(problem)


def test_bad_date_names_line_and_format(load, store):
    err = rejected(
        load, store, HEAD + "Ann,2026-01-02,40,10,10,10,10\nBob,2026-13-45,40,10,10,10,10\n"
    )
    p = err.problems[0]
    assert (p.line, p.column, p.value) == (3, "Date", "2026-13-45")
    assert "YYYY-MM-DD" in p.message


def test_missing_name(load, store):
    err = rejected(load, store, HEAD + ",2026-01-02,40,10,10,10,10\n")
    assert err.problems[0].line == 2 and "a name or e-mail" in err.problems[0].message


def test_conflicting_duplicates_name_both_lines(load, store):
    err = rejected(
        load, store, HEAD + "Ann,2026-01-02,40,10,10,10,10\nann,2026-01-02,44,11,11,11,11\n"
    )
    p = err.problems[0]
    assert (
        p.line == 3 and "line 3 is a different row for ann on 2026-01-02 than line 2" in p.message
    )


def test_identical_duplicates_are_skipped_with_warning(load, store):
    result = load("d.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nAnn,2026-01-02,40,10,10,10,10\n")
    assert (result.rows_loaded, result.rows_skipped) == (1, 1)
    assert result.warnings[0].line == 3 and "repeats line 2" in result.warnings[0].message


def test_pillar_sum_mismatch_is_a_warning_naming_the_line(load, store):
    result = load("w.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nBob,2026-01-02,50,10,10,10,10\n")
    assert result.rows_loaded == 2
    assert [w.line for w in result.warnings] == [3]
    assert "sum of the pillars (40.00)" in result.warnings[0].message


def test_within_tolerance_is_no_warning(load):
    assert load("w.csv", HEAD + "Ann,2026-01-02,41,10,10,10,10\n").warnings == []


def test_ragged_row_names_its_line(load, store):
    err = rejected(load, store, HEAD + "Ann,2026-01-02,40,10,10,10,10,extra,cells\n")
    assert err.problems[0].line == 2 and "expected 7 cells" in err.problems[0].message


def test_first_fifty_errors_and_a_count_of_the_rest(load, store):
    rows = "".join(f"Rep {i},2026-01-02,40,30,10,10,10\n" for i in range(80))
    err = rejected(load, store, HEAD + rows)
    assert len(err.problems) == 51 and err.total == 80
    assert [p.line for p in err.problems[:50]] == list(range(2, 52))
    assert err.problems[-1].column == "Brand"
    assert err.problems[-1].message.startswith("30 more row(s) like these: expected")
    assert "... and" not in err.summary()


def test_each_kind_of_error_is_listed_fifty_times_with_its_own_count(load, store):
    """A million bad rows cost fifty lines per kind; the kinds do not crowd each other out."""
    rows = "".join(f"Rep {i},2026-01-02,40,30,10,10,10\n" for i in range(120))
    rows += "".join(f"Rep {i},someday,40,10,10,10,10\n" for i in range(70))
    err = rejected(load, store, HEAD + rows)
    assert err.total == 190
    more = [p for p in err.problems if p.line is None]
    assert [(p.column, p.message.split(" ")[0]) for p in more] == [("Brand", "70"), ("Date", "20")]
    assert len(err.problems) == 102


def test_unknown_field_in_mapping(load, store):
    err = rejected(load, store, HEAD + "Ann,2026-01-02,40,10,10,10,10\n", mapping=["SSI=score"])
    assert "unknown field" in err.problems[0].message and err.problems[0].value == "score"


def test_same_file_twice_changes_nothing(load, store, write):
    path = write("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    first = import_file(store, path)
    state = table_state(store)
    again = import_file(store, path)
    assert again.imported_before == first.import_id
    assert "already imported" in again.summary()
    assert table_state(store) == state


@pytest.mark.parametrize("mapping", [None, [], {}])
def test_same_file_through_another_door_is_still_the_same_file(load, store, write, mapping):
    """The page passes {}, the command line [], Python None: one file, one import."""
    from dashboard.ingest import ImportOptions

    path = write("doors.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    first = import_file(store, path, ImportOptions(mapping=None))
    state = table_state(store)
    again = import_file(store, path, ImportOptions(mapping=mapping))
    assert again.imported_before == first.import_id
    assert table_state(store) == state


def test_import_numbers_do_not_skip_after_dry_runs_and_refusals(load, store, write):
    from dashboard.ingest import ImportOptions

    ids = []
    for day in range(2, 5):
        path = write(f"d{day}.csv", HEAD + f"Ann,2026-01-0{day},40,10,10,10,10\n")
        import_file(store, path, ImportOptions(dry_run=True))
        with pytest.raises(ImportRejectedError):
            import_file(store, write(f"bad{day}.csv", HEAD + "Ann,2026-01-02,140,10,10,10,10\n"))
        ids.append(import_file(store, path).import_id)
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]


def test_later_file_updates_and_undo_restores(load, store):
    first = load(
        "a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nBob,2026-01-02,30,7.5,7.5,7.5,7.5\n"
    )
    second = load("b.csv", HEAD + "Ann,2026-01-02,44,11,11,11,11\nAnn,2026-01-03,45,11,11,12,11\n")
    assert (second.rows_loaded, second.rows_updated) == (1, 1)
    log = store.df("import_log")
    assert log.loc[log.import_id == second.import_id, "rows_updated"].item() == 1
    ssi = store.df_sql("select day, ssi from snapshots where rep_id = 1 order by day")[
        "ssi"
    ].tolist()
    assert ssi == [44, 45]
    with pytest.raises(Exception, match="undo those first"):
        undo_import(store, first.import_id)
    undo_import(store, second.import_id)
    ssi = store.df_sql("select ssi from snapshots where rep_id = 1 order by day")["ssi"].tolist()
    assert ssi == [40]
    undo_import(store, first.import_id)
    assert store.df_sql("select count(*) as n from snapshots")["n"][0] == 0
    # After undo the same content can be imported again.
    again = load(
        "a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nBob,2026-01-02,30,7.5,7.5,7.5,7.5\n"
    )
    assert again.imported_before is None and again.rows_loaded == 2


def test_dry_run_writes_nothing(load, store):
    before = table_state(store)
    result = load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n", dry_run=True)
    assert result.rows_loaded == 1 and result.import_id is None
    assert table_state(store) == before


def test_rep_moving_team_keeps_history(load, store):
    load("a.csv", "Name,Team,Date,SSI\nAnn,East,2026-01-02,40\n")
    load("b.csv", "Name,Team,Date,SSI\nAnn,West,2026-02-02,42\n")
    teams = store.df_sql(
        "select t.name from snapshots s join teams t using (team_id) order by day"
    )["name"].tolist()
    assert teams == ["East", "West"]


def test_file_without_team_keeps_the_reps_team(load, store):
    load("a.csv", "Name,Team,Date,SSI\nAnn,East,2026-01-02,40\n")
    load("b.csv", "Name,Date,SSI\nAnn,2026-01-03,41\n")
    teams = store.df_sql("select t.name from snapshots s join teams t using (team_id)")["name"]
    assert set(teams) == {"East"}


def test_earlier_schema_version_is_upgraded(tmp_path):
    path = tmp_path / "old.duckdb"
    version, name, sql = migrations()[0]
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.execute("insert into schema_version values (1, $n, now())", {"n": name})
    con.execute("insert into teams (name) values ('East')")
    con.execute("insert into reps (name) values ('Ann')")
    con.execute(
        "insert into snapshots (rep_id, day, team_id, ssi, import_id) values (1, date '2026-01-01', 1, 40, 1)"
    )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == migrations()[-1][0] >= 2
        assert store.df_sql("select ssi from snapshots")["ssi"].tolist() == [40]
        # Migration 008 starts each rep's latest reading from the readings already there.
        assert store.rows("latest_readings") == store.rows("latest_from_scratch")
        assert store.df_sql("select ssi from rep_latest")["ssi"].tolist() == [40]
        assert store.df_sql("select count(*) as n from metric_catalogue")["n"][0] > 10
        assert store.df_sql("select count(*) as n from snapshot_history")["n"][0] == 0


def test_locked_store_gives_a_clear_message(tmp_path, monkeypatch):
    import subprocess
    import sys

    path = tmp_path / "locked.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        monkeypatch.setenv("SSI_LOCK_WAIT", "0.3")
        with pytest.raises(StoreLockedError, match="stayed busy in another program .* 0.3 s"):
            Store(path)
    finally:
        holder.kill()


def test_binary_garbage_is_rejected_with_a_message(store, tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 8 + b"\x00\xd8\x00\xd8" * 50)
    before = table_state(store)
    with pytest.raises(
        ImportRejectedError, match="garbage.csv: is in an encoding other than UTF-8"
    ):
        import_file(store, path)
    assert table_state(store) == before


def test_unclosed_quote_names_its_line(load, store):
    err = rejected(load, store, 'Name,Date,SSI\nAnn,2026-01-01,40\nBob,2026-01-01,"41\n')
    assert err.problems[0].line == 3 and "quoted cell is not closed" in err.problems[0].message


def test_a_file_without_rank_columns_keeps_earlier_ranks(load, store):
    load("a.csv", "Name,Date,SSI,Industry rank,Network rank\nAnn,2026-01-02,40,12,20\n")
    same = load("b.csv", "Name,Date,SSI\nAnn,2026-01-02,40\n")
    assert (same.rows_loaded, same.rows_updated, same.rows_skipped) == (0, 0, 1)
    changed = load("c.csv", "Name,Date,SSI\nAnn,2026-01-02,42\n")
    assert changed.rows_updated == 1
    row = store.df_sql("select ssi, industry_rank, network_rank from snapshots").iloc[0]
    assert row.tolist() == [42, 12, 20]


def readings(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.df_sql(
        "select rep_id, day, ssi, import_id from snapshots order by all").itertuples(index=False)]  # fmt: skip


READINGS_HELD_TWICE = r"one reading per person and day \(rep #\d+ on 2026-01-0\d: 2 readings[;)]"


@pytest.mark.parametrize("before", ["an empty store", "a store with readings that day"])
def test_a_write_that_would_hold_two_readings_for_one_person_and_day_is_refused_whole(
    load, store, monkeypatch, before
):
    """Snapshots have no unique index (migration 010); each write counts the readings of
    the keys it wrote. An importer that inserted its readings twice is refused, whether
    the touched day held only what it wrote (counted without a hash table) or more."""
    from dashboard.errors import StoreError

    if before != "an empty store":
        load("a.csv", HEAD + "Bob,2026-01-02,50,10,10,10,10\n")
    state, rows = table_state(store), readings(store)
    write_twice(monkeypatch, "insert_snapshots")
    with pytest.raises(StoreError, match=READINGS_HELD_TWICE):
        load("b.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nCy,2026-01-03,41,10,10,10,11\n")
    assert (table_state(store), readings(store)) == (state, rows)
    monkeypatch.undo()
    assert load("b.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n").rows_loaded == 1


def test_a_write_that_swaps_one_reading_for_a_second_copy_of_another_is_refused(
    load, store, monkeypatch
):
    """As many readings as keys written, but one key held twice and another not at all:
    the sums of the key hashes differ, so the keys are counted and the write refused."""
    from dashboard.errors import StoreError

    after_query(monkeypatch, "insert_snapshots",  # Bob's reading becomes a second of Ann's
                "update snapshots set rep_id = (select min(rep_id) from reps) "
                "where rep_id = (select max(rep_id) from reps)")  # fmt: skip
    with pytest.raises(StoreError, match=READINGS_HELD_TWICE):
        load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nBob,2026-01-02,50,10,10,10,20\n")
    assert readings(store) == []


def test_an_update_given_two_readings_for_one_key_is_refused(load, store, monkeypatch):
    """An update that matched two staged readings keeps one row, so no key holds two; the
    write still gave one key two readings, and is refused."""
    from dashboard.errors import StoreError

    load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    state, rows = table_state(store), readings(store)
    after_query(monkeypatch, "snapshot_changes", "insert into snapshot_changes "
                "select * replace (ssi + 1 as ssi) from snapshot_changes")  # fmt: skip
    with pytest.raises(StoreError, match=READINGS_HELD_TWICE):
        load("b.csv", HEAD + "Ann,2026-01-02,42,10,10,10,12\n")
    assert (table_state(store), readings(store)) == (state, rows)


def test_an_undo_that_would_put_back_two_readings_is_refused(load, store):
    from dashboard.errors import StoreError

    load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
    changed = load("b.csv", HEAD + "Ann,2026-01-02,42,10,10,10,12\n")
    with store.transaction() as cur:  # a history holding the replaced reading twice
        cur.execute("insert into snapshot_history select * from snapshot_history")
    state, rows = table_state(store), readings(store)
    with pytest.raises(StoreError, match=READINGS_HELD_TWICE):
        undo_import(store, changed.import_id)
    assert (table_state(store), readings(store)) == (state, rows)
    assert store.df_sql("select status from imports order by import_id")["status"].tolist() == [
        "loaded", "loaded"]  # fmt: skip


PERIODS = "Name,Email,Start date,End date,SSI,Notes from CRM\n"


@pytest.mark.parametrize("second", [
    "ann@example.com,2025-01-07,2025-01-07",  # a one-day period: stored as a daily row
    "ann@example.com,2025-01-03,2025-01-07",  # another period ending that day
])  # fmt: skip
def test_a_period_ending_on_the_day_of_another_reading_is_refused_naming_both_lines(
    load, store, second
):
    """A period's reading is stored on its last day: a second row of the person whose
    reading lands on that day is refused, naming both lines, and nothing is written."""
    text = (PERIODS + "Bob,bob@example.com,2025-01-01,2025-01-07,51,renewal\n"
            "Ann,ann@example.com,2025-01-01,2025-01-07,50,\n"
            f"Ann,{second},52,call back\n")  # fmt: skip
    err = rejected(load, store, text, name="usage.csv")
    assert [(p.file, p.line) for p in err.problems] == [("usage.csv", 4)]
    assert err.problems[0].message == (
        "a second reading for Ann <ann@example.com> on 2025-01-07: line 3's reading is stored "
        "on that day too (a period's reading is stored on its last day); expected one reading "
        "per person and day"
    )
    assert snapshot_count(store) == 0
    fixed = load("usage.csv", text.replace(f"Ann,{second},", f"Ann,{second[:-2]}08,"))
    assert fixed.rows_loaded == 3


@pytest.mark.backends("duckdb")  # PostgreSQL: test_postgres.py, across processes
def test_another_connection_sees_that_the_store_changed(load, store):
    """The change version lives in the database, not in the process that wrote."""
    other = duckdb.connect(str(store.path), read_only=False)
    try:
        before = other.execute("select version from store_state").fetchone()[0]
        load("a.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n")
        after = other.execute("select version from store_state").fetchone()[0]
    finally:
        other.close()
    assert after == before + 1 == store.version


def test_a_changed_macro_applies_at_the_next_open_not_by_a_migration(tmp_path, monkeypatch):
    from dashboard.store import schema as schema_module

    path = tmp_path / "m.duckdb"
    with Store(path) as store:
        assert store.df_sql("select ssi_date_text('2026-03-07 09:15:02') as d")["d"][0] == (
            "2026-03-07")  # fmt: skip
    changed = tmp_path / "macros.sql"
    changed.write_text(schema_module.MACROS_FILE.read_text(encoding="utf-8")
                       + "\ncreate or replace macro ssi_probe() as 42;\n")  # fmt: skip
    monkeypatch.setattr(schema_module, "MACROS_FILE", changed)
    with Store(path) as store:
        assert store.df_sql("select ssi_probe() as p")["p"][0] == 42


def test_a_new_process_on_an_unchanged_store_leaves_its_macros_alone(tmp_path, monkeypatch):
    """The macros are written once per store and text: a process that finds the store
    holding this text writes nothing; one with another text writes it."""
    from dashboard.store import file as file_module
    from dashboard.store import schema as schema_module

    path = tmp_path / "m.duckdb"
    Store(path).close()
    ran = []
    real_run = schema_module.run_query
    monkeypatch.setattr(schema_module, "run_query", lambda cur, query, *a: (
        ran.append(query.name), real_run(cur, query, *a))[1])  # fmt: skip
    monkeypatch.setattr(file_module, "_MACROS_APPLIED", {})  # as a new process has it
    with Store(path) as store:
        assert "macros" not in ran
        assert store.df_sql("select ssi_number(' 45% ', false) as n")["n"][0] == 45
    changed = tmp_path / "macros.sql"
    changed.write_text(schema_module.MACROS_FILE.read_text(encoding="utf-8")
                       + "\ncreate or replace macro ssi_probe() as 7;\n")  # fmt: skip
    monkeypatch.setattr(schema_module, "MACROS_FILE", changed)
    monkeypatch.setattr(file_module, "_MACROS_APPLIED", {})
    with Store(path) as store:
        assert ran.count("macros") == 1
        assert store.df_sql("select ssi_probe() as p")["p"][0] == 7


def test_queries_know_their_parameters_and_name_a_missing_one(store):
    from dashboard.errors import StoreError
    from dashboard.store.sql import Query, parameters_of

    # A $word in a comment or a string is not a parameter.
    assert parameters_of("-- uses $ghost\nselect '$not_me', $real from t") == {"real"}
    assert store.query("stage_csv").parameters == {
        "path", "delim", "header_line", "columns", "longest_line"
    }  # fmt: skip
    with pytest.raises(StoreError, match="needs parameter"):
        store.rows("import_by_id", {})
    row = store.rows("date_range")[0]
    assert row.first_day is None and row == (None, None)  # named, and still a tuple
    assert Query.parse("x", "select 1;\nselect $a;").parameters == {"a"}


def test_two_people_with_one_name_are_told_apart_by_email(load, store):
    from dashboard.access import OWNER
    from dashboard.errors import NotFoundError
    from dashboard.scoring.summary import find_rep

    load("t.csv", "Name,Email,Team,Date,SSI\nAnn Lee,ann@a.example,East,2026-01-02,40\n"
                  "Ann Lee,ann@b.example,West,2026-01-02,50\n")  # fmt: skip
    with pytest.raises(NotFoundError, match="ann@a.example.*ann@b.example"):
        find_rep(store, "Ann Lee", OWNER)
    rep_id, _ = find_rep(store, "ann@b.example", OWNER)
    assert (
        store.df_sql("select ssi from snapshots where rep_id = $r", {"r": rep_id})["ssi"][0] == 50
    )


def test_import_stages_do_not_depend_on_the_checks(store, write):
    """The checks only read: running every stage but them still writes the file's rows
    (their tables are made by the stages, named in importer.STAGES)."""
    from dashboard.ingest import importer
    from dashboard.ingest.mapping import map_columns
    from dashboard.ingest.sources import open_source

    path = write("s.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\nAnn,2026-01-02,40,10,10,10,10\n")
    source = open_source(path, path.name)
    columns = map_columns(source.headers, {})
    fields = {c.field for c in columns if c.field}
    result = importer.ImportResult(path.name, "test", [], columns)
    plan = importer.ImportPlan(source, columns, fields, importer.ImportOptions(), path.name,
                               "hash", result)  # fmt: skip
    with store.transaction() as cur:
        for stage in importer.STAGES:
            if stage is not importer.check_rows:
                stage(cur, plan)
    assert (result.rows_loaded, result.rows_skipped) == (1, 1)  # the repeat is still skipped
    assert snapshot_count(store) == 1


def test_a_field_read_from_two_columns_is_refused_naming_both(load, store):
    with pytest.raises(ImportRejectedError) as err:
        load("dup.csv", "Name,Date,SSI,SSI\nAnn,2026-01-02,40,41\n")
    message = err.value.problems[0].message
    assert "column 4 'SSI' holds ssi like column 3 'SSI'" in message
    assert "rename one of them" in message and snapshot_count(store) == 0


def test_placeholder_dates_are_refused(load, store):
    with pytest.raises(ImportRejectedError) as err:
        load("old.csv", HEAD + "Ann,0001-01-01,40,10,10,10,10\nAnn,2026-01-02,40,10,10,10,10\n")
    problem = err.value.problems[0]
    assert (problem.line, problem.value) == (2, "0001-01-01")
    assert "from 2014-01-01" in problem.message and snapshot_count(store) == 0


def test_dates_after_tomorrow_are_refused_and_the_slack_is_a_setting(load, store, monkeypatch):
    """Tomorrow is allowed (a file made east of UTC); later dates are typing mistakes."""
    from datetime import date, timedelta

    tomorrow, later = date.today() + timedelta(days=1), date.today() + timedelta(days=2)
    assert load("ok.csv", HEAD + f"Ann,{tomorrow},40,10,10,10,10\n").rows_loaded == 1
    with pytest.raises(ImportRejectedError) as err:
        load("late.csv", HEAD + f"Bob,{later},40,10,10,10,10\n")
    assert err.value.problems[0].value == later.isoformat()
    assert f"no later than {tomorrow}" in err.value.problems[0].message
    monkeypatch.setenv("SSI_FUTURE_DAYS", "0")
    with pytest.raises(ImportRejectedError):
        load("ok2.csv", HEAD + f"Cy,{tomorrow},40,10,10,10,10\n")
    assert snapshot_count(store) == 1


@pytest.mark.parametrize("name", ["team[1]_2026-11-20.csv", "ssi_*_2026-11-20.csv", "x.csv.gz"])
def test_a_file_name_is_never_read_as_a_pattern_or_an_archive(store, tmp_path, name):
    """DuckDB treats [ ] * as a glob and .gz as compressed: only this file's bytes count."""
    (tmp_path / "team1_2026-11-20.csv").write_text("Name,SSI\nIntruder,99\n")
    (tmp_path / "ssi_a_2026-11-20.csv").write_text("Name,SSI\nIntruder,99\n")
    path = tmp_path / name
    path.write_text("Name,Date,SSI\nAnn,2026-11-20,40\n")
    result = import_file(store, path)
    assert result.rows_loaded == 1
    names = store.df_sql("select name from reps")["name"].tolist()
    assert names == ["Ann"]


def test_control_characters_in_a_name_are_refused(load, store):
    with pytest.raises(ImportRejectedError) as err:
        load("ctl.csv", HEAD + "An\x01n,2026-01-02,40,10,10,10,10\n")
    problem = err.value.problems[0]
    assert problem.line == 2 and "control characters" in problem.message


def test_a_new_person_known_only_by_email_is_named_by_it(load, store):
    load("mail.csv", "Email,Date,SSI\nann.lee@example.com,2026-01-02,40\n")
    assert store.df_sql("select name, email from reps").values.tolist() == [
        ["ann.lee@example.com", "ann.lee@example.com"]
    ]


def test_a_person_first_known_by_name_gets_the_email_a_later_file_gives(load, store):
    load("names.csv", HEAD + "Ann Lee,2026-01-02,40,10,10,10,10\n")
    load("mails.csv", "Name,Email,Date,SSI\n ann lee , ANN.LEE@Example.com ,2026-01-03,41\n")
    assert store.df_sql("select name, email from reps").values.tolist() == [
        ["Ann Lee", "ann.lee@example.com"]
    ]
    assert store.df_sql("select count(distinct rep_id) as n from snapshots")["n"][0] == 1


def test_a_name_given_two_emails_is_two_new_people_not_the_one_known_by_name(load, store):
    load("names.csv", HEAD + "Ann Lee,2026-01-02,40,10,10,10,10\n")
    load("mails.csv", "Name,Email,Date,SSI\nAnn Lee,ann@a.example,2026-01-03,41\n"
                      "Ann Lee,ann@b.example,2026-01-03,42\n")  # fmt: skip
    reps = store.df_sql("select name, coalesce(email, '') as email from reps order by all")
    assert reps.values.tolist() == [
        ["Ann Lee", ""], ["Ann Lee", "ann@a.example"], ["Ann Lee", "ann@b.example"]
    ]  # fmt: skip


@pytest.fixture(params=[0, 10**9], ids=["looked_up", "per_row"])
def lookups(request, monkeypatch) -> None:
    """People and dates read once per distinct value and joined back (what a file with many
    rows per person gets), or read in every row (a file of as many people as rows)."""
    from dashboard.ingest import staging

    monkeypatch.setattr(staging, "ROWS_PER_LOOKUP_VALUE", request.param)


def test_people_and_dates_are_looked_up_when_the_file_repeats_them(load, monkeypatch):
    """Many rows per person and date: read once each and joined back. As many people as
    rows (a seat list, a hostile file): each row's cells read in place, no lookup table of
    a million people made to learn that they are a million."""
    from dashboard.ingest import importer, staging

    chosen = []
    real = staging.lookups_to_join

    def spy(cur, columns, rows):
        chosen.append(real(cur, columns, rows))
        return chosen[-1]

    monkeypatch.setattr(importer, "lookups_to_join", spy)
    days = [f"2026-01-{d:02d}" for d in range(1, 6)]  # 5 people x 5 days: 5 rows each
    load("five.csv", HEAD + "".join(f"{p},{d},40,10,10,10,10\n" for d in days for p in "ABCDE"))
    load("many.csv", HEAD + "".join(f"Rep {i},2026-01-11,40,10,10,10,10\n" for i in range(12)))
    assert chosen == [frozenset({"people", "dates"}), frozenset({"dates"})]


def test_cells_naming_one_person_differently_make_one_person(load, store, lookups):
    """Spaces, the e-mail's case and an empty team cell on some rows still give one rep,
    every reading, and the team the file names, however the cells are read."""
    result = load("mixed.csv", "Name,Email,Team,Date,SSI\n"
                  "Ann Lee,ann@example.com,East,2026-01-02,40\n"
                  " Ann Lee ,ANN@EXAMPLE.COM, East ,2026-01-03,41\n"
                  "Ann Lee,ann@example.com,,2026-01-04,42\n"
                  ",,,2026-01-05,43\n", rep="Bo Diaz", team="West")  # fmt: skip
    assert result.rows_loaded == 4
    rows = store.df_sql("select r.name, coalesce(r.email, '') as email, t.name as team, s.ssi "
                        "from snapshots s join reps r using (rep_id) join teams t using (team_id) "
                        "order by s.day")  # fmt: skip
    assert rows.values.tolist() == [
        ["Ann Lee", "ann@example.com", "East", 40.0],
        ["Ann Lee", "ann@example.com", "East", 41.0],
        ["Ann Lee", "ann@example.com", "West", 42.0],  # an empty cell: the team given
        ["Bo Diaz", "", "West", 43.0],  # no one named: the person given
    ]


def test_dates_read_alike_looked_up_or_per_row(load, store, lookups):
    """Times after the date, padding, an empty cell (the day given), a period's two dates,
    and an impossible date named with its line, however the cells are read."""
    from datetime import date

    load("times.csv", "Name,Date,SSI\nAnn,2026-03-07 09:15:02,40\nBo, 2026-03-07 ,41\n"
                      "Cy,,42\nAnn,2026-03-08 23:59,43\n", day=date(2026, 3, 9))  # fmt: skip
    days = store.df_sql("select r.name, cast(s.day as varchar) as day, s.ssi from snapshots s "
                        "join reps r using (rep_id) order by s.ssi")  # fmt: skip
    assert days.values.tolist() == [
        ["Ann", "2026-03-07", 40.0], ["Bo", "2026-03-07", 41.0], ["Cy", "2026-03-09", 42.0],
        ["Ann", "2026-03-08", 43.0],
    ]  # fmt: skip
    load("week.csv", "Name,Start date,End date,Searches performed\n"
                     "Ann, 2026-03-02,2026-03-08 ,5\nBo,2026-03-02,2026-03-08,6\n")  # fmt: skip
    periods = store.df_sql("select cast(day as varchar) as d, cast(period_end as varchar) as e, "
                           "value from activity order by value")  # fmt: skip
    assert periods.values.tolist() == [["2026-03-02", "2026-03-08", 5.0],
                                       ["2026-03-02", "2026-03-08", 6.0]]  # fmt: skip
    with pytest.raises(ImportRejectedError) as err:
        load("bad.csv", "Name,Date,SSI\nAnn,2026-03-10,40\nBo,2026-13-02,41\n")
    [problem] = err.value.problems
    assert (problem.line, problem.column, problem.value) == (3, "Date", "2026-13-02")


def test_a_huge_value_is_named_not_echoed(load, store):
    with pytest.raises(ImportRejectedError) as err:
        load("big.csv", HEAD + f"Ann,2026-01-02,{'9' * 10_000},10,10,10,10\n")
    assert len(str(err.value)) < 2_000 and "10,000 characters" in str(err.value)


@pytest.mark.parametrize(
    "doc,expected",
    [
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ('{"memberScore": {"overall": 40, "subScores": [1, 2]}}', "list of objects"),
        ('{"memberScore": {"overall": 40}, "groupScore": "x"}', "list of objects"),
    ],
)
def test_odd_ssi_page_json_is_refused_with_a_reason(store, tmp_path, doc, expected):
    path = tmp_path / "ssi_page_2026-01-02.json"
    path.write_text(doc)
    with pytest.raises(ImportRejectedError, match=expected):
        import_file(store, path)


def test_many_rows_for_one_person_and_day_are_counted_once_each(load, store):
    """Each later row is compared with the first, not with every other row: 3,000 rows
    give 2,999 errors (all pairs would be 4,498,500)."""
    rows = "".join(f"Ann,2026-01-02,{i % 100},10,10,10,10\n" for i in range(3000))
    with pytest.raises(ImportRejectedError) as err:
        load("many.csv", HEAD + rows)
    assert err.value.total == 2999 - 29  # rows equal to the first (SSI 0) are copies
    [problem] = err.value.problems  # one person and day: one message, however many lines
    assert problem.line == 3
    assert problem.message.startswith("lines 3, 4 and 2,968 more are different rows for ann")
    assert "than line 2" in problem.message


def test_repeated_copies_are_one_warning_with_a_count(load):
    result = load("copies.csv", HEAD + "Ann,2026-01-02,40,10,10,10,10\n" * 10)
    assert (result.rows_loaded, result.rows_skipped, result.warning_count) == (1, 9, 9)
    [warning] = result.warnings
    assert warning.line == 3 and "lines 3, 4 and 7 more repeat line 2" in warning.message


def test_line_numbers_hold_across_a_file_read_in_parallel(load, store):
    # 300,000 rows (about 13 MB) are read by several threads; a row's line comes from its
    # place in the file, so bad values at the start, middle and end are named exactly. A
    # title line above the header moves every line down by one.
    rows = [f"Rep {i % 3000},2025-{1 + i // 3000 % 12:02d}-{1 + i // 36000 % 28:02d},"
            f"40,10,10,10,10" for i in range(300_000)]  # fmt: skip
    bad = {0: "x40", 151_234: "4o", 299_999: "?"}
    for index, value in bad.items():
        rows[index] = rows[index].replace(",40,", f",{value},", 1)
    err = rejected(load, store, "SSI export\n" + HEAD + "\n".join(rows) + "\n")
    assert [(p.line, p.value) for p in err.problems] == [
        (index + 3, value) for index, value in bad.items()
    ]


def test_one_person_named_two_ways_on_one_day_is_refused_naming_both_lines(load, store):
    # Line 3 has no e-mail, so the duplicate check (person by e-mail, else by name) sees two
    # people; both are Ann Lee. Refused with the lines, before the writes' own check would.
    text = ("Name,Email,Date,SSI,Brand,People,Insights,Relationships\n"
            "Ann Lee,ann@example.com,2025-01-02,40,10,10,10,10\n"
            "Bob Ray,bob@example.com,2025-01-02,50,10,10,10,20\n"
            "ann lee,,2025-01-02,41,10,10,10,11\n")  # fmt: skip
    err = rejected(load, store, text, name="team.csv")
    assert [(p.line, p.file) for p in err.problems] == [(4, "team.csv")]
    assert ("a second row for Ann Lee <ann@example.com> on 2025-01-02: line 2 is "
            "the same person") in err.problems[0].message  # fmt: skip
    assert snapshot_count(store) == 0
    assert store.df_sql("select count(*) as n from reps")["n"][0] == 0
    # On another day the same two spellings are one person's two readings.
    later = text.replace("ann lee,,2025-01-02", "ann lee,,2025-01-03")
    assert load("team.csv", later).rows_loaded == 3
    assert store.df_sql("select count(distinct rep_id) as n from snapshots")["n"][0] == 2
    # And one rep each: the row without an e-mail made no second, empty Ann Lee.
    assert store.df_sql("select name, email from reps order by rep_id").values.tolist() == [
        ["Ann Lee", "ann@example.com"], ["Bob Ray", "bob@example.com"]]  # fmt: skip


ACTIVITY = "Name,Date,SSI,Profile views,Searches performed\n"


def activity_rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.df_sql(
        "select rep_id, day, metric, value, import_id from activity order by all").itertuples(
        index=False)]  # fmt: skip


# The touched keys are checked either picked out of their day range first or by counting
# the whole range (writes.WHOLE_RANGE_UP_TO chooses by the rows in range): 0 forces the
# first way for any range with rows, a billion the second.
BOTH_WAYS = pytest.mark.parametrize("whole_range_up_to", [0, 10**9], ids=["picked", "whole"])


@BOTH_WAYS
def test_a_write_that_would_hold_two_activity_values_is_refused_whole(
    load, store, monkeypatch, whole_range_up_to
):
    """Activity has no unique index (migration 007: 111 million keys made a Monday upload
    take 15-20 s and 6 GB); each write checks the keys it touched instead. An importer that
    wrote a metric twice is refused, and nothing of its file is written."""
    from dashboard.errors import StoreError
    from dashboard.store import writes

    monkeypatch.setattr(writes, "WHOLE_RANGE_UP_TO", whole_range_up_to)
    load("a.csv", ACTIVITY + "Ann,2025-01-02,40,12,3\nBob,2025-01-02,50,7,1\n")
    state, rows = table_state(store), activity_rows(store)
    write_twice(monkeypatch)
    with pytest.raises(StoreError, match=r"one activity value per person, day and metric \(rep #"):
        load("b.csv", ACTIVITY + "Ann,2025-01-03,41,15,2\n")
    assert (table_state(store), activity_rows(store)) == (state, rows)
    monkeypatch.undo()
    assert load("b.csv", ACTIVITY + "Ann,2025-01-03,41,15,2\n").rows_loaded == 1


def test_a_first_import_that_writes_a_metric_twice_is_refused(load, store, monkeypatch):
    """Into an empty store the range holds only what the write touched, so the rule is
    taken as held when the range's rows match the touched keys by count and by the sum of
    their hashes. A write that put every row in twice has twice the rows: refused."""
    from dashboard.errors import StoreError

    state = table_state(store)
    write_twice(monkeypatch)
    with pytest.raises(StoreError, match="one activity value per person, day and metric"):
        load("a.csv", ACTIVITY + "Ann,2025-01-02,40,12,3\nBob,2025-01-02,50,7,1\n")
    assert (table_state(store), activity_rows(store)) == (state, [])


def test_a_write_that_swaps_one_key_for_a_second_copy_of_another_is_refused(
    load, store, monkeypatch
):
    """The same number of rows as touched keys, but one key held twice and another not at
    all: the sums of the key hashes differ, so the keys are counted and the write refused."""
    from dashboard.errors import StoreError

    after_query(monkeypatch, "insert_activity",  # Bob's searches: a second profile-views row
                "update activity set metric = 'profile_views' "
                "where metric = 'searches' and rep_id = (select max(rep_id) from reps)")  # fmt: skip
    with pytest.raises(StoreError, match="one activity value per person, day and metric"):
        load("a.csv", ACTIVITY + "Ann,2025-01-02,40,12,3\nBob,2025-01-02,50,7,1\n")
    assert activity_rows(store) == []
    monkeypatch.undo()
    assert load("a.csv", ACTIVITY + "Ann,2025-01-02,40,12,3\nBob,2025-01-02,50,7,1\n"
                ).rows_loaded == 2  # fmt: skip


@BOTH_WAYS
def test_an_undo_that_would_put_back_two_activity_values_is_refused(
    load, store, monkeypatch, whole_range_up_to
):
    from dashboard.errors import StoreError
    from dashboard.store import writes

    monkeypatch.setattr(writes, "WHOLE_RANGE_UP_TO", whole_range_up_to)
    load("a.csv", ACTIVITY + "Ann,2025-01-02,40,12,3\n")
    changed = load("b.csv", ACTIVITY + "Ann,2025-01-02,40,13,3\n")  # replaces profile views
    with store.transaction() as cur:  # a history holding the replaced value twice
        cur.execute("insert into activity_history select * from activity_history")
    state, rows = table_state(store), activity_rows(store)
    with pytest.raises(StoreError, match="one activity value per person, day and metric"):
        undo_import(store, changed.import_id)
    assert (table_state(store), activity_rows(store)) == (state, rows)
    assert store.df_sql("select status from imports order by import_id")["status"].tolist() == [
        "loaded", "loaded"]  # fmt: skip


@pytest.mark.backends("duckdb")
def test_no_table_of_readings_or_activity_keeps_a_unique_index_after_migration_10(store):
    indexes = store.df_sql("select table_name, index_name from duckdb_indexes() "
                           "where index_name not like '%pkey%' order by all")  # fmt: skip
    assert indexes.values.tolist() == []


MIXED = (ACTIVITY + "Ann,2025-01-02,40,12,3\n"  # a reading and activity
         "Bob,2025-01-02,,7,1\n"  # activity only
         "Cy,2025-01-02,51,,\n"  # a reading only
         "Dee,2025-01-02,,,\n"  # nothing: a seat with no data
         "Ann,2025-01-02,40,12,3\n")  # a copy of line 2: skipped  # fmt: skip


@pytest.mark.parametrize("counted", ["when all new", "grouped by line"])
def test_a_first_import_counts_each_line_once_however_the_lines_are_counted(
    load, store, monkeypatch, counted
):
    """A first import counts its lines without grouping them (every change is new); the
    count is the one grouping by line gives: a line with a reading and activity is one."""
    from dashboard.store import Cursor

    if counted == "grouped by line":
        real_run = Cursor.run
        monkeypatch.setattr(Cursor, "run", lambda self, name, params=None: real_run(
            self, "change_counts" if name == "change_counts_all_new" else name, params))  # fmt: skip
    result = load("mixed.csv", MIXED)
    assert (result.rows_read, result.rows_loaded, result.rows_updated, result.rows_skipped) == (
        5, 4, 0, 1)  # fmt: skip
    again = load("mixed2.csv", MIXED.replace("Bob,2025-01-02,,7,1", "Bob,2025-01-02,,8,1"))
    assert (again.rows_loaded, again.rows_updated) == (0, 1)


def test_rep_is_not_given_to_every_row_of_a_file_that_names_its_people(load, store):
    result = load("team.csv", "Email,Date,SSI\nann@example.com,2026-11-20,40\n"
                  "bob@example.com,2026-11-20,50\n", rep="Zed")  # fmt: skip
    assert result.rows_loaded == 2
    people = store.df_sql("select name, email from reps order by email")
    assert "Zed" not in set(people["name"]) and people["email"].tolist() == [
        "ann@example.com", "bob@example.com"]  # fmt: skip
