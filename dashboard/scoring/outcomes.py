"""Does social selling go with winning deals? Comparisons between reps, said honestly.

Two comparisons, both between reps and both with a lag (SSI and activity over the period
before, outcomes in the period): won amount per rep by SSI band, and rank correlations,
each with its n, a bootstrap interval and a sentence that says what it is and is not. Below
the minimums of scoring.toml's [outcomes] they say so instead of giving a number.

The interval resamples reps with replacement. A resample's Spearman correlation is the
Pearson correlation of its mid-ranks; with each rep's count in the resample as a weight,
those ranks come from one sort of the whole sample (a rep's rank is the count of resampled
reps below it plus half its own ties), so no resample is sorted again. The draws are
``numpy.random.default_rng(seed).integers(0, n, size=(resamples, n))``, row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.scoring.activity import rank_correlation
from dashboard.scoring.config import BAND_NAMES, ScoringConfig

CHUNK = 100  # resamples ranked at once: memory is CHUNK x reps x 8 bytes per array

# The comparisons: (key, the predictor's column, the outcome's column, words for each).
CORRELATIONS = (
    ("ssi_won", "ssi_lag", "won_amount", "SSI", "won amount"),
    ("ssi_created", "ssi_lag", "deals_created", "SSI", "deals created"),
    ("activity_won", "activity_lag", "won_amount", "{activity}", "won amount"),
)
# How a sentence says "higher" of a predictor and "more" or "less" of an outcome.
HIGHER = {"SSI": "a higher SSI"}
MORE = {"won amount": ("won more", "won less"),
        "deals created": ("created more deals", "created fewer deals")}  # fmt: skip
NOT_PROOF = ("This is a correlation between reps, not proof that one causes the other: reps "
             "differ in territory, accounts, tenure and workload.")  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    key: str
    predictor: str  # what is read over the lag, in words
    outcome: str  # what is counted in the period, in words
    n: int  # reps with both figures
    deals: int  # deals behind the outcome (won, or created)
    rho: float | None  # Spearman's rank correlation; None below the minimums
    low: float | None  # the bootstrap interval's bounds
    high: float | None
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {"comparison": self.key, "predictor": self.predictor, "outcome": self.outcome,
                "n": self.n, "deals": self.deals, "rho": _rounded(self.rho),
                "low": _rounded(self.low), "high": _rounded(self.high),
                "sentence": self.sentence}  # fmt: skip


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def midranks(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each value's mid-rank within every resample (one row of ``counts`` per resample: how
    many times each value was drawn), ties sharing the mean of their ranks."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new_group = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(new_group)
    group_of = np.empty(len(values), dtype=np.int64)
    group_of[order] = np.cumsum(new_group) - 1
    in_group = np.add.reduceat(counts[:, order], starts, axis=1)
    ranks = np.cumsum(in_group, axis=1) - in_group + (in_group + 1) / 2
    return ranks[:, group_of]


def weighted_pearson(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row by row: the Pearson correlation of x and y with each pair counted ``weights``
    times; NaN where either is constant."""
    total = weights.sum(axis=1, keepdims=True)
    dx = x - (weights * x).sum(axis=1, keepdims=True) / total
    dy = y - (weights * y).sum(axis=1, keepdims=True) / total
    cov = (weights * dx * dy).sum(axis=1)
    spread = np.sqrt((weights * dx * dx).sum(axis=1) * (weights * dy * dy).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 1e-12, cov / np.where(spread > 1e-12, spread, 1.0), np.nan)


def bootstrap_rhos(x: np.ndarray, y: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Spearman's correlation of every resample of the pairs (NaN where one side is
    constant)."""
    n = len(x)
    rng = np.random.default_rng(seed)
    rhos = np.empty(resamples)
    for first in range(0, resamples, CHUNK):
        rows = min(CHUNK, resamples - first)
        drawn = rng.integers(0, n, size=(rows, n))
        offsets = (drawn + np.arange(rows)[:, None] * n).ravel()
        counts = np.bincount(offsets, minlength=rows * n).reshape(rows, n).astype(float)
        rhos[first:first + rows] = weighted_pearson(midranks(x, counts), midranks(y, counts),
                                                    counts)  # fmt: skip
    return rhos


def interval(rhos: np.ndarray, confidence: float) -> tuple[float | None, float | None]:
    """The percentile interval of the resamples' correlations."""
    kept = rhos[~np.isnan(rhos)]
    if len(kept) == 0:
        return None, None
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(kept, [tail, 100 - tail])
    return float(low), float(high)


