"""What the charts draw: the same numbers as the tables, axes a person can read."""

from __future__ import annotations

from datetime import date

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
