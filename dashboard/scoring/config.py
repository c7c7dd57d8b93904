"""Loading the scoring rules: the bundled ``scoring.toml``, overridden by a user's file."""

from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.errors import DashboardError
from dashboard.fields import PILLARS

DEFAULT_CONFIG = Path(__file__).with_name("scoring.toml")
CONFIG_ENV_VAR = "SSI_SCORING_CONFIG"
BAND_NAMES = ("very poor", "low", "above average", "top")  # lowest first
# Sections whose value is a list the user replaces whole; every other key must be known.
_FREE_FORM = {("estimate", "inputs"), ("advice",)}


@dataclass(frozen=True)
class Bands:
    """An SSI gets the highest band whose lower bound it reaches."""

    top_from: float
    above_average_from: float
    low_from: float


@dataclass(frozen=True)
class Groups:
    leader_above: float
    laggard_below: float
    balanced_pillar_min: float
    well_rounded_ssi_min: float


@dataclass(frozen=True)
class Freshness:
    stale_after_days: int
    listed_for_days: int
    default_as_of_share: float


@dataclass(frozen=True)
class Trend:
    rolling_days: int
    slope_weeks: int
    min_readings: int
    target_ssi: float
    forecast_horizon_days: int


@dataclass(frozen=True)
class Coaching:
    falling_weeks: int
    pillar_floor: float
    silent_days: int
    weekly_drop: float
    movers_window_days: int
    movers_count: int


@dataclass(frozen=True)
class Privacy:
    min_group_reps: int


@dataclass(frozen=True)
class Estimate:
    window_days: int
    curve_k: float
    min_coverage: float
    inputs: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Activity:
    active_days: int
    weak_correlation: float
    strong_correlation: float
    min_reps_for_correlation: int
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class Goals:
    pace_tolerance: float
    activity_weeks: int


@dataclass(frozen=True)
class Events:
    window_days: int


@dataclass(frozen=True)
class Alerts:
    ssi_drop_points: float
    ssi_drop_days: int
    pillar_floor: float
    no_reading_days: int
    goal_behind: bool
    import_late_days: int


@dataclass(frozen=True)
class Digest:
    weekday: int
    hour: int
    movers: int
    signals: int
    retries: int
    retry_seconds: float


@dataclass(frozen=True)
class Deals:
    won_stages: tuple[str, ...]
    lost_stages: tuple[str, ...]
    currency: str


@dataclass(frozen=True)
class Outcomes:
    activity_metric: str
    min_reps: int
    min_deals: int
    min_reps_per_band: int
    resamples: int
    confidence: float
    seed: int


@dataclass(frozen=True)
class ScoringConfig:
    """The scoring rules, one typed, frozen section per table of ``scoring.toml``."""

    bands: Bands
    groups: Groups
    freshness: Freshness
    trend: Trend
    coaching: Coaching
    privacy: Privacy
    estimate: Estimate
    activity: Activity
    goals: Goals
    events: Events
    alerts: Alerts
    digest: Digest
    deals: Deals
    outcomes: Outcomes
    advice: dict[str, list[str]]

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ScoringConfig:
        return cls(
            bands=Bands(**raw["bands"]), groups=Groups(**raw["groups"]),
            freshness=Freshness(**raw["freshness"]), trend=Trend(**raw["trend"]),
            coaching=Coaching(**raw["coaching"]), privacy=Privacy(**raw["privacy"]),
            estimate=Estimate(**{**raw["estimate"],
                                 "inputs": tuple(raw["estimate"]["inputs"])}),
            activity=Activity(**{**raw["activity"], "metrics": tuple(raw["activity"]["metrics"])}),
            goals=Goals(**raw["goals"]), events=Events(**raw["events"]),
            alerts=Alerts(**raw["alerts"]), digest=Digest(**raw["digest"]),
            deals=Deals(won_stages=tuple(raw["deals"]["won_stages"]),
                        lost_stages=tuple(raw["deals"]["lost_stages"]),
                        currency=str(raw["deals"]["currency"]).upper()),
            outcomes=Outcomes(**raw["outcomes"]),
            advice={p: list(raw["advice"][p]) for p in PILLARS},
        )  # fmt: skip

    def band_params(self) -> dict[str, float]:
        b = self.bands
        return {"top_from": b.top_from, "above_average_from": b.above_average_from,
                "low_from": b.low_from}  # fmt: skip

    def band_ranges(self) -> list[tuple[float, float, str]]:
        """(from, to, name) of each band over 0-100, lowest first: gauges and legends."""
        b = self.bands
        edges = [0.0, b.low_from, b.above_average_from, b.top_from, 100.0]
        return [(edges[i], edges[i + 1], name) for i, name in enumerate(BAND_NAMES)]

    def rule_params(self) -> dict[str, float]:
        """The thresholds every scoring query binds."""
        g, f, t = self.groups, self.freshness, self.trend
        return {
            **self.band_params(),
            "leader_above": g.leader_above,
            "laggard_below": g.laggard_below,
            "balanced_min": g.balanced_pillar_min,
            "well_rounded_min": g.well_rounded_ssi_min,
            "stale_days": f.stale_after_days,
            "listed_days": f.listed_for_days,
            "rolling_days": t.rolling_days,
            "slope_days": 7 * t.slope_weeks,
            "min_readings": t.min_readings,
            "target": t.target_ssi,
            "horizon": t.forecast_horizon_days,
        }

    def estimate_inputs(self) -> pd.DataFrame:
        rows = [
            {"pillar": i["pillar"], "input": i["input"], "metric": i["metric"],
             "denominator": i.get("denominator"), "aggregate": i["aggregate"],
             "target": float(i["target"]), "weight": float(i["weight"]), "action": i["action"]}
            for i in self.estimate.inputs
        ]  # fmt: skip
        return pd.DataFrame(rows)


