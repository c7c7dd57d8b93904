"""What the charts draw: the same numbers as the tables, axes a person can read."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.web import charts


def test_one_reading_draws_a_time_axis_in_days():
    history = pd.DataFrame({"day": [date(2026, 11, 20)], "ssi": [40.0], "rolling_avg": [40.0]})
    fig = charts.rep_trend(history, 70)
    first, last = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert last - first == pd.Timedelta(days=8)  # a week around the reading, not milliseconds
    assert fig.layout.xaxis.tickformat == "%d %b %Y"


def test_the_heatmap_colours_step_where_its_title_says_and_shows_rounded_values():
    board = pd.DataFrame({"rep": ["A"], "brand": [9.96], "people": [10.0], "insights": [15.0],
                          "relationships": [8.750002]})  # fmt: skip
    fig = charts.pillar_heatmap(board)
    heat = fig.data[0]
    assert "red under 10, green from 15" in fig.layout.title.text
    scale = [(round(pos, 2), color) for pos, color in heat.colorscale]
    # Red up to 10 (0.4 of 25), yellow from 10 to 15, green from 15: no gradient across 10.
    assert scale[0][1] == scale[1][1] and scale[1][0] == 0.4 and scale[2][0] == 0.4
    assert scale[1][1] != scale[2][1] and scale[3][0] == 0.6 and scale[4][0] == 0.6
    assert heat.text[0] == ["10.0", "10.0", "15.0", "8.8"]  # rounded half up, as everywhere


def test_chart_points_carry_the_value_the_tables_show():
    fig = charts.ssi_comparison({"You": 40.675, "Team": 0.29999998})
    assert list(fig.data[0].y) == [40.7, 0.3] and list(fig.data[0].text) == ["40.7", "0.3"]


def activity_reps(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({"name": [f"Rep {i}" for i in range(n)],
                         "team": rng.choice(["East", "West", "North"], n),
                         "days_active": rng.integers(0, 80, n).astype(float),
                         "ssi": rng.uniform(0, 100, n).round(4)})  # fmt: skip


def test_a_scatter_names_each_rep_and_past_its_limit_counts_reps_per_cell():
    few = charts.activity_scatter(activity_reps(charts.DOTS_UP_TO), "days_active", "Days active",
                                  "ssi", [])  # fmt: skip
    assert {t.type for t in few.data} == {"scatter"} and len(few.data) == 3  # a dot per team
    assert sum(len(t.x) for t in few.data) == charts.DOTS_UP_TO
    assert "Rep 0" in [n for t in few.data for n in t.text]
    assert all(v == round(v, 1) for t in few.data for v in t.y)  # drawn as shown: 1 decimal
    many = activity_reps(charts.DOTS_UP_TO + 1)
    fig = charts.activity_scatter(many, "days_active", "Days active", "ssi", [])
    (cells,) = fig.data
    assert cells.type == "histogram2d" and len(cells.x) == len(many)
    assert "reps" in cells.hovertemplate and "Rep 0" not in fig.to_json()  # no names sent
