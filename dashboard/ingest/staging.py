"""Staging a file in DuckDB: its cells as text with line numbers, then typed columns.

Every statement is a block of queries/ (ingest.sql, staging.sql); which cells a file has is
said by filling their slots with column positions, our own field names and fragments of
other blocks. Every value from the file stays data.
"""

from __future__ import annotations

import csv
import re

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import COACH_LEVELS, FIELD_BY_NAME, METRIC_FIELDS, SCORE_FIELDS
from dashboard.ingest.dates import candidate_formats, checked_format, choose_format
from dashboard.ingest.mapping import ColumnMapping
from dashboard.ingest.source import Source
from dashboard.ingest.sources import LONGEST_LINE_BYTES
from dashboard.store import Cursor
from dashboard.store.sql import Fragment


def stage_file(
    cur: Cursor, source: Source, name: str, numeric: frozenset[int] = frozenset()
) -> frozenset[int]:
    """-> stage_raw. The columns at the positions in ``numeric`` are read as numbers when
    every one of their cells is a plain number and the file reads cleanly; the positions
    read so are returned (none: every cell is text, c<position>)."""
    if source.kind != "delimited":
        cur.register("stage_frame_df", source.frame)
        cur.run("stage_frame")
        return frozenset()
    params = {"path": str(source.csv_path), "delim": source.delimiter,
              "header_line": source.header_line, "longest_line": LONGEST_LINE_BYTES}  # fmt: skip
    # ";" files write 20,5; rows are counted from the bytes only in plain UTF-8 text.
    typed = numeric if source.delimiter != ";" and source.rows is not None else frozenset()
    if typed:
        columns = {(f"n{i}" if i in typed else f"c{i}"): ("DOUBLE" if i in typed else "VARCHAR")
                   for i in range(len(source.headers))}  # fmt: skip
        failure = cur.reading_file("stage_csv_typed", params | {"columns": columns})
        if failure:  # not a row it skips: the file cannot be read at all
            raise ImportRejectedError([csv_problem(failure, name, len(columns), source.delimiter)])
        if cur.run("count_staged_rows").fetchone()[0] == source.rows:
            number_lines(cur, source.header_line, has_quotes=False)
            return typed
    columns = {f"c{i}": "VARCHAR" for i in range(len(source.headers))}
    failure = cur.reading_file("stage_csv", params | {"columns": columns})
    if failure:
        raise ImportRejectedError([csv_problem(failure, name, len(columns), source.delimiter)])
    number_lines(cur, source.header_line, source.has_quotes)
    return frozenset()


def number_lines(cur: Cursor, header_line: int, has_quotes: bool = True) -> None:
    """-> stage_raw: the cells with the line each row starts on. Counting the line breaks
    inside cells takes a sort of every row (1.3 s of a 1.5-million-row file), so it is only
    done when some cell holds one; otherwise a row's line follows from its position. Only
    a quoted cell can hold a break: a file without quotes is not searched for them."""
    if has_quotes:
        with_breaks, first_rowid = cur.run("cells_with_line_breaks").fetchone()
    else:
        with_breaks, first_rowid = 0, cur.run("first_staged_rowid").fetchone()[0]
    if with_breaks:
        cur.run("stage_lines_counting_breaks",
                {"header_line": header_line, "first_rowid": first_rowid})  # fmt: skip
        return
    # The first data row is on the line after the header.
    offset = int(header_line) + 1 - int(first_rowid or 0)
    cur.run_filled("stage_lines", line_offset=offset)


def csv_problem(message: str, name: str, expected_columns: int, delimiter: str = ",") -> Problem:
    line = re.search(r"on Line: (\d+)", message)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    original = re.search(r"Original Line:[ \t]*\n?(.*)\n", message)
    text = original.group(1)[:120] if original else None
    if found:
        # The reader stops counting one cell past the header's; the line itself says how many.
        cells = (
            len(next(csv.reader([original.group(1)], delimiter=delimiter), [])) if original else 0
        )
        what = f"expected {found.group(1)} cells like the header, found {max(cells, int(found.group(2))):,}"
    elif "unterminated quote" in message:
        what = 'a quoted cell is not closed: expected a second " before the end of the file'
    else:
        what = f"could not be read as delimited text ({message.splitlines()[0]})"
    return Problem(name, int(line.group(1)) if line else None, None, text, what)


