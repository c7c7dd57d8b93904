"""The manager's team review: KPIs, leaderboard, balance, trends, movers, signals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard import display
from dashboard.access import OWNER, Viewer
from dashboard.errors import NotFoundError
from dashboard.export import to_csv_bytes
from dashboard.fields import PILLARS
from dashboard.scoring import (
    LEADERBOARD_KEYS,
    averages_over_time,
    band_distribution,
    coaching_signals,
    default_as_of,
    leaderboard,
    movers,
    team_comparison,
)
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.estimate import (
    estimate_agreement,
    estimated_ssi,
    reported_on,
)
from dashboard.scoring.leaderboard import (
    company_leaderboard,
    listed,
    listed_average,
    of_teams,
    python_dates,
    team_names,
)
from dashboard.scoring.memo import KEEP_COMPANY_WIDE, remembered
from dashboard.scoring.trends import sparklines
from dashboard.store import Store
from dashboard.views.goals import rep_verdicts

PERIODS = {"30 days": 30, "90 days": 90, "6 months": 182, "12 months": 365, "18 months": 548}
PAGE_SIZE = 40  # reps per page in per-rep charts


@dataclass
class Kpis:
    average_ssi: float | None
    average_change_7d: float | None
    leaders: int | None
    laggards: int | None
    share_balanced: float | None  # of the reps whose four pillars are known
    stale: int | None
    reps: int
    balanced_known: int | None = None  # ranked reps with all four pillars: what the share covers
    # Too few reps for this role to see their figures (privacy.min_group_reps): every
    # figure is None; ``reps`` still says how many there are.
    withheld: bool = False


# The figures of a group that a role may see only when the group is large enough.
GROUP_FIGURES = ["ssi", *PILLARS, "leaders", "laggards", "share_balanced", "ssi_change_7d",
                 "band_top", "band_above_average", "band_low", "band_very_poor", "balanced"]  # fmt: skip


def withhold_small_groups(frame: pd.DataFrame, min_reps: int) -> pd.DataFrame:
    """``frame`` (one row per group, with its ``reps``) with the figures of each group of
    fewer than ``min_reps`` reps emptied: a team of one's average is that rep's score."""
    if frame.empty or "reps" not in frame:
        return frame
    out = frame.copy()
    small = out["reps"].astype(float) < min_reps
    for col in [c for c in GROUP_FIGURES if c in out]:
        out[col] = out[col].astype(float).mask(small)
    return out


def kpis(board: pd.DataFrame, previous_average: float | None) -> Kpis:
    """Headline numbers over the ranked reps (a reading in the listing window); the 7-day
    change compares the average now with ``previous_average``, the one a week ago."""
    board = listed(board)
    if board.empty:
        return Kpis(None, None, 0, 0, None, 0, 0, 0)
    avg = float(board["ssi"].mean())
    change = None if previous_average is None else avg - previous_average
    return Kpis(
        average_ssi=avg,
        average_change_7d=change,
        leaders=int(board["leader"].sum()),
        laggards=int(board["laggard"].sum()),
        share_balanced=balanced_share(board["balanced"]),
        stale=int(board["stale"].sum()),
        reps=len(board),
        balanced_known=int(board["balanced"].notna().sum()),
    )


def balanced_share(balanced: pd.Series) -> float | None:
    """The share of balanced reps among those whose four pillars are known (a rep with a
    missing pillar is neither: ``ssi_balanced`` in queries/macros.sql)."""
    known = balanced.dropna()
    return None if known.empty else float(known.astype(bool).mean())


def balanced_coverage(k: Kpis) -> str | None:
    """Which reps the balanced share covers, when it is not all of them."""
    if k.withheld or k.balanced_known is None or k.balanced_known == k.reps:
        return None
    return f"of {k.balanced_known} of {k.reps} reps with all four pillars"


@dataclass
class TeamReview:
    as_of: date | None
    teams: list[str]
    kpis: Kpis
    board: pd.DataFrame
    averages: pd.DataFrame
    groups: list[str]
    rises: pd.DataFrame
    falls: pd.DataFrame
    signals: pd.DataFrame
    comparison: pd.DataFrame

    @property
    def focus(self) -> str:
        """The group the single-group charts show: the one chosen team, else the company."""
        return self.teams[0] if len(self.teams) == 1 else "Company"

    def bands(self) -> pd.DataFrame:
        return band_distribution(self.averages, self.focus)

    @property
    def unlisted(self) -> pd.DataFrame:
        """Reps shown with an old last reading: not ranked, not in any average."""
        if self.board.empty:
            return self.board
        return self.board[~self.board["listed"].astype(bool)]

    def radar_series(self) -> dict[str, dict[str, float]]:
        """Latest average pillars of every shown group and of the company."""
        if self.averages.empty:
            return {}
        last = self.averages[self.averages["day"] == self.averages["day"].max()]
        series = {}
        for group in dict.fromkeys([*self.groups, "Company"]):
            row = last[last["team"] == group]
            if not row.empty and row[list(PILLARS)].notna().any(axis=None):
                series[group] = {p: float(row[p].iloc[0]) for p in PILLARS}
        return series


def review_scope(
    store: Store, viewer: Viewer, teams: list[str], right: str = "team_review"
) -> list[str]:
    """The teams a review of ``teams`` covers for this viewer, as on the page (of the team
    review, or of the page of ``right``); a team the viewer may not see is named as one
    that does not exist (the same words either way)."""
    viewer.require(right)
    known = viewer.visible_teams(team_names(store))
    unknown = [t for t in teams if t not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none yet"
        raise NotFoundError(f"no team called {', '.join(repr(t) for t in unknown)} that you "
                            f"may see; teams with readings you may see: {listed}")  # fmt: skip
    return viewer.team_scope(teams, known)


@remembered(keep=KEEP_COMPANY_WIDE)
def team_review(
    store: Store, teams: list[str], as_of: date | None, period_days: int,
    viewer: Viewer = OWNER, config: ScoringConfig | None = None,
) -> TeamReview:  # fmt: skip
    """Everything the team review shows, within the viewer's scope: a manager's teams only;
    for a viewer, company figures (KPIs, averages, bands, teams) and no person at all."""
    viewer.require("team_review")
    config = config or load_config()
    as_of = as_of or default_as_of(store, config)
    if as_of is None:
        empty = pd.DataFrame()
        board = leaderboard(store, None, config=config)
        return TeamReview(
            None, teams, kpis(board, None), board, empty, [], empty, empty, empty, empty
        )
    # One company-wide leaderboard; the chosen teams are rows of it (ranks stay company-wide).
    # The company-wide parts are kept per store version: a change of team or period reuses them.
    all_board = company_leaderboard(store, as_of, config)
    board = of_teams(all_board, teams)
    # A week earlier only the average is compared: not a second whole leaderboard.
    previous = listed_average(store, as_of - timedelta(days=7), teams, config)
    start = as_of - timedelta(days=period_days - 1)
    averages = _company_averages(store, start, as_of, config)
    groups = teams or sorted(listed(all_board)["team"].unique().tolist())
    rises, falls = movers(store, as_of, teams=teams or None, config=config, board=all_board)
    # A rep's signals are the rep's own: the team's are rows of the company's, in board order.
    signals = _company_signals(store, as_of, config)
    if teams:
        signals = signals[signals["rep_id"].isin(board["rep_id"])].reset_index(drop=True)
    # One chosen team is compared with the other teams the viewer may see: a manager's own
    # teams only (every team's pillar averages once showed in a manager's stacked chart).
    visible = viewer.visible_teams(sorted(listed(all_board)["team"].unique().tolist()))
    compared = team_comparison(board if len(teams) != 1 else of_teams(all_board, visible))
    averages = averages[averages["team"].isin([*groups, "Company"])].reset_index(drop=True)
    headline = kpis(board, previous)
    if not viewer.sees_people:  # figures of groups too small to hide a person are withheld
        small = config.privacy.min_group_reps
        compared = withhold_small_groups(compared, small)
        averages = withhold_small_groups(averages, small)
        if headline.reps < small:
            headline = Kpis(None, None, None, None, None, None, headline.reps, withheld=True)
    people = viewer.people_in_scope  # the rows a page may show by name
    return TeamReview(as_of, teams, headline, people(board), averages, groups,
                      people(rises), people(falls), people(signals), compared)  # fmt: skip


@remembered(keep=KEEP_COMPANY_WIDE)
def _company_averages(
    store: Store, start: date, as_of: date, config: ScoringConfig
) -> pd.DataFrame:
    return averages_over_time(store, start, as_of, config)


@remembered(keep=KEEP_COMPANY_WIDE)
def _company_signals(store: Store, as_of: date, config: ScoringConfig) -> pd.DataFrame:
    return coaching_signals(store, company_leaderboard(store, as_of, config), as_of, config)


@remembered(keep=KEEP_COMPANY_WIDE)
def _company_estimates(
    store: Store, as_of: date, config: ScoringConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every rep's estimate from activity and reported reading on ``as_of`` (no estimate is
    read when nobody reported that day: there is nothing to compare it with)."""
    reported = reported_on(store, as_of)
    if reported.empty:
        return pd.DataFrame(columns=["rep_id", *PILLARS, "ssi"]), reported
    return estimated_ssi(store, as_of, config).dropna(subset=["ssi"]), reported


