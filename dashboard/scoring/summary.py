"""One rep's self-check: where they stand, what changed, what to do next."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import pandas as pd

from dashboard.access import Viewer
from dashboard.errors import NotFoundError
from dashboard.fields import PILLARS
from dashboard.scoring.advice import recommendations
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.estimate import best_gains, estimate_inputs, estimate_of_inputs
from dashboard.scoring.leaderboard import (
    company_leaderboard,
    default_as_of,
    listed_averages,
    rep_standing,
)
from dashboard.scoring.memo import KEEP_COMPANY_WIDE, remembered
from dashboard.scoring.signals import coaching_signals
from dashboard.store import Store


def find_rep(store: Store, name: str, viewer: Viewer) -> tuple[int, str]:
    """The rep named (exactly, by e-mail, or by a unique part of the name) among those the
    viewer may open. Whoever is outside that scope is never named, listed or told apart
    from nobody: the same words answer both."""
    wanted = name.strip().lower()
    rows = store.rows("find_rep", {"name": name.strip(), "everyone": viewer.role == "admin",
                                   "teams": list(viewer.teams) if viewer.role == "manager" else [],
                                   "own_rep_id": viewer.rep_id if viewer.role == "rep" else None})  # fmt: skip
    exact = [r for r in rows if r.name.lower() == wanted or (r.email or "").lower() == wanted]
    if len(exact) > 1:
        people = "; ".join(f"{r.name} <{r.email or 'no e-mail'}>" for r in exact)
        raise NotFoundError(f"several reps are called '{name}' ({people}); give the e-mail")
    if exact:
        return exact[0].rep_id, exact[0].name
    if len(rows) == 1:
        return rows[0].rep_id, rows[0].name
    if not rows:
        raise NotFoundError(f"no rep you may open is called '{name}'")
    names = ", ".join(f"{r.name} <{r.email or 'no e-mail'}>" for r in rows)
    raise NotFoundError(f"'{name}' matches several reps ({names}); give the full name or e-mail")


def _clean(value: object) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# The readings a leaderboard row's changes compare with, there for the team review's movers:
# the reading shows the changes themselves.
MOVERS_COLUMNS = {"ssi_7d_before", "ssi_30d_before"}


@remembered
def rep_as_of(store: Store, rep_id: int, config: ScoringConfig | None = None) -> date | None:
    """The store's "now", or the rep's own newest reading when that is later (a reading
    typed in today shows at once on their own page)."""
    now = default_as_of(store, config)
    newer = store.scalar("rep_newest_reading", {"rep_id": rep_id, "after": now})
    return newer or now


def forecast_text(forecast: Forecast, config: ScoringConfig | None = None) -> str:
    """The forecast in words, for the page and the command line alike."""
    t = (config or load_config()).trend
    target = f"{forecast.target:g}"
    return {
        "reached": f"you are at or above {target}",
        "on track": f"on the current trend you reach {target} around {forecast.date}",
        "not enough readings": (
            f"not enough readings yet: a forecast needs {t.min_readings} readings in the "
            f"last {t.slope_weeks} weeks"
        ),
    }.get(forecast.status, f"not on the current trend to reach {target}")


def _standing(store: Store, rep_id: int, as_of: date, config: ScoringConfig) -> pd.DataFrame:
    """The rep's row of the company's leaderboard on ``as_of``. The first self-check of a
    store version on that date computes this rep's row alone, a fraction of the whole
    board's cost (bench/test_big_store.py): a process that answers one rep answers sooner. From the second on, the whole board is computed once
    and kept, as the team review keeps it, and each self-check reads its row."""
    board = company_leaderboard.kept(store, as_of, config)
    if board is None and _self_check_answered.kept(store, as_of, config) is None:
        _self_check_answered(store, as_of, config)
        return rep_standing(store, rep_id, as_of, config)
    if board is None:
        board = company_leaderboard(store, as_of, config)
    return board[board["rep_id"] == rep_id].reset_index(drop=True)


@remembered(keep=KEEP_COMPANY_WIDE)
def _self_check_answered(store: Store, as_of: date, config: ScoringConfig) -> bool:
    return True  # only remembered: that a self-check on this date was answered


@dataclass(frozen=True)
class Forecast:
    status: str  # "reached", "on track", "not on the current trend", "not enough readings"
    date: date | None  # when the trend reaches the target, if it does
    target: float


@dataclass(frozen=True)
class SelfCheck:
    """Everything one rep's self-check shows, as plain data (``rep --format json`` prints
    :meth:`as_dict`)."""

    rep: str
    team: str
    as_of: str  # the day of the reading shown
    viewed_as_of: str  # the day asked for
    reading: dict[str, Any]  # the rep's row of the leaderboard (scoring.LEADERBOARD_KEYS)
    company_size: int  # listed reps the averages are of
    team_size: int
    team_average: dict[str, float | None]  # "ssi" and each pillar; None: withheld
    company_average: dict[str, float | None]
    estimate: dict[str, float | None] | None  # from activity; None without activity
    estimate_inputs: list[dict[str, Any]]  # the estimate's inputs, for "how it is made"
    best_gains: list[dict[str, Any]]
    forecast: Forecast
    recommendations: list[dict[str, Any]]
    signals: list[dict[str, str]]  # coaching signals: signal, detail

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def averages_withheld(self, small: int) -> SelfCheck:
        """This self-check with the averages of groups under ``small`` listed reps blanked:
        in a team of two, the team's average and one's own give the other's score."""
        blank = {"team": self.team_size < small, "company": self.company_size < small}
        return dataclasses.replace(
            self,
            team_average=dict.fromkeys(self.team_average) if blank["team"] else self.team_average,
            company_average=(dict.fromkeys(self.company_average) if blank["company"]
                             else self.company_average),
        )  # fmt: skip


