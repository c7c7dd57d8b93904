"""Plotly figures. One colour per pillar everywhere; SSI axes 0-100, pillar axes 0-25.

Every band edge and reference line comes from the scoring config, so a changed rule moves
the chart with it. Names are escaped before plotly sees them: plotly renders HTML tags in
text, and a rep's name is text.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import display
from dashboard.fields import PILLAR_SHORT, PILLARS
from dashboard.scoring.config import BAND_NAMES, ScoringConfig, load_config
from dashboard.scoring.goals import PacingLine

# Every chart is drawn on plotly_white. As the default it is applied as the figure is drawn;
# set on each figure (update_layout(template=...)) plotly validated the whole template again
# for every chart of the team review's first render.
TEMPLATE = "plotly_white"
pio.templates.default = TEMPLATE

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PILLAR_COLORS = {"brand": "#0072B2", "people": "#009E73", "insights": "#E69F00",
                 "relationships": "#CC79A7"}  # fmt: skip
BAND_COLORS = {"very poor": "#D55E00", "low": "#E69F00", "above average": "#56B4E9",
               "top": "#009E73"}  # fmt: skip
COMPANY_COLOR = "#555555"
PERSON_COLOR = "#1f2937"  # the person's own SSI: a neutral dark, never a pillar colour
# Teams and reps get colours from another family than the pillars (Paul Tol's muted set).
GROUP_PALETTE = ["#332288", "#88CCEE", "#999933", "#882255", "#DDCC77", "#117733", "#AA4499"]
GROUP_DASHES = ["solid", "dashdot", "longdash"]  # past seven groups, colours repeat dashed
GOAL_COLOR = "#374151"  # a goal's pacing line: dotted, darker than any group
EVENT_COLOR = "#7C3AED"
MAX_NAMED_EVENTS = 5  # more events on one chart: one legend entry, the titles on hover
SSI_RANGE = [0, 100]
PILLAR_RANGE = [0, 25]


def text(value: object) -> str:
    """A name as plotly should show it: literally, never as HTML."""
    return html.escape(str(value), quote=False)


def group_line(i: int) -> dict:
    """The line of the i-th team or rep: no group is ever dropped for want of a colour."""
    return {"color": GROUP_PALETTE[i % len(GROUP_PALETTE)],
            "dash": GROUP_DASHES[(i // len(GROUP_PALETTE)) % len(GROUP_DASHES)]}  # fmt: skip


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        # Legends sit under the plot so they never collide with the title.
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.24,  # below the two-line date ticks
            "x": 0,
            "xanchor": "left",
            "traceorder": "normal",
        },
    )
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#666"},
                       xref="paper", yref="paper", x=0.5, y=0.5)  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 240)


def ssi_gauge(
    ssi: float, band: str, change_7d: float | None, config: ScoringConfig | None = None
) -> go.Figure:
    """The SSI on a 0-100 dial whose coloured steps are the config's bands."""
    steps = (config or load_config()).band_ranges()
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number+delta" if change_7d is not None else "gauge+number",
            value=ssi,
            number={"valueformat": ".1f"},
            delta={"reference": ssi - (change_7d or 0), "valueformat": "+.1f"},
            gauge={
                "axis": {"range": SSI_RANGE, "tickvals": [a for a, _, _ in steps] + [100]},
                "bar": {"color": "#1f2937", "thickness": 0.25},
                "steps": [{"range": [a, b], "color": BAND_COLORS[name]} for a, b, name in steps],
            },
            title={"text": f"SSI: {band}"},
        )
    )
    fig = _layout(fig, "", 270)
    fig.update_layout(margin={"l": 30, "r": 30, "t": 40, "b": 10})  # room for the 0 and 100 ticks
    return fig


