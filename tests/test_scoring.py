"""Scoring rules against hand-computed expectations."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from estimate_reference import pandas_estimate

from dashboard.scoring import coaching_signals, estimate_agreement, leaderboard, movers
from dashboard.scoring.advice import recommendations
from dashboard.scoring.config import load_config
from dashboard.scoring.estimate import estimate_inputs, estimated_ssi
from dashboard.scoring.trends import sparklines

D0 = date(2026, 1, 1)


def template(rows) -> str:
    """rows: (name, team, day offset from D0, ssi, pillar or (b, p, i, r))."""
    out = "name,team,date,ssi,brand,people,insights,relationships\n"
    for name, team, offset, ssi, pillars in rows:
        if not isinstance(pillars, tuple):
            pillars = (pillars,) * 4
        out += (
            f"{name},{team},{D0 + timedelta(days=offset)},{ssi},"
            + ",".join(map(str, pillars))
            + "\n"
        )
    return out


def board_row(board, rep):
    return board[board["rep"] == rep].iloc[0]


def test_as_of_reading_across_gaps_and_change_against_as_of_dates(load, store):
    load("a.csv", template([("Ann", "East", 0, 40, 10), ("Ann", "East", 5, 50, 12.5),
                            ("Ann", "East", 12, 52, 13), ("Ann", "East", 20, 56, 14),
                            ("Ann", "East", 60, 60, 15)]))  # fmt: skip
    day = lambda n: D0 + timedelta(days=n)  # noqa: E731
    row = board_row(leaderboard(store, day(12)), "Ann")
    assert row["ssi_change_7d"] == 2 and row["ssi_change_7d_since"] == day(5)
    # Nothing 30 days before day 12: no change, and no date to compare against.
    assert pd.isna(row["ssi_change_30d"]) and pd.isna(row["ssi_change_30d_since"])
    row = board_row(leaderboard(store, day(25)), "Ann")
    assert row["as_of"] == day(20) and row["age_days"] == 5 and not row["stale"]
    # The window is counted back from the reading's own day (20), not from the view's date.
    assert row["ssi_change_7d"] == 4 and row["ssi_change_7d_since"] == day(12)
    row = board_row(leaderboard(store, day(35)), "Ann")
    assert row["stale"]  # 15 days old with stale_after_days = 7
    row = board_row(leaderboard(store, day(60)), "Ann")
    # The reading before day 60 is day 20's: 40 days apart is no 7- or 30-day change.
    assert pd.isna(row["ssi_change_7d"]) and row["ssi_change_7d_since"] == day(20)
    assert pd.isna(row["ssi_change_30d"]) and row["ssi_change_30d_since"] == day(20)
    # A reading long before the view's date still has its changes (found outside the short
    # range that recent readings are looked up in).
    load("b.csv", template([("Bob", "East", 0, 30, 7.5), ("Bob", "East", 8, 34, 8.5),
                            ("Bob", "East", 30, 38, 9.5), ("Bob", "East", 37, 44, 11)]))  # fmt: skip
    row = board_row(leaderboard(store, day(120)), "Bob")
    assert row["as_of"] == day(37) and row["age_days"] == 83
    assert row["ssi_change_7d"] == 6 and row["ssi_change_7d_since"] == day(30)
    assert row["ssi_change_30d"] == 14 and row["ssi_change_30d_since"] == day(0)


def test_ranks_with_ties_and_top_percent(load, store):
    load("a.csv", template([("Ann", "East", 0, 60, 15), ("Bob", "East", 0, 60, 15),
                            ("Cid", "West", 0, 50, 12.5), ("Dee", "East", 0, 20, 5)]))  # fmt: skip
    b = leaderboard(store, D0).set_index("rep")
    assert b.loc[["Ann", "Bob", "Cid", "Dee"], "rank"].tolist() == [1, 1, 3, 4]
    assert b.loc[["Ann", "Bob", "Dee"], "rank_team"].tolist() == [1, 1, 3]
    assert b.loc["Ann", "top_pct_company"] == 25  # rank 1 of 4
    assert b.loc["Dee", "top_pct_team"] == 100
    assert b.loc["Cid", "top_pct_team"] == 100  # alone in West


@pytest.mark.parametrize(
    ("ssi", "band"),
    [(29.9, "very poor"), (30, "low"), (50, "low"), (50.9, "low"), (51, "above average"),
     (74.9, "above average"), (75, "top"), (100, "top")],
)  # fmt: skip
def test_band_boundaries(load, store, ssi, band):
    load("a.csv", template([("Ann", "East", 0, ssi, ssi / 4)]))
    assert board_row(leaderboard(store, D0), "Ann")["band"] == band


@pytest.mark.parametrize(
    ("pillars", "balanced", "weakest", "gap"),
    [((15, 15, 15, 15), True, "brand", 0), ((20, 14.99, 15, 16), False, "people", 0.01),
     ((25, 25, 25, 9), False, "relationships", 6)],
)  # fmt: skip
def test_balance_at_exactly_fifteen(load, store, pillars, balanced, weakest, gap):
    load("a.csv", template([("Ann", "East", 0, sum(pillars), pillars)]))
    row = board_row(leaderboard(store, D0), "Ann")
    assert bool(row["balanced"]) is balanced
    assert row["weakest_pillar"] == weakest
    assert row["weakest_gap"] == pytest.approx(gap)
    assert row["pillar_spread"] == pytest.approx(max(pillars) - min(pillars))


def test_leaders_laggards_well_rounded(load, store):
    load("a.csv", template([("Ann", "E", 0, 70.5, (17, 18, 17, 18.5)), ("Bob", "E", 0, 70, (20, 20, 20, 10)),
                            ("Cid", "E", 0, 29.9, 7.475), ("Dee", "E", 0, 30, 7.5)]))  # fmt: skip
    b = leaderboard(store, D0).set_index("rep")
    assert b["leader"].to_dict() == {"Ann": True, "Bob": False, "Cid": False, "Dee": False}
    assert b["laggard"].to_dict() == {"Ann": False, "Bob": False, "Cid": True, "Dee": False}
    assert b["well_rounded"].to_dict() == {"Ann": True, "Bob": False, "Cid": False, "Dee": False}


def test_forecast_on_a_known_straight_line(load, store):
    # 40 + 0.5 a day for 56 days: 67.5 on day 55, so 70 is reached 5 days later.
    load("a.csv", template([("Ann", "E", t, 40 + 0.5 * t, (40 + 0.5 * t) / 4) for t in range(56)]))
    row = board_row(leaderboard(store, D0 + timedelta(days=55)), "Ann")
    assert row["slope_per_week"] == pytest.approx(3.5)
    assert row["forecast_status"] == "on track"
    assert row["forecast_date"] == D0 + timedelta(days=60)
    assert row["rolling_7d"] == pytest.approx(sum(40 + 0.5 * t for t in range(49, 56)) / 7)


@pytest.mark.parametrize("step", [0.0, -0.3])
def test_no_forecast_on_flat_or_falling_line(load, store, step):
    load(
        "a.csv", template([("Ann", "E", t, 60 + step * t, (60 + step * t) / 4) for t in range(40)])
    )
    row = board_row(leaderboard(store, D0 + timedelta(days=39)), "Ann")
    assert row["forecast_status"] == "not on the current trend"
    assert pd.isna(row["forecast_date"])


def test_forecast_beyond_horizon_is_not_on_trend(load, store):
    load("a.csv", template([("Ann", "E", t, 30 + 0.01 * t, 7.5) for t in range(40)]))
    row = board_row(leaderboard(store, D0 + timedelta(days=39)), "Ann")
    assert row["forecast_status"] == "not on the current trend"


def test_coaching_signals(load, store):
    rows = [("Fal", "E", 28 - 7 * w, 60 - 3 * (3 - w), 15) for w in range(4)]  # falls each week
    rows += [("Sil", "E", 0, 50, 12.5), ("Sil", "E", 10, 50, 12.5)]  # silent from day 10
    rows += [("Drp", "E", 21, 60, 15), ("Drp", "E", 28, 52, (9, 15, 14, 14))]
    # Lower at every reading, but no reading in the week to day 21: not lower each week.
    rows += [("Gap", "E", 7, 66, 16.5), ("Gap", "E", 14, 62, 15.5), ("Gap", "E", 28, 58, 14.5)]
    # The oldest week's point (day 7) carries day 0's reading: lower each week since.
    rows += [("Old", "E", d, v, v / 4) for d, v in ((0, 70), (14, 66), (21, 62), (28, 58))]
    load("a.csv", template(rows))
    as_of = D0 + timedelta(days=28)
    b = leaderboard(store, as_of)
    sig = coaching_signals(store, b, as_of)
    got = {(r.rep, r.signal) for r in sig.itertuples()}
    assert got == {("Fal", "falling"), ("Sil", "no recent reading"), ("Drp", "sharp drop"),
                   ("Drp", "weak pillar"), ("Old", "falling")}  # fmt: skip
    assert "brand 9.0" in sig[sig.signal == "weak pillar"].detail.item()


def test_weak_pillar_sentences_name_each_low_pillar_in_order(load, store):
    """The sentence names the low pillars of each rep, in pillar order, whatever the mix of
    low pillars among the reps (it is joined once per mix)."""
    rows = [("One", "E", 0, 50, (9, 15, 14, 12)), ("Two", "E", 0, 40, (15, 8.25, 14, 2.75)),
            ("All", "E", 0, 20, (5, 5, 5, 5)), ("Ok", "E", 0, 60, 15),
            ("Last", "E", 0, 45, (12, 12, 11, 9.96))]  # fmt: skip
    load("a.csv", template(rows))
    sig = coaching_signals(store, leaderboard(store, D0), D0)
    weak = dict(sig.loc[sig.signal == "weak pillar", ["rep", "detail"]].itertuples(index=False))
    assert weak == {"One": "under 10: brand 9.0",
                    "Two": "under 10: people 8.3, relationships 2.8",  # half up: 8.25, 2.75
                    "All": "under 10: brand 5.0, people 5.0, insights 5.0, relationships 5.0",
                    "Last": "under 10: relationships 9.96"}  # not 10.0, under 10  # fmt: skip


def test_movers(load, store):
    load("a.csv", template([("Up", "E", 0, 40, 10), ("Up", "E", 30, 48, 12), ("Dn", "W", 0, 50, 12.5),
                            ("Dn", "W", 30, 45, 11.25), ("Eq", "W", 0, 30, 7.5), ("Eq", "W", 30, 30, 7.5)]))  # fmt: skip
    rises, falls = movers(store, D0 + timedelta(days=30), days=30)
    assert rises[["rep", "change"]].values.tolist() == [["Up", 8]]
    assert falls[["rep", "change"]].values.tolist() == [["Dn", -5]]


def activity_csv(values: dict[str, float], day: date = D0) -> str:
    return (
        "name,date,"
        + ",".join(values)
        + f"\nAnn,{day},"
        + ",".join(map(str, values.values()))
        + "\n"
    )


def test_estimate_contributions_hand_computed(load, store):
    load("act.csv", activity_csv({"posts": 4, "profile_completeness": 100, "connections": 3000,
                                  "invitations_sent": 10, "invitations_accepted": 6}))  # fmt: skip
    inputs = estimate_inputs(store, D0).set_index("input")
    k = 2.5
    posts_level = (1 - math.exp(-k * 4 / 8)) / (1 - math.exp(-k))
    assert inputs.loc["posts", "level"] == pytest.approx(posts_level)
    assert inputs.loc["posts", "points"] == pytest.approx(25 * 0.35 * posts_level)
    assert inputs.loc["profile_completeness", "points"] == pytest.approx(25 * 0.40)
    assert inputs.loc["invitation_acceptance_rate", "value"] == pytest.approx(60)
    assert inputs.loc["invitation_acceptance_rate", "level"] == 1.0
    assert not inputs.loc["searches", "has_data"] and pd.isna(inputs.loc["searches", "value"])
    est = estimated_ssi(store, D0).iloc[0]  # what the self-check and team review show
    assert est["brand"] == pytest.approx(25 * (0.40 + 0.35 * posts_level))
    assert est["relationships"] == pytest.approx(25 * (0.40 * 1 + 0.35 * 1 + 0.25 * inputs.loc[
        "invitations_sent", "level"]))  # fmt: skip
    # No people or insights input has data: those pillars, and so the SSI, are unknown.
    assert pd.isna(est["people"]) and pd.isna(est["insights"]) and pd.isna(est["ssi"])
    recs = recommendations({"brand": 10, "people": 5, "insights": 20, "relationships": 20},
                           inputs.reset_index())  # fmt: skip
    gains = [r["expected_gain"] for r in recs if r["expected_gain"] is not None]
    assert gains == sorted(gains, reverse=True) and recs[0]["pillar"] == "brand"
    # People has no input with data: its advice promises no number.
    assert {r["expected_gain"] for r in recs if r["pillar"] == "people"} == {None}


def test_estimated_ssi_summed_in_the_store_equals_the_inputs_summed_in_pandas(load, store):
    # Ann: two pillars with too little of their weight covered; Bob: every input; Cy: only
    # metrics no input reads; Di: activity outside the window only. Neither Cy nor Di has
    # an estimate (no row), and Ann has one only when no coverage is asked for.
    load("a.csv", activity_csv({"posts": 4, "profile_completeness": 100, "connections": 3000,
                                "invitations_sent": 10, "invitations_accepted": 6}))  # fmt: skip
    every = {i["metric"]: 3 for i in load_config().estimate.inputs} | {"messages_sent": 0}
    load("b.csv", activity_csv(every).replace("Ann", "Bob"))
    load("c.csv", activity_csv({"lists_created": 2, "accounts_saved": 5}).replace("Ann", "Cy"))
    load("d.csv", activity_csv({"posts": 9}, D0 - timedelta(days=40)).replace("Ann", "Di"))
    names = dict(store.df_sql("select rep_id, name from reps", {}).itertuples(index=False))
    for config in (load_config(), no_coverage_rule()):
        expected = pandas_estimate(estimate_inputs(store, D0, config), config)
        got = estimated_ssi(store, D0, config)
        assert sorted(got["rep_id"].map(names)) == ["Ann", "Bob"]
        pd.testing.assert_frame_equal(got, expected.set_axis(got.columns, axis=1),
                                      check_dtype=False, check_names=False)  # fmt: skip
        ssi = got.set_index(got["rep_id"].map(names))["ssi"]
        assert 0 < ssi["Bob"] <= 100
        assert pd.isna(ssi["Ann"]) == (config.estimate.min_coverage > 0)


def no_coverage_rule():
    config = load_config()
    return replace(config, estimate=replace(config.estimate, min_coverage=0.0))


def test_estimated_ssi_equals_the_pandas_sum_over_the_demo(demo_store):
    from conftest import DEMO_END

    for back in (0, 3, 30, 200):
        as_of = DEMO_END - timedelta(days=back)
        expected = pandas_estimate(estimate_inputs(demo_store, as_of))
        got = estimated_ssi(demo_store, as_of)
        assert got["ssi"].notna().sum() > 20
        pd.testing.assert_frame_equal(got, expected.set_axis(got.columns, axis=1),
                                      check_dtype=False, check_names=False)  # fmt: skip


def test_the_self_check_estimate_is_the_team_review_estimate_of_that_rep(demo_store):
    # The self-check applies the rule to the inputs it shows; the team review asks the store
    # for every rep. One rule, two inputs: the same pillars for each rep.
    from conftest import DEMO_END

    from dashboard.scoring.summary import rep_summary

    every = estimated_ssi(demo_store, DEMO_END).set_index("rep_id")
    board = leaderboard(demo_store, DEMO_END)
    with_estimate = [
        r for r in board["rep_id"] if r in every.index and pd.notna(every.loc[r, "ssi"])
    ]
    assert len(with_estimate) > 10
    for rep_id in with_estimate[:6]:
        got = rep_summary(demo_store, int(rep_id), DEMO_END).estimate
        assert got == pytest.approx(every.loc[rep_id].to_dict(), rel=1e-12)
    without = [r for r in board["rep_id"] if r not in every.index or pd.isna(every.loc[r, "ssi"])]
    if without:  # a rep with no estimate that day shows none
        assert rep_summary(demo_store, int(without[0]), DEMO_END).estimate is None


def test_recommendations_without_estimate_use_weakest_pillars():
    recs = recommendations({"brand": 20, "people": 8, "insights": 12, "relationships": 16})
    assert [r["pillar"] for r in recs][:1] == ["people"]
    assert {r["pillar"] for r in recs} == {"people", "insights"}
    assert all(r["expected_gain"] is None for r in recs)


def test_agreement_between_reported_and_estimated():
    reported = pd.DataFrame({"rep_id": [1, 2, 3, 4], "ssi": [20.0, 40.0, 60.0, 80.0]})
    estimated = pd.DataFrame({"rep_id": [1, 2, 3, 5], "ssi": [25.0, 35.0, 70.0, 10.0]})
    got = estimate_agreement(reported, estimated)
    assert got["reps"] == 3
    assert got["rank_correlation"] == pytest.approx(1.0)
    assert got["mean_gap"] == pytest.approx((5 - 5 + 10) / 3)
    assert got["mean_abs_gap"] == pytest.approx(20 / 3)


def test_a_rep_gone_quiet_is_shown_with_the_last_reading_not_dropped(load, store):
    from dashboard.scoring.summary import rep_summary

    load("a.csv", template([("Ann", "E", 0, 40, 10), ("Bob", "E", 120, 50, 12.5)]))
    as_of = D0 + timedelta(days=120)
    board = leaderboard(store, as_of)
    assert board["rep"].tolist() == ["Bob", "Ann"]  # Ann last, not missing
    ann = board_row(board, "Ann")
    assert not ann["listed"] and pd.isna(ann["rank"]) and ann["age_days"] == 120
    assert board_row(board, "Bob")["top_pct_team"] == 100 and board_row(board, "Bob")["n_team"] == 1
    summary = rep_summary(store, 1, as_of)
    assert summary.as_of == "2026-01-01" and summary.reading["age_days"] == 120
    assert summary.reading["ssi"] == 40 and summary.reading["rank"] is None
    assert summary.team_average["ssi"] == 50  # averages count the listed reps only
    assert any(s["signal"] == "no recent reading" for s in summary.signals)


def test_user_config_overrides_the_defaults(load, store, tmp_path, monkeypatch):
    from dashboard.errors import DashboardError
    from dashboard.scoring.config import load_config

    load("a.csv", template([("Ann", "E", 0, 72, 18)]))
    assert board_row(leaderboard(store, D0), "Ann")["band"] == "above average"
    override = tmp_path / "mine.toml"
    override.write_text("[bands]\ntop_from = 70.0\n\n[groups]\nleader_above = 75.0\n")
    monkeypatch.setenv("SSI_SCORING_CONFIG", str(override))
    row = board_row(leaderboard(store, D0), "Ann")
    assert row["band"] == "top" and not row["leader"]
    assert load_config().bands.low_from == 30.0  # what the override leaves out stays
    bad = tmp_path / "bad.toml"
    bad.write_text("[bands]\ntop_from = 20.0\n")
    with pytest.raises(DashboardError, match="bands must rise"):
        load_config(bad)


def test_reading_estimates_does_not_invalidate_cached_results(load, store):
    """Pages cache results per store version; only writes may move it."""
    load("act.csv", activity_csv({"posts": 4, "connections": 300}))
    generation = store.version
    estimate_inputs(store, D0)
    leaderboard(store, D0)
    assert store.version == generation
    load("more.csv", activity_csv({"posts": 5}, D0 + timedelta(days=1)))
    assert store.version == generation + 1


@pytest.mark.parametrize(
    "text,message",
    [
        ("[groups]\ntop_form = 70\n", "unknown setting 'groups.top_form'"),
        ("[bandz]\ntop_from = 70\n", "unknown setting 'bandz'"),
        ('[bands]\ntop_from = "80"\n', "'bands.top_from' must be a number"),
        ("[bands]\ntop_from = 40.0\n", "bands must rise"),
    ],
)
def test_a_config_typo_is_refused_with_the_key_and_the_file(tmp_path, text, message):
    from dashboard.errors import DashboardError
    from dashboard.scoring.config import load_config

    path = tmp_path / "typo.toml"
    path.write_text(text)
    with pytest.raises(DashboardError, match=message) as err:
        load_config(path)
    assert "typo.toml" in str(err.value) or "bands must rise" in message


def test_config_sections_are_typed_and_frozen():
    import dataclasses

    from dashboard.scoring.config import load_config

    config = load_config()
    assert config.bands.top_from == 75 and config.groups.leader_above == 70
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.bands.top_from = 10  # type: ignore[misc]


def test_a_self_checks_reading_is_their_row_of_the_whole_leaderboard(demo_store):
    from conftest import DEMO_END

    from dashboard.scoring.memo import forget_all
    from dashboard.scoring.summary import rep_summary

    forget_all()  # the first self-check computes its row alone, the next ones the board's
    board = leaderboard(demo_store, DEMO_END)
    for rep_id in board["rep_id"].iloc[::23]:
        row = board[board["rep_id"] == rep_id].iloc[0]
        reading = rep_summary(demo_store, int(rep_id), DEMO_END).reading
        assert reading["rep_id"] == rep_id
        for column in ("rank", "ssi", "brand", "ssi_change_7d", "ssi_change_30d", "rank_team"):
            assert reading[column] == (None if pd.isna(row[column]) else row[column]), column


def test_self_checks_on_one_date_share_one_leaderboard_and_ask_per_rep_for_the_rest(
    demo_store, monkeypatch
):
    """The first self-check of a store version on a date computes its rep's row alone; the
    second computes the company's leaderboard (ranks, group averages) once for every later
    one. Estimate inputs and weekly streaks are always the rep's own."""
    from conftest import DEMO_END

    from dashboard.scoring import summary
    from dashboard.scoring.memo import forget_all
    from dashboard.scoring.summary import rep_summary

    forget_all()

    asked = []
    real_inputs = summary.estimate_inputs
    monkeypatch.setattr(summary, "estimate_inputs", lambda *a, **k: (
        asked.append(("estimate_inputs", k)), real_inputs(*a, **k))[1])  # fmt: skip
    for method in ("df", "wide_df"):  # the whole board is read as a wide result
        real = getattr(demo_store, method)
        monkeypatch.setattr(demo_store, method, lambda name, params=None, real=real, **kw: (
            asked.append((name, dict(params or {}))), real(name, params, **kw))[1])  # fmt: skip
    some = leaderboard(demo_store, DEMO_END)["rep_id"].iloc[[3, 7, 11]].astype(int).tolist()
    asked.clear()
    answers = [rep_summary(demo_store, rep_id, DEMO_END) for rep_id in some]
    assert [p["rep_id"] for n, p in asked if n == "leaderboard"] == [some[0], None]
    assert [p["rep_id"] for n, p in asked if n == "estimate_inputs"] == some
    assert [p["rep_ids"] for n, p in asked if n == "readings_by_week"] == [[r] for r in some]
    # The row computed alone is the row of the whole board.
    assert rep_summary(demo_store, some[0], DEMO_END) == answers[0]


