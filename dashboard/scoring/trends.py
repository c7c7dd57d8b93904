"""Averages, band distribution and one rep's history over time."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.memo import remembered
from dashboard.scoring.team_days import summary_is_current
from dashboard.store import Store

BAND_COLUMNS = {"band_top": "top", "band_above_average": "above average", "band_low": "low",
                "band_very_poor": "very poor"}  # fmt: skip
MAX_POINTS = 120  # a chart line needs no more points than this


def step_for(start: date, end: date) -> int:
    """Days between points so a period never draws more than MAX_POINTS per line."""
    return max(1, -(-((end - start).days + 1) // MAX_POINTS))


def averages_over_time(
    store: Store,
    start: date,
    end: date,
    config: ScoringConfig | None = None,
    step: int | None = None,
) -> pd.DataFrame:
    """Per date: company rows (``company`` True) and one row per team, averages and bands.

    A rep counts on a date with their latest reading up to the stale limit old, so a
    missing day does not make a team's average jump.
    """
    config = config or load_config()
    span = {"start": start, "end": end, "step": step or step_for(start, end)}
    if summary_is_current(store, config):  # one row per team and date (migration 008)
        frame = store.df("averages_from_team_days", span)
    else:  # every rep's reading carried to every date: 10-20 times the time
        params = config.rule_params()
        frame = store.df(
            "averages_over_time", {**span, "carry_days": params["listed_days"], **params}
        )
    frame["day"] = pd.to_datetime(frame["day"])
    frame.loc[frame["company"], "team"] = "Company"
    return frame


def band_distribution(averages: pd.DataFrame, team: str = "Company") -> pd.DataFrame:
    """Long form (day, band, reps, share) of one team's band counts, for a stacked chart."""
    part = averages[averages["team"] == team]
    long = part[["day", *BAND_COLUMNS]].melt("day", var_name="band", value_name="count")
    long = long.rename(columns={"count": "reps"})
    long["band"] = long["band"].map(BAND_COLUMNS)
    totals = long.groupby("day")["reps"].transform("sum")
    long["share"] = long["reps"] / totals.where(totals > 0)
    return long


@remembered
def rep_history(
    store: Store, rep_id: int, end: date, days: int = 365, config: ScoringConfig | None = None
) -> pd.DataFrame:
    config = config or load_config()
    frame = store.df("rep_history", {
        "rep_id": rep_id, "start": end - timedelta(days=days - 1), "end": end,
        "rolling_days": config.trend.rolling_days,
    })  # fmt: skip
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def sparklines(store: Store, as_of: date, days: int = 90) -> dict[int, np.ndarray]:
    """Each rep's SSI week by week over the ``days`` days up to ``as_of``, oldest first: the
    latest reading of each week counted back from ``as_of``; a week with none has no point."""
    found = store.columns("sparklines", {"as_of": as_of, "days": days})
    reps, ssi = found["rep_id"], found["ssi"]
    # One sorted pair of arrays cut where the rep changes, each rep's line a piece of the
    # array: several times cheaper to cut, unpickle and hand to Arrow than Python lists at
    # 10,000 reps x 90 daily points, and the lists did not scale to 100,000. Float64, never
    # numpy scalars one by one: pickling those was seconds.
    if not len(reps):
        return {}
    starts = np.flatnonzero(np.r_[True, reps[1:] != reps[:-1]])
    lines = np.split(np.asarray(ssi, dtype=np.float64), starts[1:])
    return dict(zip(reps[starts].tolist(), lines, strict=True))
