"""Files with one metric per row ("date, metric, value"), turned into one row per reading.

Some trackers append a row per score they read (`data,metrica,valor` /
`2026-11-18,pontuacao_geral,38`). Such a file is recognised by its shape: a few columns, one
of which holds metric names we know (SSI, a pillar, an activity metric) and one a number.
It is widened to one row per person and day before staging, so every check that applies to
a wide file applies unchanged. Nothing is invented: a metric the file did not list for a
day stays empty, and two different values for one metric and day are an error.
"""

from __future__ import annotations

import pandas as pd

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import FIELD_BY_NAME, match_header, normalise_header
from dashboard.ingest.mapping import is_goal_file
from dashboard.ingest.source import Source

# A long file is narrow: key columns, a metric name and a value, and at most a few columns
# that describe each value (its section, unit, scale, source, a note, the value as shown).
MAX_LONG_COLUMNS = 12
MIN_KNOWN_SHARE = 0.8  # of the distinct metric names, this share must be ours
# The value columns, the number first: a tracker may keep the value as shown ("9,52 de 25")
# beside the number it read from it (9.52).
VALUE_HEADERS = [normalise_header(h) for h in ("numeric value", "value numeric", "valor numerico",
                                               "value", "valor", "valeur", "wert", "amount",
                                               "score", "points", "metric value")]  # fmt: skip
METRIC_HEADERS = {normalise_header(h) for h in ("metric", "metrica", "métrica", "measure",
                                                 "indicator", "indicador", "kpi", "name of metric",
                                                 "metric name", "type", "tipo", "campo", "field")}  # fmt: skip
# Columns that describe a value rather than say whose reading of which day it is: left out
# of the widened file (each metric row has its own, so they cannot key a reading).
DESCRIPTOR_HEADERS = {normalise_header(h) for h in (
    "section", "secao", "seção", "category", "categoria", "unit", "unidade", "scale", "escala",
    "note", "notes", "observacao", "observação", "comment", "comentario", "source", "fonte",
    "original value", "value as shown", "valor original", "raw value", "url", "link")}  # fmt: skip


def _cells(source, name: str) -> pd.DataFrame | None:
    """The source's body as text cells with a 'line' column, or None when unreadable here."""
    if source.frame is not None:
        return source.frame
    if source.csv_path is None:
        return None
    try:
        body = pd.read_csv(source.csv_path, sep=source.delimiter, header=None, dtype=str,
                           skiprows=source.header_line, keep_default_na=False,
                           names=[f"c{i}" for i in range(len(source.headers))])  # fmt: skip
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None  # the normal reader will report what is wrong, with its line
    body = body.replace({"": None})
    body.insert(0, "line", range(source.header_line + 1, source.header_line + 1 + len(body)))
    return body


def _metric_column(body: pd.DataFrame, headers: list[str]) -> int | None:
    """The column whose values are metric names we know (or whose header says so)."""
    for i, header in enumerate(headers):
        if match_header(header):
            continue  # a column we already read as a field is not the metric name
        values = body[f"c{i}"].dropna().unique()
        if len(values) < 2 and normalise_header(header) not in METRIC_HEADERS:
            continue
        known = [v for v in values if (f := match_header(v)) and FIELD_BY_NAME[f].numeric]
        if values.size and len(known) / len(values) >= MIN_KNOWN_SHARE:
            return i
    return None


def widen_long(source, name: str):
    """``source`` unchanged, or widened when it is a one-metric-per-row file."""
    if source.kind not in ("delimited", "xlsx") or not 2 <= len(source.headers) <= MAX_LONG_COLUMNS:
        return source
    if any((f := match_header(h)) and FIELD_BY_NAME[f].numeric for h in source.headers):
        return source  # it already has score or metric columns: a wide file
    if is_goal_file(source.headers):
        return source  # a goal per row, not a metric per row: the importer says where it goes
    body = _cells(source, name)
    if body is None or body.empty:
        return source
    metric = _metric_column(body, source.headers)
    if metric is None:
        return source
    others = [i for i in range(len(source.headers)) if i != metric]
    normalised = {i: normalise_header(source.headers[i]) for i in others}
    value_candidates = sorted((i for i in others if normalised[i] in VALUE_HEADERS),
                              key=lambda i: VALUE_HEADERS.index(normalised[i]))  # fmt: skip
    unmatched = [i for i in others if not match_header(source.headers[i])
                 and normalised[i] not in DESCRIPTOR_HEADERS]  # fmt: skip
    value = next(iter(value_candidates or unmatched), None)
    if value is None:
        return source
    described = [i for i in others if i != value and normalised[i] in DESCRIPTOR_HEADERS]
    keys = [i for i in others if i != value and i not in described]
    return _pivot(source, name, body, metric, value, keys, described)


def _pivot(source, name: str, body: pd.DataFrame, metric: int, value: int, keys: list[int],
           described: list[int] | None = None):  # fmt: skip
    m, v = f"c{metric}", f"c{value}"
    key_cols = [f"c{i}" for i in keys]
    rows = body.dropna(subset=[m]).copy()
    rows["field"] = rows[m].map(match_header)
    unknown = rows[rows["field"].isna()]
    rows = rows.dropna(subset=["field"])
    # Two different values for one metric of one reading: which is right is not ours to pick.
    grouped = rows.fillna({c: "" for c in key_cols}).groupby([*key_cols, "field"], sort=False)
    problems = []
    for _, group in grouped:
        if group[v].nunique(dropna=False) > 1:
            first, second = group["line"].iloc[0], group["line"].iloc[1]
            problems.append(Problem(name, int(second), source.headers[value], str(group[v].iloc[1]),
                f"a second, different value for '{group[m].iloc[0]}' of the same reading "
                f"(first on line {first}); expected one value per metric and reading"))  # fmt: skip
    if problems:
        raise ImportRejectedError(problems[:50], total=len(problems))
    filled = rows.fillna({c: "" for c in key_cols})
    wide = filled.pivot_table(index=key_cols, columns="field", values=v, aggfunc="first",
                              sort=False)  # fmt: skip
    lines = filled.groupby(key_cols, sort=False)["line"].min()
    wide = wide.reindex(lines.index).reset_index()
    fields = [c for c in wide.columns if c not in key_cols]
    headers = [source.headers[i] for i in keys] + fields
    frame = wide[key_cols + fields].replace({"": None})
    frame.columns = [f"c{i}" for i in range(len(headers))]
    frame.insert(0, "line", lines.to_numpy().astype("int64"))
    widened = Source("long", headers, source.header_line, encoding=source.encoding,
                     delimiter=source.delimiter, frame=frame, notes=list(source.notes),
                     cleanup=list(source.cleanup))  # fmt: skip
    widened.notes.append(
        f"one metric per row ('{source.headers[metric]}' names it, '{source.headers[value]}' "
        f"holds it): {len(rows)} row{'' if len(rows) == 1 else 's'} read as {len(frame)} "
        f"reading{'' if len(frame) == 1 else 's'}"
    )
    if not unknown.empty:
        names = ", ".join(sorted({str(x) for x in unknown[m]})[:10])
        widened.notes.append(f"metrics not recognised and left out: {names}")
    if described:
        widened.notes.append("columns that describe each value, left out: "
                             + ", ".join(f"'{source.headers[i]}'" for i in described))  # fmt: skip
    return widened
