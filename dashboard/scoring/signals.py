"""Movers, coaching signals and team comparison: what a manager acts on."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import display
from dashboard.fields import PILLARS
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.store import Store


def movers(
    store: Store,
    as_of: date,
    days: int | None = None,
    count: int | None = None,
    teams: list[str] | None = None,
    config: ScoringConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(largest rises, largest falls) of SSI between the readings as of as_of - days and as_of."""
    config = config or load_config()
    c = config.coaching
    days, count = days or c.movers_window_days, count or c.movers_count
    frame = store.df("change_over_window", {
        "as_of": as_of, "days": days, "listed_days": config.freshness.listed_for_days,
        "stale_days": config.freshness.stale_after_days,
    }).dropna(subset=["change"])  # fmt: skip
    if teams:
        frame = frame[frame["team"].isin(teams)]
    rises = frame[frame["change"] > 0].sort_values(["change", "rep"], ascending=[False, True])
    falls = frame[frame["change"] < 0].sort_values(["change", "rep"])
    return rises.head(count).reset_index(drop=True), falls.head(count).reset_index(drop=True)


def falling_streaks(store: Store, as_of: date, weeks: int) -> pd.Series:
    """Reps whose weekly as-of SSI fell in each of the last ``weeks`` weeks (True/False)."""
    frame = store.df("readings_by_week", {"as_of": as_of, "weeks": weeks})
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
    """One row per (rep, signal): falling for weeks, a pillar under the floor, silence, a drop."""
    config = config or load_config()
    c = config.coaching
    rows: list[dict[str, object]] = []
    if board.empty:
        return pd.DataFrame(columns=["rep", "team", "signal", "detail"])
    falling = falling_streaks(store, as_of, int(c.falling_weeks))
    for rec in board.to_dict("records"):

        def add(signal: str, detail: str, rec=rec) -> None:
            rows.append({"rep_id": rec["rep_id"], "rep": rec["rep"], "team": rec["team"],
                         "signal": signal, "detail": detail})  # fmt: skip

        if rec["age_days"] >= c.silent_days:
            add("no recent reading", f"last reading {rec['age_days']} days ago ({rec['as_of']})")
        if not rec.get("listed", True):
            continue  # an old reading's pillars and changes are history, not a signal now
        if bool(falling.get(rec["rep_id"], False)):
            add(
                "falling",
                f"SSI lower each week for {c.falling_weeks} weeks, now {display.score(rec['ssi'])}",
            )
        low = [p for p in PILLARS if pd.notna(rec[p]) and rec[p] < c.pillar_floor]
        if low:
            listed = ", ".join(f"{p} {display.score(rec[p])}" for p in low)
            add("weak pillar", f"under {c.pillar_floor:g}: {listed}")
        change = rec["ssi_change_7d"]
        if pd.notna(change) and change <= -c.weekly_drop:
            add("sharp drop", f"SSI fell {display.score(abs(change))} points since "
                              f"{rec['ssi_change_7d_since']}")  # fmt: skip
    return pd.DataFrame(rows, columns=["rep_id", "rep", "team", "signal", "detail"])


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
        "share_balanced": grouped["balanced"].mean(),
        "ssi_change_7d": grouped["ssi_change_7d"].mean(),
    })  # fmt: skip
    return out.reset_index().sort_values("ssi", ascending=False, ignore_index=True)
