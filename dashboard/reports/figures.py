"""A page's plotly figure drawn again with matplotlib, for a PDF made on a server with no
browser: the same traces, values, names, titles, axes, reference lines and marks as the
page, from the figure itself, so a chart cannot say one thing on the page and another in the
PDF.

Only what ``dashboard/web/charts.py`` draws is read: scatter lines and markers (and stacked
areas), bars, histograms, heatmaps with their text, polar outlines, the SSI gauge, shapes
(reference lines, event lines) and annotations. Names reach plotly escaped as HTML
(``charts.text``) and are unescaped here: matplotlib draws text as it is, and math in a
name (a ``$``) is never parsed.
"""

from __future__ import annotations

import html
import io
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

DASHES: dict[str, Any] = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-.",
                          "longdash": (0, (8, 3)), "longdashdot": (0, (8, 3, 2, 3))}  # fmt: skip
MARKERS = {"circle": "o", "star": "*", "triangle-down": "v", "square": "s", "diamond": "D"}
LEGEND_WRAP = 48  # characters of a legend entry per line: two columns fit a chart
PAGE_WIDTH_PX = 900  # the width a page's chart is laid out for; heights scale from it
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 10,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "legend.fontsize": 7,
    "legend.frameon": False,
    "text.parse_math": False,
}


def png(fig: go.Figure, width_in: float = 6.0, dpi: int = 170) -> bytes:
    """``fig`` drawn as a PNG ``width_in`` inches wide, as tall as the page draws it."""
    drawn = draw(fig, width_in)
    out = io.BytesIO()
    FigureCanvasAgg(drawn)
    drawn.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def draw(fig: go.Figure, width_in: float = 6.0) -> Figure:
    """``fig`` as a matplotlib figure (the tests read its artists back)."""
    layout = fig.layout
    height_in = width_in * (layout.height or 360) / PAGE_WIDTH_PX
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        out = Figure(figsize=(width_in, max(height_in, 1.6)), layout="constrained")
        kinds = {t.type for t in fig.data}
        if "indicator" in kinds:
            _gauge(out, fig.data[0])
        elif "scatterpolar" in kinds:
            _polar(out, fig)
        else:
            _cartesian(out, fig)
        title = _plain(layout.title.text)
        if title:
            out.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
    return out


def _plain(value: object) -> str:
    """A name or title as a person reads it: plotly's HTML escapes and line breaks undone."""
    if value is None:
        return ""
    return html.unescape(str(value).replace("<br>", "\n"))


def _values(values: Any) -> list:
    if values is None:
        return []
    if isinstance(values, pd.Series | pd.Index):
        return values.tolist()
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values)


def _dates(values: Iterable[Any]) -> list:
    """Plotly takes dates as text too; matplotlib needs them as dates."""
    out = []
    for v in values:
        if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
            out.append(pd.Timestamp(v).to_pydatetime())
        elif isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        else:
            out.append(v)
    return out


def _numbers(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(_values(values), dtype=object), errors="coerce").to_numpy(float)


def _line_style(trace: Any) -> dict[str, Any]:
    line = trace.line
    style: dict[str, Any] = {}
    if line is not None:
        if line.color:
            style["color"] = line.color
        if line.dash:
            style["linestyle"] = DASHES.get(line.dash, "-")
        if line.width is not None:
            style["linewidth"] = max(0.6, line.width * 0.6)
        if line.shape == "hv":
            style["drawstyle"] = "steps-post"
    return style


def _label(trace: Any) -> str | None:
    """The legend entry of a trace: matplotlib hides names starting with an underscore."""
    if trace.showlegend is False or not trace.name:
        return "_nolegend_"
    return _plain(trace.name)


