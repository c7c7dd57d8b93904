"""The checks a staged file must pass (errors) and the things worth saying (warnings).

Both only read: the tables they look at (``stage_rows``, ``duplicate_pairs``,
``zero_lines``) are made by the importer's stages beforehand (``importer.STAGES``)."""

from __future__ import annotations

from dashboard.errors import Problem
from dashboard.fields import FIELD_BY_NAME
from dashboard.ingest.hints import Hints
from dashboard.ingest.mapping import ColumnMapping
from dashboard.store import Cursor

PILLAR_SUM_TOLERANCE = 1.0
FIRST_READING_DAY = "2003-01-01"  # LinkedIn did not exist before; earlier dates are broken


def number_checks(columns: list[ColumnMapping]) -> tuple[str, dict[str, object]]:
    """One check per numeric column: readable as a number and within its range."""
    parts, params = [], {}
    for c in columns:
        spec = FIELD_BY_NAME.get(c.field or "")
        if spec is None or not spec.numeric:
            continue
        value = spec.name if spec.kind == "score" else f"m_{spec.name}"
        bounds = [f"{value} < {spec.low}"] + (
            [f"{value} > {spec.high}"] if spec.high is not None else []
        )
        # NaN is not a reading, whatever its place in DuckDB's ordering.
        bounds.append(f"isnan({value})")
        parts.append(
            f"select line, $h{c.index} as column_name, raw_{spec.name} as value, $e{c.index} as expected "  # noqa: S608 (column positions and field names only)
            f"from stage_rows where (raw_{spec.name} is not null and trim(raw_{spec.name}) <> '' "
            f"and {value} is null) or {' or '.join(bounds)}"
        )
        params[f"h{c.index}"] = c.header
        params[f"e{c.index}"] = spec.expected
    return " union all ".join(parts), params


def find_errors(
    cur: Cursor, columns: list[ColumnMapping], name: str, date_label: str, hints: Hints
) -> list[Problem]:
    header_of = {c.field: c.header for c in columns if c.field}
    problems: list[Problem] = []
    name_column = header_of.get("rep_name") or header_of.get("email") or "name"
    rows = cur.run("check_people_and_days", {
        "name_column": name_column, "day_column": header_of.get("day", "date"),
        "date_format_label": date_label, "person_hint": hints.person, "day_hint": hints.day,
        "first_day": FIRST_READING_DAY,
    }).fetchall()  # fmt: skip
    problems += [Problem(name, line, col, val, f"expected {exp}") for line, col, val, exp in rows]
    sql, params = number_checks(columns)
    if sql:
        rows = cur.execute(sql + " order by line", params).fetchall()
        problems += [
            Problem(name, line, col, val, f"expected {exp}") for line, col, val, exp in rows
        ]
    for first, second, key, day, identical in cur.run("list_duplicates").fetchall():
        if not identical:
            problems.append(Problem(name, second, None, None,
                f"a second, different row for {key} on {day} (first on line {first}); "
                "expected one row per person and day"))  # fmt: skip
    problems.sort(key=lambda p: p.line or 0)
    return problems


def find_warnings(cur: Cursor, name: str) -> list[Problem]:
    found = []
    for line, ssi, pillar_sum in cur.run(
        "pillar_sum_mismatch", {"tolerance": PILLAR_SUM_TOLERANCE}
    ).fetchall():
        found.append(Problem(name, line, None, f"{ssi:g}",
            f"SSI differs from the sum of the pillars ({pillar_sum:.2f}) by more than "
            f"{PILLAR_SUM_TOLERANCE:g}; stored as given"))  # fmt: skip
    for (line,) in cur.execute("select line from zero_lines order by line").fetchall():
        found.append(Problem(name, line, None, None,
            "every score is 0: a failed reading, skipped (not stored as a score of 0)"))  # fmt: skip
    for first, second, key, day, identical in cur.run("list_duplicates").fetchall():
        if identical:
            found.append(Problem(name, second, None, None,
                f"repeats line {first} for {key} on {day}; skipped"))  # fmt: skip
    found.sort(key=lambda p: p.line or 0)
    return found
