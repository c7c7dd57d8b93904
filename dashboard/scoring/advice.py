"""Recommendations: concrete actions for a rep's weakest pillars, biggest expected gain first.

An expected gain is what the estimate expects an input to add when it reaches its target,
capped by what the pillar has left: no action, and no set of actions for one pillar,
promises more than 25 minus the points the rep already has there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.scoring.config import ScoringConfig, load_config

PILLAR_MAX = 25.0
MIN_GAIN = 0.05  # below this an action is not worth listing as a gain


def weakest_pillars(reading: dict, config: ScoringConfig, most: int = 2) -> list[str]:
    """Pillars under the balance line, weakest first; else the single weakest."""
    floor = config.groups.balanced_pillar_min
    scored = [(float(reading[p]), p) for p in PILLARS if pd.notna(reading.get(p))]
    scored.sort()
    under = [p for value, p in scored if value < floor]
    return (under or [p for _, p in scored[:1]])[:most]


def headroom(reading: dict, pillar: str) -> float:
    """Points a pillar has left to gain (25 less what the rep has; 25 when unknown)."""
    have = reading.get(pillar)
    return PILLAR_MAX if have is None or pd.isna(have) else max(0.0, PILLAR_MAX - float(have))


def capped_gains(gains: list[float], room: float) -> list[float]:
    """Gains, largest first, each cut to what is left after the ones before it."""
    out = []
    for gain in gains:
        take = max(0.0, min(float(gain), room))
        out.append(take)
        room -= take
    return out


def recommendations(
    reading: dict, inputs: pd.DataFrame | None = None, config: ScoringConfig | None = None
) -> list[dict[str, object]]:
    """Actions for the weakest pillars. With an estimate, each action carries the points
    the estimate expects it to add (its input reaching target, capped by the pillar's
    headroom) and they are ordered by it. Inputs without data give no gain."""
    config = config or load_config()
    out: list[dict[str, Any]] = []
    for pillar in weakest_pillars(reading, config):
        mine = None
        if inputs is not None and not inputs.empty:
            mine = inputs[(inputs["pillar"] == pillar) & (inputs["gain_at_target"] > MIN_GAIN)]
            if "has_data" in mine:
                mine = mine[mine["has_data"].astype(bool)]
        rows = []
        if mine is not None and not mine.empty:
            ordered = mine.sort_values(["gain_at_target", "input"], ascending=[False, True])
            records = ordered.to_dict("records")
            gains = capped_gains([r["gain_at_target"] for r in records], headroom(reading, pillar))
            for row, gain in zip(records, gains, strict=True):
                if gain > MIN_GAIN:
                    rows.append({"pillar": pillar, "pillar_label": PILLAR_LABELS[pillar],
                                 "action": row["action"], "input": row["input"],
                                 "expected_gain": round(gain, 2)})  # fmt: skip
        if not rows:
            rows = [{"pillar": pillar, "pillar_label": PILLAR_LABELS[pillar], "action": action,
                     "input": None, "expected_gain": None}
                    for action in config.advice[pillar]]  # fmt: skip
        out += rows
    if any(r["expected_gain"] is not None for r in out):
        out.sort(key=lambda r: -(r["expected_gain"] or 0))
    return out