def _subplot_axes(out: Figure, fig: go.Figure) -> dict[str, Axes]:
    """One matplotlib axes per plotly x axis (make_subplots' grid laid out in rows of two)."""
    names = sorted({t.xaxis or "x" for t in fig.data} or {"x"}, key=lambda a: int(a[1:] or 1))
    if len(names) == 1:
        return {names[0]: out.add_subplot(1, 1, 1)}
    rows = -(-len(names) // 2)
    return {name: out.add_subplot(rows, 2, i + 1) for i, name in enumerate(names)}


def _cartesian(out: Figure, fig: go.Figure) -> None:
    axes = _subplot_axes(out, fig)
    layout = fig.layout
    horizontal_bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    bars = [t for t in fig.data if t.type == "bar" and t.orientation != "h"]
    stacks: dict[tuple[str, str], np.ndarray] = {}
    for trace in fig.data:
        ax = axes[trace.xaxis or "x"]
        if trace.type == "scatter":
            _scatter(ax, trace, stacks)
        elif trace.type == "histogram":
            _histogram(ax, trace)
        elif trace.type == "heatmap":
            _heatmap(out, ax, trace)
    if horizontal_bars:
        _bars(axes["x"], horizontal_bars, layout.barmode, horizontal=True)
    if bars:
        _bars(axes["x"], bars, layout.barmode, horizontal=False)
    for name, ax in axes.items():
        _axes(ax, layout, name)
    for shape in layout.shapes or ():
        _shape(axes["x"], shape)
    subtitles = iter(a for a in layout.annotations or () if a.xref == "paper" and
                     a.yref == "paper" and a.showarrow is False and len(axes) > 1)  # fmt: skip
    for ax, note in zip(list(axes.values()) if len(axes) > 1 else [], subtitles, strict=False):
        ax.set_title(_plain(note.text), fontsize=8)
    for note in layout.annotations or ():
        if len(axes) == 1:
            _annotation(axes["x"], note)
    _legend(out, axes, fig)


def _scatter(ax: Axes, trace: Any, stacks: dict[tuple[str, str], np.ndarray]) -> None:
    x = _dates(_values(trace.x))
    y = _numbers(trace.y)
    if not len(x):
        return
    mode = trace.mode or "lines"
    style = _line_style(trace)
    label = _label(trace)
    if trace.stackgroup:
        key = (trace.xaxis or "x", trace.stackgroup)
        below = stacks.get(key, np.zeros(len(y)))
        if len(below) != len(y):
            below = np.zeros(len(y))
        above = below + np.nan_to_num(y)
        ax.fill_between(x, below, above, color=style.get("color"), alpha=0.75, linewidth=0,
                        label=label)  # fmt: skip
        stacks[key] = above
        return
    marker = trace.marker
    symbol = marker.symbol if marker is not None else None
    if isinstance(symbol, tuple | list):  # one symbol per point: drawn point by point
        line_style = {k: v for k, v in style.items() if k != "drawstyle"}
        ax.plot(x, y, label=label, **line_style)
        for xi, yi, si in zip(x, y, symbol, strict=False):
            ax.plot([xi], [yi], marker=MARKERS.get(si, "o"), color=style.get("color"),
                    markersize=5, linestyle="none")  # fmt: skip
        return
    kwargs: dict[str, Any] = dict(style)
    if "markers" in mode:
        kwargs["marker"] = MARKERS.get(symbol or "circle", "o")
        size = marker.size if marker is not None and marker.size is not None else 6
        kwargs["markersize"] = max(1.5, float(size) * 0.6)
        if marker is not None and isinstance(marker.color, str):
            kwargs.setdefault("color", marker.color)
    if "lines" not in mode:
        kwargs["linestyle"] = "none"
    ax.plot(x, y, label=label, clip_on=trace.cliponaxis is not False, **kwargs)


def _bars(ax: Axes, traces: Sequence[Any], barmode: str | None, horizontal: bool) -> None:
    categories = list(dict.fromkeys(
        _plain(c) for t in traces for c in _values(t.y if horizontal else t.x)
    ))  # fmt: skip
    where = {c: i for i, c in enumerate(categories)}
    stacked = barmode == "stack"
    grouped = len(traces) if barmode == "group" else 1
    width = 0.75 / grouped
    base = np.zeros(len(categories))
    for i, trace in enumerate(traces):
        names = [_plain(c) for c in _values(trace.y if horizontal else trace.x)]
        values = _numbers(trace.x if horizontal else trace.y)
        at = np.array([where[n] for n in names], dtype=float)
        if grouped > 1:
            at = at - 0.375 + width * (i + 0.5)
        color = trace.marker.color if trace.marker is not None else None
        colors = _values(color) if isinstance(color, tuple | list | np.ndarray) else color
        under = base[[where[n] for n in names]] if stacked else None
        if horizontal:
            drawn = ax.barh(at, np.nan_to_num(values), height=width, left=under, color=colors,
                            label=_label(trace))  # fmt: skip
        else:
            drawn = ax.bar(at, np.nan_to_num(values), width=width, bottom=under, color=colors,
                           label=_label(trace))  # fmt: skip
        if trace.text is not None and len(_values(trace.text)):
            ax.bar_label(drawn, labels=[_plain(t) for t in _values(trace.text)], fontsize=7)
        if stacked:
            for n, v in zip(names, values, strict=True):
                base[where[n]] += 0 if np.isnan(v) else v
    ticks = range(len(categories))
    if horizontal:
        ax.set_yticks(list(ticks), categories)
    else:
        ax.set_xticks(list(ticks), categories)
    ax.grid(axis="y" if horizontal else "x", visible=False)


def _histogram(ax: Axes, trace: Any) -> None:
    values = _numbers(trace.x)
    bins = trace.xbins
    step = bins.size if bins is not None and bins.size else None
    start = bins.start if bins is not None and bins.start is not None else 0
    edges: Any = np.arange(start, np.nanmax(values) + 2 * step, step) if step else "auto"
    ax.hist(values[~np.isnan(values)], bins=edges, color=trace.marker.color, label=_label(trace))


def _heatmap(out: Figure, ax: Axes, trace: Any) -> None:
    z = np.array(trace.z, dtype=float)
    scale = trace.colorscale or ((0, "#ffffff"), (1, "#000000"))
    cmap = LinearSegmentedColormap.from_list("steps", [(float(p), c) for p, c in scale])
    # Row 0 at the foot, as plotly lays a heatmap out (the page reverses it to the top).
    image = ax.imshow(z, cmap=cmap, vmin=trace.zmin, vmax=trace.zmax, aspect="auto",
                      interpolation="nearest", origin="lower")  # fmt: skip
    columns = [_plain(c) for c in _values(trace.x)]
    rows = [_plain(r) for r in _values(trace.y)]
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), rows)
    ax.xaxis.tick_top()
    ax.grid(False)
    if trace.text is not None:
        for r, line in enumerate(trace.text):
            for c, words in enumerate(line):
                if words:
                    ax.text(c, r, _plain(words), ha="center", va="center", fontsize=6)
    bar = out.colorbar(image, ax=ax, shrink=0.6)
    if trace.colorbar is not None and trace.colorbar.title is not None:
        bar.set_label(_plain(trace.colorbar.title.text))


