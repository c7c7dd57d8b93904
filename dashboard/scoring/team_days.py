"""The per-team daily SSI summary (migration 008, queries/team_days.sql).

The team review's averages over time carry every rep's latest reading to every date of the
chart. Summed once per team and day, they become a read of one row per team and date. The
sums depend on the scoring rules (how long a reading is carried, the band bounds, the
balanced pillar), so the summary keeps the rules it was summed with; a page uses it only when
they are the rules it scores with, and the next write sums it again when they are not.

Every write to the readings calls ``resum_days`` in its own transaction with the first and
last day it wrote or took out: a reading changes the days from its own to ``carry_days``
after it, so those are summed again from the readings and nothing else moves.
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.store import Cursor, Store

RULE_NAMES = ("carry_days", "top_from", "above_average_from", "low_from", "balanced_min")


def summary_rules(config: ScoringConfig) -> dict[str, float]:
    """The rules the summary's figures depend on, as the averages bind them."""
    params = config.rule_params()
    return {"carry_days": params["stale_days"], **config.band_params(),
            "balanced_min": params["balanced_min"]}  # fmt: skip


def _same_rules(held: Sequence[tuple], config: ScoringConfig) -> bool:
    wanted = summary_rules(config)
    return len(held) == 1 and tuple(held[0]) == tuple(wanted[k] for k in RULE_NAMES)


def summary_is_current(store: Store, config: ScoringConfig | None = None) -> bool:
    """Whether the summary was summed with the rules ``config`` scores with."""
    return _same_rules(store.rows("team_days_rules"), config or load_config())


def resum_days(cur: Cursor, config: ScoringConfig | None = None) -> None:
    """Inside a write, after ``days_of_import`` or ``days_of_undo`` named the first and last
    day of the readings it wrote or took out: sum again the days that can have changed
    (nothing when it touched no reading), or the whole summary when it was summed with
    other rules."""
    config = config or load_config()
    if not _same_rules(cur.run("team_days_rules").fetchall(), config):
        resum_everything(cur, config)
    else:
        cur.run("sum_team_days", summary_rules(config))


def resum_everything(cur: Cursor, config: ScoringConfig | None = None) -> None:
    """Inside a write: the whole summary summed again with ``config``'s rules."""
    config = config or load_config()
    cur.execute("delete from team_days")
    cur.run("days_of_every_reading").run("sum_team_days", summary_rules(config))
    cur.run("set_team_days_rules", summary_rules(config))


def resum_store(store: Store, config: ScoringConfig | None = None) -> None:
    """The whole summary summed again in its own write: ``python -m dashboard init`` does it
    when the summary is not current (a store migrated to version 8 starts with an empty one)."""
    with store.transaction() as cur:
        resum_everything(cur, config)
