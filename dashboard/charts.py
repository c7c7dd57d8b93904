"""Plotly figures. One colour per pillar everywhere; SSI axes 0-100, pillar axes 0-25."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.fields import PILLAR_SHORT, PILLARS

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PILLAR_COLORS = {"brand": "#0072B2", "people": "#009E73", "insights": "#E69F00",
                 "relationships": "#CC79A7"}  # fmt: skip
BAND_COLORS = {"very poor": "#D55E00", "low": "#E69F00", "above average": "#56B4E9",
               "top": "#009E73"}  # fmt: skip
BAND_ORDER = ["very poor", "low", "above average", "top"]
COMPANY_COLOR = "#555555"
PERSON_COLOR = "#1f2937"  # the person's own SSI: a neutral dark, never a pillar colour
# Teams and reps get colours from another family than the pillars (Paul Tol's muted set).
GROUP_PALETTE = ["#332288", "#88CCEE", "#999933", "#882255", "#DDCC77", "#117733", "#AA4499"]
SSI_RANGE = [0, 100]
PILLAR_RANGE = [0, 25]


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
        template="plotly_white",
    )
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#666"},
                       xref="paper", yref="paper", x=0.5, y=0.5)  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 240)


def ssi_gauge(ssi: float, band: str, change_7d: float | None) -> go.Figure:
    steps = [(0, 30, "very poor"), (30, 51, "low"), (51, 75, "above average"), (75, 100, "top")]
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number+delta" if change_7d is not None else "gauge+number",
            value=ssi,
            number={"valueformat": ".1f"},
            delta={"reference": ssi - (change_7d or 0), "valueformat": "+.1f"},
            gauge={
                "axis": {"range": SSI_RANGE, "tickvals": [0, 30, 51, 75, 100]},
                "bar": {"color": "#1f2937", "thickness": 0.25},
                "steps": [{"range": [a, b], "color": BAND_COLORS[name]} for a, b, name in steps],
            },
            title={"text": f"SSI: {band}"},
        )
    )
    fig = _layout(fig, "", 270)
    fig.update_layout(margin={"l": 30, "r": 30, "t": 40, "b": 10})  # room for the 0 and 100 ticks
    return fig


def pillar_comparison(rows: dict[str, dict[str, float | None]]) -> go.Figure:
    """Grouped bars: each pillar (0-25) for you, team, company, and the other groups given."""
    fig = go.Figure()
    # The person's own bars wear the pillar colours; the groups beside them are greys.
    shades = ["#4b5563", "#9ca3af", "#d1d5db", "#e5e7eb"]
    for i, (who, values) in enumerate(rows.items()):
        color = [PILLAR_COLORS[p] for p in PILLARS] if i == 0 else shades[(i - 1) % len(shades)]
        fig.add_bar(name=who, x=[PILLAR_SHORT[p] for p in PILLARS],
                    y=[values.get(p) for p in PILLARS], marker_color=color,
                    marker_line={"color": "#111", "width": 1 if i == 0 else 0},
                    hovertemplate="%{x}: %{y:.1f}<extra>" + who + "</extra>")  # fmt: skip
    fig.add_hline(y=15, line_dash="dash", line_color="#b91c1c", annotation_text="balance line 15")
    fig.update_yaxes(range=PILLAR_RANGE, title="points (0-25)")
    fig.update_layout(barmode="group")
    return _layout(fig, "Pillars against your team and the company")


def ssi_comparison(values: dict[str, float | None]) -> go.Figure:
    shown = {k: v for k, v in values.items() if v is not None and not pd.isna(v)}
    colors = [PERSON_COLOR] + ["#9ca3af"] * (len(shown) - 1)
    fig = go.Figure(go.Bar(x=list(shown), y=list(shown.values()), marker_color=colors,
                           text=[f"{v:.1f}" for v in shown.values()], textposition="outside"))  # fmt: skip
    fig.update_yaxes(range=SSI_RANGE, title="SSI (0-100)")
    return _layout(fig, "SSI against your groups", 300)


def pillar_radar(series: dict[str, dict[str, float]]) -> go.Figure:
    fig = go.Figure()
    labels = [PILLAR_SHORT[p] for p in PILLARS]
    teams = [name for name in series if name != "Company"]
    for color, name in zip(GROUP_PALETTE, teams, strict=False):
        r = [series[name][p] for p in PILLARS]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=labels + labels[:1], name=name,
                                      line_color=color, fill="toself", opacity=0.45))  # fmt: skip
    if "Company" in series:
        r = [series["Company"][p] for p in PILLARS]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=labels + labels[:1], name="Company",
                                      line={"color": COMPANY_COLOR, "dash": "dash", "width": 2}))  # fmt: skip
    fig.update_layout(polar={"radialaxis": {"range": PILLAR_RANGE, "tickvals": [0, 5, 10, 15, 20, 25],
                                            "angle": 45, "tickangle": 45}})  # fmt: skip
    fig = _layout(fig, "Pillar balance: average pillar (0-25)", 420)
    fig.update_layout(margin={"l": 60, "r": 60, "t": 60, "b": 40})
    return fig


def pillar_stacks(board: pd.DataFrame) -> go.Figure:
    """A bar per rep, stacked by pillar; the dotted line is 4 x 15 = 60, every pillar balanced."""
    if board.empty:
        return empty_figure("Pillars per rep", "No readings for this selection")
    fig = go.Figure()
    for p in PILLARS:
        fig.add_bar(name=PILLAR_SHORT[p], x=board["rep"], y=board[p], marker_color=PILLAR_COLORS[p],
                    hovertemplate="%{x}<br>" + PILLAR_SHORT[p] + ": %{y:.1f}<extra></extra>")  # fmt: skip
    if len(board) < 6:  # a few reps: keep bars bar-shaped instead of filling the width
        fig.update_traces(width=0.35)
    fig.add_hline(y=60, line_dash="dot", line_color="#111", annotation_text="all pillars at 15",
                  annotation_position="top right", annotation_bgcolor="rgba(255,255,255,0.85)")  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(range=SSI_RANGE, title="SSI (0-100)")
    fig.update_xaxes(tickangle=-45, automargin=True)
    fig = _layout(fig, "Pillars per rep (stacked)", 460)
    fig.update_layout(legend={"y": 1.08, "yanchor": "bottom", "x": 1, "xanchor": "right"})
    return fig


def pillar_heatmap(board: pd.DataFrame) -> go.Figure:
    if board.empty:
        return empty_figure("Rep by pillar", "No readings for this selection")
    z = board[list(PILLARS)].to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=[PILLAR_SHORT[p] for p in PILLARS], y=board["rep"], zmin=0, zmax=25,
        colorscale=[[0, "#D55E00"], [0.4, "#F0E442"], [0.6, "#b7e4c7"], [1, "#009E73"]],
        text=[[f"{v:.1f}" for v in row] for row in z], texttemplate="%{text}",
        colorbar={"title": "0-25"},
    ))  # fmt: skip
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(
        fig, "Rep by pillar (red under 10, green from 15)", max(300, 28 * len(board) + 90)
    )


def team_trend(averages: pd.DataFrame, groups: list[str], measure: str = "ssi") -> go.Figure:
    """Average SSI (or one pillar) over time per group, the company dashed for reference."""
    if averages.empty:
        return empty_figure("Average SSI over time", "No readings in this period")
    fig = go.Figure()
    for color, group in zip(GROUP_PALETTE, groups, strict=False):
        part = averages[averages["team"] == group]
        fig.add_scatter(x=part["day"], y=part[measure], name=group, mode="lines", line_color=color)
    company = averages[averages["team"] == "Company"]
    fig.add_scatter(x=company["day"], y=company[measure], name="Company", mode="lines",
                    line={"color": COMPANY_COLOR, "dash": "dash"})  # fmt: skip
    is_ssi = measure == "ssi"
    fig.update_yaxes(range=SSI_RANGE if is_ssi else PILLAR_RANGE,
                     title="SSI (0-100)" if is_ssi else "points (0-25)")  # fmt: skip
    title = "Average SSI over time" if is_ssi else f"Average {PILLAR_SHORT[measure]} over time"
    return _layout(fig, title)


def pillar_trends(averages: pd.DataFrame, group: str) -> go.Figure:
    """Each pillar's average for one group (solid) and the company (dotted), 0-25."""
    if averages.empty:
        return empty_figure("Pillars over time", "No readings in this period")
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
    fig.add_hline(y=15, line_dash="dash", line_color="#999")
    fig.update_yaxes(range=PILLAR_RANGE, title="points (0-25)")
    return _layout(fig, f"Pillars over time: {group} (dotted: company)")


