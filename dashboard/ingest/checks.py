"""The checks a staged file must pass (errors) and the things worth saying (warnings).

Both only read: the tables they look at (``stage_rows``, ``duplicate_pairs``,
``zero_lines``) are made by the importer's stages beforehand (``importer.STAGES``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NoReturn

from dashboard.errors import UNSHOWN_RANGES, ImportRejectedError, Problem
from dashboard.fields import FIELD_BY_NAME
from dashboard.ingest.hints import Hints
from dashboard.ingest.mapping import ColumnMapping
from dashboard.store import Cursor
from dashboard.store.sql import Fragment

PILLAR_SUM_TOLERANCE = 1.0
FIRST_READING_DAY = "2014-01-01"  # the SSI did not exist before; earlier dates are broken
# Readings from tomorrow are allowed by default: a file made in Sydney is a day ahead of UTC.
FUTURE_DAYS_ENV = "SSI_FUTURE_DAYS"
LONGEST_PERIOD_DAYS = 366  # usage reporting goes back two years; a row covers a year at most
LISTED_PER_KIND = 50  # a million bad rows are described by 50 of them and a count
# A person's name and team are shown on every page, export and message: bounded, and free
# of what a screen would not show as written (control characters, text-direction overrides
# that show a name reversed). RE2 syntax, for DuckDB.
LONGEST_NAME = 200
LONGEST_TEAM = 100
UNSHOWN_CHARACTERS = "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in UNSHOWN_RANGES) + "]"
# One @, something on each side, a dot in the domain, no spaces: what a mail server accepts
# in practice, not RFC 5322's every corner.
EMAIL_PATTERN = r"[^@\s<>\x00-\x1f\x7f]+@[^@\s<>\x00-\x1f\x7f]+\.[^@\s<>\x00-\x1f\x7f.]+"


def last_reading_day(today: date | None = None) -> date:
    """The latest date a reading may carry: today plus $SSI_FUTURE_DAYS (default 1)."""
    raw = os.environ.get(FUTURE_DAYS_ENV, "1")
    slack = int(raw) if raw.strip().lstrip("-").isdigit() else 1
    return (today or date.today()) + timedelta(days=slack)


def more_like(name: str, column: str | None, shown: int, total: int, what: str) -> Problem:
    """The line that stands for the rows of one kind that are not listed."""
    more = total - shown
    return Problem(name, None, column, None, f"{more:,} more row(s) like these: {what}", more)


def problems_of_kinds(name: str, rows: list) -> tuple[list[Problem], int]:
    """The problems a query listed, the first LISTED_PER_KIND of each kind (rows of line,
    column, value, what is expected, how many of that kind), with a line for the rest of
    each kind, and how many there are in all."""
    problems = [Problem(name, line, col, val, f"expected {exp}") for line, col, val, exp, _ in rows]
    total = 0
    for (col, exp), kind_total in {(r[1], r[3]): r[4] for r in rows}.items():
        total += kind_total
        if kind_total > LISTED_PER_KIND:
            problems.append(more_like(name, col, LISTED_PER_KIND, kind_total, f"expected {exp}"))
    return problems, total


def refuse_listed(
    name: str, rows: list, problems: list[Problem], column: str | None, what: str
) -> NoReturn:
    """Refuse the file with the problems of the rows a query listed (at most
    LISTED_PER_KIND), and a line counting the rest when its ``total`` says there are more."""
    if rows[0].total > len(rows):
        problems.append(more_like(name, column, len(rows), rows[0].total, what))
    raise ImportRejectedError(problems, total=rows[0].total)


def lines_text(lines: Iterable[int], count: int) -> str:
    """'line 3', 'lines 3 and 9', 'lines 3, 9 and 2,997 more'."""
    shown = list(lines)
    if count == 1:
        return f"line {shown[0]}"
    if count == len(shown):
        return f"lines {', '.join(map(str, shown[:-1]))} and {shown[-1]}"
    return f"lines {', '.join(map(str, shown))} and {count - len(shown):,} more"


def number_checks(
    cur: Cursor, columns: list[ColumnMapping], read_as_numbers: frozenset[int] = frozenset()
) -> tuple[list[Fragment], dict[str, object]]:
    """One check per numeric column: readable as a number and within its range. A column
    read as numbers has no text to quote: a check that fails on one is done again on the
    file read as text (importer.check_rows)."""
    checks: list[Fragment] = []
    params: dict[str, object] = {}
    for c in columns:
        spec = FIELD_BY_NAME.get(c.field or "")
        if spec is None or not spec.numeric:
            continue
        value = spec.name if spec.kind == "score" else f"m_{spec.name}"
        if c.index in read_as_numbers:
            checks.append(cur.fragment("number_check_of_numbers", i=c.index, value=value))
        else:
            checks.append(cur.fragment("number_check_of_text", i=c.index, raw=f"raw_{spec.name}",
                                       value=value))  # fmt: skip
        params |= {f"header_{c.index}": c.header, f"expected_{c.index}": spec.expected,
                   f"low_{c.index}": spec.low, f"high_{c.index}": spec.high}  # fmt: skip
    return checks, params


def find_errors(
    cur: Cursor, columns: list[ColumnMapping], name: str, date_label: str, hints: Hints,
    read_as_numbers: frozenset[int] = frozenset(),
) -> tuple[list[Problem], int]:  # fmt: skip
    """The file's errors, at most LISTED_PER_KIND of each kind, and how many there are."""
    header_of = {c.field: c.header for c in columns if c.field}
    problems: list[Problem] = []
    total = 0
    name_column = header_of.get("rep_name") or header_of.get("email") or "name"
    rows = cur.run("check_people_and_days", {
        "name_column": name_column, "day_column": header_of.get("day") or header_of.get("week", "date"),
        "date_format_label": date_label, "person_hint": hints.person, "day_hint": hints.day,
        "first_day": FIRST_READING_DAY, "last_day": last_reading_day().isoformat(),
        "listed": LISTED_PER_KIND, "end_column": header_of.get("period_end", "end date"),
        "longest_period": LONGEST_PERIOD_DAYS, "email_column": header_of.get("email", "e-mail"),
        "unshown_characters": UNSHOWN_CHARACTERS, "email_pattern": EMAIL_PATTERN,
        "longest_name": LONGEST_NAME, "longest_team": LONGEST_TEAM,
    }).fetchall()  # fmt: skip
    checks, params = number_checks(cur, columns, read_as_numbers)
    if checks:
        rows += cur.run_filled(
            "number_problems", params | {"listed": LISTED_PER_KIND}, checks=checks
        ).fetchall()
    counted: set[tuple[str, str]] = set()
    for line, col, val, exp, kind_total in sorted(rows, key=lambda r: r[0]):
        problems.append(Problem(name, line, col, val, f"expected {exp}"))
        if (col, exp) not in counted:
            counted.add((col, exp))
            total += kind_total
            if kind_total > LISTED_PER_KIND:
                more = more_like(name, col, LISTED_PER_KIND, kind_total, f"expected {exp}")
                problems.append(more)
    repeats = [r for r in cur.run("list_duplicates").fetchall() if not r[3]]
    for first, key, day, _, lines, count in repeats[:LISTED_PER_KIND]:
        problems.append(Problem(name, lines[0], None, None,
            f"{lines_text(lines, count)} {'is a' if count == 1 else 'are'} different "
            f"row{'' if count == 1 else 's'} for {key} on {day} than line {first}; "
            "expected one row per person and day", count))  # fmt: skip
    total += sum(r[5] for r in repeats)
    if len(repeats) > LISTED_PER_KIND:
        rest = sum(r[5] for r in repeats[LISTED_PER_KIND:])
        problems.append(more_like(name, None, 0, rest,
                                  "several different rows for one person and day"))  # fmt: skip
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return problems, total


