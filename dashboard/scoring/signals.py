"""Movers, coaching signals and team comparison: what a manager acts on."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard import display
from dashboard.fields import PILLARS
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.leaderboard import latest_is_as_of
from dashboard.store import Store

# The windows whose changes every leaderboard row carries (queries/scoring.sql).
BOARD_WINDOWS = (7, 30)


def movers(
    store: Store,
    as_of: date,
    days: int | None = None,
    count: int | None = None,
    teams: list[str] | None = None,
    config: ScoringConfig | None = None,
    board: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(largest rises, largest falls) of SSI between the readings as of as_of - days and as_of.

    ``board``, the whole leaderboard on ``as_of``, holds each listed rep's change over 7 and
    30 days by the same rule (against the latest reading at least that many days before,
    at most the stale limit older): for those windows the movers are read from it instead
    of asked of the store (a query over every reading at 10,000 reps over two years)."""
    config = config or load_config()
    c = config.coaching
    days, count = days or c.movers_window_days, count or c.movers_count
    if board is not None and days in BOARD_WINDOWS:
        frame = _changes_on_board(board, days)
    else:
        frame = store.df("change_over_window", {
            "as_of": as_of, "days": days, "listed_days": config.freshness.listed_for_days,
            "stale_days": config.freshness.stale_after_days,
            "from_latest": latest_is_as_of(store, as_of),
        }).dropna(subset=["change"])  # fmt: skip
    if teams:
        frame = frame[frame["team"].isin(teams)]
    rises = frame[frame["change"] > 0].sort_values(["change", "rep"], ascending=[False, True])
    falls = frame[frame["change"] < 0].sort_values(["change", "rep"])
    return rises.head(count).reset_index(drop=True), falls.head(count).reset_index(drop=True)


def _changes_on_board(board: pd.DataFrame, days: int) -> pd.DataFrame:
    """The change_over_window rows a leaderboard holds: listed reps with a change."""
    rows = board[board["listed"].astype(bool) & board[f"ssi_change_{days}d"].notna()]
    return pd.DataFrame({
        "rep_id": rows["rep_id"], "rep": rows["rep"], "email": rows["email"],
        "team": rows["team"], "day_before": _as_query_gives(rows[f"ssi_change_{days}d_since"]),
        "ssi_before": rows[f"ssi_{days}d_before"], "day_now": _as_query_gives(rows["as_of"]),
        "ssi_now": rows["ssi"], "change": rows[f"ssi_change_{days}d"],
    })  # fmt: skip


def _as_query_gives(days: pd.Series) -> pd.Series:
    """A board's Python dates as the timestamps the store's query hands over."""
    return pd.to_datetime(days).astype("datetime64[us]")


STREAK_IDS_UP_TO = 100  # how many reps' streaks are asked for by id (above: everyone's)


def falling_streaks(
    store: Store, as_of: date, weeks: int, rep_ids: list[int] | None = None
) -> pd.Series:
    """Reps (of ``rep_ids``, or all) whose weekly as-of SSI fell in each of the last
    ``weeks`` weeks (True/False)."""
    frame = store.df("readings_by_week", {"as_of": as_of, "weeks": weeks, "rep_ids": rep_ids})
    wide = frame.pivot(index="rep_id", columns="week", values="ssi").reindex(
        columns=range(weeks + 1)
    )
    falling = pd.Series(True, index=wide.index)
    for week in range(weeks):  # week 0 is now: each week lower than the one before it
        falling &= wide[week] < wide[week + 1]
    return falling