def test_team_list_holds_teams_with_readings_or_only_activity(load, store):
    from dashboard.ingest import undo_import
    from dashboard.scoring.leaderboard import team_names

    first = load("r.csv", "Name,Team,Date,SSI\nAnn,East,2026-01-02,40\n")
    load("a.csv", "Name,Team,Date,Profile views\nBob,Quiet,2026-01-02,12\n")
    assert team_names(store) == ["East", "Quiet"]
    undo_import(store, first.import_id)
    assert team_names(store) == ["Quiet"]  # East has nothing left


def test_the_week_earlier_average_is_the_listed_reps_average_of_that_leaderboard(load, store):
    """The KPI's comparison reads only the listing window; it must equal the leaderboard's."""
    from dashboard.scoring.leaderboard import listed, listed_average

    load("a.csv", template([
        ("Ann", "East", 0, 40, 10), ("Ann", "East", 100, 44, 11),  # latest 20 days before
        ("Bob", "East", 120, 50, 12.5), ("Cy", "West", 5, 70, 17.5),  # Cy: gone quiet
        ("Dee", "West", 119, 61, (15, 15, 15, 16)), ("Dee", "East", 120, 63, 15.75),
    ]))  # fmt: skip
    for offset in (-1, 0, 5, 95, 100, 119, 120, 200):
        as_of = D0 + timedelta(days=offset)
        for teams in ([], ["East"], ["West"], ["East", "West"], ["Nobody"]):
            expected = listed(leaderboard(store, as_of, teams=teams))["ssi"]
            got = listed_average(store, as_of, teams)
            if expected.empty:
                assert got is None, (offset, teams)
            else:
                assert got == pytest.approx(expected.mean()), (offset, teams)
    # Dee moved to East on day 120: she counts for East then, for West the day before.
    assert listed_average(store, D0 + timedelta(days=120), ["West"]) is None
    assert listed_average(store, D0 + timedelta(days=119), ["West"]) == 61
    assert listed_average(store, D0 + timedelta(days=120), ["East"]) == pytest.approx(
        (44 + 50 + 63) / 3
    )


