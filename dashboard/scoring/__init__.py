"""The scoring layer: plain functions over the store, rules from scoring.toml.

Everything a page shows is computed here (and in queries/scoring.sql, queries/estimate.sql)
so it can be tested without Streamlit.
"""

from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.estimate import estimate_agreement, estimate_inputs, estimated_ssi
from dashboard.scoring.leaderboard import LEADERBOARD_KEYS, default_as_of, leaderboard
from dashboard.scoring.signals import coaching_signals, movers, team_comparison
from dashboard.scoring.trends import averages_over_time, band_distribution, rep_history

__all__ = [
    "LEADERBOARD_KEYS", "ScoringConfig", "averages_over_time", "band_distribution",
    "coaching_signals", "default_as_of", "estimate_agreement", "estimate_inputs",
    "estimated_ssi", "leaderboard", "load_config", "movers", "rep_history",
    "team_comparison",
]  # fmt: skip
