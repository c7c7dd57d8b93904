"""Per-rep standing as of a date: the leaderboard every page and the CLI share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.memo import KEEP_COMPANY_WIDE, remembered
from dashboard.store import Store

# The leaderboard's public columns, in order: what `leaderboard --format json` emits.
LEADERBOARD_KEYS = [
    "rank", "rep", "email", "team", "as_of", "age_days", "ssi", "brand", "people", "insights",
    "relationships", "top_pct_team", "top_pct_company", "ssi_change_7d", "ssi_change_7d_since",
    "ssi_change_30d", "ssi_change_30d_since", "band", "balanced", "weakest_pillar", "stale",
    "listed",
]  # fmt: skip


@remembered
def default_as_of(store: Store, config: ScoringConfig | None = None) -> date | None:
    """What "now" means for a store of exports: the newest day most reps have a reading on
    (scoring.toml, freshness.default_as_of_share), so one later hand-typed reading does
    not make everyone else look stale."""
    config = config or load_config()
    f = config.freshness
    return store.scalar("default_as_of", {
        "listed_days": f.listed_for_days, "share": f.default_as_of_share,
    })  # fmt: skip


def team_names(store: Store) -> list[str]:
    """Teams that have readings or activity, by name."""
    return [r.name for r in store.rows("teams_with_data")]


def listed(board: pd.DataFrame) -> pd.DataFrame:
    """The ranked rows: reps whose latest reading is recent enough to count."""
    return board[board["listed"].astype(bool)] if "listed" in board else board


def leaderboard(
    store: Store,
    as_of: date | None = None,
    teams: Iterable[str] | None = None,
    config: ScoringConfig | None = None,
) -> pd.DataFrame:
    """Every listed rep's standing as of ``as_of`` (default: the newest reading).

    Ranks and "Top N%" are computed over the whole company and within each team before
    ``teams`` narrows the rows, so a filtered view keeps company-wide ranks.
    """
    config = config or load_config()
    as_of = as_of or default_as_of(store, config)
    if as_of is None:
        return _empty()
    return of_teams(_board(store, as_of, None, config), teams)


def rep_standing(store: Store, rep_id: int, as_of: date, config: ScoringConfig) -> pd.DataFrame:
    """The rep's row of the leaderboard on ``as_of`` (none without a reading by then), ranks
    company-wide, computing changes and trend for this rep only: at 100,000 reps the whole
    leaderboard takes about a second."""
    return _board(store, as_of, rep_id, config)


# The board's order: listed reps first, by rank; then the rest, newest reading first; name
# and rep_id settle ties. (column, descending); the query leaves ordering to this.
BOARD_ORDER = [("listed", True), ("rank", False), ("as_of", True), ("rep", False),
               ("rep_id", False)]  # fmt: skip


def _board(store: Store, as_of: date, rep_id: int | None, config: ScoringConfig) -> pd.DataFrame:
    params = {
        "as_of": as_of, "from_latest": latest_is_as_of(store, as_of), "rep_id": rep_id,
        **config.rule_params(),
    }  # fmt: skip
    # The whole board is 10,000 rows of 41 columns at a large company; one rep's is a row.
    if rep_id is None:
        frame = store.wide_df("leaderboard", params, order_by=BOARD_ORDER)
    else:
        frame = store.df("leaderboard", params)
    for col in ("as_of", "forecast_date", "ssi_change_7d_since", "ssi_change_30d_since"):
        frame[col] = python_dates(frame[col])
    frame["listed"] = frame["listed"].astype(bool)
    return frame


def latest_is_as_of(store: Store, as_of: date) -> bool:
    """Whether every rep's reading as of ``as_of`` is their latest (none has a later one), so
    queries can take it from the latest readings kept per rep (migration 008)."""
    return store.scalar("reps_read_after", {"as_of": as_of}) == 0


@remembered(keep=KEEP_COMPANY_WIDE)
def company_leaderboard(store: Store, as_of: date, config: ScoringConfig) -> pd.DataFrame:
    """The whole leaderboard on ``as_of``, kept per store version: the team review of every
    team and every rep's self-check on that date read their rows of one computation."""
    return leaderboard(store, as_of, config=config)


def listed_average(
    store: Store, as_of: date, teams: Iterable[str] | None = None,
    config: ScoringConfig | None = None,
) -> float | None:  # fmt: skip
    """The average SSI of the listed reps of ``teams`` (all when none) as of ``as_of``: what
    ``listed(leaderboard(...))["ssi"].mean()`` gives, reading only the listing window."""
    config = config or load_config()
    found = store.df("listed_average_ssi", {
        "as_of": as_of, "teams": list(teams or []),
        "listed_days": config.freshness.listed_for_days,
    })  # fmt: skip
    value = found["average_ssi"].iloc[0]
    return None if pd.isna(value) else float(value)


def listed_averages(
    store: Store, as_of: date, teams: Iterable[str], config: ScoringConfig | None = None
) -> dict[str, float | int | None]:
    """How many reps are listed as of ``as_of`` and their average SSI and pillars, in the
    company and in ``teams`` together: ``n_company``, ``company_avg_ssi``, ... ``n_team``,
    ``team_avg_ssi``, ... (None for an average of nobody)."""
    config = config or load_config()
    found = store.rows("listed_averages", {
        "as_of": as_of, "teams": list(teams), "from_latest": latest_is_as_of(store, as_of),
        "listed_days": config.freshness.listed_for_days,
    })[0]  # fmt: skip
    return found._asdict()


def python_dates(values: pd.Series) -> pd.Series:
    """Dates as Python dates; a day Python has no date for (1 BC, stored by an old import)
    is missing rather than the reason a page fails."""
    if pd.api.types.is_datetime64_dtype(values.dtype):
        # What a query gives: NumPy makes the dates several times faster than pandas, and a
        # leaderboard has four such columns.
        days = values.to_numpy(dtype="datetime64[D]")
        kept = days >= np.datetime64("0001-01-01", "D")  # false for a missing day too
        shown = np.where(kept, days.astype(object), pd.NaT)  # type: ignore[call-overload]
        return pd.Series(shown, index=values.index, dtype="object", name=values.name)
    stamps = pd.to_datetime(values, errors="coerce")
    # Object dtype even when every value is missing (.dt.date leaves such a column datetime).
    return stamps.where(stamps.dt.year >= 1).dt.date.astype(object)


def of_teams(board: pd.DataFrame, teams: Iterable[str] | None) -> pd.DataFrame:
    """The rows of these teams (all rows when none are named), ranks left as they were."""
    if not teams:
        return board
    return board[board["team"].isin(list(teams))].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=[*LEADERBOARD_KEYS, "rep_id", "leader", "laggard"])
