"""A goal file: one goal per row (metric, target, from, by, and a team or a rep's e-mail),
read and checked whole before anything is written (actions/goals.py writes it).

CSV (any delimiter and encoding the readers take) or XLSX. Headers are matched loosely, as
for SSI files; other columns are ignored and said so. Every cell that cannot be a goal is
named with its line, column, value and what was expected.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dashboard.errors import MAX_LISTED_ERRORS, ImportRejectedError, Problem
from dashboard.fields import PILLARS, normalise_header
from dashboard.ingest.mapping import GOAL_COLUMNS, REQUIRED_GOAL_COLUMNS
from dashboard.ingest.sources import read_bounded, read_delimited, read_xlsx

MAX_GOALS = 10_000  # a whole sales org's goals for a year fit many times over
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TEMPLATE = (
    "metric,target,from,by,team,rep\n"
    "ssi,70,2027-01-01,2027-03-31,,\n"
    "people,15,2027-01-01,2027-03-31,East,\n"
    "inmails_sent,20,2027-01-01,2027-03-31,,ann.lee@example.com\n"
)


@dataclass(frozen=True)
class GoalRow:
    """One checked row of a goal file."""

    line: int
    metric: str
    target: float
    start_day: date
    due_day: date
    team: str | None
    rep_id: int | None


@dataclass
class GoalFileRules:
    """What a goal file is checked against: the store's metrics (key -> label), teams and
    reps (e-mail -> id and current team), the range of each metric, and whether the person
    importing may set a goal for a scope (``may_set(team, rep_team, company)``)."""

    metrics: dict[str, str]
    teams: set[str]
    reps: dict[str, tuple[int, str | None]]
    ranges: dict[str, tuple[float, float | None]]
    may_set: Callable[[str | None, str | None, bool], bool]
    today: date = field(default_factory=date.today)


def read_goal_file(
    path: Path, name: str, rules: GoalFileRules, data: bytes | None = None
) -> tuple[list[GoalRow], list[str]]:
    """The file's goals and notes; any error rejects the whole file, naming every cell.
    ``data``: the file's bytes when the caller has read them already."""
    data = read_bounded(path, name) if data is None else data
    headers, rows = _cells(path, name, data)
    columns, notes = _match_headers(headers, name)
    problems: list[Problem] = []
    goals = []
    if len(rows) > MAX_GOALS:
        raise ImportRejectedError([Problem(name, None, None, f"{len(rows):,} rows",
                                           f"expected at most {MAX_GOALS:,} goals in one file")])  # fmt: skip
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        found = _goal(name, line, {k: _cell(cells, i) for k, i in columns.items()},
                      {k: headers[i] for k, i in columns.items()}, rules, problems)  # fmt: skip
        if found is not None:
            goals.append(found)
    if problems:
        raise ImportRejectedError(problems[:MAX_LISTED_ERRORS], total=len(problems))
    if not goals:
        raise ImportRejectedError([Problem(name, None, None, None,
                                           "has no goal rows; expected one goal per row under the header")])  # fmt: skip
    return goals, notes