def _shown(values: Any, decimals: int = display.SCORE_DECIMALS) -> np.ndarray:
    """Values as the page shows them (display.rounded): a chart's points, hovers and labels
    carry the same number as the tables beside them, and no full-precision floats."""
    column = pd.to_numeric(pd.Series(list(values) if not isinstance(values, pd.Series) else values),
                           errors="coerce")  # fmt: skip
    return display.rounded_columns(pd.DataFrame({"v": column}), ["v"], decimals)["v"].to_numpy()


def pillar_comparison(
    rows: dict[str, dict[str, float | None]], config: ScoringConfig | None = None
) -> go.Figure:
    """Grouped bars: each pillar (0-25) for you, team, company, and the other groups given."""
    balanced = (config or load_config()).groups.balanced_pillar_min
    fig = go.Figure()
    # The person's own bars wear the pillar colours; the groups beside them are greys.
    shades = ["#4b5563", "#9ca3af", "#d1d5db", "#e5e7eb"]
    for i, (who, values) in enumerate(rows.items()):
        color = [PILLAR_COLORS[p] for p in PILLARS] if i == 0 else shades[(i - 1) % len(shades)]
        fig.add_bar(name=text(who), x=[PILLAR_SHORT[p] for p in PILLARS],
                    y=_shown([values.get(p) for p in PILLARS]), marker_color=color,
                    marker_line={"color": "#111", "width": 1 if i == 0 else 0},
                    hovertemplate="%{x}: %{y:.1f}<extra>" + text(who) + "</extra>")  # fmt: skip
    # The label sits over the last group's bars: on a white ground it stays readable where
    # a bar reaches above the line (grey on the relationships pink, at 390 px).
    fig.add_hline(y=balanced, line_dash="dash", line_color="#b91c1c",
                  annotation_text=f"balanced from {balanced:g}",
                  annotation_bgcolor="rgba(255, 255, 255, 0.85)")  # fmt: skip
    fig.update_yaxes(range=PILLAR_RANGE, title="points (0-25)")
    fig.update_layout(barmode="group")
    return _layout(fig, "Pillars against your team and the company")


def ssi_comparison(values: dict[str, float | None]) -> go.Figure:
    shown = {k: v for k, v in values.items() if v is not None and not pd.isna(v)}
    colors = [PERSON_COLOR] + ["#9ca3af"] * (len(shown) - 1)
    fig = go.Figure(go.Bar(x=[text(k) for k in shown], y=_shown(shown.values()), marker_color=colors,
                           text=[display.score(v) for v in shown.values()], textposition="outside"))  # fmt: skip
    fig.update_yaxes(range=SSI_RANGE, title="SSI (0-100)")
    return _layout(fig, "SSI against your groups", 300)


