"""What a page sends: a grid in smaller types shows exactly what it showed."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.display import rounded_columns
from dashboard.web.sent import compact


def arrow_bytes(frame: pd.DataFrame | pa.Table) -> int:
    table = (
        frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    )
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)
    return len(sink.getvalue())


def board(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({
        "rank": pd.array(np.arange(1, n + 1), dtype="Int64"),
        "rep": pd.array([f"Rep {i}" for i in range(n)], dtype="str"),
        "ssi": rng.uniform(0, 100, n), "change": rng.normal(0, 3, n),
        "raw": rng.uniform(0, 1, n),  # not rounded: kept as it is
        "team": pd.array(rng.choice(["East", "West", "North"], n), dtype="str"),
        "trend": [list(np.round(rng.uniform(20, 90, 13), 1)) if i % 7 else None for i in range(n)],
    })  # fmt: skip
    frame.loc[3, "ssi"] = np.nan
    frame.loc[5, "trend"][2] = None
    return rounded_columns(frame, ["ssi", "change"])


def test_a_compact_grid_shows_every_value_as_before_and_is_smaller():
    before = board(2000)
    sent = compact(before, sparklines=("trend",))
    types = dict(zip(sent.schema.names, sent.schema.types, strict=True))
    assert types["ssi"] == pa.float64() and types["raw"] == pa.float64()
    assert types["rank"] == pa.int16()  # 2,000 ranks
    assert pa.types.is_dictionary(types["team"]) and not pa.types.is_dictionary(types["rep"])
    assert types["trend"] == pa.list_(pa.float32()) and sent.schema.metadata is None
    after = sent.to_pandas()
    for column in ("ssi", "change"):  # a cell's text is its value: 2.6, never 2.5999999
        shown = ["" if pd.isna(v) else repr(float(v)) for v in before[column]]
        assert shown == ["" if pd.isna(v) else repr(float(v)) for v in after[column]]
    assert after["team"].astype(str).tolist() == before["team"].tolist()
    assert after["rank"].tolist() == before["rank"].tolist()
    for old, new in zip(before["trend"], after["trend"], strict=True):
        if old is None:
            assert new is None
        else:  # drawn: the same line to the pixel
            assert [None if v is None else round(v, 1) for v in old] == [
                None if v is None or v != v else round(float(v), 1) for v in new]  # fmt: skip
    assert arrow_bytes(sent) < 0.7 * arrow_bytes(before)


def test_a_small_or_unrepeated_text_column_is_left_as_text():
    frame = board(20)
    assert not pa.types.is_dictionary(compact(frame).schema.field("team").type)
