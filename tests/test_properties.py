"""Property tests: bounds, monotone estimates, order independence."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import display
from dashboard.errors import ImportRejectedError
from dashboard.fields import PILLARS
from dashboard.ingest import ImportOptions, import_file
from dashboard.scoring import leaderboard
from dashboard.scoring.config import load_config
from dashboard.scoring.estimate import estimated_ssi
from dashboard.store import Store

D0 = date(2026, 3, 1)
INPUT_METRICS = sorted({i["metric"] for i in load_config().estimate.inputs} | {
    i["denominator"] for i in load_config().estimate.inputs if i.get("denominator")})  # fmt: skip
# make check takes fewer examples ($SSI_PROPERTY_EXAMPLES); make test the full count.
EXAMPLES = int(os.environ.get("SSI_PROPERTY_EXAMPLES", "25"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def fresh_store(tmp_path_factory) -> Store:
    return Store(tmp_path_factory.mktemp("p") / "p.duckdb")


def load_text(store: Store, folder, text: str, **options):
    path = folder / f"f{random.random()}.csv"
    path.write_text(text)
    return import_file(store, path, ImportOptions(**options))


def estimate_for(tmp_path_factory, values: dict[str, float]) -> dict[str, float]:
    store = fresh_store(tmp_path_factory)
    folder = tmp_path_factory.mktemp("f")
    load_text(store, folder, "name,date," + ",".join(values) + f"\nAnn,{D0}," +
              ",".join(str(v) for v in values.values()) + "\n")  # fmt: skip
    pillars = estimated_ssi(store, D0).iloc[0]
    store.close()
    return {k: float(pillars[k]) for k in (*PILLARS, "ssi")}


metric_values = st.fixed_dictionaries(
    {m: st.integers(0, 400) for m in INPUT_METRICS if m not in ("profile_completeness",)}
    | {"profile_completeness": st.integers(0, 100)}
)


@FAST
@given(values=metric_values)
def test_estimated_pillars_stay_within_bounds(tmp_path_factory, values):
    est = estimate_for(tmp_path_factory, values)
    assert all(0 <= est[p] <= 25 for p in PILLARS)
    assert 0 <= est["ssi"] <= 100


@FAST
@given(values=metric_values, metric=st.sampled_from(INPUT_METRICS), extra=st.integers(1, 300))
def test_raising_an_input_never_lowers_its_pillar(tmp_path_factory, values, metric, extra):
    """Raising a count raises (or keeps) the input; for rates, raising the numerator does."""
    denominators = {i.get("denominator") for i in load_config().estimate.inputs}
    if metric in denominators:  # raising a denominator is lowering a rate, not an input
        return
    higher = dict(values)
    higher[metric] = (
        min(values[metric] + extra, 100)
        if metric == "profile_completeness"
        else values[metric] + extra
    )
    low, high = estimate_for(tmp_path_factory, values), estimate_for(tmp_path_factory, higher)
    for pillar in PILLARS:
        assert high[pillar] >= low[pillar] - 1e-9


score = st.floats(0, 25, allow_nan=False).map(lambda v: round(v, 2))


@FAST
@given(rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 20), score, score, score, score),
                     min_size=1, max_size=25, unique_by=lambda r: (r[0], r[1])), seed=st.integers())  # fmt: skip
def test_results_do_not_depend_on_row_order(tmp_path_factory, rows, seed):
    lines = [f"Rep{r},T{r % 2},{D0 + timedelta(days=d)},{round(b + p + i + rl, 2)},{b},{p},{i},{rl}\n"
             for r, d, b, p, i, rl in rows]  # fmt: skip
    shuffled = lines[:]
    random.Random(seed).shuffle(shuffled)
    head = "name,team,date,ssi,brand,people,insights,relationships\n"
    boards = []
    for order in (lines, shuffled):
        store = fresh_store(tmp_path_factory)
        load_text(store, tmp_path_factory.mktemp("o"), head + "".join(order))
        board = leaderboard(store, D0 + timedelta(days=20))
        boards.append(board.drop(columns=["rep_id"]).sort_values("rep").reset_index(drop=True))
        store.close()
    # Equal up to floating-point summation order (a fitted slope sums in row order).
    pd.testing.assert_frame_equal(boards[0], boards[1], check_exact=False, rtol=1e-9, atol=1e-9)


@FAST
@given(values=st.lists(st.floats(-50, 150, allow_nan=False), min_size=5, max_size=5))
def test_imported_scores_are_within_bounds_or_rejected(tmp_path_factory, values):
    store = fresh_store(tmp_path_factory)
    ssi, *pillars = [round(v, 3) for v in values]
    text = (
        f"name,date,ssi,brand,people,insights,relationships\nAnn,{D0},{ssi},"
        + ",".join(map(str, pillars))
        + "\n"
    )
    try:
        load_text(store, tmp_path_factory.mktemp("b"), text)
    except ImportRejectedError:
        assert not (0 <= ssi <= 100 and all(0 <= p <= 25 for p in pillars))
    else:
        row = store.df_sql("select * from snapshots")
        if len(row):
            assert 0 <= row["ssi"][0] <= 100
            assert all(0 <= row[p][0] <= 25 for p in PILLARS)
    store.close()


@settings(max_examples=8 * EXAMPLES, deadline=None)
@given(
    pillars=st.fixed_dictionaries(
        {p: st.one_of(st.none(), st.floats(0, 25, allow_nan=False)) for p in PILLARS}
    ),
    gains=st.lists(
        st.tuples(st.sampled_from(PILLARS), st.floats(0, 30, allow_nan=False)), max_size=12
    ),
)
def test_advice_never_promises_a_pillar_more_than_it_has_left(pillars, gains):
    """However large the estimate's gains, the listed gains of one pillar never add up to
    more than 25 minus what the rep already has there."""
    from dashboard.scoring.advice import recommendations

    inputs = pd.DataFrame(
        [
            {
                "pillar": p,
                "input": f"in{i}",
                "action": f"do {i}",
                "gain_at_target": g,
                "has_data": True,
            }
            for i, (p, g) in enumerate(gains)
        ],  # fmt: skip
        columns=["pillar", "input", "action", "gain_at_target", "has_data"],
    )
    recs = recommendations(pillars, inputs, load_config())
    for pillar in PILLARS:
        promised = sum(r["expected_gain"] or 0 for r in recs if r["pillar"] == pillar)
        have = pillars[pillar] or 0.0
        assert promised <= 25 - have + 0.005 * len(recs)  # each gain is rounded to 2 decimals


@FAST
@given(st.lists(st.one_of(st.none(), st.floats(-100, 100, allow_nan=False)), max_size=40))
def test_a_rounded_column_shows_what_each_value_shows_alone(values):
    """The leaderboard rounds whole columns at once; each cell must read exactly as the
    same score rounded alone reads on every other page (9.95 -> 10.0, -0.04 -> 0.0)."""
    frame = pd.DataFrame({"ssi": pd.array(values, dtype="Float64").astype("float64")})
    got = display.rounded_columns(frame, ["ssi"])["ssi"].tolist()
    for given_value, shown in zip(values, got, strict=True):
        alone = display.rounded(given_value)
        if alone is None:
            assert pd.isna(shown)
        else:
            assert shown == alone and str(shown) == str(alone)  # "0.0", never "-0.0"
            assert abs(shown - given_value) <= 0.05 + 1e-9  # the nearest tenth


def test_rounding_is_half_up_on_the_value_as_stored():
    frame = pd.DataFrame({"c": [9.95, -0.04, 0.06, None, -2.57, 25.0, 40.675, 8.750002,
                                0.29999998, 0.25, -0.25, 9.9499]})  # fmt: skip
    assert display.rounded_columns(frame, ["c"])["c"].fillna(-1).tolist() == [
        10.0, 0.0, 0.1, -1, -2.6, 25.0, 40.7, 8.8, 0.3, 0.3, -0.3, 9.9]  # fmt: skip
    assert str(display.rounded_columns(frame, ["c"])["c"][1]) == "0.0"
    assert display.rounded_columns(frame, ["c"], 2)["c"][6] == 40.68  # 40.67499999... stored
    assert [display.score(v) for v in (40.675, 8.750002, 0.29999998)] == ["40.7", "8.8", "0.3"]


@FAST
@given(st.lists(st.one_of(st.none(), st.floats(-100, 100, allow_nan=False)), max_size=40))
def test_scores_of_a_column_read_as_each_score_alone(values):
    """Signal sentences format a whole column of scores at once; each must read as the
    same value's score does on its own ('10.0' for 9.95, '0.0' for -0.04, 'n/a' missing)."""
    column = pd.Series(pd.array(values, dtype="Float64").astype("float64"))
    assert display.scores(column) == [display.score(v) for v in values]
    assert display.scores(pd.Series([9.95, -0.04, None, -2.57])) == ["10.0", "0.0", "n/a", "-2.6"]
