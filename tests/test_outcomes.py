"""The Outcomes view: its comparisons against an independent pandas/scipy computation, its
minimums, and what each role sees (view, page, command)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from dashboard.access import OWNER, AccessDeniedError, Viewer
from dashboard.scoring.config import load_config
from dashboard.scoring.outcomes import bootstrap_rhos, by_band, correlations
from dashboard.users import viewer_for
from dashboard.views import outcomes as ov
from tests.test_access import as_user, grid

CONFIG = load_config()
Q3 = ov.Period(date(2026, 7, 1), date(2026, 9, 30))


def reps_frame(n: int, seed: int = 3) -> pd.DataFrame:
    """Reps with a modest, noisy link between SSI before and outcomes, and ties."""
    rng = np.random.default_rng(seed)
    ssi = np.round(rng.uniform(20, 85, n))  # whole points: ties
    won_deals = rng.poisson(np.exp(0.3 + 0.01 * (ssi - 50)), n)
    return pd.DataFrame({
        "ssi_lag": ssi, "activity_lag": rng.poisson(30, n).astype(float),
        "won_amount": won_deals * rng.lognormal(9, 0.5, n).round(), "deals_won": won_deals,
        "deals_created": rng.poisson(4, n), "deals_lost": rng.poisson(2, n),
    })  # fmt: skip


def scipy_interval(x: np.ndarray, y: np.ndarray, resamples: int, seed: int, level: float):
    """The same resamples, each ranked and correlated by scipy on its own."""
    drawn = np.random.default_rng(seed).integers(0, len(x), size=(resamples, len(x)))
    rhos = np.array([spearmanr(x[i], y[i]).statistic for i in drawn])
    rhos = rhos[~np.isnan(rhos)]
    tail = 100 * (1 - level) / 2
    return np.percentile(rhos, [tail, 100 - tail])


def test_each_correlation_and_its_interval_match_scipy():
    reps = reps_frame(60)
    found = correlations(reps, CONFIG, "Q2 2026", "Q3 2026", "days active")
    o = CONFIG.outcomes
    for c, (x, y) in zip(found, [("ssi_lag", "won_amount"), ("ssi_lag", "deals_created"),
                                 ("activity_lag", "won_amount")], strict=True):  # fmt: skip
        both = reps.dropna(subset=[x, y])
        assert c.n == len(both) == 60
        assert c.rho == pytest.approx(spearmanr(both[x], both[y]).statistic, abs=1e-12)
        low, high = scipy_interval(both[x].to_numpy(), both[y].to_numpy(), o.resamples, o.seed,
                                   o.confidence)  # fmt: skip
        assert (c.low, c.high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
        assert f"n = {c.n}" in c.sentence and "not proof" in c.sentence
        assert f"{c.rho:+.2f}" in c.sentence and f"{c.low:+.2f} to {c.high:+.2f}" in c.sentence


def test_every_resample_is_scipys_spearman_of_that_resample_ties_included():
    x = np.array([1, 1, 2, 3, 3, 3, 4, 5, 5, 9.0])
    y = np.array([0, 0, 0, 1, 2, 2, 5, 5, 7, 7.0])
    rhos = bootstrap_rhos(x, y, 250, 11)
    drawn = np.random.default_rng(11).integers(0, 10, size=(250, 10))
    with np.errstate(invalid="ignore"):
        expected = np.array([spearmanr(x[i], y[i]).statistic for i in drawn])
    assert np.array_equal(np.isnan(rhos), np.isnan(expected))
    assert np.allclose(rhos[~np.isnan(rhos)], expected[~np.isnan(expected)], atol=1e-12)


def test_below_the_minimums_it_says_not_enough_data():
    o = CONFIG.outcomes
    few_reps = correlations(reps_frame(o.min_reps - 1), CONFIG, "Q2", "Q3", "days active")
    assert all(c.rho is None and c.low is None for c in few_reps)
    assert all(c.sentence.startswith("Not enough data") for c in few_reps)
    assert f"{o.min_reps - 1} rep(s)" in few_reps[0].sentence
    no_deals = reps_frame(40).assign(deals_won=0, won_amount=0.0, deals_created=0)
    for c in correlations(no_deals, CONFIG, "Q2", "Q3", "days active"):
        assert c.rho is None and f"{o.min_deals} deals are needed" in c.sentence


def test_bands_match_a_pandas_groupby_and_withhold_small_bands():
    reps = reps_frame(80)
    b = CONFIG.bands
    reps["band"] = pd.cut(reps["ssi_lag"], [-1, b.low_from, b.above_average_from, b.top_from, 101],
                          right=False, labels=["very poor", "low", "above average", "top"]).astype(str)  # fmt: skip
    found = by_band(reps, CONFIG).set_index("band")
    grouped = reps.groupby("band").agg(reps=("won_amount", "size"), won=("won_amount", "sum"),
                                       per_rep=("won_amount", "mean"), deals=("deals_won", "sum"),
                                       lost=("deals_lost", "sum"))  # fmt: skip
    for band, g in grouped.iterrows():
        row = found.loc[band]
        assert row["reps"] == g["reps"]
        if g["reps"] >= CONFIG.outcomes.min_reps_per_band:
            assert row["deals_won"] == g["deals"]
            assert row["won_amount"] == pytest.approx(g["won"])
            assert row["won_per_rep"] == pytest.approx(g["per_rep"])
            assert row["win_rate"] == pytest.approx(g["deals"] / (g["deals"] + g["lost"]))
        else:
            assert row[["deals_won", "won_amount", "won_per_rep", "win_rate"]].isna().all()
    # A band of one rep would give that rep's own won amount: only its count is kept.
    tiny = by_band(reps.head(3), CONFIG)
    assert tiny["reps"].sum() == 3
    assert tiny[["deals_won", "won_amount", "won_per_rep", "win_rate"]].isna().all().all()


def test_the_view_matches_a_pandas_computation_over_the_store(demo_store):
    view = ov.outcomes_view(demo_store, [], Q3, OWNER)
    deals = demo_store.df_sql("select d.*, r.name as rep from deals d join reps r using (rep_id)")
    for col in ("created_day", "closed_day"):
        deals[col] = pd.to_datetime(deals[col]).dt.date
    in_q3 = deals["created_day"].between(Q3.start, Q3.end)
    won = (deals["status"] == "won") & deals["closed_day"].between(Q3.start, Q3.end)
    assert view.totals.deals_created == in_q3.sum()
    assert view.totals.won_amount == pytest.approx(deals.loc[won, "value"].sum())
    mine = view.reps.set_index("rep")
    for rep, part in deals[won].groupby("rep"):
        assert mine.loc[rep, "won_amount"] == pytest.approx(part["value"].sum())
        assert mine.loc[rep, "deals_won"] == len(part)
    readings = demo_store.df_sql("select r.name as rep, s.day, s.ssi from snapshots s "
                                 "join reps r using (rep_id) where s.ssi is not null")  # fmt: skip
    readings["day"] = pd.to_datetime(readings["day"]).dt.date
    lag = readings[(readings["day"] >= date(2026, 4, 1)) & (readings["day"] < Q3.start)]
    for rep, ssi in lag.groupby("rep")["ssi"].mean().items():
        assert mine.loc[rep, "ssi_lag"] == pytest.approx(ssi)
    start = readings[readings["day"] <= Q3.start].sort_values("day").groupby("rep").last()
    for rep, row in start.iterrows():
        assert mine.loc[rep, "ssi_start"] == pytest.approx(row["ssi"])
    # The demo's link is modest: positive, and far from perfect.
    ssi_won = ov.outcome_comparisons(demo_store, [], Q3, OWNER)[0]
    assert ssi_won.n >= 40 and ssi_won.rho is not None and -0.2 < ssi_won.rho < 0.6


@pytest.fixture
def org(demo_org):
    """The demo's users of each role, and the deals that count in Q3 with their teams."""
    deals = demo_org["store"].df_sql(
        "select d.name, d.account, r.name as rep, t.name as team "
        "from deals d join reps r using (rep_id) "
        "join rep_latest l using (rep_id) join teams t on t.team_id = l.team_id "
        "where d.created_day between '2026-07-01' and '2026-09-30' "
        "   or d.closed_day between '2026-07-01' and '2026-09-30'")  # fmt: skip
    return demo_org | {"deals": deals}