def pillar_radar(series: dict[str, dict[str, float]]) -> go.Figure:
    """Average pillars per team with the company dashed. Filled shapes hide each other past
    a few teams, so from five teams on the shapes are outlines only."""
    fig = go.Figure()
    labels = [PILLAR_SHORT[p] for p in PILLARS]
    teams = [name for name in series if name != "Company"]
    fill = "toself" if len(teams) <= 4 else "none"
    for i, name in enumerate(teams):
        r = [series[name][p] for p in PILLARS]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=labels + labels[:1], name=text(name),
                                      line=group_line(i), fill=fill,
                                      opacity=0.45 if fill == "toself" else 0.9))  # fmt: skip
    if "Company" in series:
        r = [series["Company"][p] for p in PILLARS]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=labels + labels[:1], name="Company",
                                      line={"color": COMPANY_COLOR, "dash": "dash", "width": 2}))  # fmt: skip
    fig.update_layout(polar={"radialaxis": {"range": PILLAR_RANGE, "tickvals": [0, 5, 10, 15, 20, 25],
                                            "angle": 45, "tickangle": 45}})  # fmt: skip
    fig = _layout(fig, "Average pillar per team (0-25)", 420 + 20 * (len(teams) // 2))
    fig.update_layout(margin={"l": 60, "r": 60, "t": 60, "b": 40})
    return fig


def _per_rep_height(reps: int) -> int:
    """One row per rep, tall enough for a readable name, plus the title and legend."""
    return max(300, 26 * reps + 150)


def pillar_stacks(board: pd.DataFrame, config: ScoringConfig | None = None) -> go.Figure:
    """A horizontal bar per rep, stacked by pillar, every rep named."""
    if board.empty:
        return empty_figure("Pillars per rep", "No readings for this selection")
    return _stacked_rows(board, "rep", "Pillars per rep (stacked)", "SSI (0-100)",
                         _per_rep_height(len(board)), config)  # fmt: skip


def team_bars(comparison: pd.DataFrame, config: ScoringConfig | None = None) -> go.Figure:
    """Each team's average pillars stacked, so team names are read in full."""
    if comparison.empty:
        return empty_figure("Average pillars per team", "No readings for this selection")
    return _stacked_rows(comparison, "team", "Average pillars per team (stacked)",
                         "average SSI (0-100)", max(420, 40 * len(comparison) + 160), config)  # fmt: skip


def _stacked_rows(
    frame: pd.DataFrame, name_col: str, title: str, axis_title: str, height: int,
    config: ScoringConfig | None,
) -> go.Figure:  # fmt: skip
    """Horizontal bars stacked by pillar, one per row of ``frame``, in its order. The dotted
    line is 4 x the balanced minimum (60 by default): every pillar balanced."""
    balanced = (config or load_config()).groups.balanced_pillar_min
    names = [text(n) for n in frame[name_col]]
    fig = go.Figure()
    for p in PILLARS:
        fig.add_bar(name=PILLAR_SHORT[p], y=names, x=_shown(frame[p]), orientation="h",
                    marker_color=PILLAR_COLORS[p],
                    hovertemplate="%{y}<br>" + PILLAR_SHORT[p] + ": %{x:.1f}<extra></extra>")  # fmt: skip
    fig.add_vline(x=4 * balanced, line_dash="dot", line_color="#111",
                  annotation_text=f"every pillar {balanced:g}", annotation_position="bottom right",
                  annotation_bgcolor="rgba(255,255,255,0.85)")  # fmt: skip
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_xaxes(range=SSI_RANGE, title=axis_title)
    # Every name, in the frame's order: plotly thins crowded category labels unless told.
    fig.update_yaxes(autorange="reversed", automargin=True, tickmode="array", tickvals=names,
                     ticktext=names)  # fmt: skip
    fig = _layout(fig, title, height)
    # Legend between title and bars, with room for two rows on a phone.
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
                      margin={"t": 100})  # fmt: skip
    return fig


def pillar_heatmap(board: pd.DataFrame, config: ScoringConfig | None = None) -> go.Figure:
    """Each rep's pillars as colours: red under the coaching floor, green from balanced."""
    if board.empty:
        return empty_figure("Rep by pillar", "No readings for this selection")
    config = config or load_config()
    floor = config.coaching.pillar_floor
    balanced = config.groups.balanced_pillar_min
    z = board[list(PILLARS)].to_numpy(dtype=float)
    names = [text(n) for n in board["rep"]]
    # Steps, not a gradient: a cell is red under the floor, yellow up to balanced, green from
    # there, as the legend says (a gradient drew 9.8 yellow beside "red under 10"). The colour
    # follows the stored value; the text is the value as shown everywhere.
    fig = go.Figure(go.Heatmap(
        z=z, x=[PILLAR_SHORT[p] for p in PILLARS], y=names, zmin=0, zmax=25,
        colorscale=[[0, "#D55E00"], [floor / 25, "#D55E00"], [floor / 25, "#F0E442"],
                    [balanced / 25, "#F0E442"], [balanced / 25, "#b7e4c7"], [1, "#009E73"]],
        text=[["" if pd.isna(v) else display.score(v) for v in row] for row in z],
        texttemplate="%{text}", colorbar={"title": "0-25"}, xgap=1, ygap=1,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))  # fmt: skip
    fig.update_yaxes(autorange="reversed", automargin=True, tickmode="array", tickvals=names,
                     ticktext=names)  # fmt: skip
    fig.update_xaxes(side="top")
    title = f"Rep by pillar (red under {floor:g}, green from {balanced:g})"
    fig = _layout(fig, title, _per_rep_height(len(board)))
    fig.update_layout(margin={"t": 80})
    return fig


def team_trend(averages: pd.DataFrame, groups: list[str], measure: str = "ssi") -> go.Figure:
    """Average SSI (or one pillar) over time per group, the company dashed for reference."""
    if averages.empty:
        return empty_figure("Average SSI over time", "No readings in this period")
    fig = go.Figure()
    for i, group in enumerate(g for g in groups if g != "Company"):
        part = averages[averages["team"] == group]
        fig.add_scatter(x=part["day"], y=part[measure], name=text(group), mode="lines",
                        line=group_line(i))  # fmt: skip
    company = averages[averages["team"] == "Company"]
    fig.add_scatter(x=company["day"], y=company[measure], name="Company", mode="lines",
                    line={"color": COMPANY_COLOR, "dash": "dash"})  # fmt: skip
    is_ssi = measure == "ssi"
    fig.update_yaxes(range=SSI_RANGE if is_ssi else PILLAR_RANGE,
                     title="SSI (0-100)" if is_ssi else "points (0-25)")  # fmt: skip
    title = "Average SSI over time" if is_ssi else f"Average {PILLAR_SHORT[measure]} over time"
    return _layout(fig, title)


def pillar_trends(
    averages: pd.DataFrame, group: str, config: ScoringConfig | None = None
) -> go.Figure:
    """Each pillar's average for one group (solid) and, for a team, the company's (dotted),
    on 0-25 with the balanced line labelled."""
    if averages.empty:
        return empty_figure("Pillars over time", "No readings in this period")
    balanced = (config or load_config()).groups.balanced_pillar_min
    fig = go.Figure()
    mine = averages[averages["team"] == group]
    company = averages[averages["team"] == "Company"]
    for p in PILLARS:
        fig.add_scatter(x=mine["day"], y=mine[p], name=PILLAR_SHORT[p], mode="lines",
                        line_color=PILLAR_COLORS[p], legendgroup=p)  # fmt: skip
        if group != "Company":
            fig.add_scatter(x=company["day"], y=company[p], name=f"{PILLAR_SHORT[p]} (company)",
                            mode="lines", line={"color": PILLAR_COLORS[p], "dash": "dot", "width": 1},
                            legendgroup=p, showlegend=False)  # fmt: skip
    fig.add_hline(y=balanced, line_dash="dash", line_color="#777",
                  annotation_text=f"balanced from {balanced:g}", annotation_position="top left")  # fmt: skip
    fig.update_yaxes(range=PILLAR_RANGE, title="points (0-25)")
    title = "Average pillars over time: company" if group == "Company" else (
        f"Average pillars over time: {text(group)} (dotted: company)"
    )  # fmt: skip
    return _layout(fig, title)


def band_areas(bands: pd.DataFrame, group: str, config: ScoringConfig | None = None) -> go.Figure:
    """Share of reps in each band per day, bands named with their SSI range."""
    if bands.empty:
        return empty_figure("Bands over time", "No readings in this period")
    ranges = {name: (a, b) for a, b, name in (config or load_config()).band_ranges()}
    fig = go.Figure()
    for band in BAND_NAMES:
        part = bands[bands["band"] == band]
        low, high = ranges[band]
        label = f"{band} ({low:g}-{high:g})" if high < 100 else f"{band} ({low:g}+)"
        fig.add_scatter(x=part["day"], y=part["share"] * 100, name=label, mode="lines",
                        stackgroup="bands", line_color=BAND_COLORS[band],
                        hovertemplate="%{x|%d %b %Y}: %{y:.0f}%<extra>" + band + "</extra>")  # fmt: skip
    fig.update_yaxes(range=[0, 100], title="% of reps")
    title = "Reps per band over time: " + ("company" if group == "Company" else text(group))
    return _layout(fig, title)


def marked(
    fig: go.Figure, lines: list[tuple[str, str, PacingLine]], events: list[tuple[date, str]],
    top: float = 100,
) -> go.Figure:  # fmt: skip
    """Goals' pacing lines (dotted, from the value at the goal's start to its target on its
    due day; a pillar's in its colour) and events (a dotted vertical line with a marker at
    ``top``; a few events named in the legend, more under one entry; the title on hover) on
    a trend chart."""
    # Made as plain dicts and added at once: added one by one, each trace and shape was
    # validated with the whole figure again (three times the chart's own drawing).
    traces: list[dict] = [
        {"type": "scatter", "x": list(line.days), "y": list(line.values), "name": text(label),
         "mode": "lines+markers", "marker": {"size": 7, "symbol": ["circle", "star"]},
         "line": {"color": PILLAR_COLORS.get(metric, GOAL_COLOR), "dash": "dot", "width": 2},
         "hovertemplate": "%{x|%d %b %Y}: %{y:.1f}<extra>goal pace</extra>"}
        for label, metric, line in lines
    ]  # fmt: skip
    if events:
        shapes = [{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1,
                   "yref": "paper", "line": {"color": EVENT_COLOR, "dash": "dot", "width": 1}}
                  for day, _ in events]  # fmt: skip
        fig.update_layout(shapes=[*fig.layout.shapes, *shapes])
        said = [f"{d:%d %b %Y}: {t}" for d, t in sorted(events)]
        hovers = [text(t) for t in said]
        marker = {"symbol": "triangle-down", "size": 10, "color": EVENT_COLOR}
        if len(events) <= MAX_NAMED_EVENTS:
            # Each event named in the legend, not written on the plot: a title written
            # beside its line ran off a phone's narrow chart and over the data.
            traces += [{"type": "scatter", "x": [day], "y": [top], "mode": "markers",
                        "marker": marker, "hovertext": [hover], "hoverinfo": "text",
                        "cliponaxis": False,
                        "name": text(words if len(words) <= 48 else words[:47] + "…")}
                       for (day, _), words, hover in zip(sorted(events), said, hovers, strict=True)]  # fmt: skip
        else:
            traces.append({"type": "scatter", "x": [d for d, _ in sorted(events)],
                           "y": [top] * len(events), "mode": "markers", "marker": marker,
                           "name": f"events ({len(events)})", "hovertext": hovers,
                           "hoverinfo": "text", "cliponaxis": False})  # fmt: skip
    if traces:
        fig.add_traces(traces)
    # The legend sits under the plot: taller with each entry, so the plot keeps its height.
    entries = sum(1 for trace in fig.data if trace.showlegend is not False)
    if lines or events:
        fig.update_layout(height=max(fig.layout.height or 360, 300 + 22 * entries))
    return fig


def _days_axis(fig: go.Figure, days: pd.Series) -> None:
    """A time axis in days whatever the data spans: one reading (or a few days of them) made
    plotly count in milliseconds. A short span is widened to a week around it."""
    days = pd.to_datetime(pd.Series(days)).dropna()
    if days.empty:
        return
    first, last = days.min(), days.max()
    if last - first < pd.Timedelta(days=7):
        middle = first + (last - first) / 2
        fig.update_xaxes(range=[middle - pd.Timedelta(days=4), middle + pd.Timedelta(days=4)])
    fig.update_xaxes(tickformat="%d %b %Y", hoverformat="%d %b %Y")


def rep_trend(history: pd.DataFrame, target: float, title: str = "Your SSI over time") -> go.Figure:
    if history.empty:
        return empty_figure(title, "No readings yet: record one below or upload a file")
    fig = go.Figure()
    fig.add_scatter(x=history["day"], y=history["ssi"], mode="markers", name="reading",
                    marker={"size": 4, "color": "#9ca3af"})  # fmt: skip
    fig.add_scatter(x=history["day"], y=history["rolling_avg"], mode="lines", name="7-day average",
                    line_color=PERSON_COLOR)  # fmt: skip
    fig.add_hline(
        y=target, line_dash="dash", line_color="#009E73", annotation_text=f"target {target:g}"
    )
    fig.update_yaxes(range=SSI_RANGE, title="SSI (0-100)")
    _days_axis(fig, history["day"])
    return _layout(fig, title)


def reps_trend(histories: dict[str, pd.DataFrame]) -> go.Figure:
    if not histories:
        return empty_figure("Chosen reps over time", "Choose reps above to compare their SSI")
    fig = go.Figure()
    for i, (name, hist) in enumerate(histories.items()):
        fig.add_scatter(
            x=hist["day"], y=hist["rolling_avg"], mode="lines", name=text(name), line=group_line(i)
        )
    fig.update_yaxes(range=SSI_RANGE, title="SSI, 7-day average (0-100)")
    _days_axis(fig, pd.concat([h["day"] for h in histories.values()]))
    return _layout(fig, "Chosen reps over time")


def activity_trend(trend: pd.DataFrame, groups: list[str], label: str, partial: bool) -> go.Figure:
    """A metric per seat over time, each chosen team solid and the company dashed; the
    hover says how many seats each point averages."""
    title = f"{label} per seat"
    if trend.empty:
        return empty_figure(title, "No seat has this metric in this period")
    fig = go.Figure()
    for i, group in enumerate(g for g in groups if g != "Company"):
        part = trend[trend["group"] == group]
        fig.add_scatter(x=part["bucket"], y=_shown(part["average"]), name=text(group), mode="lines+markers",
                        line=group_line(i), customdata=part[["seats"]],
                        hovertemplate="%{y:.1f} per seat (%{customdata[0]} seats)")  # fmt: skip
    company = trend[trend["group"] == "Company"]
    fig.add_scatter(x=company["bucket"], y=_shown(company["average"]), name="Company", mode="lines",
                    line={"color": COMPANY_COLOR, "dash": "dash"}, customdata=company[["seats"]],
                    hovertemplate="%{y:.1f} per seat (%{customdata[0]} seats)")  # fmt: skip
    fig.update_yaxes(rangemode="tozero", title=f"{label} per seat")
    fig.update_layout(hovermode="x unified")
    if partial and not company.empty:
        fig.add_annotation(x=company["bucket"].max(), y=0, yref="paper", yanchor="bottom",
                           text="so far", showarrow=False, font={"size": 11, "color": "#666"})  # fmt: skip
    return _layout(fig, title)


def days_active_histogram(days_active: pd.Series, start: date, end: date) -> go.Figure:
    """How many days each seat was active from ``start`` to ``end``: the chosen period
    widened to whole weeks or months, so the axis names its dates, not the period's name."""
    period_days = (end - start).days + 1
    title = "How many days each seat was active"
    if days_active.empty:
        return empty_figure(title, "No seat has days-active figures in this period")
    fig = go.Figure()
    fig.add_histogram(x=days_active, xbins={"start": 0, "size": max(1, period_days // 15)},
                      marker_color=GROUP_PALETTE[0],
                      hovertemplate="%{x} days: %{y} seats<extra></extra>")  # fmt: skip
    fig.update_xaxes(title=f"days active of the {period_days} from {start:%d %b} to {end:%d %b %Y}",
                     range=[0, period_days])  # fmt: skip
    fig.update_yaxes(title="seats")
    fig.update_layout(bargap=0.05)
    return _layout(fig, title, 300)


# Up to this many reps a scatter draws one dot each; past it, reps counted per cell: 10,000
# dots overlap into a blot, and drew for over a second in a browser.
DOTS_UP_TO = 1000


def reps_as_dots(
    reps: pd.DataFrame, name: str, x: str, y: str, x_hover: str, y_hover: str,
    x_label: str, y_label: str,
) -> go.Figure:  # fmt: skip
    """One dot per rep coloured by team, named in the hover; past ``DOTS_UP_TO`` reps, the
    number of reps in each cell of a grid over the same axes. Values are drawn as given (the
    caller rounds what it shows rounded)."""
    fig = go.Figure()
    if len(reps) > DOTS_UP_TO:
        fig.add_histogram2d(x=reps[x], y=reps[y], nbinsx=40, nbinsy=30,
                            colorscale="Blues", colorbar={"title": "reps"},
                            hovertemplate=f"{text(x_label)}: %{{x}}<br>{text(y_label)}: %{{y}}"
                            "<br>%{z:,} reps<extra></extra>")  # fmt: skip
        return fig
    # Names as an array: plotly checks a list's texts one by one, an array at once.
    for i, team in enumerate(sorted(reps["team"].unique())):
        part = reps[reps["team"] == team]
        fig.add_scatter(x=part[x], y=part[y], mode="markers", name=text(team),
                        marker={"color": group_line(i)["color"], "size": 8, "opacity": 0.8},
                        text=np.array([text(n) for n in part[name]], dtype=object),
                        hovertemplate="%{text}<br>" + x_hover + "<br>" + y_hover
                        + "<extra></extra>")  # fmt: skip
    return fig


def activity_scatter(
    table: pd.DataFrame, metric: str, label: str, measure: str, teams: list[str]
) -> go.Figure:
    """One dot per rep: the metric over the period against the SSI (or its change)."""
    is_level = measure == "ssi"
    title = f"{label} against {'SSI' if is_level else 'SSI change'}"
    both = table.dropna(subset=[metric, measure])
    if both.empty:
        missing = ("No rep has both figures in this period" if is_level else
                   "No rep has an SSI at both the start and the end of this period")  # fmt: skip
        return empty_figure(title, missing)
    y_name = "SSI" if is_level else "SSI change"
    both = both.assign(**{measure: _shown(both[measure])})
    fig = reps_as_dots(both, "name", metric, measure, f"{text(label)}: %{{x:,.0f}}",
                       f"{y_name}: %{{y:.1f}}", x_label=label, y_label=y_name)  # fmt: skip
    fig.update_xaxes(title=f"{label} in the period", rangemode="tozero")
    if is_level:
        fig.update_yaxes(range=SSI_RANGE, title="SSI at the end (0-100)")
    else:
        fig.update_yaxes(title="SSI change over the period", zeroline=True)
    return _layout(fig, title)


def activity_against_team(frame: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Small multiples: the rep's weekly figure (solid) and the team's median seat (dashed)."""
    title = "Your activity per week against your team's median"
    if frame.empty:
        return empty_figure(title, "No activity of yours in the last weeks")
    from plotly.subplots import make_subplots

    metrics = list(dict.fromkeys(frame["metric"]))
    rows = -(-len(metrics) // 2)
    fig = make_subplots(rows=rows, cols=2, subplot_titles=[labels.get(m, m) for m in metrics],
                        vertical_spacing=0.5 / rows, horizontal_spacing=0.12)  # fmt: skip
    for i, metric in enumerate(metrics):
        part = frame[frame["metric"] == metric]
        where = {"row": i // 2 + 1, "col": i % 2 + 1}
        fig.add_scatter(x=part["bucket"], y=_shown(part["team_median"]), name="Team median",
                        mode="lines", line={"color": COMPANY_COLOR, "dash": "dash"},
                        showlegend=i == 0, legendgroup="team", customdata=part[["seats"]],
                        hovertemplate="team median %{y:.1f} (%{customdata[0]} seats)", **where)  # fmt: skip
        fig.add_scatter(x=part["bucket"], y=_shown(part["you"]), name="You", mode="lines+markers",
                        line={"color": PERSON_COLOR}, showlegend=i == 0, legendgroup="you",
                        hovertemplate="you %{y:.1f}", **where)  # fmt: skip
        fig.update_yaxes(rangemode="tozero", **where)
    fig.update_annotations(font_size=13)
    _layout(fig, title, 140 + 190 * rows)
    fig.update_layout(legend={"y": -0.5 / rows})
    return fig


def active_seats(frame: pd.DataFrame, grain: str, partial: bool) -> go.Figure:
    """Seats that did something each week or month, against the seats with data."""
    title = f"Active seats per {grain}"
    if frame.empty:
        return empty_figure(title, "No seat has activity in this period")
    fig = go.Figure()
    fig.add_bar(x=frame["bucket"], y=frame["active"], name="Active", marker_color=GROUP_PALETTE[0],
                hovertemplate="%{y} active<extra></extra>")  # fmt: skip
    fig.add_scatter(x=frame["bucket"], y=frame["with_data"], name="Seats with data",
                    mode="lines", line={"color": COMPANY_COLOR, "dash": "dash", "shape": "hv"},
                    hovertemplate="%{y} with data<extra></extra>")  # fmt: skip
    fig.update_yaxes(rangemode="tozero", title="seats")
    if partial:
        fig.add_annotation(x=frame["bucket"].max(), y=1, yref="paper", yanchor="bottom",
                           text="so far", showarrow=False, font={"size": 11, "color": "#666"})  # fmt: skip
    return _layout(fig, title, 300)


def outcome_bands(bands: pd.DataFrame, currency: str | None) -> go.Figure:
    """Won amount per rep in each SSI band at the period's start, with each band's count of
    reps on its bar; a band too small to say has a count and no bar."""
    title = "Won per rep, by SSI band at the start"
    if bands["reps"].sum() == 0:
        return empty_figure(title, "No rep has an SSI at the start of this period")
    shown = bands.iloc[::-1]  # lowest band first, left to right
    values = [0 if v is None or pd.isna(v) else display.rounded(v, 0) for v in shown["won_per_rep"]]
    labels = [f"{r} reps" if pd.notna(w) else f"{r} reps: too few to say"
              for r, w in zip(shown["reps"], shown["won_per_rep"], strict=True)]  # fmt: skip
    fig = go.Figure(go.Bar(
        x=list(shown["band"]), y=values, text=labels, textposition="outside",
        marker_color=[BAND_COLORS[b] for b in shown["band"]],
        hovertemplate="%{x}: %{y:,.0f} " + text(currency or "") + " per rep (%{text})<extra></extra>",
    ))  # fmt: skip
    fig.update_yaxes(title=f"won per rep ({text(currency or '')})", rangemode="tozero")
    fig.update_xaxes(title="SSI band")
    return _layout(fig, title)


def outcome_scatter(
    reps: pd.DataFrame, x: str, x_label: str, y: str, y_label: str, currency: str | None
) -> go.Figure:
    """One dot per rep: a predictor over the period before against an outcome in the period."""
    title = f"{x_label} before, {y_label} in the period"
    both = reps.dropna(subset=[x, y])
    if both.empty:
        return empty_figure(title, "No rep has both figures for this period")
    money = y.endswith("amount")
    unit = f" {text(currency or '')}" if money else ""
    both = both.assign(**{x: _shown(both[x])})
    fig = reps_as_dots(both, "rep", x, y, f"{text(x_label)}: %{{x:.1f}}",
                       f"{text(y_label)}: %{{y:,.0f}}{unit}", x_label=x_label, y_label=y_label)  # fmt: skip
    fig.update_xaxes(title=f"{x_label} over the period before")
    fig.update_yaxes(title=f"{y_label} in the period" + (f" ({text(currency or '')})" if money else ""),
                     rangemode="tozero")  # fmt: skip
    return _layout(fig, title)
