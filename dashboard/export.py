"""Leaderboard exports (CSV, XLSX) that spreadsheet programs cannot run as formulas."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.display import EXPORT_DECIMALS, printable

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
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Leaderboard") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buf.getvalue()
