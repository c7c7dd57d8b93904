"""Recommendations: concrete actions for a rep's weakest pillars, biggest expected gain first."""

from __future__ import annotations

import pandas as pd

from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.scoring.config import ScoringConfig, load_config


def weakest_pillars(reading: dict, config: ScoringConfig, most: int = 2) -> list[str]:
    """Pillars under the balance line, weakest first; else the single weakest."""
    floor = config["groups"]["balanced_pillar_min"]
    scored = [(reading.get(p), p) for p in PILLARS if pd.notna(reading.get(p))]
    scored.sort()
    under = [p for value, p in scored if value < floor]
    return (under or [p for _, p in scored[:1]])[:most]


def recommendations(
    reading: dict, inputs: pd.DataFrame | None = None, config: ScoringConfig | None = None
) -> list[dict[str, object]]:
    """Actions for the weakest pillars. With an estimate, each action carries the points
    the estimate expects it to add (its input reaching target) and they are ordered by it."""
    config = config or load_config()
    out: list[dict[str, object]] = []
    pillars = weakest_pillars(reading, config)
    for pillar in pillars:
        mine = None
        if inputs is not None and not inputs.empty:
            mine = inputs[(inputs["pillar"] == pillar) & (inputs["gain_at_target"] > 0.01)]
        if mine is not None and not mine.empty:
            for row in mine.sort_values("gain_at_target", ascending=False).to_dict("records"):
                out.append({"pillar": pillar, "pillar_label": PILLAR_LABELS[pillar],
                            "action": row["action"], "input": row["input"],
                            "expected_gain": round(float(row["gain_at_target"]), 2)})  # fmt: skip
        else:
            for action in config["advice"][pillar]:
                out.append({"pillar": pillar, "pillar_label": PILLAR_LABELS[pillar],
                            "action": action, "input": None, "expected_gain": None})  # fmt: skip
    if any(r["expected_gain"] is not None for r in out):
        out.sort(key=lambda r: -(r["expected_gain"] or 0))
    return out