# The cells that name a person and their team, trimmed and matched once per distinct value.
PERSON_FIELDS = ("rep_name", "first_name", "last_name", "email", "team")
# The date columns: written alike (one format), their distinct cells parsed once.
DATE_FIELDS = ("day", "week", "period_end")


# A lookup (the distinct people, the distinct date cells) is joined back to the rows when
# the file has at least this many rows per value: a file of millions of rows names a few
# thousand people on a few hundred days. A file naming about as many people as it has
# rows reads each row's cells in place: joining a million people to a million rows took
# more time and memory than reading them per row (bench/test_import_speed.py).
ROWS_PER_LOOKUP_VALUE = 4


def lookups_to_join(cur: Cursor, columns: list[ColumnMapping], rows: int) -> frozenset[str]:
    """Which of 'people' and 'dates' typed_projection joins back rather than reads per row.
    The people are counted by estimate (HyperLogLog: no table of a million of them is made
    to learn that there are a million); the date cells exactly (choose_dates made their
    table, stage_date_cells)."""
    found = set()
    cells = [f"c{c.index}" for c in columns if c.field in PERSON_FIELDS]
    people = cur.run_filled("people_counted", cells=cells).fetchone()[0] if cells else 1
    if people * ROWS_PER_LOOKUP_VALUE <= rows:
        found.add("people")
    if any(c.field in DATE_FIELDS for c in columns):
        dates = cur.run("date_cells_counted").fetchone()[0]
        if dates * ROWS_PER_LOOKUP_VALUE <= rows:
            found.add("dates")
    return frozenset(found)


def project_typed(
    cur: Cursor, columns: list[ColumnMapping], date_format: str, params: dict[str, object],
    read_as_numbers: frozenset[int] = frozenset(), lookups: frozenset[str] = frozenset(),
) -> None:  # fmt: skip
    """-> stage_present, stage_people, stage_rows: stage_raw's text cells as typed columns
    (those at ``read_as_numbers`` are numbers already: n<position>). ``params``: the person
    and team given, the decimal comma, the default day.

    ``lookups`` names what is read once per distinct value and joined back to the rows
    rather than read in every row: 'people' (stage_people_cells: their cells trimmed and
    lower-cased) and 'dates' (stage_dates: parsed); faster for a file of many rows per
    value (bench/test_import_speed.py)."""
    col = {c.field: f"n{c.index}" if c.index in read_as_numbers else f"c{c.index}"
           for c in columns if c.field}  # fmt: skip
    typed = {c.field for c in columns if c.field and c.index in read_as_numbers}
    joins: list[Fragment] = []
    if "people" in lookups:
        joins.append(_people_cells(cur, col, params))
        out = [cur.fragment("column_as", column="s.line", alias="line")]
        out += [cur.fragment("column_as", column=f"p.{c}", alias=c)
                for c in ("rep_name", "email", "team", "rep_key")]  # fmt: skip
    else:  # unqualified cells are stage_raw's: no other table of the join has a c<position>
        out = [cur.fragment("column_as", column="s.line", alias="line"), _person_columns(cur, col)]
    dates, date_joins = _date_columns(cur, col, checked_format(date_format), "dates" in lookups)
    seat = (cur.fragment("column_as", column=f"s.{col['seat_id']}", alias="seat_id")
            if "seat_id" in col else cur.fragment("text_absent", alias="seat_id"))  # fmt: skip
    values, absent = _value_columns(cur, col, typed)
    cur.run_filled("stage_present", params, columns=[*out, *dates, seat, *values],
                   joins=joins + date_joins)  # fmt: skip
    cur.run_filled("stage_people_view",
                   source="stage_people_cells" if "people" in lookups else "stage_present")  # fmt: skip
    if absent:
        cur.run_filled("stage_rows_with_absent", absent=absent)
    else:
        cur.run("stage_rows_as_present")


