"""How numbers are shown, in one place, so a value reads the same on every page and export.

Scores are cut (not rounded) to one decimal: 9.95 shows as 9.9 everywhere, so a pillar
"under 10" never shows as 10.0 in one place and 9.9 in another. Rules compare the stored
value; what is shown never crosses a threshold the stored value has not crossed.
"""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd

SCORE_DECIMALS = 1
EXPORT_DECIMALS = 2  # exports keep two decimals: pillars come from LinkedIn with two


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and line breaks


def printable(text: str) -> str:
    """Text safe to write to a terminal: control characters (an ESC that would recolour or
    retitle the terminal, a stray \\x01) shown as their codes."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shortened(text: object, limit: int = 40) -> str:
    """A name cut to ``limit`` characters for a table column ("Ann Lee-Sm…")."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def cut(value: float | None, decimals: int = SCORE_DECIMALS) -> float | None:
    """``value`` cut towards zero to ``decimals`` (a tiny epsilon absorbs binary noise)."""
    if is_missing(value):
        return None
    scale = 10**decimals
    eps = 1e-9 if value >= 0 else -1e-9
    return math.trunc(float(value) * scale + eps) / scale + 0.0  # + 0.0: no "-0.0"


def cut_columns(frame: pd.DataFrame, columns: list[str], decimals: int = SCORE_DECIMALS):
    """A copy with ``columns`` cut to ``decimals``, as :func:`cut` cuts one value, a whole
    column at a time (a 10,000-rep board); missing values stay missing."""
    out = frame.copy()
    scale = 10**decimals
    for col in columns:
        if col in out:
            values = pd.to_numeric(out[col], errors="coerce").astype("float64").to_numpy()
            eps = np.where(values >= 0, 1e-9, -1e-9)
            out[col] = np.trunc(values * scale + eps) / scale + 0.0
    return out


def score(value: object, missing: str = "n/a") -> str:
    """'9.9' for 9.95; ``missing`` for None/NaN."""
    shown = cut(value)  # type: ignore[arg-type]
    return missing if shown is None else f"{shown:.1f}"


def scores(values: pd.Series, missing: str = "n/a") -> list[str]:
    """:func:`score` of every value of a column at once, for a sentence per flagged rep
    (value by value, formatting was most of the coaching signals' Python time)."""
    cut_values = cut_columns(pd.DataFrame({"v": values}), ["v"])["v"].to_numpy()
    return [missing if math.isnan(v) else f"{v:.1f}" for v in cut_values.tolist()]


def change(value: object, missing: str = "n/a") -> str:
    """'+1.2', '-0.4', and '0.0' (no sign) for a change that shows as nothing."""
    shown = cut(value)  # type: ignore[arg-type]
    if shown is None:
        return missing
    return "0.0" if shown == 0 else f"{shown:+.1f}"


def top_percent(top_pct: object, rank: object, size: object) -> str:
    """LinkedIn's convention, spelled out: 'Top 12% (4th of 30)'; alone: 'only rep'."""
    if is_missing(top_pct) or is_missing(rank) or is_missing(size):
        return "not ranked"
    if int(size) == 1:
        return "the only ranked rep"
    return f"Top {int(top_pct)}% ({ordinal(int(rank))} of {int(size)})"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def change_since(value: object, since: object, window_days: int) -> str:
    """'+2.1 since 2026-11-13', or why there is no change to show."""
    if is_missing(since):
        return "n/a: no earlier reading"
    when = since.isoformat() if isinstance(since, date) else str(since)[:10]
    if is_missing(value):
        return f"n/a: the reading before is from {when}, more than {window_days} days earlier"
    return f"{change(value)} since {when}"
