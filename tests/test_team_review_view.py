"""The team review keeps company-wide parts per store version: a team's view must still be
exactly that team's, and a write must show at once."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pandas as pd
import pytest
from conftest import DEMO_END
from estimate_reference import pandas_estimate

from dashboard.scoring import averages_over_time, coaching_signals, leaderboard
from dashboard.scoring.config import load_config
from dashboard.scoring.estimate import (
    estimate_agreement,
    estimate_inputs,
    reported_on,
)
from dashboard.scoring.leaderboard import listed, of_teams
from dashboard.scoring.memo import KEEP_COMPANY_WIDE, remembered
from dashboard.views.team_review import estimate_check, team_review, with_sparklines

D0 = date(2026, 1, 1)


def test_a_teams_review_after_the_companys_equals_one_computed_for_that_team(demo_store):
    config = load_config()
    company = team_review(demo_store, [], DEMO_END, 90)  # fills what a team's view reuses
    teams = sorted(company.board["team"].unique())
    for chosen in ([teams[0]], [teams[1], teams[2]], []):
        view = team_review(demo_store, chosen, DEMO_END, 30)
        board = of_teams(leaderboard(demo_store, DEMO_END, config=config), chosen)
        pd.testing.assert_frame_equal(view.board.reset_index(drop=True),
                                      board.reset_index(drop=True))  # fmt: skip
        expected = coaching_signals(demo_store, board, DEMO_END, config)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(view.signals, expected)
        start = DEMO_END - timedelta(days=29)
        every = averages_over_time(demo_store, start, DEMO_END, config)
        groups = [*(chosen or sorted(listed(board)["team"].unique())), "Company"]
        pd.testing.assert_frame_equal(  # the chosen teams' lines and the company's only
            view.averages, every[every["team"].isin(groups)].reset_index(drop=True)
        )
        shown = set(listed(board)["rep_id"])
        estimated = pandas_estimate(estimate_inputs(demo_store, DEMO_END, config), config)
        estimated = estimated.dropna(subset=["ssi"])
        reported = reported_on(demo_store, DEMO_END)
        # The view sums the estimates in the store, this test in pandas: equal but for the
        # order of a sum's terms.
        expected = estimate_agreement(
            reported[reported["rep_id"].isin(shown)], estimated[estimated["rep_id"].isin(shown)]
        )
        assert expected["reps"] >= 3  # enough for a rank correlation
        got = estimate_check(demo_store, chosen, DEMO_END)
        assert got == pytest.approx(expected, rel=1e-12, nan_ok=True)


def test_an_import_shows_in_the_next_team_review(load, store):
    header = "name,team,date,ssi,brand,people,insights,relationships\n"
    load("a.csv", header + f"Ann,East,{D0},60,15,15,15,15\n")
    before = team_review(store, [], D0, 30)
    assert before.board["rep"].tolist() == ["Ann"]
    load("b.csv", header + f"Bob,East,{D0},40,5,15,10,10\n")
    after = team_review(store, [], D0, 30)
    assert sorted(after.board["rep"]) == ["Ann", "Bob"]
    assert after.kpis.reps == 2 and after.kpis.average_ssi == 50
    flagged = after.signals[after.signals["signal"] == "weak pillar"]
    assert flagged["rep"].tolist() == ["Bob"]
    lines = with_sparklines(store, after.board, D0).set_index("rep")["ssi_trend"]
    assert lines.map(list).to_dict() == {"Ann": [60.0], "Bob": [40.0]}


def test_a_sparkline_has_the_last_reading_of_each_week_and_skips_empty_weeks(load, store):
    header = "name,team,date,ssi,brand,people,insights,relationships\n"
    days = {D0 - timedelta(days=20): 50, D0 - timedelta(days=15): 52,  # one week: 52 is later
            D0 - timedelta(days=1): 58, D0: 60}  # this week; the week before has none  # fmt: skip
    rows = "".join(f"Ann,East,{d},{v},15,15,15,{v - 45}\n" for d, v in days.items())
    load("ann.csv", header + rows)
    view = team_review(store, [], D0, 30)
    lines = with_sparklines(store, view.board, D0).set_index("rep")["ssi_trend"]
    assert lines["Ann"].tolist() == [52.0, 60.0]


def test_the_estimate_check_compares_only_the_days_someone_reported(load, store, monkeypatch):
    from dashboard.views import team_review as view_module

    header = "name,team,date,ssi,brand,people,insights,relationships\n"
    load("ssi.csv", header + f"Ann,East,{D0},60,15,15,15,15\nBob,East,{D0},40,5,15,10,10\n")
    metrics = sorted({i["metric"] for i in load_config().estimate.inputs})
    rows = [f"{n},{d}," + ",".join("5" for _ in metrics)
            for n in ("Ann", "Bob") for d in (D0, D0 + timedelta(days=1))]  # fmt: skip
    load("act.csv", "\n".join(["name,date," + ",".join(metrics), *rows]) + "\n")
    reported_day = estimate_check(store, [], D0)
    assert reported_day["reps"] == 2
    estimated = view_module.estimated_ssi(store, D0, load_config()).set_index("rep_id")["ssi"]
    assert reported_day["mean_gap"] == pytest.approx(estimated.mean() - 50)
    # The next day has activity but no reading: nothing to compare, so no estimate is read.
    monkeypatch.setattr(view_module, "estimated_ssi", lambda *a: pytest.fail("estimated"))
    assert estimate_check(store, [], D0 + timedelta(days=1))["reps"] == 0
    assert team_review(store, [], D0 + timedelta(days=1), 30).kpis.reps == 2


def test_a_kept_result_is_computed_once_per_version_and_handed_out_as_a_copy(load, store):
    calls = []

    @remembered(keep=KEEP_COMPANY_WIDE)
    def board_of(s, as_of):
        calls.append(as_of)
        return leaderboard(s, as_of)

    load("a.csv", "name,date,ssi\nAnn,2026-01-01,60\n")
    first = board_of(store, D0)
    first["ssi"] = 0.0  # a caller's change stays the caller's
    assert board_of(store, D0)["ssi"].tolist() == [60.0]
    assert calls == [D0]
    load("b.csv", "name,date,ssi\nAnn,2026-01-01,61\n")
    assert board_of(store, D0)["ssi"].tolist() == [61.0]
    assert calls == [D0, D0]
    later = [D0 + timedelta(days=n) for n in range(1, KEEP_COMPANY_WIDE + 1)]
    for day in later:
        board_of(store, day)
    board_of(store, D0)  # the oldest was let go: computed again
    assert calls == [D0, D0, *later, D0]


def test_a_kept_result_goes_with_a_change_of_rules(load, store, tmp_path, monkeypatch):
    """The rules in force are part of the key: results computed under one scoring file are
    not served under another, nor after that file is edited."""
    load("a.csv", "name,date,ssi\nAnn,2026-01-01,60\n")
    assert team_review(store, [], D0, 30).kpis.leaders == 0  # leaders are above 70
    rules = tmp_path / "scoring.toml"
    rules.write_text("[groups]\nleader_above = 55\n")
    monkeypatch.setenv("SSI_SCORING_CONFIG", str(rules))
    assert team_review(store, [], D0, 30).kpis.leaders == 1
    rules.write_text("[groups]\nleader_above = 65\n")
    os.utime(rules, (1, 1))  # a new modification time, even within the clock's resolution
    assert team_review(store, [], D0, 30).kpis.leaders == 0


def test_kept_results_are_keyed_by_the_data_read_and_ask_postgresql_nothing(load, store):
    """In PostgreSQL mode the key is the replica's version: a page's parts all describe the
    same data, and a team review makes no version round trip of its own."""
    load("a.csv", "name,team,date,ssi\nAnn,East,2026-01-01,60\nBob,West,2026-01-01,40\n")
    team_review(store, [], D0, 30)
    asked = []
    real = store._backend.catch_up
    store._backend.catch_up = lambda: (asked.append(1), real())[1]
    try:
        view = team_review(store, ["East"], D0, 30)
    finally:
        del store._backend.catch_up
    assert view.board["rep"].tolist() == ["Ann"]
    assert asked == []
    assert store.version == store.catch_up()  # nothing written since


def test_rep_labels_tell_people_with_one_name_apart_by_email():
    from dashboard.views.self_check import rep_labels

    reps = pd.DataFrame({
        "rep_id": [7, 3, 9, 4, 5],
        "name": ["Ann Lee", "ann lee", "Bob", "Cy", "Cy"],
        "team": ["East", None, "", "West", "West"],
        "email": ["ann@x.io", None, "bob@x.io", "cy@x.io", ""],
    }, index=[10, 11, 12, 13, 14])  # fmt: skip
    assert rep_labels(reps) == {
        7: "Ann Lee (East) <ann@x.io>",
        3: "ann lee (no team) <no e-mail>",
        9: "Bob (no team)",
        4: "Cy (West) <cy@x.io>",
        5: "Cy (West) <no e-mail>",
    }
    assert rep_labels(reps.iloc[:0]) == {}


@pytest.mark.parametrize("summed", [False, True], ids=["from readings", "from team_days"])
@pytest.mark.parametrize("days_back", [0, 45])
def test_each_kpi_is_the_last_point_of_the_chart_beside_it(demo_store, summed, days_back):
    """One number, one rendering: the average SSI and the balanced share at the top of the
    team review are the last points of the trend charts under them, for the company and
    for each team, with readings of every age and reps with a missing pillar."""
    from dashboard.scoring.team_days import keep_current
    from dashboard.views.team_review import PERIODS

    with demo_store.transaction() as cur:  # a few reps with a pillar unknown
        cur.execute("insert into imports (import_id, file_name, content_hash, format, "
                    "imported_at) values (900, 'gaps', 'g', 'test', now())")  # fmt: skip
        cur.execute("update snapshots set brand = null, import_id = 900 where rep_id % 7 = 0")
        cur.touched("touched_readings", "readings_of_every_rep")
    if summed:
        keep_current(demo_store)
    as_of = DEMO_END - timedelta(days=days_back)
    teams = sorted(leaderboard(demo_store, as_of)["team"].unique())
    for chosen in [[], *[[t] for t in teams]]:
        view = team_review(demo_store, chosen, as_of, PERIODS["90 days"])
        line = "Company" if not chosen else chosen[0]
        last = view.averages[(view.averages["team"] == line)
                             & (view.averages["day"] == pd.Timestamp(as_of))]  # fmt: skip
        assert len(last) == 1, chosen
        assert last["reps"].iloc[0] == view.kpis.reps, chosen
        assert last["ssi"].iloc[0] == pytest.approx(view.kpis.average_ssi, abs=1e-9), chosen
        assert last["balanced_known"].iloc[0] == view.kpis.balanced_known, chosen
        assert view.kpis.balanced_known < view.kpis.reps or chosen, "no pillar is missing"
        assert last["share_balanced"].iloc[0] == pytest.approx(view.kpis.share_balanced), chosen