def band_areas(bands: pd.DataFrame, group: str) -> go.Figure:
    if bands.empty:
        return empty_figure("Bands over time", "No readings in this period")
    fig = go.Figure()
    for band in BAND_ORDER:
        part = bands[bands["band"] == band]
        fig.add_scatter(x=part["day"], y=part["share"] * 100, name=band, mode="lines",
                        stackgroup="bands", line_color=BAND_COLORS[band],
                        hovertemplate="%{x|%d %b %Y}: %{y:.0f}%<extra>" + band + "</extra>")  # fmt: skip
    fig.update_yaxes(range=[0, 100], title="% of reps")
    return _layout(fig, f"Band distribution over time: {group}")


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
    return _layout(fig, title)


def reps_trend(histories: dict[str, pd.DataFrame]) -> go.Figure:
    if not histories:
        return empty_figure("Chosen reps over time", "Choose reps above to compare their SSI")
    fig = go.Figure()
    for color, (name, hist) in zip(GROUP_PALETTE, histories.items(), strict=False):
        fig.add_scatter(
            x=hist["day"], y=hist["rolling_avg"], mode="lines", name=name, line_color=color
        )
    fig.update_yaxes(range=SSI_RANGE, title="SSI, 7-day average (0-100)")
    return _layout(fig, "Chosen reps over time")


def team_bars(comparison: pd.DataFrame) -> go.Figure:
    """Horizontal stacked bars, so team names are read in full."""
    fig = go.Figure()
    for p in PILLARS:
        fig.add_bar(name=PILLAR_SHORT[p], y=comparison["team"], x=comparison[p], orientation="h",
                    marker_color=PILLAR_COLORS[p],
                    hovertemplate="%{y}<br>" + PILLAR_SHORT[p] + ": %{x:.1f}<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=SSI_RANGE, title="average SSI (0-100)")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig = _layout(fig, "Teams compared: average pillars, stacked", 140 + 45 * len(comparison))
    fig.update_layout(legend={"y": -0.35})
    return fig
