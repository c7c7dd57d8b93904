"""Estimated SSI from raw activity, with every point explained.

LinkedIn publishes no formula, so these numbers are ours and always labelled *estimated*.
Each input (scoring.toml, [[estimate.inputs]]) is read over a window, put on a saturating
curve against its target, weighted, and summed into a 0-25 pillar.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.store import Store


def estimate_inputs(
    store: Store, as_of: date, config: ScoringConfig | None = None, rep_id: int | None = None
) -> pd.DataFrame:
    """One row per (rep, input): value, level 0-1, points earned, points left to its target.
    ``rep_id`` reads one rep's activity only."""
    config = config or load_config()
    described = _described_inputs(config)
    frame = _with_inputs(store, "estimate_inputs", described, _window(as_of, config, rep_id))
    about = described.take(frame["input_no"].to_numpy()).reset_index(drop=True)
    return pd.DataFrame({
        "rep_id": frame["rep_id"], "pillar": about["pillar"], "input": about["input"],
        "aggregate": about["aggregate"], "value": frame["value"], "has_data": frame["has_data"],
        "target": about["target"], "weight": about["weight"], "level": frame["level"],
        "action": about["action"], "points": frame["points"],
        "gain_at_target": frame["gain_at_target"],
    })  # fmt: skip


def estimated_ssi(store: Store, as_of: date, config: ScoringConfig | None = None) -> pd.DataFrame:
    """Per rep with activity in the window: the four estimated pillars and the estimated SSI.

    A pillar is estimated only when the rep has data for inputs carrying at least
    ``estimate.min_coverage`` of its weight; otherwise it is missing (NaN), and so is the
    SSI. A tracker that only reports a connection count gives no estimate, not 0. Summed in
    the store by the rule :func:`estimate_of_inputs` also uses (`ssi_estimate_rule`): a page
    that shows no input reads 10,000 rows, not 140,000."""
    config = config or load_config()
    params = {**_window(as_of, config, None), "min_coverage": config.estimate.min_coverage}
    return _with_inputs(store, "estimated_pillars", _described_inputs(config), params)


def estimate_of_inputs(
    store: Store, inputs: pd.DataFrame, config: ScoringConfig | None = None
) -> pd.DataFrame:
    """:func:`estimated_ssi` for reps whose :func:`estimate_inputs` a page already holds."""
    config = config or load_config()
    columns = ["rep_id", "pillar", "weight", "level", "value"]
    with store.reading() as cur:
        cur.register("rep_inputs", inputs[columns])
        return cur.run("estimate_of_inputs", {"min_coverage": config.estimate.min_coverage}).df()


def _described_inputs(config: ScoringConfig) -> pd.DataFrame:
    return config.estimate_inputs().rename_axis("input_no").reset_index()


def _window(as_of: date, config: ScoringConfig, rep_id: int | None) -> dict:
    est = config.estimate
    return {"as_of": as_of, "window_days": est.window_days, "curve_k": est.curve_k,
            "rep_id": rep_id}  # fmt: skip


def _with_inputs(store: Store, query: str, described: pd.DataFrame, params: dict) -> pd.DataFrame:
    with store.reading() as cur:  # the inputs are registered on this cursor only
        cur.register("estimate_config", described)
        return cur.run(query, params).df()


def _has_data(inputs: pd.DataFrame) -> pd.Series:
    if "has_data" in inputs:
        return inputs["has_data"].astype(bool)
    return inputs["value"].notna()


def best_gains(inputs: pd.DataFrame, rep_id: int, count: int = 5) -> pd.DataFrame:
    """The inputs with data that would add the most points for this rep at their target."""
    mine = inputs[(inputs["rep_id"] == rep_id) & (inputs["gain_at_target"] > 0.01)]
    mine = mine[_has_data(mine)]
    return mine.sort_values(["gain_at_target", "input"], ascending=[False, True]).head(count)


def estimate_agreement(reported: pd.DataFrame, estimated: pd.DataFrame) -> dict[str, float | int]:
    """How well estimates match reported SSI for the same reps on the same day.

    Returns the number of reps compared, Spearman's rank correlation, the mean gap
    (estimated minus reported) and the mean absolute gap, in SSI points.
    """
    both = reported.merge(estimated, on="rep_id", suffixes=("_reported", "_estimated"))
    n = len(both)
    if n == 0:
        return {"reps": 0, "rank_correlation": float("nan"), "mean_gap": float("nan"),
                "mean_abs_gap": float("nan")}  # fmt: skip
    gap = both["ssi_estimated"] - both["ssi_reported"]
    rho = float("nan")
    if n >= 3:
        rho = float(np.corrcoef(both["ssi_reported"].rank(), both["ssi_estimated"].rank())[0, 1])
    return {"reps": n, "rank_correlation": rho, "mean_gap": float(gap.mean()),
            "mean_abs_gap": float(gap.abs().mean())}  # fmt: skip


def reported_on(store: Store, as_of: date) -> pd.DataFrame:
    return store.df("reported_on_day", {"as_of": as_of})
