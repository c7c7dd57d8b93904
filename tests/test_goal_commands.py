"""Goals and events from the command line and from a goal file: the contract's names and
fields, scoping with --as, errors that name the cell, nothing written on error, undo."""

from __future__ import annotations

import json
from datetime import date

import pytest
from test_cli import cli
from test_goals import READINGS

from dashboard.access import OWNER, Viewer
from dashboard.actions.goals import add_event, import_goal_file
from dashboard.errors import ImportRejectedError
from dashboard.scoring.events import BeforeAfter, before_after, stored_events
from dashboard.store import Store
from dashboard.users import add_user

GOAL_FIELDS = ["id", "scope", "metric", "target", "from", "by", "start_value", "current",
               "attainment_pct", "verdict", "needed_per_week"]  # fmt: skip


@pytest.fixture
def db(location, tmp_path):
    readings = tmp_path / "readings.csv"
    readings.write_text(READINGS)
    assert cli("import", str(readings), db=location).returncode == 0
    return location


def test_goals_add_list_remove_through_the_contract(db):
    out = cli("goals", "add", "--metric", "ssi", "--target", "60", "--by", "2026-03-01",
              "--from", "2026-01-01", "--team", "East", db=db)  # fmt: skip
    assert out.returncode == 0 and out.stdout.strip() == "goal #1 set", out.stderr
    cli("goals", "add", "--metric", "ssi", "--target", "50", "--by", "2026-01-31",
        "--from", "2026-01-10", "--rep", "ann@example.com", db=db)  # fmt: skip
    listed = cli("goals", "list", "--format", "json", "--date", "2026-02-05", db=db)
    goals = json.loads(listed.stdout)
    assert [list(g)[: len(GOAL_FIELDS)] for g in goals] == [GOAL_FIELDS] * 3
    by_scope = {g["scope"]: g for g in goals}
    east = by_scope["team: East"]
    assert (east["start_value"], east["current"], east["attainment_pct"], east["verdict"]) == (
        50.0,
        57.0,
        70.0,
        "ahead",
    )
    assert east["needed_per_week"] == 0.88 and east["from"] == "2026-01-01"
    ann = by_scope["rep: ann@example.com"]
    assert (ann["start_value"], ann["current"], ann["verdict"], ann["needed_per_week"]) == (
        40.0,
        46.0,
        "missed",
        None,
    )
    assert ann["current_day"] == "2026-01-15"
    assert by_scope["company"]["id"] is None  # the default goal, from scoring.toml
    table = cli("goals", "list", "--date", "2026-02-05", db=db).stdout
    assert "team: East" in table and "▲ ahead" in table and "70" in table
    assert cli("goals", "remove", "1", db=db).stdout.startswith("goal #1 removed")
    assert "team: East" not in cli("goals", "list", db=db).stdout


def test_goals_are_scoped_by_as_as_on_the_pages(db):
    with Store(db) as store:  # closed before the commands open it
        add_user(store, "admin@example.com", "admin", by=OWNER)
        add_user(store, "ann@example.com", "rep", by=OWNER, rep_email="ann@example.com")
        add_user(store, "west@example.com", "manager", by=OWNER, teams=["West"])
    cli("goals", "add", "--metric", "ssi", "--target", "65", "--by", "2026-03-01",
        "--from", "2026-01-01", "--rep", "bob@example.com", db=db)  # fmt: skip
    cli("goals", "add", "--metric", "ssi", "--target", "50", "--by", "2026-03-01",
        "--from", "2026-01-01", "--rep", "ann@example.com", db=db)  # fmt: skip
    mine = json.loads(cli("goals", "list", "--format", "json", "--as", "ann@example.com",
                          db=db).stdout)  # fmt: skip
    assert sorted(g["scope"] for g in mine) == ["company", "rep: ann@example.com"]
    refused = cli("goals", "add", "--metric", "ssi", "--target", "60", "--by", "2026-03-01",
                  "--team", "East", "--as", "west@example.com", db=db)  # fmt: skip
    assert refused.returncode == 1 and "your own teams" in refused.stderr
    assert "Traceback" not in refused.stderr
    gone = cli("goals", "remove", "1", "--as", "west@example.com", db=db)
    assert gone.returncode == 1 and "no goal #1 you may see" in gone.stderr


GOAL_FILE = """Metric,Target,From,By,Team,Rep,Owner's note
ssi,70,2026-01-01,2026-03-31,,,the company
Find the right people,15,2026-01-01,2026-03-31,East,,a pillar by its label
InMails sent,20,2026-01-01,2026-03-31,,ann@example.com,an activity metric by its label
"""


