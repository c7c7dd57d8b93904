"""Activity and adoption, like Sales Navigator's usage report: who uses their seat, how
much, and whether it goes with a better SSI.

Honest numbers: a metric a file did not carry is missing, not zero. Averages are per seat
over the seats that have the metric in that week or month, and say how many they cover.
A seat listed with no activity data (never activated, opted out) is "no data", not idle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.scoring.config import ScoringConfig
from dashboard.scoring.memo import remembered
from dashboard.store import Store

GRAINS = {"week": 7, "month": 31}  # a period longer than its bucket is left out of a chart
COMPANY = "Company"


@dataclass(frozen=True)
class ActivityWindow:
    """The period's activity, read in one pass over the activity table."""

    seats: pd.DataFrame  # rep_id, name, team, days_active, actions, active_recently, has_data
    metric_rows: pd.DataFrame  # the chosen metric per seat and bucket
    by_rep: pd.DataFrame  # rep_id, metric, value over the whole period
    active_seats: pd.DataFrame  # bucket, with_data, active (of the chosen teams)


def activity_window(
    store: Store, start: date, as_of: date, grain: str, metric: str, team_ids: list[int],
    config: ScoringConfig,
) -> ActivityWindow:  # fmt: skip
    """Seats, the chosen metric by bucket, every metric per seat and active seats per bucket:
    the activity table is scanned once, into a temporary table the rest is read from."""
    active_from = as_of - timedelta(days=config.activity.active_days - 1)
    with store.reading() as cur:
        if grain == "week":  # whole weeks from the weekly summary, the current one read
            current_week = as_of - timedelta(days=as_of.weekday())
            cur.run("activity_window_weekly", {"start": start, "as_of": as_of,
                                               "current_week": current_week})  # fmt: skip
        else:
            cur.run("activity_window", {"start": start, "as_of": as_of, "grain": grain,
                                        "grain_days": GRAINS[grain]})  # fmt: skip
        cur.run("recent_seats", {"active_from": active_from, "as_of": as_of})
        seats = cur.run("activity_seats", {"start": start, "as_of": as_of}).df()
        rows = cur.run("window_metric", {"metric": metric}).df()
        by_rep = cur.run("window_by_rep").df()
        active = cur.run("window_active_seats", {"team_ids": team_ids}).df()
    return ActivityWindow(seats, rows, by_rep, active)


@dataclass(frozen=True)
class Adoption:
    seats: int
    with_data: int
    active_recently: int
    never_active: int  # with data, and not one action or active day in the period
    no_data: int
    days_active: pd.Series  # per seat that has days-active figures, for the distribution

    @property
    def share_active(self) -> float | None:
        """Active seats as a share of the seats with data (no-data seats cannot be judged)."""
        return self.active_recently / self.with_data if self.with_data else None


def adoption(seats: pd.DataFrame) -> Adoption:
    """Headline adoption figures over the seats of the chosen teams."""
    if seats.empty:
        return Adoption(0, 0, 0, 0, 0, pd.Series(dtype=float))
    data = seats[seats["has_data"].astype(bool)]
    idle = (data["actions"].fillna(0) == 0) & (data["days_active"].fillna(0) == 0)
    return Adoption(
        seats=len(seats),
        with_data=len(data),
        active_recently=int(data["active_recently"].astype(bool).sum()),
        never_active=int(idle.sum()),
        no_data=len(seats) - len(data),
        days_active=data["days_active"].dropna().astype(float),
    )


def metric_trend(
    buckets: pd.DataFrame, metric: str, team_of: dict[int, str], teams: list[str]
) -> tuple[pd.DataFrame, int]:
    """Per group (each chosen team, and the company) and bucket: the per-seat average of the
    metric, the seats it covers and the total. Also how many seat-periods were left out
    because they are longer than a bucket (a monthly row in a weekly chart)."""
    rows = buckets[buckets["metric"] == metric]
    left_out = int(rows["too_long"].sum())
    rows = rows[~rows["too_long"].astype(bool)].assign(team=lambda f: f["team_id"].map(team_of))
    parts = [rows.assign(group=COMPANY)]
    parts += [rows[rows["team"] == team].assign(group=team) for team in teams]
    both = pd.concat(parts, ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=["group", "bucket", "average", "seats", "total"]), left_out
    trend = (
        both.groupby(["group", "bucket"], sort=True)["value"]
        .agg(average="mean", seats="count", total="sum")
        .reset_index()
    )
    return trend, left_out