def test_each_role_sees_only_its_scope_in_the_view(org):
    store, deals = org["store"], org["deals"]
    admin = viewer_for(store, "admin@example.com")
    assert set(ov.outcomes_view(store, [], Q3, admin).deals["deal"]) <= set(deals["name"])
    boss = viewer_for(store, "boss@example.com")
    view = ov.outcomes_view(store, [], Q3, boss)
    assert set(view.reps["team"]) == {"Mid-Market"} and view.teams == ["Mid-Market"]
    assert set(view.deals["rep"]) <= set(deals.loc[deals["team"] == "Mid-Market", "rep"])
    assert len(view.deals) and set(view.teams_table["team"]) == {"Mid-Market"}
    look = viewer_for(store, "look@example.com")
    seen = ov.outcomes_view(store, [], Q3, look)
    assert seen.reps.empty and seen.deals.empty
    assert seen.totals.deals_created == ov.outcomes_view(store, [], Q3, admin).totals.deals_created
    me = viewer_for(store, "me@example.com")
    with pytest.raises(AccessDeniedError):
        ov.outcomes_view(store, [], Q3, me)
    own = ov.own_outcomes(store, me, me.rep_id, Q3)
    assert set(own.deals["rep"]) <= {org["mid"]["rep"]}
    with pytest.raises(AccessDeniedError):
        ov.own_outcomes(store, me, int(org["other"]["rep_id"]), Q3)
    with pytest.raises(Exception, match="no team called 'Partnerships'"):
        ov.outcomes_view(store, ["Partnerships"], Q3, boss)


