"""Leaderboard exports (CSV, XLSX) that spreadsheet programs cannot run as formulas."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from dashboard.display import CONTROL_CHARACTERS, EXPORT_DECIMALS, printable, rounded_columns

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
    rounded to two decimals as everywhere (display.rounded: 40.675 is 40.68, a change of
    0.6000000000000014 is 0.6 in a spreadsheet)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = rounded_columns(out[[col]], [col], EXPORT_DECIMALS)[col]
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
    column-wise: a call per cell was most of a 10,000-rep leaderboard's export."""
    if pd.api.types.infer_dtype(values, skipna=True) in _NEVER_TEXT:
        return values
    if values.dtype == object:  # text among other things (numbers, dates, nothing)
        is_text = values.map(type).eq(str).to_numpy(dtype=bool)  # type: ignore[arg-type]
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
    return csv_text(safe_frame(frame)).encode("utf-8-sig")


def csv_text(frame: pd.DataFrame) -> str:
    """``frame.to_csv(index=False)``, character for character, made a column at a time:
    pandas' writer took about twice as long for a 10,000-rep leaderboard, at every change
    of filter on the team review. A column of a kind not handled here (datetimes,
    categories) leaves the whole frame to pandas."""
    columns = [_csv_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if any(c is None for c in columns):
        return frame.to_csv(index=False)
    names = [str(c) for c in frame.columns]
    header = _quoted(np.array(names, dtype=object), pd.Series(names, dtype="str"))
    lines = [",".join(header)]
    lines += map(",".join, zip(*columns, strict=True))
    return "\n".join(lines) + "\n"


def _csv_cells(values: pd.Series) -> list[str] | None:
    """The column's cells as pandas writes them to CSV (missing: empty), or None."""
    dtype = values.dtype
    if dtype.kind == "f" and isinstance(dtype, np.dtype):  # numpy's shortest repr, as pandas
        cells = values.to_numpy().astype(str).astype(object)
        cells[values.isna().to_numpy()] = ""
        return cells.tolist()
    if dtype.kind in "iub" and isinstance(dtype, np.dtype):
        return values.to_numpy().astype(str).tolist()
    if isinstance(dtype, ExtensionDtype) and dtype.kind in "iub":
        missing = values.isna().to_numpy()
        cells = values.to_numpy(dtype=object, na_value=None).astype(str).astype(object)  # type: ignore[call-overload]
        cells[missing] = ""
        return cells.tolist()
    if isinstance(dtype, pd.StringDtype):  # text or nothing: no cell to turn into text
        return _quoted(values.to_numpy(dtype=object, na_value=""), values)
    if pd.api.types.is_object_dtype(dtype):
        # Text, dates and numbers among gaps: str() of each present cell, as pandas' writer.
        missing = values.isna().to_numpy()
        out = np.array([str(v) for v in values.to_numpy(dtype=object)], dtype=object)
        out[missing] = ""
        return _quoted(out, pd.Series(out, dtype="str"))
    return None


def _quoted(cells: np.ndarray, texts: pd.Series) -> list[str]:
    """Cells holding a comma, a quote or a line break quoted by the csv module itself (the
    writer pandas uses), so the quoting rules are exactly its own. ``texts`` are the cells
    as a string column, searched at once."""
    risky = np.flatnonzero(
        texts.str.contains(r'[,"\n\r]', regex=True).to_numpy(dtype=bool, na_value=False)
    )
    if len(risky):
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for i in risky:
            buf.seek(0)
            buf.truncate()
            writer.writerow([cells[i]])
            cells[i] = buf.getvalue()[:-1]
    return cells.tolist()


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Leaderboard") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buf.getvalue()