@remembered(keep=KEEP_COMPANY_WIDE)
def _company_sparklines(store: Store, as_of: date, days: int) -> dict[int, np.ndarray]:
    return sparklines(store, as_of, days)


@remembered
def estimate_check(
    store: Store, teams: list[str], as_of: date, viewer: Viewer = OWNER,
    config: ScoringConfig | None = None,
) -> dict[str, float | int]:  # fmt: skip
    """How estimates from activity agree with reported SSI on ``as_of`` for the listed reps
    of ``teams`` (all when none), within the viewer's scope: figures, never a person. Asked
    for only when its section is opened: the estimates read every rep's activity of the
    window (bench/test_big_store.py)."""
    viewer.require("team_review")
    config = config or load_config()
    board = of_teams(company_leaderboard(store, as_of, config), teams)
    shown = set(listed(board)["rep_id"])
    estimated, reported = _company_estimates(store, as_of, config)
    return estimate_agreement(reported[reported["rep_id"].isin(shown)],
                              estimated[estimated["rep_id"].isin(shown)])  # fmt: skip


@remembered
def leaderboard_csv(
    store: Store, teams: list[str], as_of: date, viewer: Viewer = OWNER,
    config: ScoringConfig | None = None,
) -> bytes:  # fmt: skip
    """The leaderboard's CSV download: the rows :func:`team_review` shows this viewer, its
    public columns. A page caches it per filter: made at every rerun, it was a large share
    of each click at 10,000 reps (bench/test_big_store.py)."""
    viewer.require("team_review")
    config = config or load_config()
    board = of_teams(company_leaderboard(store, as_of, config), teams)
    board = with_goals(store, viewer.people_in_scope(board), as_of, viewer)
    return to_csv_bytes(board[EXPORT_KEYS])


