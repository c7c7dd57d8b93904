"""Staging a file in DuckDB: its cells as text with line numbers, then typed columns.

Only our own field names and column positions are ever spliced into SQL here; every value
from the file stays data.
"""

from __future__ import annotations

import csv
import re

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import COACH_LEVELS, FIELD_BY_NAME, METRIC_FIELDS, SCORE_FIELDS
from dashboard.ingest.dates import candidate_formats, choose_format, format_literal
from dashboard.ingest.mapping import ColumnMapping
from dashboard.ingest.source import Source
from dashboard.ingest.sources import LONGEST_LINE_BYTES
from dashboard.store import Cursor


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
    # The first data row is on the line after the header; only integers are spliced in.
    offset = int(header_line) + 1 - int(first_rowid or 0)
    cur.execute(cur.sql_of("stage_lines").replace("{line_offset}", str(offset)))


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
    people = (cur.execute(f"select approx_count_distinct(hash({', '.join(cells)})) "  # noqa: S608 (column positions only)
                          "from stage_raw").fetchone()[0] if cells else 1)  # fmt: skip
    if people * ROWS_PER_LOOKUP_VALUE <= rows:
        found.add("people")
    if any(c.field in DATE_FIELDS for c in columns):
        dates = cur.execute("select count(*) from stage_date_cells").fetchone()[0]
        if dates * ROWS_PER_LOOKUP_VALUE <= rows:
            found.add("dates")
    return frozenset(found)


def typed_projection(
    columns: list[ColumnMapping], date_format: str, read_as_numbers: frozenset[int] = frozenset(),
    lookups: frozenset[str] = frozenset(),
) -> str:  # fmt: skip
    """SQL turning stage_raw's text cells into typed columns (those at ``read_as_numbers``
    are numbers already: n<position>). Only our own field names and column positions are
    spliced in; every value from the file stays data.

    ``lookups`` names what is read once per distinct value and joined back to the rows
    rather than read in every row: 'people' (stage_people_cells: their cells trimmed and
    lower-cased) and 'dates' (stage_dates: parsed). For the bench's 1.5-million-row file of
    5,000 people on 300 days, the projection took 0.45-0.6 s reading every row's cells,
    0.25-0.31 s with both looked up."""
    col = {c.field: f"n{c.index}" if c.index in read_as_numbers else f"c{c.index}"
           for c in columns if c.field}  # fmt: skip
    typed = {c.field for c in columns if c.field and c.index in read_as_numbers}
    statements, joins = [], []
    if "people" in lookups:
        cells, joined = _people_cells(col)
        statements.append(cells)
        joins.append(joined)
        out = ["s.line", "p.rep_name", "p.email", "p.team", "p.rep_key"]
    else:  # unqualified cells are stage_raw's: no other table of the join has a c<position>
        out = ["s.line", _person_columns(col)]
    dated = sorted({col[f] for f in DATE_FIELDS if f in col})
    if "dates" in lookups and dated:  # choose_dates made stage_date_cells
        statements.append(
            "create or replace temp table stage_dates as select cell, cast(try_strptime("  # noqa: S608 (our own formats only)
            f"ssi_date_text(cell), {format_literal(date_format)}) as date) as parsed "
            "from stage_date_cells;"
        )
        joins += [f"left join stage_dates d{c} on d{c}.cell = s.{c}" for c in dated]

    def parsed(c: str) -> str:
        if "dates" in lookups:
            return f"d{c}.parsed"
        return f"cast(try_strptime(ssi_date_text(s.{c}), {format_literal(date_format)}) as date)"

    def cell(field_name: str) -> str:
        return f"s.{col[field_name]}"

    start = col.get("day") or col.get("week")  # a weekly file's week is its period's start
    if start:
        out.append(f"s.{start} as day_raw")
        out.append(
            f"coalesce({parsed(start)}, case when s.{start} is null or trim(s.{start}) = '' "
            "then cast($default_day as date) end) as day"
        )
    else:
        out.append("cast(null as varchar) as day_raw")
        out.append("cast($default_day as date) as day")
    if "period_end" in col:
        out.append(f"nullif(trim({cell('period_end')}), '') as period_end_raw")
        out.append(f"{parsed(col['period_end'])} as period_end")
    elif "week" in col and "day" not in col:
        out.append("cast(null as varchar) as period_end_raw")
        out.append("cast(day + 6 as date) as period_end")
    else:
        out.append("cast(null as varchar) as period_end_raw")
        out.append("cast(null as date) as period_end")
    out.append(f"{cell('seat_id')} as seat_id" if "seat_id" in col
               else "cast(null as varchar) as seat_id")  # fmt: skip
    present = tuple(f for f in METRIC_FIELDS if f in col)
    # The metrics the file has no column for are left out: the queries take the metrics as
    # columns('^m_'), and every one more is a column of stage_resolved and a row per line
    # that activity_changes unpivots and throws away (21 where a usual export has two:
    # 31.5 million rows for a 1.5-million-row file). A file with none keeps one, as NULL,
    # so that columns('^m_') always names a column.
    metrics = present or METRIC_FIELDS[:1]
    absent = []
    for field_name in SCORE_FIELDS + metrics:
        alias = field_name if field_name in SCORE_FIELDS else f"m_{field_name}"
        if field_name in typed:  # read as a number; the checks need no text of it
            out.append(f"{cell(field_name)} as {alias}")
        elif field_name in col:
            out.append(f"{cell(field_name)} as raw_{field_name}")
            out.append(f"{_number(field_name, cell(field_name))} as {alias}")
        else:
            absent.append(f"cast(null as varchar) as raw_{field_name}")
            absent.append(f"cast(null as double) as {alias}")
    out.append(f"({' or '.join(f'm_{m} is not null' for m in present) or 'false'}) as any_metric")
    # Only the file's own columns are materialised; a view adds the absent scores as NULL so
    # the fixed queries of queries/ingest.sql always see every score field.
    statements.append(
        f"create or replace temp table stage_present as select {', '.join(out)} "  # noqa: S608 (column positions and field names only)
        f"from stage_raw s {' '.join(joins)};"
    )
    # stage_people: the file's distinct people as the rows name them, for the checks on
    # names and the matching of people (a few thousand, where the rows are millions).
    people = "stage_people_cells" if "people" in lookups else "stage_present"
    statements.append("create or replace temp view stage_people as select distinct rep_name, "  # noqa: S608 (our own table names only)
                      f"email, team, rep_key from {people};")  # fmt: skip
    added = "".join(", " + a for a in absent)
    statements.append(
        f"create or replace temp view stage_rows as select *{added} from stage_present;"  # noqa: S608
    )
    return "\n".join(statements)


