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
from dashboard.scoring.leaderboard import BOARD_ORDER, latest_is_as_of

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


def order_sql(order_by) -> str:
    return ", ".join(f"{name} {'desc' if desc else 'asc'}" for name, desc in order_by)


# Ties, missing values in every key, and text whose byte order is not its letters' order
# (capitals before small letters, accents after both).
TIES = """select * from (values
    (true, 2, date '2026-01-05', 'bob', 1), (true, 1, date '2026-01-05', 'Zed', 2),
    (true, 2, date '2026-01-05', 'Bob', 3), (true, 2, date '2026-01-06', 'Émile', 4),
    (false, null, date '2026-01-01', 'ann', 5), (false, null, date '2026-01-03', 'Ann', 6),
    (false, null, null, 'Ann', 7), (null, 3, date '2026-01-04', null, 8),
    (true, 2, date '2026-01-05', 'Bob', 9), (true, null, date '2026-01-05', 'Cy', 10)
) t(listed, rank, day, name, id)"""
TIES_ORDER = [("listed", True), ("rank", False), ("day", True), ("name", False), ("id", False)]


@pytest.mark.parametrize("extra", [
    "",  # every column converted through Arrow: sorted there
    ", 1.5::decimal(4, 2) as amount",  # one that is not: sorted in pandas after .df()
])  # fmt: skip
def test_an_ordered_result_is_in_the_order_duckdb_sorts_it(extra):
    con = duckdb.connect()
    sql = f"select *{extra} from ({TIES})"  # noqa: S608 (the test's own text)
    ours = result_frame(con.execute(sql), TIES_ORDER)
    theirs = con.execute(f"{sql} order by {order_sql(TIES_ORDER)}").df()  # noqa: S608
    assert ours["id"].tolist() == [2, 4, 3, 9, 1, 10, 6, 5, 7, 8]
    pd.testing.assert_frame_equal(ours, theirs)
    # No key, or a row or none: as it came.
    pd.testing.assert_frame_equal(result_frame(con.execute(f"{sql} order by id")),
                                  con.execute(f"{sql} order by id").df())  # fmt: skip
    for where in ("id = 4", "false"):
        one = f"{sql} where {where}"  # noqa: S608
        pd.testing.assert_frame_equal(result_frame(con.execute(one), TIES_ORDER),
                                      con.execute(one).df())  # fmt: skip


def test_the_demo_leaderboard_is_the_frame_df_gives(demo_store):
    """The leaderboard, the widest result a page reads (41 columns), both ways, in the
    order DuckDB's own sort gives."""
    config = load_config()
    as_of = DEMO_END
    params = {"as_of": as_of, "from_latest": latest_is_as_of(demo_store, as_of),
              "rep_id": None, **config.rule_params()}  # fmt: skip
    through_arrow = demo_store.wide_df("leaderboard", params, order_by=BOARD_ORDER)
    ((sql, needs),) = demo_store.query("leaderboard").statements
    ordered = f"select * from ({sql.rstrip().rstrip(';')}) order by {order_sql(BOARD_ORDER)}"  # noqa: S608 (the app's own query)
    plain = demo_store._backend.cursor().execute(ordered, {k: params[k] for k in needs}).df()
    assert len(plain) > 40 and plain["rank"].isna().any()  # some unranked: nullable ints
    pd.testing.assert_frame_equal(through_arrow, plain)
