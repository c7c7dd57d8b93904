"""Per-rep standing as of a date: the leaderboard every page and the CLI share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.store import Store

# The leaderboard's public columns, in order: what `leaderboard --format json` emits.
LEADERBOARD_KEYS = [
    "rank", "rep", "team", "as_of", "ssi", "brand", "people", "insights", "relationships",
    "top_pct_team", "top_pct_company", "ssi_change_7d", "ssi_change_30d", "band", "balanced",
    "weakest_pillar", "stale",
]  # fmt: skip


def default_as_of(store: Store) -> date | None:
    """The newest reading's date: what "now" means for a store of exports."""
    return store.rows("date_range")[0][1]


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
    as_of = as_of or default_as_of(store)
    if as_of is None:
        return _empty()
    frame = store.df("leaderboard", {"as_of": as_of, **config.rule_params()})
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["forecast_date"] = pd.to_datetime(frame["forecast_date"]).dt.date
    return of_teams(frame, teams)


def of_teams(board: pd.DataFrame, teams: Iterable[str] | None) -> pd.DataFrame:
    """The rows of these teams (all rows when none are named), ranks left as they were."""
    if not teams:
        return board
    return board[board["team"].isin(list(teams))].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=[*LEADERBOARD_KEYS, "rep_id", "leader", "laggard"])
