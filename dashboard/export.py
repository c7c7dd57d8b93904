"""Leaderboard exports (CSV, XLSX) that spreadsheet programs cannot run as formulas."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from dashboard.display import CONTROL_CHARACTERS, EXPORT_DECIMALS, printable

# A cell starting with one of these is a formula in Excel, LibreOffice or Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; control
    characters (which no worksheet may hold) are written as their codes."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return printable(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with every text cell (and header) made formula-safe, and numbers
    rounded to two decimals (a change of 0.6000000000000014 is 0.6 in a spreadsheet)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(EXPORT_DECIMALS)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = _safe_texts(out[col])
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


# What pandas infers for a column holding no text cell (dates, numbers, nothing).
_NEVER_TEXT = {
    "date",
    "datetime",
    "datetime64",
    "integer",
    "floating",
    "boolean",
    "decimal",
    "empty",
}


def _safe_texts(values: pd.Series) -> pd.Series:
    """The column with :func:`neutralise` applied to the cells that need it, found
    column-wise: a call per cell took 55 ms of a 10,000-rep leaderboard's export."""
    if pd.api.types.infer_dtype(values, skipna=True) in _NEVER_TEXT:
        return values
    if values.dtype == object:  # text among other things (numbers, dates, nothing)
        is_text = values.map(type).eq(str).to_numpy(dtype=bool)
    else:  # a string dtype: every cell present is text
        is_text = values.notna().to_numpy(dtype=bool)
    texts = values[is_text]
    risky = texts.str.startswith(FORMULA_PREFIXES) | texts.str.contains(CONTROL_CHARACTERS)
    if not risky.any():
        return values
    cells = values.to_numpy(dtype=object, copy=True)
    where = np.flatnonzero(is_text)[risky.to_numpy(dtype=bool)]
    cells[where] = [neutralise(v) for v in cells[where]]
    return pd.Series(cells, index=values.index, name=values.name)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Leaderboard") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buf.getvalue()
