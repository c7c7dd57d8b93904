"""How numbers are shown, in one place, so a value reads the same on every page, export,
PDF and command-line answer.

One rule: the stored value rounded half up (away from zero) to the shown precision, one
decimal on pages and two in exports. 40.675 shows as 40.7 and exports as 40.68; 8.750002
as 8.8; LinkedIn's 0.29999998 as 0.3. A tiny epsilon absorbs binary noise, so a value
stored as 40.67499999999999 (what 40.675 is in binary) rounds as the 40.675 it stands for.
Rules (bands, "under 10", balanced) compare the stored value, never the shown one: a pillar
of 9.96 shows as 10.0 and still counts as under 10.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

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


def rounded(value: float | None, decimals: int = SCORE_DECIMALS) -> float | None:
    """``value`` rounded half up (away from zero) to ``decimals``; None when missing."""
    if value is None or is_missing(value):
        return None
    scale = 10**decimals
    magnitude = math.floor(abs(float(value)) * scale + 0.5 + 1e-9) / scale
    return math.copysign(magnitude, float(value)) + 0.0 if magnitude else 0.0  # no "-0.0"


def rounded_columns(frame: pd.DataFrame, columns: list[str], decimals: int = SCORE_DECIMALS):
    """A copy with ``columns`` rounded as :func:`rounded` rounds one value, a whole column
    at a time (a 10,000-rep board); missing values stay missing."""
    out = frame.copy()
    scale = 10**decimals
    for col in columns:
        if col in out:
            values = pd.to_numeric(out[col], errors="coerce").astype("float64").to_numpy()
            magnitude = np.floor(np.abs(values) * scale + 0.5 + 1e-9) / scale
            out[col] = np.where(magnitude == 0, 0.0, np.copysign(magnitude, values)) + 0.0
    return out


def score(value: object, missing: str = "n/a") -> str:
    """'10.0' for 9.95, '40.7' for 40.675; ``missing`` for None/NaN."""
    shown = rounded(value)  # type: ignore[arg-type]
    return missing if shown is None else f"{shown:.1f}"


def scores(values: pd.Series, missing: str = "n/a", under: float | None = None) -> list[str]:
    """:func:`score` of every value of a column at once, for a sentence per flagged rep
    (value by value, formatting was most of the coaching signals' Python time).

    ``under``: the values are named for being under this limit ("under 10: insights 9.96");
    one that would read as the limit itself (10.0) reads with two decimals, cut (9.96), so
    the sentence never contradicts itself."""
    stored = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    shown = rounded_columns(pd.DataFrame({"v": stored}), ["v"])["v"].to_numpy()
    out = [missing if math.isnan(v) else f"{v:.1f}" for v in shown.tolist()]
    if under is not None:
        for i in np.flatnonzero((shown >= under) & (stored < under)):
            out[i] = f"{math.floor(stored[i] * 100 + 1e-9) / 100:.2f}"
    return out


def change(value: object, missing: str = "n/a") -> str:
    """'+1.2', '-0.4', and '0.0' (no sign) for a change that shows as nothing."""
    shown = rounded(value)  # type: ignore[arg-type]
    if shown is None:
        return missing
    return "0.0" if shown == 0 else f"{shown:+.1f}"


def top_percent(top_pct: Any, rank: Any, size: Any) -> str:
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


def fmt(value: object, pattern: str = "{:.1f}", missing: str = "n/a") -> str:
    """``value`` in ``pattern``, rounded first as every number shown is (rounded) to
    the pattern's decimals (a percentage's two more)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return missing
    if pattern.endswith(":d}"):
        return pattern.format(int(value))  # type: ignore[call-overload]
    decimals = re.search(r"\.(\d)", pattern)
    places = int(decimals.group(1)) if decimals else 0
    places += 2 if "%" in pattern.split("}")[0] else 0
    return pattern.format(rounded(float(value), places))  # type: ignore[arg-type]


def money(value: object, currency: str | None, missing: str = "n/a") -> str:
    """'USD 12,500': an amount in whole units of its currency, which it always names."""
    shown = rounded(value, 0)  # type: ignore[arg-type]
    if shown is None:
        return missing
    return f"{currency or ''} {shown:,.0f}".strip()
