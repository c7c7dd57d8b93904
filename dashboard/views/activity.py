"""The Activity page: adoption, each metric over time per team, a per-rep table, and
activity against SSI. Everything the page shows is computed here, without Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.access import OWNER, Viewer
from dashboard.export import to_csv_bytes
from dashboard.scoring import default_as_of
from dashboard.scoring.activity import (
    COMPANY,
    Adoption,
    Correlation,
    activity_vs_ssi,
    activity_window,
    adoption,
    metric_trend,
    rep_activity,
    sparkline,
)
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.memo import remembered
from dashboard.store import Store

PERIODS = {"30 days": 30, "90 days": 90, "6 months": 182, "12 months": 365, "2 years": 730}


@dataclass
class ActivityView:
    as_of: date | None
    start: date | None
    teams: list[str]  # the chosen teams, or every team with seats when none is chosen
    metric: str
    labels: dict[str, str]
    adoption: Adoption
    trend: pd.DataFrame  # group, bucket, average, seats, total
    left_out: int  # seat-periods longer than a bucket, left out of the trend
    reps: pd.DataFrame  # one row per seat: metrics over the period, SSI, sparkline
    correlation: Correlation
    active_seats: pd.DataFrame  # bucket, with_data, active: for the chosen teams

    @property
    def groups(self) -> list[str]:
        """The lines of the trend chart: each chosen team, and the company (dashed)."""
        return [*self.teams, COMPANY]


@remembered
def metric_labels(store: Store) -> dict[str, str]:
    return {r.metric: r.label for r in store.rows("metric_labels")}


@remembered
def activity_view(
    store: Store, teams: list[str], as_of: date | None, period_days: int, grain: str,
    metric: str, viewer: Viewer = OWNER, config: ScoringConfig | None = None,
) -> ActivityView:  # fmt: skip
    """Everything the Activity page shows, within the viewer's scope: a manager's teams; for
    a viewer, seat counts, trends and the correlation, and no person."""
    viewer.require("activity")
    config = config or load_config()
    labels = metric_labels(store)
    metrics = list(config.activity.metrics)
    as_of = as_of or default_as_of(store, config)
    if as_of is None:
        empty = pd.DataFrame()
        return ActivityView(None, None, teams, metric, labels, adoption(empty), empty, 0,
                            empty, Correlation(0, None, None, "No data yet."), empty)  # fmt: skip
    start = bucket_start(as_of - timedelta(days=period_days - 1), grain)
    team_ids = {r.name: r.team_id for r in store.rows("team_ids")}
    window = activity_window(store, start, as_of, grain, metric,
                             [team_ids[t] for t in teams if t in team_ids], config)  # fmt: skip
    seats = window.seats
    # Every team is a line when none is chosen, as on the team review.
    lines_for = teams or sorted(seats["team"].dropna().unique().tolist())
    team_of = {v: k for k, v in team_ids.items()}
    trend, left_out = metric_trend(window.metric_rows, metric, team_of, lines_for)
    shown = seats[seats["team"].isin(teams)] if teams else seats
    table = rep_activity(window.by_rep, shown, metrics)
    table = _with_ssi(store, table, start, as_of, config)
    rows = window.metric_rows
    all_buckets = sorted(rows["bucket"].unique()) if not rows.empty else []
    table["trend"] = table["rep_id"].map(sparkline(rows, metric, all_buckets))
    correlation = activity_vs_ssi(table[table["has_data"]], metric, labels.get(metric, metric),
                                  config)  # fmt: skip
    return ActivityView(
        as_of,
        start,
        lines_for,
        metric,
        labels,
        adoption(shown),
        trend,
        left_out,
        viewer.people_in_scope(table),  # the correlation above is over every seat in scope
        correlation,
        window.active_seats,
    )


def bucket_start(day: date, grain: str) -> date:
    """The first day of the week (Monday) or month holding ``day``: a period starts on a
    bucket's first day, so its first point is never a part-week."""
    return day - timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)


def last_bucket_partial(view: ActivityView, grain: str) -> bool:
    """Whether the newest week or month runs past the as-of date (so it is not complete)."""
    if view.as_of is None:
        return False
    end = view.as_of + timedelta(days=1)
    return bucket_start(end, grain) != end


def _with_ssi(
    store: Store, table: pd.DataFrame, start: date, as_of: date, config: ScoringConfig
) -> pd.DataFrame:
    """Each rep's SSI at the end of the period and its change since the start: the newest
    reading on each day that still counts (the leaderboard's rule), without ranking anyone."""
    days = config.freshness.listed_for_days

    def ssi_on(day: date) -> pd.Series:
        rows = store.df("ssi_on", {"day": day, "listed_for_days": days})
        return rows.set_index("rep_id")["ssi"]

    now, then = ssi_on(as_of), ssi_on(start)
    table = table.copy()
    table["ssi"] = table["rep_id"].map(now)
    table["ssi_change"] = table["ssi"] - table["rep_id"].map(then)
    return table


def rep_table(view: ActivityView) -> pd.DataFrame:
    """The per-rep table as shown and exported: names, team, metrics, SSI; busiest first."""
    # A metric no seat has a figure for is left out: an empty column reads as zeros.
    metrics = [m for m in view.reps.columns if m in view.labels and view.reps[m].notna().any()]
    table = view.reps.sort_values([view.metric, "name"], ascending=[False, True],
                                  na_position="last")  # fmt: skip
    table = table.assign(status=table["has_data"].map({True: "", False: "no data"}))
    return table[["name", "team", "status", *metrics, "ssi", "ssi_change", "trend"]]


def export_table(view: ActivityView) -> pd.DataFrame:
    """The table for download: readable headers, no sparkline lists."""
    table = rep_table(view).drop(columns=["trend"])
    names = {"name": "Rep", "team": "Team", "status": "Status", "ssi": "SSI",
             "ssi_change": "SSI change over the period", **view.labels}  # fmt: skip
    return table.rename(columns=names)


@remembered
def activity_csv(
    store: Store, teams: list[str], as_of: date | None, period_days: int, grain: str,
    metric: str, viewer: Viewer = OWNER, config: ScoringConfig | None = None,
) -> bytes:  # fmt: skip
    """The per-rep CSV download of :func:`activity_view`, made once per filter: made at every
    rerun it was a sixth of the page's script at 10,000 reps."""
    view = activity_view(store, teams, as_of, period_days, grain, metric, viewer, config)
    return to_csv_bytes(export_table(view))