def rep_activity(by_rep: pd.DataFrame, seats: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """One row per seat: each metric over the period, missing where the seat has no figure."""
    table = seats[["rep_id", "name", "team", "has_data"]].copy()
    wide = by_rep[by_rep["metric"].isin(metrics)].pivot(index="rep_id", columns="metric",
                                                        values="value")  # fmt: skip
    for metric in metrics:
        table[metric] = table["rep_id"].map(wide[metric]) if metric in wide else np.nan
    return table


def sparkline(buckets: pd.DataFrame, metric: str, all_buckets: list[date]) -> pd.Series:
    """rep_id -> the metric per bucket over the period, None where the seat has no figure."""
    rows = buckets[(buckets["metric"] == metric) & ~buckets["too_long"].astype(bool)]
    if rows.empty:
        return pd.Series(dtype=object)
    wide = rows.pivot_table(index="rep_id", columns="bucket", values="value", aggfunc="sum")
    wide = wide.reindex(columns=all_buckets)
    # Plain floats and None, made for the whole frame at once (a comprehension per value
    # was ten times slower at 10,000 seats x 13 weeks).
    lines = wide.astype(object).where(wide.notna(), None).to_numpy().tolist()
    return pd.Series(dict(zip(wide.index, lines, strict=True)))


@dataclass(frozen=True)
class Correlation:
    reps: int
    with_level: float | None  # rank correlation of the metric with the SSI at the end
    with_change: float | None  # ... with the SSI's change over the period
    reading: str


def rank_correlation(x: pd.Series, y: pd.Series) -> float | None:
    """Spearman's rank correlation of two aligned series; None when either is constant."""
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return None
    return float(np.corrcoef(x.rank(), y.rank())[0, 1])


def strength(rho: float, config: ScoringConfig) -> str:
    size = abs(rho)
    if size < config.activity.weak_correlation:
        return "little or no"
    return "a strong" if size >= config.activity.strong_correlation else "a moderate"


def activity_vs_ssi(
    table: pd.DataFrame, metric: str, label: str, config: ScoringConfig
) -> Correlation:
    """Does more of the metric go with a higher SSI, or a rising one? Read in plain words,
    as a correlation. ``table`` has the metric, ``ssi`` and ``ssi_change`` per rep."""
    both = table.dropna(subset=[metric, "ssi"])
    n = len(both)
    if n < config.activity.min_reps_for_correlation:
        return Correlation(n, None, None, f"Too few reps have both {label.lower()} and an SSI "
                           f"in this period ({n}) to say whether they go together.")  # fmt: skip
    level = rank_correlation(both[metric], both["ssi"])
    rising = both.dropna(subset=["ssi_change"])
    change = rank_correlation(rising[metric], rising["ssi_change"])
    if level is None:
        return Correlation(n, None, change, f"Every rep has the same {label.lower()} here, so it "
                           "cannot tell reps apart.")  # fmt: skip
    what = label.lower()
    words = strength(level, config)
    if words == "little or no":
        text = (f"Across {n:,} reps there is little or no link between {what} and SSI "
                f"(rank correlation {level:+.2f}).")  # fmt: skip
    else:
        direction = "higher" if level > 0 else "lower"
        text = (f"Across {n:,} reps, those with more {what} tend to have a {direction} SSI: "
                f"{words} link (rank correlation {level:+.2f}).")  # fmt: skip
    if change is not None:
        if abs(change) < config.activity.weak_correlation:
            text += (" How their SSI moved over the period has little or no link to it "
                     f"(rank correlation {change:+.2f}).")  # fmt: skip
        else:
            moved = "rise more" if change > 0 else "rise less or fall"
            text += (f" Reps with more {what} saw their SSI {moved} over the period: "
                     f"{strength(change, config)} link (rank correlation {change:+.2f}).")  # fmt: skip
    text += (" This is a correlation between reps, not proof that the activity raises the "
             "SSI: busy reps may differ in other ways.")  # fmt: skip
    return Correlation(n, level, change, text)


@remembered
def rep_against_team(
    store: Store, rep_id: int, as_of: date, weeks: int, config: ScoringConfig
) -> pd.DataFrame:
    """A rep's own activity per week against the median seat of their team, per metric:
    metric, bucket, you, team_median, seats. Weeks the rep has no figure for stay missing."""
    current_week = as_of - timedelta(days=as_of.weekday())
    start = current_week - timedelta(weeks=weeks - 1)
    # With no activity in the period the rep has nothing to compare (null: no chart).
    team_id = store.scalar("rep_activity_team", {"rep_id": rep_id, "as_of": as_of,
                                                 "start": start})  # fmt: skip
    columns = ["metric", "bucket", "you", "team_median", "seats"]
    if team_id is None:
        return pd.DataFrame(columns=columns)
    out = store.df("rep_against_team_weeks", {
        "start": start, "current_week": current_week,
        "as_of": as_of, "team_id": int(team_id), "rep_id": rep_id,
        "metrics": list(config.activity.metrics),
    })  # fmt: skip
    # The metrics the rep has a figure for in some week; the weeks without one stay.
    out = out[out.groupby("metric")["you"].transform(lambda v: v.notna().any()).astype(bool)]
    if out.empty:
        return pd.DataFrame(columns=columns)
    order = {m: i for i, m in enumerate(config.activity.metrics)}
    return out.sort_values(["metric", "bucket"], key=lambda c: c.map(order) if c.name == "metric"
                           else c)[columns].reset_index(drop=True)  # fmt: skip