def coaching_signals(
    store: Store, board: pd.DataFrame, as_of: date, config: ScoringConfig | None = None
) -> pd.DataFrame:
    """One row per (rep, signal): falling for weeks, a pillar under the floor, silence, a drop.

    Rows come in leaderboard order, a rep's signals in that order. Each signal is a mask
    over the whole board; only flagged reps get a sentence (a Python loop over 10,000 reps
    was a large share of the team review)."""
    config = config or load_config()
    c = config.coaching
    columns = ["rep_id", "rep", "team", "signal", "detail"]
    if board.empty:
        return pd.DataFrame(columns=["rep", "team", "signal", "detail"])
    board = board.reset_index(drop=True)
    # An old reading's pillars and changes are history, not a signal now: only "silent".
    now = board["listed"].astype(bool) if "listed" in board else pd.Series(True, board.index)
    # A self-check's board is one rep: its streak alone. A larger board asks for everyone
    # (a superset: the board's reps are looked up in it), since binding a long list of ids
    # cost more than it saved at 10,000 reps over two years.
    few = board["rep_id"].tolist() if len(board) <= STREAK_IDS_UP_TO else None
    falling = falling_streaks(store, as_of, int(c.falling_weeks), few)
    low = board[list(PILLARS)].lt(c.pillar_floor)  # a missing pillar is not low
    change = board["ssi_change_7d"]

    # Each sentence is made for a whole column of flagged reps at once: a sentence per row
    # (a dict per rep, each score formatted alone) took about three times as long.
    def silent(f: pd.DataFrame) -> list[str]:
        return [f"last reading {age} days ago ({day})"
                for age, day in zip(f["age_days"], f["as_of"], strict=True)]  # fmt: skip

    def falls(f: pd.DataFrame) -> list[str]:
        return [f"SSI lower each week for {c.falling_weeks} weeks, now {ssi}"
                for ssi in display.scores(f["ssi"])]  # fmt: skip

    def weak(f: pd.DataFrame) -> list[str]:
        # Only the low pillars are formatted, and the sentence is joined once per pattern of
        # low pillars (at most 15), not once per rep: joining row by row showed at 10,000
        # reps and dominated at 100,000.
        lows = [f[p].lt(c.pillar_floor).to_numpy() for p in PILLARS]
        named = []
        for p, low in zip(PILLARS, lows, strict=True):
            names = np.full(len(f), "", dtype=object)
            names[low] = [f"{p} {v}" for v in display.scores(f[p][low], under=c.pillar_floor)]
            named.append(names)
        pattern = sum(low.astype(np.int64) << i for i, low in enumerate(lows))
        out = np.empty(len(f), dtype=object)
        for code in np.unique(pattern):
            rows = pattern == code
            parts = [n[rows] for i, n in enumerate(named) if code >> i & 1]
            joined = parts[0]
            for part in parts[1:]:
                joined = joined + ", " + part
            out[rows] = f"under {c.pillar_floor:g}: " + joined
        return out.tolist()

    def drop(f: pd.DataFrame) -> list[str]:
        return [f"SSI fell {fell} points since {since}" for fell, since in
                zip(display.scores(f["ssi_change_7d"].abs()), f["ssi_change_7d_since"],
                    strict=True)]  # fmt: skip

    signals = [
        ("no recent reading", board["age_days"] >= c.silent_days, silent),
        ("falling", now & board["rep_id"].map(falling).fillna(False).astype(bool), falls),
        ("weak pillar", now & low.any(axis=1), weak),
        ("sharp drop", now & change.notna() & (change <= -c.weekly_drop), drop),
    ]
    parts = []
    for order, (signal, mask, sentence) in enumerate(signals):
        if not mask.any():  # most signals flag nobody on one rep's page
            continue
        picked = board[mask.to_numpy()]
        parts.append(pd.DataFrame({
            "position": picked.index, "order": order, "rep_id": picked["rep_id"],
            "rep": picked["rep"], "team": picked["team"], "signal": signal,
            "detail": sentence(picked),
        }))  # fmt: skip
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=board[c].dtype if c in board else object)
                             for c in columns})  # fmt: skip
    found = pd.concat(parts).sort_values(["position", "order"], kind="stable")
    return found[columns].reset_index(drop=True)


def team_comparison(board: pd.DataFrame) -> pd.DataFrame:
    """One row per team: size, averages, leaders, laggards, share balanced, weekly change."""
    if "listed" in board:
        board = board[board["listed"].astype(bool)]
    if board.empty:
        return pd.DataFrame(columns=["team", "reps", "ssi"])
    grouped = board.groupby("team")
    out = pd.DataFrame({
        "reps": grouped.size(),
        "ssi": grouped["ssi"].mean(),
        **{p: grouped[p].mean() for p in PILLARS},
        "leaders": grouped["leader"].sum(),
        "laggards": grouped["laggard"].sum(),
        # Among reps whose four pillars are known, as in the KPI (ssi_balanced).
        "share_balanced": board["balanced"].astype("boolean").astype("Float64")
                          .groupby(board["team"]).mean().astype(float),
        "ssi_change_7d": grouped["ssi_change_7d"].mean(),
    })  # fmt: skip
    return out.reset_index().sort_values("ssi", ascending=False, ignore_index=True)