def _polar(out: Figure, fig: go.Figure) -> None:
    ax = out.add_subplot(1, 1, 1, projection="polar")
    categories: list[str] = []
    for trace in fig.data:
        for c in _values(trace.theta):
            if _plain(c) not in categories:
                categories.append(_plain(c))
    # Clockwise from the top, as plotly draws them.
    angles = {c: (np.pi / 2 - 2 * np.pi * i / len(categories)) % (2 * np.pi)
              for i, c in enumerate(categories)}  # fmt: skip
    for trace in fig.data:
        theta = [angles[_plain(c)] for c in _values(trace.theta)]
        r = _numbers(trace.r)
        style = _line_style(trace)
        ax.plot(theta, r, label=_label(trace), **style)
        if trace.fill == "toself":
            ax.fill(theta, r, color=style.get("color"), alpha=(trace.opacity or 1) * 0.5)
    radial = fig.layout.polar.radialaxis
    if radial.range:
        ax.set_ylim(*radial.range)
    if radial.tickvals:
        ax.set_yticks(list(radial.tickvals))
    ax.set_xticks(list(angles.values()), list(angles))
    ax.set_rlabel_position(45)  # type: ignore[attr-defined]
    ax.tick_params(axis="y", labelsize=6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)


def _gauge(out: Figure, indicator: Any) -> None:
    """The dial as a band: the coloured steps, the value marked on them, the number and its
    change written above."""
    ax = out.add_subplot(1, 1, 1)
    for step in indicator.gauge.steps or ():
        low, high = step.range
        ax.barh(0, high - low, left=low, height=0.5, color=step.color)
    value = float(indicator.value)
    ax.plot([value, value], [-0.4, 0.4], color=indicator.gauge.bar.color or "#111", linewidth=3)
    axis = indicator.gauge.axis
    ax.set_xlim(*(axis.range or (0, 100)))
    if axis.tickvals:
        ax.set_xticks(list(axis.tickvals))
    ax.set_ylim(-1, 2.2)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    words = f"{value:.1f}"
    if "delta" in (indicator.mode or "") and indicator.delta.reference is not None:
        words += f"  ({value - float(indicator.delta.reference):+.1f})"
    ax.text(value, 0.9, words, ha="center", fontsize=16, fontweight="bold")
    ax.set_title(_plain(indicator.title.text), fontsize=9)


