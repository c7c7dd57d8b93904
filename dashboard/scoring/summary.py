"""One rep's self-check: where they stand, what changed, what to do next."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.errors import NotFoundError
from dashboard.fields import PILLARS
from dashboard.scoring.advice import recommendations
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.estimate import best_gains, estimate_inputs, estimated_pillars
from dashboard.scoring.leaderboard import default_as_of, leaderboard
from dashboard.scoring.signals import coaching_signals
from dashboard.store import Store


def find_rep(store: Store, name: str) -> tuple[int, str]:
    """The rep named (exactly, by e-mail, or by a unique part of the name)."""
    rows = store.rows("find_rep", {"name": name.strip()})
    exact = [
        r for r in rows if r[1].lower() == name.strip().lower() or (r[2] or "") == name.lower()
    ]
    if exact:
        return exact[0][0], exact[0][1]
    if len(rows) == 1:
        return rows[0][0], rows[0][1]
    if not rows:
        raise NotFoundError(f"no rep is called '{name}'")
    names = ", ".join(r[1] for r in rows)
    raise NotFoundError(f"'{name}' matches several reps ({names}); give the full name")


def _clean(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def rep_summary(
    store: Store, rep_id: int, as_of: date | None = None, config: ScoringConfig | None = None
) -> dict[str, object]:
    """Everything the self-check shows, as plain data."""
    config = config or load_config()
    as_of = as_of or default_as_of(store)
    board = leaderboard(store, as_of, config=config)
    mine = board[board["rep_id"] == rep_id]
    if mine.empty:
        last = store.scalar("rep_last_reading", {"rep_id": rep_id, "as_of": as_of})
        listed = config["freshness"]["listed_for_days"]
        when = f"the last one is from {last}" if last else "there is none yet"
        raise NotFoundError(
            f"No reading in the {listed} days up to {as_of}: {when}. Record one below or upload a file"
        )
    row = {k: _clean(v) for k, v in mine.iloc[0].to_dict().items()}
    team = board[board["team"] == row["team"]]
    inputs = estimate_inputs(store, as_of, config)
    my_inputs = inputs[inputs["rep_id"] == rep_id]
    estimate = estimated_pillars(my_inputs)
    signals = coaching_signals(store, mine, as_of, config)
    return {
        "rep": row["rep"],
        "team": row["team"],
        "as_of": str(row["as_of"]),
        "reading": row,
        "team_average": {p: _clean(team[p].mean()) for p in (*PILLARS, "ssi")},
        "company_average": {p: _clean(board[p].mean()) for p in (*PILLARS, "ssi")},
        "estimate": None if estimate.empty else {
            k: _clean(v) for k, v in estimate.iloc[0].to_dict().items() if k != "rep_id"
        },
        "estimate_inputs": my_inputs[["pillar", "input", "value", "target", "weight", "level",
                                      "points", "gain_at_target"]].to_dict("records"),
        "best_gains": best_gains(inputs, rep_id)[["pillar", "input", "value", "target",
                                                  "gain_at_target"]].to_dict("records"),
        "forecast": {"status": row["forecast_status"], "date": _clean(row["forecast_date"]),
                     "target": config["trend"]["target_ssi"]},
        "recommendations": recommendations(row, my_inputs, config),
        "signals": signals[["signal", "detail"]].to_dict("records"),
    }  # fmt: skip
