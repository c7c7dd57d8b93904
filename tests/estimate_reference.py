"""An independent reference for the estimate rule: the inputs' points summed in pandas.

The product sums them in the store (`queries/estimate.sql`, `estimated_ssi`); tests compare
the two, so a change to either shows.
"""

from __future__ import annotations

import pandas as pd

from dashboard.fields import PILLARS
from dashboard.scoring.config import ScoringConfig, load_config


def pandas_estimate(inputs: pd.DataFrame, config: ScoringConfig | None = None) -> pd.DataFrame:
    """Per rep: pillars summed from the inputs' points, held to 0-25, missing below the
    weight coverage asked for; the SSI only with all four pillars."""
    config = config or load_config()
    if inputs.empty:
        return pd.DataFrame(columns=["rep_id", *PILLARS, "ssi"])
    known = inputs.assign(known_weight=inputs["weight"].where(inputs["has_data"], 0.0))
    sums = known.groupby(["rep_id", "pillar"])[["points", "known_weight"]].sum().unstack("pillar")
    wide = sums["points"].reindex(columns=list(PILLARS)).clip(0, 25)
    coverage = sums["known_weight"].reindex(columns=list(PILLARS)).fillna(0.0)
    wide = wide.where(coverage >= config.estimate.min_coverage - 1e-9)
    wide["ssi"] = wide[list(PILLARS)].sum(axis=1, min_count=len(PILLARS))
    return wide.reset_index()
