"""The charts of the team review and the self-check, made once for the page and its PDF:
the PDF draws these very figures again (``dashboard/reports/figures.py``), so both show the
same data, names, reference lines, pacing lines and events."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go

from dashboard.access import Viewer
from dashboard.fields import PILLARS
from dashboard.scoring import rep_history
from dashboard.scoring.config import ScoringConfig
from dashboard.scoring.summary import SelfCheck
from dashboard.store import Store
from dashboard.views import goals as gv
from dashboard.views.team_review import TeamReview, page_of
from dashboard.web import charts

# The team review's trend charts, by name; the page draws the one whose tab is open.
TRENDS = ("trend_ssi", "trend_pillars", "bands")


def review_trends(
    store: Store,
    viewer: Viewer,
    view: TeamReview,
    period_days: int,
    names: tuple[str, ...] = TRENDS,
) -> dict[str, go.Figure]:
    """The team review's trend charts named (all by default), with the goals' pacing lines
    and the events."""
    assert view.as_of is not None
    start = view.as_of - timedelta(days=period_days - 1)
    marks = gv.review_marks(store, viewer, view.groups, start, view.as_of)
    made = {
        "trend_ssi": lambda: charts.marked(charts.team_trend(view.averages, view.groups),
                                           marks.of(["ssi"]), marks.events),
        "trend_pillars": lambda: charts.marked(charts.pillar_trends(view.averages, view.focus),
                                               marks.of(PILLARS, view.focus), marks.events, top=25),
        "bands": lambda: charts.marked(charts.band_areas(view.bands(), view.focus), [],
                                       marks.events),
    }  # fmt: skip
    return {name: made[name]() for name in names}


def review_balance(view: TeamReview) -> dict[str, go.Figure]:
    """The pillar balance of the groups shown: the radar, and the teams side by side when
    there are several."""
    out = {"radar": charts.pillar_radar(view.radar_series())}
    if len(view.comparison) > 1:
        out["team_bars"] = charts.team_bars(view.comparison)
    return out


def review_per_rep(view: TeamReview, page: int) -> dict[str, go.Figure]:
    """One page of reps' pillars, in leaderboard order: stacked bars and the coaching grid."""
    shown = page_of(view.board, page)
    return {"stacks": charts.pillar_stacks(shown), "heatmap": charts.pillar_heatmap(shown)}


def self_check_pillars(summary: SelfCheck, config: ScoringConfig) -> dict[str, go.Figure]:
    """The rep's gauge, pillars against their groups, and SSI against their groups."""
    r = summary.reading
    groups = {"You": {p: r[p] for p in PILLARS}, "Your team": summary.team_average,
              "Company": summary.company_average}  # fmt: skip
    if summary.estimate:
        groups["Estimated from your activity"] = summary.estimate
    return {
        "gauge": charts.ssi_gauge(r["ssi"], r["band"], r["ssi_change_7d"], config),
        "pillars": charts.pillar_comparison(groups, config),
        "groups": charts.ssi_comparison({
            "You": r["ssi"], "Team": summary.team_average["ssi"],
            "Company": summary.company_average["ssi"], "Industry": r["industry_ssi"],
            "Network": r["network_ssi"]}),
    }  # fmt: skip


def self_check_trend(store: Store, viewer: Viewer, rep_id: int, summary: SelfCheck) -> go.Figure:
    """The rep's year of SSI up to the day viewed, with their own goals' pacing lines and
    the events about them."""
    viewed = date.fromisoformat(summary.viewed_as_of)
    history = rep_history(store, rep_id, viewed, 365)
    marks = gv.rep_marks(store, viewer, rep_id, summary.team, viewed - timedelta(days=364),
                         viewed)  # fmt: skip
    return charts.marked(charts.rep_trend(history, summary.forecast.target), marks.of(["ssi"]),
                         marks.events)  # fmt: skip