def test_self_check_averages_are_those_of_the_listed_rows_of_the_leaderboard(load, store):
    """The company's and the team's averages beside a rep's standing: the listed reps of the
    leaderboard on that date, each in the team of their latest reading, on the newest day
    (kept latest readings) and on past ones (searched)."""
    from dashboard.fields import PILLARS
    from dashboard.scoring.leaderboard import latest_is_as_of, listed, listed_averages

    load("a.csv", template([
        ("Ann", "East", 0, 40, 10), ("Ann", "East", 100, 44, (11, 10, 12, 11)),
        ("Bob", "East", 120, 50, 12.5), ("Cy", "West", 5, 70, 17.5),  # Cy: gone quiet
        ("Dee", "West", 119, 61, (15, 15, 15, 16)), ("Dee", "East", 120, 63, 15.75),
    ]))  # fmt: skip
    seen_latest = set()
    for offset in (-1, 0, 5, 95, 100, 119, 120, 200):
        as_of = D0 + timedelta(days=offset)
        seen_latest.add(latest_is_as_of(store, as_of))
        board = listed(leaderboard(store, as_of))
        for team in ("East", "West", "Nobody"):
            got = listed_averages(store, as_of, [team])
            mine = board[board["team"] == team]
            assert (got["n_company"], got["n_team"]) == (len(board), len(mine)), (offset, team)
            for p in ("ssi", *PILLARS):
                for scope, rows in (("company", board), ("team", mine)):
                    value = got[f"{scope}_avg_{p}"]
                    if rows.empty:
                        assert value is None, (offset, team, scope, p)
                    else:
                        assert value == pytest.approx(rows[p].mean()), (offset, team, scope, p)
    assert seen_latest == {True, False}
    # Dee moved to East on day 120: East's then, West's the day before.
    assert listed_averages(store, D0 + timedelta(days=120), ["West"])["n_team"] == 0
    day_119 = listed_averages(store, D0 + timedelta(days=119), ["West"])
    assert day_119["n_team"] == 1 and day_119["team_avg_relationships"] == 16


