"""How the dashboard's queries scale from a 48-rep team to a 10,000-rep company.

The 48-rep demo is the baseline measured in the same run. Run with `make bench`.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from dashboard.demo import generate, load_demo
from dashboard.scoring import averages_over_time, estimate_inputs, leaderboard
from dashboard.scoring.trends import sparklines
from dashboard.store import Store
from dashboard.views.activity import activity_view
from dashboard.views.team_review import team_review

pytestmark = pytest.mark.bench
END = date(2026, 11, 20)


def timed(fn) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def pandas_activity(store: Store, start: date):
    rows = store.df_sql("select * from activity where day >= $start", {"start": start})
    rows["week"] = rows["day"].dt.to_period("W")
    return rows.groupby(["rep_id", "week", "metric"])["value"].sum()


@pytest.mark.parametrize(("reps", "days"), [(48, 120), (10_000, 120)])
def test_page_queries_at_scale(tmp_path, reps, days):
    store = Store(tmp_path / "scale.duckdb")
    start = time.perf_counter()
    load_demo(store, generate(reps=reps, days=days, seed=5, end=END), "scale")
    built = time.perf_counter() - start
    figures = {
        "leaderboard": timed(lambda: leaderboard(store, END)),
        "averages over 90 days": timed(
            lambda: averages_over_time(store, END - timedelta(days=89), END)
        ),
        "sparklines (90 days)": timed(lambda: sparklines(store, END, 90)),
        "estimate inputs": timed(lambda: estimate_inputs(store, END)),
        "whole team review view": timed(lambda: team_review(store, [], END, 90)),
        "activity view, 90 days": timed(
            lambda: activity_view(store, [], END, 90, "week", "days_active")
        ),
        # The baseline a user would write: the period's activity into pandas, grouped.
        "pandas: activity grouped": timed(lambda: pandas_activity(store, END - timedelta(89))),
    }
    print(f"\n{reps:,} reps x {days} days: demo built and loaded in {built:.1f} s")
    for name, seconds in figures.items():
        print(f"  {name:<26}{seconds * 1000:8.0f} ms")