def _cells(path: Path, name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every row with the line (or sheet row) it starts on."""
    if data.startswith(b"PK"):
        source = read_xlsx(path, name)
        assert source.frame is not None
        frame = source.frame.fillna("")
        first = source.header_line + 1
        return source.headers, [(first + i, [str(v) for v in row])
                                for i, row in enumerate(frame.itertuples(index=False))]  # fmt: skip
    source = read_delimited(path, name, data)
    try:
        assert source.csv_path is not None
        text = source.csv_path.read_text(encoding="utf-8")
    finally:
        source.close()
    reader = csv.reader(io.StringIO(text), delimiter=source.delimiter)
    rows, header = [], None
    start = 1
    for cells in reader:
        if header is None:
            if reader.line_num >= source.header_line:
                header = cells
        else:
            rows.append((start, cells))
        start = reader.line_num + 1
    return header or source.headers, rows


def _match_headers(headers: list[str], name: str) -> tuple[dict[str, int], list[str]]:
    by_header = {normalise_header(s): column for column, names in GOAL_COLUMNS.items()
                 for s in names}  # fmt: skip
    columns: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        column = by_header.get(normalise_header(header))
        if column is None or column in columns:
            ignored.append(header)
        else:
            columns[column] = i
    missing = [c for c in REQUIRED_GOAL_COLUMNS if c not in columns]
    if missing:
        raise ImportRejectedError([Problem(name, None, c, None,
            f"no column for '{c}'; expected the columns metric, target, from, by, team, rep "
            "(download the template)") for c in missing])  # fmt: skip
    notes = [f"ignored column(s): {', '.join(repr(h) for h in ignored[:20])}"] if ignored else []
    return columns, notes


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _goal(
    name: str, line: int, cell: dict[str, str], header: dict[str, str], rules: GoalFileRules,
    problems: list[Problem],
) -> GoalRow | None:  # fmt: skip
    before = len(problems)

    def bad(column: str, expected: str) -> None:
        problems.append(Problem(name, line, header.get(column, column), cell.get(column),
                                f"expected {expected}"))  # fmt: skip

    metric = _metric(cell["metric"], rules.metrics)
    if metric is None:
        bad("metric", "one of " + ", ".join(rules.metrics))
    target = _number(cell["target"])
    if target is None:
        bad("target", "a number")
    elif metric is not None:
        low, high = rules.ranges.get(metric, (0.0, None))
        if target < low or (high is not None and target > high):
            bad(
                "target",
                f"a number from {low:g}" + (f" to {high:g}" if high is not None else " up"),
            )
    start = _day(cell.get("from", "")) if cell.get("from") else rules.today
    if start is None:
        bad("from", "a date written YYYY-MM-DD (or empty: the day of the import)")
    due = _day(cell["by"])
    if due is None:
        bad("by", "a date written YYYY-MM-DD")
    elif start is not None and due <= start:
        bad("by", f"a date after the goal's start ({start.isoformat()})")
    team = cell.get("team") or None
    email = (cell.get("rep") or "").lower() or None
    if team is not None and email is not None:
        bad("rep", "a rep or a team, not both (a rep's goal is theirs, in their current team)")
    elif team is not None and team not in rules.teams:
        bad("team", "a team the store knows")
    rep_id, rep_team = None, None
    if email is not None and team is None:
        if email not in rules.reps:
            bad("rep", "the e-mail of a rep the store knows")
        else:
            rep_id, rep_team = rules.reps[email]
            if metric == "balanced_share":
                bad("metric", "a rep's own metric (the share of balanced reps is a team's)")
    if len(problems) == before and not rules.may_set(
        team, rep_team, team is None and email is None
    ):
        column = "rep" if email else "team"
        problems.append(Problem(name, line, header.get(column, column), team or email or "(company)",
                                "expected a scope you may set goals for (a manager: their own teams and their reps)"))  # fmt: skip
    if len(problems) > before:
        return None
    assert metric is not None and target is not None and start is not None and due is not None
    return GoalRow(line, metric, target, start, due, team, rep_id)


def _metric(text: str, metrics: dict[str, str]) -> str | None:
    wanted = normalise_header(text)
    for key, label in metrics.items():
        if wanted in (normalise_header(key), normalise_header(label),
                      normalise_header(label.removesuffix(" per week"))):  # fmt: skip
            return key
    return None


def _number(text: str) -> float | None:
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _day(text: str) -> date | None:
    if not ISO_DAY.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def metric_ranges(activity: list[str]) -> dict[str, tuple[float, float | None]]:
    """The targets a metric can have: SSI 0-100, a pillar 0-25, a share 0-100, activity 0 up."""
    return {"ssi": (0.0, 100.0), **dict.fromkeys(PILLARS, (0.0, 25.0)),
            "balanced_share": (0.0, 100.0), **dict.fromkeys(activity, (0.0, None))}  # fmt: skip