def test_the_week_earlier_average_matches_on_the_demo(demo_store):
    from conftest import DEMO_END

    from dashboard.scoring.leaderboard import listed, listed_average

    team = leaderboard(demo_store, DEMO_END)["team"].iloc[0]
    for as_of in (DEMO_END, DEMO_END - timedelta(days=7), DEMO_END - timedelta(days=300)):
        for teams in ([], [team]):
            expected = listed(leaderboard(demo_store, as_of, teams=teams))["ssi"].mean()
            assert listed_average(demo_store, as_of, teams) == pytest.approx(expected)


def test_estimate_inputs_from_whole_weeks_equal_a_scan_of_every_day(demo_store):
    """The window reads whole weeks from the weekly summary and the rest from activity; on
    every weekday position of the window's ends it must give what the days alone give."""
    from conftest import DEMO_END

    from dashboard.scoring.config import load_config

    config = load_config()
    inputs = config.estimate_inputs()
    days = config.estimate.window_days
    for back in range(9):  # as-of on each day of the week, and a window ending mid-week
        as_of = DEMO_END - timedelta(days=back)
        got = estimate_inputs(demo_store, as_of, config)
        window = demo_store.df_sql(
            "select rep_id, day, metric, value from activity where day > $start and day <= $end",
            {"start": as_of - timedelta(days=days), "end": as_of},
        ).sort_values("day")
        by = window.groupby(["rep_id", "metric"])["value"]
        total, latest = by.sum(), by.last()
        expected = []
        for row in got.merge(inputs[["input", "metric", "denominator"]], on="input").itertuples():
            key = (row.rep_id, row.metric)
            if row.aggregate == "sum":
                expected.append(total.get(key, math.nan))
            elif row.aggregate == "latest":
                expected.append(latest.get(key, math.nan))
            else:
                den = total.get((row.rep_id, row.denominator), math.nan)
                expected.append(100.0 * total.get(key, math.nan) / den if den else math.nan)
        values = got.merge(inputs[["input"]], on="input")["value"].astype(float).to_numpy()
        assert len(expected) == len(got) > 500
        pd.testing.assert_series_equal(
            pd.Series(values), pd.Series(expected, dtype=float), check_names=False
        )