def find_warnings(cur: Cursor, name: str) -> list[Problem]:
    """Worth saying but not wrong; at most LISTED_PER_KIND of each kind, and a count."""
    found: list[Problem] = []
    rows = cur.run("pillar_sum_mismatch",
                   {"tolerance": PILLAR_SUM_TOLERANCE, "listed": LISTED_PER_KIND}).fetchall()  # fmt: skip
    what = (f"SSI differs from the sum of the pillars by more than {PILLAR_SUM_TOLERANCE:g}; "
            "stored as given")  # fmt: skip
    for line, ssi, pillar_sum, _ in rows:
        found.append(Problem(name, line, None, f"{ssi:g}",
                             what.replace("pillars", f"pillars ({pillar_sum:.2f})", 1)))  # fmt: skip
    if rows and rows[0][3] > len(rows):
        found.append(more_like(name, None, len(rows), rows[0][3], what))
    rows = cur.run("list_zero_lines", {"listed": LISTED_PER_KIND}).fetchall()
    what = "every score is 0: a failed reading, skipped (not stored as a score of 0)"
    found += [Problem(name, line, None, None, what) for line, _ in rows]
    if rows and rows[0][1] > len(rows):
        found.append(more_like(name, None, len(rows), rows[0][1], what))
    repeats = [r for r in cur.run("list_duplicates").fetchall() if r[3]]
    for first, key, day, _, lines, count in repeats[:LISTED_PER_KIND]:
        found.append(Problem(name, lines[0], None, None,
            f"{lines_text(lines, count)} repeat{'s' if count == 1 else ''} line {first} "
            f"for {key} on {day}; skipped", count))  # fmt: skip
    if len(repeats) > LISTED_PER_KIND:
        rest = sum(r[5] for r in repeats[LISTED_PER_KIND:])
        found.append(more_like(name, None, 0, rest, "repeated rows, skipped"))
    found.sort(key=lambda p: (p.line is None, p.line or 0))
    return found
