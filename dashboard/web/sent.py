"""What a page sends to the browser: a grid's frame in the smallest types that show the same.

A 10,000-rep leaderboard went over the websocket as 2.6 MB of Arrow: every team, band and
pillar name written out on every row, every integer and every sparkline point 64 bits
(bench/test_browser_page.py). The grid shows the same from names written once per distinct
value, integers in the fewest bits that hold them, and 32-bit sparkline points (drawn, never
read). Scores stay 64-bit floats: a grid cell's text, which a screen reader reads and a copy
takes, is the value itself, and a 32-bit 2.6 reads 2.5999999046325684.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

# A text column with at most this share of distinct values is sent as a dictionary.
DICTIONARY_SHARE = 0.5
SPARKLINE = pa.list_(pa.float32())


def compact(frame: pd.DataFrame, sparklines: tuple[str, ...] = ()) -> pa.Table:
    """``frame`` as a grid shows it, as the Arrow table sent, in smaller types: repeated
    text as dictionaries, integers in the fewest bits that hold them, and the
    ``sparklines`` (lists of numbers, None for a gap) as lists of 32-bit floats. Without
    pandas' metadata: the grid reads the columns, and a reader back into pandas (AppTest)
    takes the Arrow types as they are."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column in sparklines:
            continue
        if str(values.dtype) == "Int64":
            out[column] = values.astype(_smallest_int(values))
        elif _is_text(values) and len(values) >= 50:
            if values.nunique(dropna=True) <= DICTIONARY_SHARE * len(values):
                out[column] = values.astype("category")
    table = pa.Table.from_pandas(out, preserve_index=False).replace_schema_metadata(None)
    for column in sparklines:
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, table.column(at).cast(SPARKLINE))
    return table


def _smallest_int(values: pd.Series) -> str:
    known = values.dropna()
    largest = 0 if known.empty else int(known.abs().max())
    return next(f"Int{bits}" for bits in (8, 16, 32, 64) if largest < 2 ** (bits - 1))


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype)