def _date_columns(
    cur: Cursor, col: dict[str, str], fmt: str, looked_up: bool
) -> tuple[list[Fragment], list[Fragment]]:
    """day_raw, day, period_end_raw and period_end, and the joins to stage_dates when the
    dates are parsed once per distinct cell (``looked_up``: choose_dates made
    stage_date_cells)."""
    joins: list[Fragment] = []
    dated = sorted({col[f] for f in DATE_FIELDS if f in col})
    if looked_up and dated:
        cur.run_filled("stage_dates", format=fmt)
        joins = [cur.fragment("dates_joined", alias=f"d{c}", cell=c) for c in dated]

    def parsed(c: str) -> Fragment:
        if looked_up:
            return cur.fragment("column_of", column=f"d{c}.parsed")
        return cur.fragment("date_parsed", cell=c, format=fmt)

    out: list[Fragment] = []
    start = col.get("day") or col.get("week")  # a weekly file's week is its period's start
    if start:
        out.append(cur.fragment("column_as", column=f"s.{start}", alias="day_raw"))
        out.append(cur.fragment("day_of_cell", cell=start, parsed=parsed(start)))
    else:
        out += [cur.fragment("text_absent", alias="day_raw"), cur.fragment("day_given")]
    if "period_end" in col:
        out.append(cur.fragment("trimmed_text_as", cell=col["period_end"], alias="period_end_raw"))
        out.append(cur.fragment("fragment_as", value=parsed(col["period_end"]), alias="period_end"))
    elif "week" in col and "day" not in col:
        out += [cur.fragment("text_absent", alias="period_end_raw"), cur.fragment("end_of_week")]
    else:
        out += [cur.fragment("text_absent", alias="period_end_raw"),
                cur.fragment("date_absent", alias="period_end")]  # fmt: skip
    return out, joins


def _value_columns(
    cur: Cursor, col: dict[str, str], typed: set[str]
) -> tuple[list[Fragment], list[Fragment]]:
    """The scores and metrics the file has, as numbers (with their text, raw_<field>, for
    the checks), and any_metric; and the absent scores, added as NULL by stage_rows.

    The metrics the file has no column for are left out: the queries take the metrics as
    columns('^m_'), and every one more is a column of stage_resolved and a row per line
    that activity_changes unpivots and throws away (21 where a usual export has two). A
    file with none keeps one, as NULL, so that columns('^m_') always names a column."""
    present = tuple(f for f in METRIC_FIELDS if f in col)
    out: list[Fragment] = []
    absent: list[Fragment] = []
    for field_name in SCORE_FIELDS + (present or METRIC_FIELDS[:1]):
        alias = field_name if field_name in SCORE_FIELDS else f"m_{field_name}"
        if field_name in typed:  # read as a number; the checks need no text of it
            out.append(cur.fragment("column_as", column=f"s.{col[field_name]}", alias=alias))
        elif field_name in col:
            cell = col[field_name]
            out.append(cur.fragment("column_as", column=f"s.{cell}", alias=f"raw_{field_name}"))
            number = _number(cur, field_name, cell)
            out.append(cur.fragment("fragment_as", value=number, alias=alias))
        else:
            absent += [cur.fragment("text_absent", alias=f"raw_{field_name}"),
                       cur.fragment("number_absent", alias=alias)]  # fmt: skip
    given = [cur.fragment("is_given", column=f"m_{m}") for m in present]
    out.append(cur.fragment("any_metric", present=given) if given else cur.fragment("no_metric"))
    return out, absent


def _people_cells(cur: Cursor, col: dict[str, str], params: dict[str, object]) -> Fragment:
    """-> stage_people_cells: the file's distinct person cells (name, e-mail, team), each
    read once; returns the join of stage_raw (s) to it (p). A file naming no one has one
    row: the person and team given with the upload."""
    cells = [col[f] for f in PERSON_FIELDS if f in col]
    person = _person_columns(cur, col)
    if not cells:
        cur.run_filled("stage_people_cells_given", params, person=person)
        return cur.fragment("people_given_joined")
    cur.run_filled("stage_people_cells", params, cells=cells, person=person)
    return cur.fragment("people_joined", same=[cur.fragment("same_cell", cell=c) for c in cells])