def test_falling_streaks_for_some_reps_equal_theirs_among_everyone(demo_store):
    from conftest import DEMO_END

    from dashboard.scoring.signals import falling_streaks

    everyone = falling_streaks(demo_store, DEMO_END, 3)
    assert everyone.any() and not everyone.all()
    some = [int(r) for r in everyone.index[::5]]
    assert falling_streaks(demo_store, DEMO_END, 3, some).to_dict() == everyone[some].to_dict()


def test_sparklines_are_each_reps_last_reading_of_each_week_oldest_first(demo_store):
    as_of, days = date(2026, 10, 31), 90
    snaps = demo_store.df_sql("select rep_id, day, ssi from snapshots where ssi is not null")
    snaps["day"] = pd.to_datetime(snaps["day"]).dt.date
    period = snaps[(snaps["day"] > as_of - timedelta(days=days)) & (snaps["day"] <= as_of)]
    period = period.assign(weeks_ago=[(as_of - d).days // 7 for d in period["day"]])
    last_of_week = period.sort_values("day").groupby(["rep_id", "weeks_ago"]).tail(1)
    expected = {int(rep): rows.sort_values("day")["ssi"].tolist()
                for rep, rows in last_of_week.groupby("rep_id")}  # fmt: skip
    lines = sparklines(demo_store, as_of, days)
    assert {rep: line.tolist() for rep, line in lines.items()} == expected
    assert len(lines) > 10 and max(map(len, lines.values())) == 13  # 90 days: 13 weeks
    assert {line.dtype for line in lines.values()} == {np.dtype("float64")}  # pickles fast
    assert sparklines(demo_store, date(2020, 1, 1), days) == {}


def test_a_reps_own_newer_reading_dates_their_self_check_and_nobody_elses(demo_store, tmp_path):
    from conftest import DEMO_END

    from dashboard.ingest import import_file
    from dashboard.scoring.summary import rep_as_of

    board = leaderboard(demo_store, DEMO_END)
    typed, other = board.iloc[3], board.iloc[4]
    assert rep_as_of(demo_store, int(typed["rep_id"])) == DEMO_END
    newer = DEMO_END + timedelta(days=2)
    one = tmp_path / "typed.csv"
    one.write_text("name,email,team,date,ssi,brand,people,insights,relationships\n"
                   f"{typed['rep']},{typed['email']},{typed['team']},{newer},80,20,20,20,20\n")  # fmt: skip
    assert import_file(demo_store, one).rows_loaded == 1
    assert rep_as_of(demo_store, int(typed["rep_id"])) == newer
    assert rep_as_of(demo_store, int(other["rep_id"])) == DEMO_END


def test_dates_from_a_query_become_python_dates_and_days_before_year_one_go_missing():
    from dashboard.scoring.leaderboard import python_dates

    days = ["-0001-01-01", "0000-06-01", "0001-01-01", "2026-11-20", "NaT", "9999-12-31"]
    column = pd.Series(np.array(days, dtype="datetime64[D]").astype("datetime64[us]"))
    got = python_dates(column).tolist()
    assert got[2:4] + got[5:] == [date(1, 1, 1), date(2026, 11, 20), date(9999, 12, 31)]
    assert [pd.isna(v) for v in got] == [True, True, False, False, True, False]
    # Strings and Python dates (an object column) give the same days.
    assert python_dates(pd.Series(["2026-11-20", None, date(2025, 1, 2)])).tolist()[::2] == [
        date(2026, 11, 20), date(2025, 1, 2)]  # fmt: skip


def test_a_rep_missing_a_pillar_is_neither_balanced_nor_unbalanced_anywhere(load, store):
    """One rule (ssi_balanced): a rep with a missing pillar is left out of the balanced
    share, in the leaderboard, the KPI, the team comparison and the trend (from readings
    and from the team_days summary), and the share says how many reps it covers."""
    from dashboard.scoring.signals import team_comparison
    from dashboard.scoring.team_days import keep_current
    from dashboard.scoring.trends import averages_over_time
    from dashboard.views.team_review import balanced_coverage, kpis

    load("a.csv", template([("Full", "E", 0, 80, 20), ("Gap", "E", 0, 60, ("", 20, 20, 20)),
                            ("Low", "E", 0, 40, (10, 10, 10, 10)), ("Two", "E", 0, 76, 19)]))  # fmt: skip
    board = leaderboard(store, D0)
    assert pd.isna(board_row(board, "Gap")["balanced"])
    assert [bool(board_row(board, n)["balanced"]) for n in ("Full", "Low", "Two")] == [
        True, False, True]  # fmt: skip
    headline = kpis(board, None)
    assert (headline.share_balanced, headline.balanced_known, headline.reps) == (2 / 3, 3, 4)
    assert balanced_coverage(headline) == "of 3 of 4 reps with all four pillars"
    assert team_comparison(board)["share_balanced"].tolist() == [2 / 3]
    for summed in (False, True):
        if summed:
            keep_current(store)
        trend = averages_over_time(store, D0, D0)
        company = trend[trend["team"] == "Company"]
        assert company["share_balanced"].tolist() == [2 / 3], summed
        assert company["balanced_known"].tolist() == [3], summed


def test_a_rep_without_a_recent_reading_shows_no_change(load, store):
    load("a.csv", template([("Old", "E", 0, 40, 10), ("Old", "E", 7, 44, 11),
                            ("New", "E", 0, 50, 12.5), ("New", "E", 200, 52, 13)]))  # fmt: skip
    board = leaderboard(store, D0 + timedelta(days=200))
    old, new = board_row(board, "Old"), board_row(board, "New")
    assert not old["listed"] and pd.isna(old["ssi_change_7d"]) and pd.isna(old["ssi_change_30d"])
    assert pd.isna(old["ssi_change_7d_since"])
    assert new["listed"] and pd.isna(new["ssi_change_7d"])  # its reading before is 200 days old
    assert board_row(leaderboard(store, D0 + timedelta(days=7)), "Old")["ssi_change_7d"] == 4