def _people_cells(col: dict[str, str]) -> tuple[str, str]:
    """-> stage_people_cells: the file's distinct person cells (name, e-mail, team), each
    read once; returns its SQL and the join of stage_raw (s) to it (p). A file naming no
    one has one row: the person and team given with the upload."""
    cells = [col[f] for f in PERSON_FIELDS if f in col]
    if not cells:
        return (f"create or replace temp table stage_people_cells as select {_person_columns(col)};",  # noqa: S608 (field names only)
                "cross join stage_people_cells p")  # fmt: skip
    keys = ", ".join(cells)
    on = " and ".join(f"s.{c} is not distinct from p.{c}" for c in cells)
    return (f"create or replace temp table stage_people_cells as select {keys}, "  # noqa: S608 (column positions and field names only)
            f"{_person_columns(col)} from (select distinct {keys} from stage_raw);",
            f"join stage_people_cells p on {on}")  # fmt: skip


def _person_columns(col: dict[str, str]) -> str:
    """rep_name, email, team and rep_key (the key each row is matched on) from the raw
    cells; DuckDB lets a later column use an earlier alias."""
    if "rep_name" in col:
        name = f"nullif(trim({col['rep_name']}), '')"
    elif "first_name" in col or "last_name" in col:
        parts = ", ".join(f"trim({col[f]})" for f in ("first_name", "last_name") if f in col)
        name = f"nullif(trim(concat_ws(' ', {parts})), '')"
    else:
        name = "null"
    email = (f"nullif(lower(trim({col['email']})), '')" if "email" in col
             else "cast(null as varchar)")  # fmt: skip
    team = f"coalesce(nullif(trim({col['team']}), ''), $team)" if "team" in col else "$team"
    # The person given (--rep, the page's Person field) is the person of the rows that name
    # no one: a row named by its e-mail alone is that e-mail's person (two people of an
    # e-mail-only file both became the person given).
    return (f"{email} as email, coalesce({name}, if(email is null, $rep, null)) as rep_name, "
            f"{team} as team, coalesce(email, lower(rep_name)) as rep_key")  # fmt: skip


def numbers_readable_as_numbers(columns: list[ColumnMapping]) -> frozenset[int]:
    """Positions of the numeric columns the CSV reader may read as numbers: every one whose
    cells ``_number`` reads as plain numbers, so not coach levels (words as well)."""
    return frozenset(c.index for c in columns if c.field and FIELD_BY_NAME[c.field].numeric
                     and c.field != "coach_level")  # fmt: skip


def _number(field_name: str, cell: str) -> str:
    """SQL reading one numeric cell; coach levels may be written as words."""
    if field_name != "coach_level":
        return f"ssi_number({cell}, $comma_decimal)"
    words = " ".join(f"when '{word}' then {level}" for word, level in COACH_LEVELS.items())
    return f"coalesce(case lower(trim({cell})) {words} end, ssi_number({cell}, $comma_decimal))"


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
    def only_decimal(mark: str) -> str:
        return " or ".join(
            f"(regexp_full_match(trim({c}), '[+-]?\\d+\\{mark}\\d+%?') and not "
            f"regexp_full_match(trim({c}), '[+-]?\\d{{1,3}}(\\{mark}\\d{{3}})+'))"
            for c in numeric
        )

    def any_row(where: str) -> bool:
        return bool(cur.execute(f"select count(*) from (select * from stage_raw limit 10000) "  # noqa: S608 (column positions and field names only)
                                f"where {where}").fetchone()[0])  # fmt: skip

    if any_row(only_decimal(",")):
        return True
    return semicolon and not any_row(only_decimal("."))


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
    cells = " union all ".join(f"select {c} from stage_raw" for c in date_cols)  # noqa: S608 (column positions only)
    cur.execute(
        "create or replace temp table stage_date_cells as select distinct cell "  # noqa: S608 (column positions only)
        f"from ({cells}) as t(cell) where cell is not null"
    )
    texts = cur.execute(
        "select distinct trim(cell) as txt from stage_date_cells where trim(cell) <> '' limit 5000"
    ).df()
    cur.register("date_texts", texts)
    votes = []
    for priority, fmt in enumerate(candidate_formats(european)):
        sql = cur.sql_of("date_format_votes").replace("{date_format}", format_literal(fmt))
        parsed, total = cur.execute(sql).fetchone()
        votes.append((fmt, priority, parsed, total))
    votes.sort(key=lambda v: (-v[2], v[1]))
    choice = choose_format(votes, european)
    notes.append(choice.note)
    return choice.fmt, choice.label