def rep_summary(
    store: Store, rep_id: int, as_of: date | None = None, config: ScoringConfig | None = None
) -> SelfCheck:
    """Everything the self-check shows."""
    config = config or load_config()
    as_of = as_of or rep_as_of(store, rep_id, config)
    if as_of is None:
        raise NotFoundError("no SSI reading up to now yet")
    mine = _standing(store, rep_id, as_of, config)
    if mine.empty:
        raise NotFoundError(f"no SSI reading up to {as_of} yet")
    row = {str(k): _clean(v) for k, v in mine.iloc[0].to_dict().items()
           if k not in MOVERS_COLUMNS}  # fmt: skip
    groups = listed_averages(store, as_of, [str(row["team"])], config)
    inputs = estimate_inputs(store, as_of, config, rep_id=rep_id)  # this rep's activity only
    my_inputs = inputs[inputs["rep_id"] == rep_id]
    estimate = estimate_of_inputs(store, my_inputs, config).dropna(subset=["ssi"])
    signals = coaching_signals(store, mine, as_of, config)
    return SelfCheck(
        rep=str(row["rep"]),
        team=str(row["team"]),
        as_of=str(row["as_of"]),
        viewed_as_of=str(as_of),
        reading=row,
        company_size=int(groups["n_company"] or 0),
        team_size=int(groups["n_team"] or 0),
        team_average={p: _average(groups[f"team_avg_{p}"]) for p in (*PILLARS, "ssi")},
        company_average={p: _average(groups[f"company_avg_{p}"]) for p in (*PILLARS, "ssi")},
        estimate=None if estimate.empty else {
            str(k): _clean(v) for k, v in estimate.iloc[0].to_dict().items() if k != "rep_id"
        },
        estimate_inputs=[] if estimate.empty else _records(my_inputs[[
            "pillar", "input", "value", "target", "weight", "level", "points", "gain_at_target",
        ]]),
        best_gains=_records(best_gains(inputs, rep_id)[["pillar", "input", "value", "target",
                                                        "gain_at_target"]]),
        forecast=Forecast(str(row["forecast_status"]), _clean(row["forecast_date"]),
                          config.trend.target_ssi),
        recommendations=recommendations(row, my_inputs if not estimate.empty else None,
                                        config),
        signals=_records(signals[["signal", "detail"]]),
    )  # fmt: skip


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _average(value: float | int | None) -> float | None:
    return None if value is None else float(value)
