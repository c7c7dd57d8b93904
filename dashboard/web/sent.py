"""What a page sends to the browser: a grid's frame in the smallest types that show the same.

A 10,000-rep leaderboard went over the websocket as 2.6 MB of Arrow: every score a 64-bit
float, every team, band and pillar name written out on every row, every sparkline a list of
64-bit floats (bench/test_browser_page.py). The grid shows the same from 32-bit floats
(the scores are rounded to one or two decimals before they are sent, which a 32-bit float
holds to the digit), names written once per distinct value, and 32-bit sparklines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

# A text column with at most this share of distinct values is sent as a dictionary.
DICTIONARY_SHARE = 0.5
SPARKLINE = pa.list_(pa.float32())


def compact(frame: pd.DataFrame, sparklines: tuple[str, ...] = ()) -> pa.Table:
    """``frame`` as a grid shows it, as the Arrow table sent, in smaller types: floats that
    are already rounded to at most two decimals as 32-bit floats, repeated text as
    dictionaries, integers as 32-bit, and the ``sparklines`` (lists of numbers, None for a
    gap) as lists of 32-bit floats. Without pandas' metadata: the grid reads the columns,
    and a reader back into pandas (AppTest) takes the Arrow types as they are."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column in sparklines:
            continue
        if values.dtype == "float64" and _rounded_to_cents(values):
            out[column] = values.astype("float32")
        elif str(values.dtype) == "Int64" and _fits_32_bits(values):
            out[column] = values.astype("Int32")
        elif _is_text(values) and len(values) >= 50:
            if values.nunique(dropna=True) <= DICTIONARY_SHARE * len(values):
                out[column] = values.astype("category")
    table = pa.Table.from_pandas(out, preserve_index=False).replace_schema_metadata(None)
    for column in sparklines:
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, table.column(at).cast(SPARKLINE))
    return table


def _rounded_to_cents(values: pd.Series) -> bool:
    known = values.to_numpy()[~np.isnan(values.to_numpy())]
    return bool(
        np.all(np.abs(known) < 1e6) and np.allclose(known, np.round(known, 2), atol=1e-9, rtol=0)
    )


def _fits_32_bits(values: pd.Series) -> bool:
    known = values.dropna()
    return known.empty or bool(known.abs().max() < 2**31)


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype)