def strength(rho: float, config: ScoringConfig) -> str:
    size = abs(rho)
    if size < config.activity.weak_correlation:
        return "little or no"
    return "a strong" if size >= config.activity.strong_correlation else "a moderate"


def correlations(
    reps: pd.DataFrame, config: ScoringConfig, lag_words: str, period_words: str,
    activity_label: str,
) -> list[Comparison]:  # fmt: skip
    """Each comparison of CORRELATIONS over ``reps`` (one row per rep: ssi_lag,
    activity_lag, won_amount, deals_created, deals_won)."""
    found = []
    for key, x_col, y_col, x_words, y_words in CORRELATIONS:
        x_words = x_words.format(activity=activity_label)
        both = reps.dropna(subset=[x_col, y_col])
        deals = int(both["deals_won" if y_col == "won_amount" else "deals_created"].sum())
        found.append(_compare(key, both[x_col], both[y_col], deals, x_words, y_words,
                              lag_words, period_words, config))  # fmt: skip
    return found


def _compare(
    key: str, x: pd.Series, y: pd.Series, deals: int, x_words: str, y_words: str,
    lag_words: str, period_words: str, config: ScoringConfig,
) -> Comparison:  # fmt: skip
    o = config.outcomes
    n = len(x)
    what = f"{x_words} over {lag_words} against {y_words} in {period_words}"
    pair = f"{x_words} over {lag_words} and {y_words} in {period_words}"
    if n < o.min_reps or deals < o.min_deals:
        return Comparison(key, x_words, y_words, n, deals, None, None, None,
            f"Not enough data to compare {what}: {n} rep(s) with both figures and {deals} "
            f"deal(s); at least {o.min_reps} reps and {o.min_deals} deals are needed.")  # fmt: skip
    rho = rank_correlation(x, y)
    if rho is None:
        return Comparison(key, x_words, y_words, n, deals, None, None, None,
            f"Every rep has the same {x_words if x.nunique() < 2 else y_words} here, so "
            f"{what} cannot be compared.")  # fmt: skip
    rhos = bootstrap_rhos(x.to_numpy(float), y.to_numpy(float), o.resamples, o.seed)
    low, high = interval(rhos, o.confidence)
    assert low is not None and high is not None
    return Comparison(key, x_words, y_words, n, deals, rho, low, high,
                      _sentence(rho, low, high, n, x_words, y_words, pair, config))  # fmt: skip


def _sentence(
    rho: float, low: float, high: float, n: int, x_words: str, y_words: str, pair: str,
    config: ScoringConfig,
) -> str:  # fmt: skip
    level = f"{round(100 * config.outcomes.confidence)} %"
    numbers = f"rank correlation {rho:+.2f}, {level} interval {low:+.2f} to {high:+.2f}, n = {n}"
    words = strength(rho, config)
    if words == "little or no":
        text = f"Across {n} reps there is little or no link between {pair} ({numbers})."
    else:
        more, less = MORE[y_words]
        text = (f"Across {n} reps, those with {HIGHER.get(x_words, 'more ' + x_words)} tended "
                f"to have {more if rho > 0 else less}: {words} link ({pair}; {numbers}).")  # fmt: skip
    if low <= 0 <= high:
        text += " The interval includes zero: these reps do not show a link either way."
    return f"{text} {NOT_PROOF}"


@dataclass(frozen=True)
class BandRow:
    band: str
    reps: int
    deals_won: int
    won_amount: float
    won_per_rep: float | None  # None when the band has too few reps to show
    win_rate: float | None


def by_band(reps: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Won amount per rep in each SSI band at the period's start (``band`` per rep), with
    the counts; a band of fewer than min_reps_per_band reps keeps its counts and no figure."""
    rows = []
    for band in reversed(BAND_NAMES):
        part = reps[reps["band"] == band]
        won, lost = int(part["deals_won"].sum()), int(part["deals_lost"].sum())
        enough = len(part) >= config.outcomes.min_reps_per_band
        rows.append({
            "band": band, "reps": len(part), "deals_won": won,
            "won_amount": float(part["won_amount"].sum()),
            "won_per_rep": float(part["won_amount"].mean()) if enough else None,
            "win_rate": won / (won + lost) if enough and won + lost else None,
        })  # fmt: skip
    return pd.DataFrame(rows)
