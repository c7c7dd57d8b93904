"""The per-team daily SSI summary (migration 008, queries/team_days.sql).

The team review's averages over time carry every rep's latest reading to every date of the
chart. Summed once per team and day, they become a read of one row per team and date. The
sums depend on the scoring rules (how long a reading is carried, the band bounds, the
balanced pillar), so the summary keeps the rules it was summed with, and a page uses it only
when they are the rules it scores with.

Every write to the readings sums again, before it commits, the days it can have changed (a
reading counts from its day to ``carry_days`` after it), under the rules the summary holds
(the store does this from the write's write-set: ``store/writes.py``). Choosing the rules is
this module's: a write that declares new ones (``summed_again``) has the whole summary
summed under them, as ``keep_current`` does after each upload and ``python -m dashboard
init``.
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.store import Cursor, Store

RULE_NAMES = ("carry_days", "top_from", "above_average_from", "low_from", "balanced_min")


def summary_rules(config: ScoringConfig) -> dict[str, float]:
    """The rules the summary's figures depend on, as the averages bind them."""
    params = config.rule_params()
    return {"carry_days": params["listed_days"], **config.band_params(),
            "balanced_min": params["balanced_min"]}  # fmt: skip


def _same_rules(held: Sequence[tuple], config: ScoringConfig) -> bool:
    wanted = summary_rules(config)
    return len(held) == 1 and tuple(held[0]) == tuple(wanted[k] for k in RULE_NAMES)


def summary_is_current(store: Store, config: ScoringConfig | None = None) -> bool:
    """Whether the summary was summed with the rules ``config`` scores with."""
    return _same_rules(store.rows("team_days_rules"), config or load_config())


def resum_store(store: Store, config: ScoringConfig | None = None) -> None:
    """The whole summary summed again with ``config``'s rules, in its own write."""
    with store.transaction() as cur:
        cur.summed_again(summary_rules(config or load_config()))


def keep_current_in(cur: Cursor, config: ScoringConfig | None = None) -> None:
    """Inside a write: declare the rules in force when the summary was summed with others,
    so the store sums it whole under them before the write commits (else it sums only the
    days the write touched, under the rules it holds)."""
    config = config or load_config()
    if not _same_rules(cur.run("team_days_rules").fetchall(), config):
        cur.summed_again(summary_rules(config))


def keep_current(store: Store, config: ScoringConfig | None = None) -> bool:
    """Sum the whole summary again when it was not summed with the rules in force (a new
    store, one migrated to version 8, or changed rules); whether it had to. Called after
    each upload and by ``python -m dashboard init``."""
    config = config or load_config()
    if summary_is_current(store, config):
        return False
    resum_store(store, config)
    return True
