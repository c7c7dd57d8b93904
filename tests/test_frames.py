"""Results made into DataFrames through Arrow are the frames DuckDB's .df() makes: the same
values, the same dtypes (nullable integers and booleans where a value is missing, dates as
datetime64, text with no value at all as objects), for every shape pages meet."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import DEMO_END

from dashboard.frames import result_frame
from dashboard.scoring import load_config
from dashboard.scoring.leaderboard import latest_is_as_of

ROWS = """select * from (values
    (1::tinyint, 2::smallint, 3::int, 4::bigint, 5::utinyint, 6::uinteger, 7::ubigint, true,
     'Ann', date '2026-01-02', timestamp '2026-01-02 09:15', 1.5::double, 2.5::float),
    (null, null, null, null, null, null, null, null, null, null, null, null, null),
    (-1, -2, -3, -4, 0, 0, 0, false, '', date '0001-01-01' - 1, timestamp '1970-01-01',
     'nan'::double, 'inf'::float)
) t(i8, i16, i32, i64, u8, u32, u64, flag, name, day, stamp, x, y)"""


@pytest.mark.parametrize("where", [
    "true",  # a missing value in every column
    "i8 is not null",  # none missing: plain NumPy types
    "i8 is null",  # nothing but missing values
    "false",  # no rows
    "i8 = -1",  # 1 BC (a day Python has no date for), NaN, infinity, empty text
])  # fmt: skip
def test_every_converted_type_matches_df(where):
    con = duckdb.connect()
    sql = f"select * from ({ROWS}) where {where}"  # noqa: S608 (the test's own text)
    pd.testing.assert_frame_equal(result_frame(con.execute(sql)), con.execute(sql).df())


@pytest.mark.parametrize("sql", [
    "select 1.25::decimal(5, 2) as amount, 'x' as name",  # .df() makes decimals floats
    "select [1, 2] as values_list, interval 3 day as span",
    "select timestamptz '2026-01-02 09:15+01' as at",
])  # fmt: skip
def test_other_types_go_through_df(sql):
    con = duckdb.connect()
    pd.testing.assert_frame_equal(result_frame(con.execute(sql)), con.execute(sql).df())


def test_the_demo_leaderboard_is_the_frame_df_gives(demo_store):
    """The leaderboard, the widest result a page reads (52 columns), both ways."""
    config = load_config()
    as_of = DEMO_END
    params = {"as_of": as_of, "from_latest": latest_is_as_of(demo_store, as_of),
              "rep_id": None, **config.rule_params()}  # fmt: skip
    through_arrow = demo_store.wide_df("leaderboard", params)
    ((sql, needs),) = demo_store.query("leaderboard").statements
    plain = demo_store._con.cursor().execute(sql, {k: params[k] for k in needs}).df()
    assert len(plain) > 40 and plain["rank"].isna().any()  # some unranked: nullable ints
    pd.testing.assert_frame_equal(through_arrow, plain)