def _merge(base: dict, override: dict, source: str, where: tuple[str, ...] = ()) -> dict:
    """``base`` with ``override`` laid over it; a key the defaults do not have is a typo."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        path = (*where, key)
        if key not in out and where not in _FREE_FORM and path[:1] not in _FREE_FORM:
            known = ", ".join(sorted(out))
            raise DashboardError(
                f"scoring config {source}: unknown setting '{'.'.join(path)}' (known here: {known})"
            )
        default = out.get(key)
        if isinstance(default, int | float) and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise DashboardError(
                f"scoring config {source}: '{'.'.join(path)}' must be a number, not {value!r}"
            )
        if isinstance(value, dict) and isinstance(default, dict):
            out[key] = _merge(default, value, source, path)
        else:
            out[key] = value
    return out


def validate(raw: dict[str, Any]) -> None:
    b = raw["bands"]
    if not b["low_from"] < b["above_average_from"] < b["top_from"]:
        raise DashboardError(
            "scoring config: bands must rise: low_from < above_average_from < top_from"
        )
    if not re.fullmatch(r"[A-Za-z]{3}", str(raw["deals"]["currency"])):
        raise DashboardError("scoring config: deals.currency must be a three-letter code (USD)")
    o = raw["outcomes"]
    if not 0 < o["confidence"] < 1 or o["resamples"] < 100 or o["min_reps"] < 3:
        raise DashboardError("scoring config: outcomes needs 0 < confidence < 1, resamples of "
                             "100 or more and min_reps of 3 or more")  # fmt: skip
    weights: dict[str, float] = {}
    for item in raw["estimate"]["inputs"]:
        if item["pillar"] not in PILLARS:
            raise DashboardError(f"scoring config: unknown pillar '{item['pillar']}'")
        if item["aggregate"] not in ("sum", "latest", "rate"):
            raise DashboardError(f"scoring config: input '{item['input']}' has unknown aggregate")
        if item["aggregate"] == "rate" and not item.get("denominator"):
            raise DashboardError(
                f"scoring config: rate input '{item['input']}' needs a denominator"
            )
        if float(item["target"]) <= 0 or float(item["weight"]) < 0:
            raise DashboardError(
                f"scoring config: input '{item['input']}' needs target > 0, weight >= 0"
            )
        weights[item["pillar"]] = weights.get(item["pillar"], 0.0) + float(item["weight"])
    for pillar, total in weights.items():
        if abs(total - 1.0) > 1e-6:
            raise DashboardError(
                f"scoring config: weights of '{pillar}' add up to {total:g}, not 1"
            )


@lru_cache(maxsize=8)
def _load(path: str | None, changed: float) -> ScoringConfig:
    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if path:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise DashboardError(f"scoring config {path} cannot be read: {exc}") from exc
        raw = _merge(raw, user, path)
    validate(raw)
    return ScoringConfig.from_dict(raw)


def load_config(path: str | os.PathLike | None = None) -> ScoringConfig:
    """The defaults, overridden by ``path`` or ``$SSI_SCORING_CONFIG`` when given."""
    chosen = str(path or os.environ.get(CONFIG_ENV_VAR) or "") or None
    return _load(chosen, _last_change(chosen))


def rules_in_force() -> str:
    """Which rules :func:`load_config` gives now: the user's file and when it last changed
    (an edited file is read again, and results computed under the old one are not reused)."""
    chosen = os.environ.get(CONFIG_ENV_VAR) or ""
    return f"{chosen}@{_last_change(chosen or None)}"


def _last_change(path: str | None) -> float:
    try:
        return Path(path).stat().st_mtime if path else 0.0
    except OSError:
        return -1.0  # a missing file: _load says so