def _axes(ax: Axes, layout: Any, name: str) -> None:
    suffix = name[1:]
    x = layout[f"xaxis{suffix}"]
    y = layout[f"yaxis{suffix}"]
    for axis, setter_range, setter_label, invert in (
        (x, ax.set_xlim, ax.set_xlabel, ax.invert_xaxis),
        (y, ax.set_ylim, ax.set_ylabel, ax.invert_yaxis),
    ):
        if axis is None:
            continue
        if axis.visible is False:
            ax.set_axis_off()
            return
        if axis.range is not None:
            low, high = _dates(list(axis.range))
            setter_range(low, high)
        elif axis.rangemode == "tozero":
            setter_range(0, None)
        if axis.title is not None and axis.title.text:
            setter_label(_plain(axis.title.text))
        if axis.autorange == "reversed":
            invert()
    if isinstance(ax.xaxis.get_major_locator(), AutoDateLocator):  # a time axis
        locator = AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _shape(ax: Axes, shape: Any) -> None:
    if shape.type != "line":
        return
    style = {"color": shape.line.color or "#777", "linewidth": 0.9,
             "linestyle": DASHES.get(shape.line.dash or "solid", "-")}  # fmt: skip
    x_along = (shape.xref or "").endswith("domain") or shape.xref == "paper"
    y_along = (shape.yref or "").endswith("domain") or shape.yref == "paper"
    if x_along and not y_along:  # a horizontal reference line across the plot
        ax.axhline(float(shape.y0), **style)
    elif y_along and not x_along:  # a vertical line: a day, or a value on a bar axis
        at = _dates([shape.x0])[0]
        ax.axvline(at, **style)


def _annotation(ax: Axes, note: Any) -> None:
    words = _plain(note.text)
    if not words:
        return
    x_paper = note.xref in ("paper", "x domain")
    y_paper = note.yref in ("paper", "y domain")
    if x_paper and y_paper:
        ax.text(note.x if note.x is not None else 0.5, note.y if note.y is not None else 0.5,
                words, transform=ax.transAxes, ha="center", va="center", color="#666",
                fontsize=9)  # fmt: skip
        return
    x = _dates([note.x])[0] if not x_paper else None
    y = note.y
    if x_paper or x is None:  # a reference line's label: at its height, at the left
        ax.annotate(words, xy=(0.01, float(y or 0)), xycoords=("axes fraction", "data"),
                    fontsize=7, color="#444", va="bottom",
                    bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0, "pad": 1})  # fmt: skip
    elif y_paper or y is None:  # a vertical line's label: at its day, at the foot
        ax.annotate(words, xy=(x, 0.02), xycoords=("data", "axes fraction"), fontsize=7,
                    color="#444", bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0,
                                        "pad": 1})  # fmt: skip
    else:
        ax.annotate(words, xy=(x, float(y)), fontsize=7, color="#444")


def _legend(out: Figure, axes: dict[str, Axes], fig: go.Figure) -> None:
    handles, labels = [], []
    for ax in axes.values():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if len(labels) > 1 or (labels and fig.layout.showlegend):
        wrapped = [textwrap.fill(label, LEGEND_WRAP) for label in labels]
        out.legend(handles, wrapped, loc="outside lower center", ncol=min(len(labels), 2))


def as_day(value: object) -> date | None:
    """A chart's x value as a day (the tests compare the drawn points with the page's)."""
    if isinstance(value, np.datetime64 | pd.Timestamp):
        return pd.Timestamp(value).date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | np.floating):
        from matplotlib.dates import num2date

        return num2date(float(value)).date()
    return None