def page_words(at) -> str:
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.metric, *at.subheader)]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["admin", "manager", "viewer", "rep"])
def test_the_page_shows_each_role_no_deal_or_account_outside_its_scope(org, role, monkeypatch):
    store, deals = org["store"], org["deals"]
    monkeypatch.setenv("SSI_DASHBOARD_DB", str(store.path))
    email = {"admin": "admin@example.com", "manager": "boss@example.com",
             "viewer": "look@example.com", "rep": "me@example.com"}[role]  # fmt: skip
    query = {"from": "2026-07-01", "to": "2026-09-30"}
    if role == "rep":
        at = as_user(email, "app_pages/self_check.py")
        assert not at.exception
        words = page_words(at)
        assert "Deals" in [s.value for s in at.subheader]
        mine = deals[deals["rep"] == org["mid"]["rep"]]
        theirs = deals[(deals["rep"] != org["mid"]["rep"]) & ~deals["name"].isin(mine["name"])]
        assert not [n for n in theirs["name"] if n in words]
        return
    at = as_user(email, "app_pages/outcomes.py", query)
    assert not at.exception, at.exception
    words = page_words(at)
    assert at.title[0].value == "Outcomes" and at.metric
    if role == "viewer":
        assert not [n for n in deals["name"] if n in words]
        assert not [n for n in deals["rep"] if n in words]
        assert grid(at, "deal") is None and grid(at, "rep") is None
        return
    shown = grid(at, "deal")
    assert shown is not None and len(shown)
    if role == "manager":
        outside = deals[deals["team"] != "Mid-Market"]
        inside = set(deals.loc[deals["team"] == "Mid-Market", "name"])
        assert not [n for n in outside["name"] if n in words and n not in inside]
        assert set(grid(at, "rep")["team"]) == {"Mid-Market"}


def test_the_outcomes_command_prints_the_contracted_json_for_each_role(org, capsys):
    from dashboard.cli import main

    store = org["store"]
    assert main(["outcomes", "--db", str(store.path), "--from", "2026-07-01", "--to",
                 "2026-09-30", "--format", "json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert list(out["reps"][0]) == ["rep", "email", "team", "deals_created", "created_amount",
                                    "deals_won", "won_amount", "win_rate", "ssi_start",
                                    "ssi_change"]  # fmt: skip
    assert out["currency"] == "USD" and out["period"]["from"] == "2026-07-01"
    assert [c["comparison"] for c in out["comparisons"]] == [
        "ssi_won",
        "ssi_created",
        "activity_won",
    ]
    assert all(isinstance(c["n"], int) for c in out["comparisons"])
    view = ov.outcomes_view(store, [], Q3, OWNER)
    assert sum(r["won_amount"] for r in out["reps"]) == pytest.approx(view.totals.won_amount)
    assert main(["outcomes", "--db", str(store.path), "--team", "Mid-Market", "--as",
                 "boss@example.com", "--format", "json"]) == 0  # fmt: skip
    boss = json.loads(capsys.readouterr().out)
    assert {r["team"] for r in boss["reps"]} == {"Mid-Market"}
    assert main(["outcomes", "--db", str(store.path), "--as", "look@example.com"]) == 0
    text = capsys.readouterr().out
    assert "comparisons between reps" in text and org["mid"]["rep"] not in text
    assert main(["outcomes", "--db", str(store.path), "--as", "me@example.com"]) != 0
    assert "may not open the outcomes" in capsys.readouterr().err
    assert main(["outcomes", "--db", str(store.path), "--team", "Partnerships", "--as",
                 "boss@example.com"]) != 0  # fmt: skip
    err = capsys.readouterr().err
    assert "no team called 'Partnerships'" in err and "Partnerships" not in err.split("see:")[1]


def test_a_store_without_deals_says_so(store):
    view = ov.outcomes_report(store, [], Q3, OWNER)
    assert view.currency is None and view.totals.deals_created == 0
    assert all(c.sentence.startswith("Not enough data") for c in view.comparisons)


def test_a_viewer_never_sees_a_team_too_small_to_hide_its_people(org):
    store = org["store"]
    look = Viewer("look@example.com", "viewer")
    config = replace(CONFIG, privacy=replace(CONFIG.privacy, min_group_reps=12))
    view = ov.outcomes_view(store, [], Q3, look, config)
    assert view.withheld and not set(view.withheld) & set(view.teams_table["team"])
    assert (view.teams_table["reps"] >= 12).all()