def _person_columns(cur: Cursor, col: dict[str, str]) -> Fragment:
    """rep_name, email, team and rep_key from the raw cells (queries/staging.sql)."""
    if "rep_name" in col:
        name = cur.fragment("name_of_cell", cell=col["rep_name"])
    elif "first_name" in col or "last_name" in col:
        parts = [
            cur.fragment("trimmed", cell=col[f]) for f in ("first_name", "last_name") if f in col
        ]
        name = cur.fragment("name_of_parts", parts=parts)
    else:
        name = cur.fragment("no_name")
    email = (cur.fragment("email_of_cell", cell=col["email"]) if "email" in col
             else cur.fragment("no_email"))  # fmt: skip
    team = (cur.fragment("team_of_cell", cell=col["team"]) if "team" in col
            else cur.fragment("team_given"))  # fmt: skip
    return cur.fragment("person_columns", email=email, name=name, team=team)


def numbers_readable_as_numbers(columns: list[ColumnMapping]) -> frozenset[int]:
    """Positions of the numeric columns the CSV reader may read as numbers: every one whose
    cells ``_number`` reads as plain numbers, so not coach levels (words as well)."""
    return frozenset(c.index for c in columns if c.field and FIELD_BY_NAME[c.field].numeric
                     and c.field != "coach_level")  # fmt: skip


def _number(cur: Cursor, field_name: str, cell: str) -> Fragment:
    """One numeric cell read; coach levels may be written as words."""
    if field_name != "coach_level":
        return cur.fragment("number_of_cell", cell=cell)
    words = [cur.fragment("word_means", word=word, level=level)
             for word, level in COACH_LEVELS.items()]  # fmt: skip
    return cur.fragment("coach_level_of_cell", cell=cell, words=words)


def detect_comma_decimal(
    cur: Cursor, source: Source, columns: list[ColumnMapping],
    read_as_numbers: frozenset[int] = frozenset(),
) -> bool:  # fmt: skip
    """Whether the numbers are written with a decimal comma. A column read as numbers holds
    plain numbers only, so only the others are looked at. A ";" file writes a decimal comma
    (Excel in most of Europe and Brazil) unless its numbers show a decimal point and no
    decimal comma (a tracker writing 9.52 in a ";" file)."""
    numeric = [f"c{c.index}" for c in columns if c.field and FIELD_BY_NAME[c.field].numeric
               and c.index not in read_as_numbers]  # fmt: skip
    semicolon = source.kind in ("delimited", "long") and source.delimiter == ";"
    if source.kind == "json" or not numeric:
        return semicolon

    # A comma (or a point) followed by other than three digits can only be a decimal mark.
    def any_row(only_decimal: str) -> bool:
        conditions = [cur.fragment(only_decimal, cell=c) for c in numeric]
        return bool(cur.run_filled("rows_where_any", conditions=conditions).fetchone()[0])

    if any_row("only_decimal_comma"):
        return True
    return semicolon and not any_row("only_decimal_point")


def choose_dates(
    cur: Cursor, columns: list[ColumnMapping], european: bool, notes: list[str]
) -> tuple[str, str]:
    """The file's one date format (strptime, label); the choice is explained in notes."""
    date_cols = [f"c{c.index}" for c in columns if c.field in DATE_FIELDS]
    if not date_cols:
        return "%Y-%m-%d", "YYYY-MM-DD"
    # Start and end dates are written alike: one format is chosen for all date columns.
    # Their distinct cells are kept (stage_date_cells: typed_projection parses them once
    # each) and trimmed for the vote, not every cell (a few hundred dates in 1.5 M rows).
    cur.run_filled("stage_date_cells",
                   selects=[cur.fragment("cells_of", cell=c) for c in date_cols])  # fmt: skip
    return vote_on_dates(cur, european, notes)


def vote_on_dates(cur: Cursor, european: bool, notes: list[str]) -> tuple[str, str]:
    """The format that reads the most of the distinct date cells staged (stage_date_cells),
    explained in notes: (strptime, label)."""
    texts = cur.run("date_texts").df()
    cur.register("date_texts", texts)
    votes = []
    for priority, fmt in enumerate(candidate_formats(european)):
        parsed, total = cur.run_filled(
            "date_format_votes", date_format=checked_format(fmt)
        ).fetchone()
        votes.append((fmt, priority, parsed, total))
    votes.sort(key=lambda v: (-v[2], v[1]))
    choice = choose_format(votes, european)
    notes.append(choice.note)
    return choice.fmt, choice.label
