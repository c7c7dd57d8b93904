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

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.scoring.activity import rank_correlation, strength
from dashboard.scoring.config import BAND_NAMES, ScoringConfig

CHUNK = 25  # resamples ranked at once: memory is CHUNK x reps x 8 bytes per array
THREADS = 2

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
                "n": self.n, "deals": self.deals, "rho": self.rho, "low": self.low,
                "high": self.high, "sentence": self.sentence}  # fmt: skip


@dataclass(frozen=True)
class Ranking:
    """One sort of a sample: its order, where each run of equal values starts in it, and
    each value's run (group)."""

    order: np.ndarray
    starts: np.ndarray
    group_of: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> Ranking:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        new_group = np.r_[True, ordered[1:] != ordered[:-1]]
        group_of = np.empty(len(values), dtype=np.int64)
        group_of[order] = np.cumsum(new_group) - 1
        return cls(order, np.flatnonzero(new_group), group_of)

    def group_ranks(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per resample (a row of ``counts``: how many times each value was drawn), each
        group's mid-rank and how many drawn values it holds."""
        held = counts[:, self.order]
        if len(self.starts) < len(self.order):  # ties: a group's values ranked together
            held = np.add.reduceat(held, self.starts, axis=1)
        return np.cumsum(held, axis=1) - (held - 1) / 2, held


def _rhos(
    x: Ranking, x_ranks: tuple[np.ndarray, np.ndarray], y: Ranking,
    y_ranks: tuple[np.ndarray, np.ndarray], counts: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Spearman's correlation of each resample: Pearson's of the mid-ranks, each pair
    counted as often as it was drawn. Ranks of n drawn values always average (n + 1) / 2,
    so only the sums of products are computed; NaN where either side is constant."""
    n = counts.sum(axis=1)
    square_of_mean = n * ((n + 1) / 2) ** 2
    (rx, wx), (ry, wy) = x_ranks, y_ranks
    sxx = (wx * rx * rx).sum(axis=1) - square_of_mean
    syy = (wy * ry * ry).sum(axis=1) - square_of_mean
    sxy = (counts * rx[:, x.group_of] * ry[:, y.group_of]).sum(axis=1) - square_of_mean
    spread = np.sqrt(np.maximum(sxx, 0) * np.maximum(syy, 0))
    tiny = spread <= 1e-9 * n * n * n
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tiny, np.nan, sxy / np.where(tiny, 1.0, spread))


def bootstrap_pairs(
    columns: dict[str, np.ndarray], pairs: list[tuple[str, str]], resamples: int, seed: int
) -> list[np.ndarray]:
    """Spearman's correlation of every resample of the reps for each pair of ``columns``
    (NaN where one side is constant). The pairs share the draws and each column is sorted
    once; the draws are made in order, and the resamples ranked on two threads (NumPy lets
    go of the interpreter while it works)."""
    n = len(next(iter(columns.values())))
    rng = np.random.default_rng(seed)
    drawn = [rng.integers(0, n, size=(min(CHUNK, resamples - first), n))
             for first in range(0, resamples, CHUNK)]  # fmt: skip
    ranked = {
        name: Ranking.of(columns[name]) for name in dict.fromkeys(c for p in pairs for c in p)
    }

    def chunk(rows: np.ndarray) -> list[np.ndarray]:
        offsets = (rows + np.arange(len(rows))[:, None] * n).ravel()
        counts = np.bincount(offsets, minlength=rows.size).reshape(rows.shape).astype(float)
        ranks = {name: r.group_ranks(counts) for name, r in ranked.items()}
        return [_rhos(ranked[x], ranks[x], ranked[y], ranks[y], counts) for x, y in pairs]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parts = list(pool.map(chunk, drawn))
    return [np.concatenate([part[i] for part in parts]) for i in range(len(pairs))]


def bootstrap_rhos(x: np.ndarray, y: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Spearman's correlation of every resample of the pairs (x, y)."""
    return bootstrap_pairs({"x": x, "y": y}, [("x", "y")], resamples, seed)[0]


def interval(rhos: np.ndarray, confidence: float) -> tuple[float | None, float | None]:
    """The percentile interval of the resamples' correlations."""
    kept = rhos[~np.isnan(rhos)]
    if len(kept) == 0:
        return None, None
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(kept, [tail, 100 - tail])
    return float(low), float(high)


def correlations(
    reps: pd.DataFrame, config: ScoringConfig, lag_words: str, period_words: str,
    activity_label: str,
) -> list[Comparison]:  # fmt: skip
    """Each comparison of CORRELATIONS over ``reps`` (one row per rep: ssi_lag,
    activity_lag, won_amount, deals_created, deals_won). Comparisons over the same reps
    share their resamples."""
    o = config.outcomes
    found: dict[str, Comparison] = {}
    pending: dict[tuple, list] = {}  # the reps compared -> the comparisons over them
    for key, x_col, y_col, x_words, y_words in CORRELATIONS:
        x_words = x_words.format(activity=activity_label)
        both = reps.dropna(subset=[x_col, y_col])
        n, deals = (
            len(both),
            int(both["deals_won" if y_col == "won_amount" else "deals_created"].sum()),
        )
        what = f"{x_words} over {lag_words} against {y_words} in {period_words}"
        rho = (
            rank_correlation(both[x_col], both[y_col])
            if n >= o.min_reps and deals >= o.min_deals
            else None
        )
        if n < o.min_reps or deals < o.min_deals:
            found[key] = Comparison(key, x_words, y_words, n, deals, None, None, None,
                f"Not enough data to compare {what}: {n} rep(s) with both figures and {deals} "
                f"deal(s); at least {o.min_reps} reps and {o.min_deals} deals are needed.")  # fmt: skip
        elif rho is None:
            same = x_words if both[x_col].nunique() < 2 else y_words
            found[key] = Comparison(key, x_words, y_words, n, deals, None, None, None,
                f"Every rep has the same {same} here, so {what} cannot be compared.")  # fmt: skip
        else:
            pending.setdefault(tuple(both.index), []).append(
                (key, x_col, y_col, x_words, y_words, n, deals, rho)
            )
    for index, waiting in pending.items():
        sample = reps.loc[list(index)]
        columns = {c: sample[c].to_numpy(float) for w in waiting for c in (w[1], w[2])}
        rhos = bootstrap_pairs(columns, [(w[1], w[2]) for w in waiting], o.resamples, o.seed)
        for (key, _, _, x_words, y_words, n, deals, rho), resampled in zip(
            waiting, rhos, strict=True
        ):
            low, high = interval(resampled, o.confidence)
            assert low is not None and high is not None
            pair = f"{x_words} over {lag_words} and {y_words} in {period_words}"
            found[key] = Comparison(key, x_words, y_words, n, deals, rho, low, high,
                                    _sentence(rho, low, high, n, x_words, y_words, pair, config))  # fmt: skip
    return [found[key] for key, *_ in CORRELATIONS]


def _sentence(
    rho: float, low: float, high: float, n: int, x_words: str, y_words: str, pair: str,
    config: ScoringConfig,
) -> str:  # fmt: skip
    level = f"{round(100 * config.outcomes.confidence)} %"
    numbers = f"rank correlation {rho:+.2f}, {level} interval {low:+.2f} to {high:+.2f}, n = {n}"
    words = strength(rho, config)
    if words == "little or no":
        text = f"Across {n:,} reps there is little or no link between {pair} ({numbers})."
    else:
        more, less = MORE[y_words]
        text = (f"Across {n:,} reps, those with {HIGHER.get(x_words, 'more ' + x_words)} tended "
                f"to have {more if rho > 0 else less}: {words} link ({pair}; {numbers}).")  # fmt: skip
    if low <= 0 <= high:
        text += " The interval includes zero: these reps do not show a link either way."
    return f"{text} {NOT_PROOF}"


def by_band(reps: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Won amount per rep in each SSI band at the period's start (``band`` per rep), with
    the counts. A band of fewer reps than min_reps_per_band, or than a group needs to hide
    each of its people (privacy.min_group_reps: one rep's band total is that rep's own),
    keeps only its count of reps."""
    rows = []
    smallest = max(config.outcomes.min_reps_per_band, config.privacy.min_group_reps)
    for band in reversed(BAND_NAMES):
        part = reps[reps["band"] == band]
        won, lost = int(part["deals_won"].sum()), int(part["deals_lost"].sum())
        enough = len(part) >= smallest
        rows.append({
            "band": band, "reps": len(part), "deals_won": won if enough else None,
            "won_amount": float(part["won_amount"].sum()) if enough else None,
            "won_per_rep": float(part["won_amount"].mean()) if enough else None,
            "win_rate": won / (won + lost) if enough and won + lost else None,
        })  # fmt: skip
    return pd.DataFrame(rows)