def with_goals(store: Store, board: pd.DataFrame, as_of: date, viewer: Viewer) -> pd.DataFrame:
    """The board with each rep's goal verdict (``goal``: the one to act on first among their
    own goals in force; empty without one)."""
    verdicts = rep_verdicts(store, viewer, as_of)
    out = board.copy()
    out["goal"] = [verdicts.get(int(r), "") for r in out["rep_id"].tolist()]
    return out


def with_sparklines(store: Store, board: pd.DataFrame, as_of: date) -> pd.DataFrame:
    lines = _company_sparklines(store, as_of, 90)
    out = board.copy()
    none = np.empty(0)  # a rep with no reading in the 90 days: an empty line
    out["ssi_trend"] = pd.Series([lines.get(r, none) for r in out["rep_id"].tolist()],
                                 index=out.index, dtype="object")  # fmt: skip
    return out


def page_of(board: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows of one page (1-based), in leaderboard order: per-rep charts stay readable."""
    start = (max(page, 1) - 1) * size
    return board.iloc[start : start + size]


def page_count(board: pd.DataFrame, size: int = PAGE_SIZE) -> int:
    return max(1, -(-len(board) // size))


# The leaderboard's downloads: its public columns and each rep's goal verdict.
EXPORT_KEYS = [*LEADERBOARD_KEYS, "goal"]
# What a manager reads first comes first, so a phone shows rank, rep and SSI without scrolling.
LEADERBOARD_COLUMNS = [
    "rank", "rep", "ssi", "ssi_change_7d", "ssi_change_30d", "goal", "band", "ssi_trend", "team",
    "brand", "people", "insights", "relationships", "weakest_pillar", "balanced",
    "top_pct_team", "as_of", "ssi_change_7d_since", "ssi_change_30d_since", "stale",
]  # fmt: skip
SCORE_COLUMNS = ["ssi", *PILLARS]
CHANGE_COLUMNS = ["ssi_change_7d", "ssi_change_30d"]


@dataclass(frozen=True)
class Label:
    text: str
    help: str


def newer_readings_note(
    as_of: date | None, newest: date | None, choose: str = "Set As of to"
) -> str:
    """What a view as of ``as_of`` leaves out when the store has later readings: said, never
    silent (by default "as of" is the newest day most reps have a reading on). ``choose``:
    how the door it is shown at picks a date ("Give --date" on the command line)."""
    if as_of is None or newest is None or newest <= as_of:
        return ""
    return (
        f"Readings of after {as_of:%Y-%m-%d} (the newest of {newest:%Y-%m-%d}) are not in "
        f"this view: it shows each rep's latest reading up to {as_of:%Y-%m-%d}, the newest "
        f"day most reps have a reading on unless you choose another. {choose} "
        f"{newest:%Y-%m-%d} to include them."
    )


def withheld_note(reps: int, config: ScoringConfig | None = None) -> str:
    small = (config or load_config()).privacy.min_group_reps
    return (
        f"This selection has {reps} ranked rep{'s' if reps != 1 else ''}: figures of fewer "
        f"than {small} reps are not shown to your role, since they would be a person's own. "
        "Choose more teams, or all."
    )


def kpi_labels(config: ScoringConfig | None = None) -> dict[str, Label]:
    """The KPI names and their explanations, with the thresholds the config sets."""
    config = config or load_config()
    g, f, b = config.groups, config.freshness, config.bands
    return {
        "average": Label("Average SSI",
                         f"Average of the latest reading of each rep with a reading in the "
                         f"{f.listed_for_days} days up to the as-of date; the change is "
                         f"against the same average 7 days earlier."),
        "leaders": Label(f"Leaders (SSI above {g.leader_above:g})",
                         f"LinkedIn's admin report calls reps with an SSI above "
                         f"{g.leader_above:g} leaders. The 'top' band starts at "
                         f"{b.top_from:g}, so a leader can still be 'above average'."),
        "laggards": Label(f"Laggards (SSI below {g.laggard_below:g})",
                          f"Reps with an SSI below {g.laggard_below:g}: LinkedIn's laggards, "
                          f"usually people who rarely use LinkedIn for selling."),
        "balanced": Label(f"Balanced (every pillar {g.balanced_pillar_min:g}+)",
                          f"Share of ranked reps whose four pillars are all "
                          f"{g.balanced_pillar_min:g} or more, among those whose four pillars "
                          f"are known (a missing pillar is neither balanced nor not)."),
        "stale": Label("Stale readings",
                       f"Ranked reps whose latest reading is more than "
                       f"{f.stale_after_days} days older than the as-of date."),
    }  # fmt: skip


def leaderboard_table(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as the page shows it: scores and changes cut to one decimal (as
    every other page shows them), columns in reading order."""
    out = display.rounded_columns(board, SCORE_COLUMNS + CHANGE_COLUMNS)
    return out[[c for c in LEADERBOARD_COLUMNS if c in out]]


def unlisted_note(view: TeamReview, config: ScoringConfig | None = None) -> str | None:
    """Why some rows have no rank: who they are and how old their last reading is."""
    unlisted = view.unlisted
    if unlisted.empty:
        return None
    days = (config or load_config()).freshness.listed_for_days
    people = ", ".join(
        f"{r.rep} ({r.as_of:%Y-%m-%d})" for r in unlisted.sort_values("rep").itertuples()
    )
    count = len(unlisted)
    return (
        f"{count} rep{'s have' if count > 1 else ' has'} no reading in the {days} days up to "
        f"{view.as_of:%Y-%m-%d}: shown at the bottom without a rank and left out of every "
        f"average. Last reading: {people}."
    )


def movers_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Rises or falls with the dates compared, changes cut like everywhere else."""
    if frame.empty:
        return frame
    out = display.rounded_columns(frame, ["ssi_before", "ssi_now", "change"])
    out["day_before"] = python_dates(out["day_before"])
    return out[["rep", "change", "ssi_now", "ssi_before", "day_before", "team"]]


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Teams side by side; the balanced share as a whole percent, like the KPI."""
    if comparison.empty or "share_balanced" not in comparison:
        return comparison
    out = display.rounded_columns(comparison, ["ssi", *PILLARS, "ssi_change_7d"])
    out["share_balanced"] = 100 * out["share_balanced"].astype(float)
    out = display.rounded_columns(out, ["share_balanced"], 0)
    return out