def test_a_goal_file_sets_every_goal_or_none_and_undo_takes_them_out(db, tmp_path):
    good = tmp_path / "goals.csv"
    good.write_text(GOAL_FILE)
    out = cli("goals", "import", str(good), db=db)
    assert out.returncode == 0 and "3 goal(s) set (import #2)" in out.stdout, out.stderr
    assert 'ignored column(s): "Owner\'s note"' in out.stdout
    again = cli("goals", "import", str(good), db=db)
    assert "already imported (import #2); nothing changed" in again.stdout
    goals = json.loads(cli("goals", "list", "--format", "json", db=db).stdout)
    assert sorted((g["scope"], g["metric"]) for g in goals) == [
        ("company", "ssi"),
        ("rep: ann@example.com", "inmails_sent"),
        ("team: East", "people"),
    ]
    assert cli("undo", "2", db=db).returncode == 0
    goals = json.loads(cli("goals", "list", "--format", "json", db=db).stdout)
    assert [g["id"] for g in goals] == [None]  # only the default goal is left


def test_a_goal_file_with_errors_names_each_cell_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOAL_FILE + "peple,15,2026-01-01,2026-03-31,East,,\n"
                   "ssi,120,2026-01-01,2026-03-31,,,\nssi,60,2026-01-01,31/03/2026,,,\n"
                   "ssi,60,2026-01-01,2026-03-31,North,,\n"
                   "ssi,60,2026-01-01,2026-03-31,,zed@example.com,\n")  # fmt: skip
    out = cli("goals", "import", str(bad), db=db)
    assert out.returncode == 2
    for line in ("bad.csv, line 5, column 'Metric': value 'peple': expected one of ssi,",
                 "bad.csv, line 6, column 'Target': value '120': expected a number from 0 to 100",
                 "bad.csv, line 7, column 'By': value '31/03/2026': expected a date written YYYY-MM-DD",
                 "bad.csv, line 8, column 'Team': value 'North': expected a team the store knows",
                 "bad.csv, line 9, column 'Rep': value 'zed@example.com': expected the e-mail of a rep"):  # fmt: skip
        assert line in out.stderr
    assert json.loads(cli("goals", "list", "--format", "json", db=db).stdout)[0]["id"] is None
    assert "no imports yet" not in cli("imports", db=db).stdout  # the readings' import only


def test_a_managers_goal_file_outside_their_teams_is_refused_whole(db, store, tmp_path):
    manager = Viewer("m@example.com", "manager", teams=("East",))
    path = tmp_path / "goals.csv"
    path.write_text(GOAL_FILE)
    with pytest.raises(ImportRejectedError) as refused:
        import_goal_file(store, manager, path)
    lines = [str(p) for p in refused.value.problems]
    assert lines == [
        "goals.csv, line 2, column 'Team': value '(company)': expected a scope you "
        "may set goals for (a manager: their own teams and their reps)"
    ]
    assert store.rows("every_goal") == []


def test_events_add_list_and_the_before_after_comparison(location, tmp_path):
    days = ["2026-01-01", "2026-01-31", "2026-03-02"]
    ssi = {"A": (40, 42, 50), "B": (50, 50, 54), "C": (30, 31, 32), "D": (60, 62, 63)}
    team = {"A": "East", "B": "East", "C": "West", "D": "West"}
    rows = "".join(f"{r},{r.lower()}@example.com,{team[r]},{d},{s}\n"
                   for r, values in ssi.items() for d, s in zip(days, values, strict=True))  # fmt: skip
    f = tmp_path / "r.csv"
    f.write_text("name,email,team,date,ssi\n" + rows)
    assert cli("import", str(f), db=location).returncode == 0
    out = cli("events", "add", "--date", "2026-01-31", "--title", "Training", "--team", "East",
              db=location)  # fmt: skip
    assert out.stdout.strip() == "event #1 noted", out.stderr
    listed = json.loads(cli("events", "list", "--format", "json", db=location).stdout)
    assert listed == [{"id": 1, "day": "2026-01-31", "title": "Training", "scope": "team: East",
                       "set_by": "owner of this machine"}]  # fmt: skip
    store = Store(location)
    (event,) = stored_events(store)
    found = before_after(store, event, date(2026, 3, 2))
    # East changed +1 then +6 (a 5 point swing); West +1.5 then +1 (-0.5): 5.5 more.
    assert isinstance(found, BeforeAfter) and (found.concerned, found.others) == (2, 2)
    assert found.difference == pytest.approx(5.5)
    assert "changed 5.5 points more" in found.sentence() and "not proof" in found.sentence()
    everyone = add_event(store, OWNER, date(2026, 1, 31), "LinkedIn changed its formula")
    assert before_after(store, stored_events(store)[-1], date(2026, 3, 2)) is None
    assert everyone == 2
    store.close()


def test_an_event_title_is_plain_text_and_bounded(store):
    from dashboard.actions.goals import GoalRefusedError

    for title, message in (("", "needs a title"), ("x" * 201, "at most 200"),
                           ("a\u202eb", "control or direction")):  # fmt: skip
        with pytest.raises(GoalRefusedError, match=message):
            add_event(store, OWNER, date(2026, 1, 1), title)


def test_a_goal_file_given_to_import_says_where_it_goes(db, tmp_path):
    path = tmp_path / "goals.csv"
    path.write_text(GOAL_FILE)
    out = cli("import", str(path), db=db)
    assert out.returncode == 2
    assert "this is a goal file (metric, target, by)" in out.stderr and "goals import" in out.stderr
