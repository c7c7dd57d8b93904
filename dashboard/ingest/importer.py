"""Importing one file into the store: stage, validate, write, all in one transaction.

Rows never pass through a Python loop: DuckDB reads the file into a staging table, and
set-based SQL (queries/ingest.sql) parses, checks and merges it. A file with any error
writes nothing. The same content imported twice is recognised by its hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from dashboard.errors import MAX_LISTED_ERRORS, ImportRejectedError, NotFoundError, Problem
from dashboard.fields import FIELD_BY_NAME, METRIC_FIELDS, SCORE_FIELDS
from dashboard.ingest.dates import candidate_formats, choose_format, format_literal
from dashboard.ingest.mapping import ColumnMapping, detect_format, map_columns, parse_user_mapping
from dashboard.ingest.sources import Source, open_source
from dashboard.store import Cursor, Store

PILLAR_SUM_TOLERANCE = 1.0
UNASSIGNED_TEAM = "Unassigned"
_DATE_IN_NAME = re.compile(r"(\d{4})[-_.](\d{2})[-_.](\d{2})")


@dataclass
class ImportOptions:
    rep: str | None = None
    team: str | None = None
    day: date | None = None
    mapping: list[str] | dict[str, str] | None = None
    dry_run: bool = False
    file_name: str | None = None  # shown in messages; defaults to the path's name

    def key(self) -> str:
        return json.dumps([self.rep, self.team, str(self.day), self.mapping], sort_keys=True)


@dataclass
class ImportResult:
    file_name: str
    format: str
    notes: list[str]
    columns: list[ColumnMapping]
    rows_read: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    import_id: int | None = None
    imported_before: int | None = None
    dry_run: bool = False

    def summary(self) -> str:
        if self.imported_before is not None:
            return (f"{self.file_name}: already imported (import #{self.imported_before}); "
                    "nothing changed")  # fmt: skip
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{self.file_name}: {self.rows_read} rows read, {verb} {self.rows_loaded} new, "
            f"{self.rows_updated} updated, {self.rows_skipped} skipped, "
            f"{self.warning_count} warning(s)"
            + ("" if self.import_id is None else f" (import #{self.import_id})")
        )

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["columns"] = [c.as_dict() for c in self.columns]
        data["warnings"] = [str(w) for w in self.warnings]
        return data


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run."""


def import_file(
    store: Store, path: str | Path, options: ImportOptions | None = None
) -> ImportResult:
    """Import one file. Raises ImportRejectedError (nothing written) when it has errors."""
    options = options or ImportOptions()
    path = Path(path)
    name = options.file_name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejectedError(
            [Problem(name, None, None, None, f"cannot be read ({exc.strerror})")]
        ) from exc
    content_hash = hashlib.sha256(data + options.key().encode()).hexdigest()
    user_mapping = parse_user_mapping(options.mapping, name)
    source = open_source(path, name, data[:4096])
    try:
        columns = map_columns(source.headers, user_mapping)
        fields = {c.field for c in columns if c.field}
        result = ImportResult(name, detect_format(source.kind, source.headers, fields),
                              list(source.notes), columns, dry_run=options.dry_run)  # fmt: skip
        before = store.rows("find_loaded_import", {"hash": content_hash})
        if before:
            result.imported_before = before[0][0]
            return result
        _check_required(name, fields, options, result)
        try:
            with store.transaction() as cur:
                _run_import(cur, source, columns, fields, options, name, content_hash, result)
                if options.dry_run:
                    raise _DryRun
        except _DryRun:
            result.import_id = None
        return result
    finally:
        source.close()


def _check_required(
    name: str, fields: set[str], options: ImportOptions, result: ImportResult
) -> None:
    problems = []
    if not fields & {"ssi", *SCORE_FIELDS[1:5], *METRIC_FIELDS}:
        known = ", ".join(f"'{c.header}'" for c in result.columns) or "none"
        problems.append(Problem(name, None, None, None,
            f"no SSI, pillar or activity column was recognised (headers: {known}); "
            "map them with --map 'HEADER=field' or use the template"))  # fmt: skip
    if not fields & {"rep_name", "email", "first_name", "last_name"} and not options.rep:
        problems.append(Problem(name, None, None, None,
            "this file names no person; give the person it belongs to (--rep NAME)"))  # fmt: skip
    if problems:
        raise ImportRejectedError(problems)


def _default_day(name: str, options: ImportOptions) -> date | None:
    if options.day:
        return options.day
    match = _DATE_IN_NAME.search(name)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def _stage(cur: Cursor, source: Source, name: str) -> None:
    if source.kind == "delimited":
        columns = {f"c{i}": "VARCHAR" for i in range(len(source.headers))}
        params = {"path": str(source.csv_path), "delim": source.delimiter,
                  "header_line": source.header_line, "columns": columns}  # fmt: skip
        try:
            cur.raw.execute(cur.sql_of("stage_csv"), params)
        except duckdb.Error as exc:
            raise ImportRejectedError([_csv_problem(str(exc), name, len(columns))]) from exc
    else:
        cur.register("stage_frame_df", source.frame)
        cur.run("stage_frame")


def _csv_problem(message: str, name: str, expected_columns: int) -> Problem:
    line = re.search(r"on Line: (\d+)", message)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    original = re.search(r"Original Line:\s*\n(.*)\n", message)
    text = original.group(1)[:120] if original else None
    if found:
        what = f"expected {found.group(1)} cells like the header, found {found.group(2)}"
    else:
        what = f"could not be read as delimited text ({message.splitlines()[0]})"
    return Problem(name, int(line.group(1)) if line else None, None, text, what)


def _projection(columns: list[ColumnMapping], date_format: str) -> str:
    """SQL turning stage_raw's text cells into typed columns. Only our own field names and
    column positions are spliced in; every value from the file stays data."""
    col = {c.field: f"c{c.index}" for c in columns if c.field}
    if "rep_name" in col:
        name = f"nullif(trim({col['rep_name']}), '')"
    elif "first_name" in col or "last_name" in col:
        parts = ", ".join(f"trim({col[f]})" for f in ("first_name", "last_name") if f in col)
        name = f"nullif(trim(concat_ws(' ', {parts})), '')"
    else:
        name = "null"
    out = ["line", f"coalesce({name}, $rep) as rep_name"]
    out.append(
        f"nullif(lower(trim({col['email']})), '') as email"
        if "email" in col
        else "cast(null as varchar) as email"
    )
    out.append(
        f"coalesce(nullif(trim({col['team']}), ''), $team) as team"
        if "team" in col
        else "$team as team"
    )
    if "day" in col:
        out.append(f"{col['day']} as day_raw")
        out.append(
            f"coalesce(cast(try_strptime(ssi_date_text({col['day']}), {format_literal(date_format)}) "
            f"as date), case when {col['day']} is null or trim({col['day']}) = '' "
            "then cast($default_day as date) end) as day"
        )
    else:
        out.append("cast(null as varchar) as day_raw")
        out.append("cast($default_day as date) as day")
    # DuckDB lets a later column use an earlier alias: the key each row is matched on.
    out.append("coalesce(email, lower(rep_name)) as rep_key")
    absent = []
    for field_name in SCORE_FIELDS + METRIC_FIELDS:
        alias = field_name if field_name in SCORE_FIELDS else f"m_{field_name}"
        if field_name in col:
            out.append(f"{col[field_name]} as raw_{field_name}")
            out.append(f"ssi_number({col[field_name]}, $comma_decimal) as {alias}")
        else:
            absent.append(f"cast(null as varchar) as raw_{field_name}")
            absent.append(f"cast(null as double) as {alias}")
    # Only the file's own columns are materialised; a view adds the absent ones as NULL so
    # the fixed queries of queries/ingest.sql always see every field.
    table = f"create or replace temp table stage_present as select {', '.join(out)} from stage_raw;"  # noqa: S608 (column positions and field names only)
    view = f"create or replace temp view stage_rows as select *{''.join(', ' + a for a in absent)} from stage_present;"  # noqa: S608
    return table + "\n" + view


def _number_checks(columns: list[ColumnMapping]) -> tuple[str, dict[str, object]]:
    """One check per numeric column: readable as a number and within its range."""
    parts, params = [], {}
    for c in columns:
        spec = FIELD_BY_NAME.get(c.field or "")
        if spec is None or spec.kind not in ("score", "metric"):
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


def _detect_comma_decimal(cur: Cursor, source: Source, columns: list[ColumnMapping]) -> bool:
    if source.kind == "delimited" and source.delimiter == ";":
        return True
    numeric = [
        f"c{c.index}"
        for c in columns
        if c.field and FIELD_BY_NAME[c.field].kind in ("score", "metric")
    ]
    if source.kind == "json" or not numeric:
        return False
    # A comma followed by other than three digits can only be a decimal comma.
    tests = " or ".join(
        f"(regexp_full_match(trim({c}), '[+-]?\\d+,\\d+%?') and not regexp_full_match(trim({c}), '[+-]?\\d{{1,3}}(,\\d{{3}})+'))"
        for c in numeric
    )
    return bool(
        cur.execute(
            f"select count(*) from (select * from stage_raw limit 10000) where {tests}"  # noqa: S608 (column positions and field names only)
        ).fetchone()[0]
    )


def _choose_dates(cur: Cursor, columns: list[ColumnMapping], european: bool, result: ImportResult):
    day_col = next((c for c in columns if c.field == "day"), None)
    if day_col is None:
        return "%Y-%m-%d", "YYYY-MM-DD"
    texts = cur.execute(
        f"select distinct trim(c{day_col.index}) as txt from stage_raw "  # noqa: S608 (column positions and field names only)
        f"where c{day_col.index} is not null and trim(c{day_col.index}) <> '' limit 5000"
    ).df()
    cur.register("date_texts", texts)
    votes = []
    for priority, fmt in enumerate(candidate_formats(european)):
        sql = cur.sql_of("date_format_votes").replace("{date_format}", format_literal(fmt))
        parsed, total = cur.execute(sql).fetchone()
        votes.append((fmt, priority, parsed, total))
    votes.sort(key=lambda v: (-v[2], v[1]))
    choice = choose_format(votes, european)
    result.notes.append(choice.note)
    return choice.fmt, choice.label


def _run_import(cur, source, columns, fields, options, name, content_hash, result) -> None:
    _stage(cur, source, name)
    result.rows_read = cur.run("count_staged").fetchone()[0]
    if result.rows_read == 0:
        raise ImportRejectedError(
            [Problem(name, None, None, None, "the file has a header but no rows")]
        )
    comma_decimal = _detect_comma_decimal(cur, source, columns)
    if comma_decimal:
        result.notes.append("numbers read with a decimal comma (20,5 = 20.5)")
    date_fmt, date_label = _choose_dates(cur, columns, comma_decimal, result)
    default_day = _default_day(name, options)
    if "day" not in fields:
        if default_day is None:
            raise ImportRejectedError([Problem(name, None, None, None,
                "no date column and no date given; give --date YYYY-MM-DD or put the date "
                "in the file name, e.g. ssi_2026-11-20.csv")])  # fmt: skip
        result.notes.append(f"every row dated {default_day.isoformat()} (no date column)")
    cur.execute(_projection(columns, date_fmt), {
        "rep": options.rep, "team": options.team, "comma_decimal": comma_decimal,
        "default_day": default_day,
    })  # fmt: skip

    problems = _validate(cur, columns, name, date_label)
    if problems:
        raise ImportRejectedError(problems[:MAX_LISTED_ERRORS], total=len(problems))
    warnings = _warnings(cur, name)

    if options.team:
        cur.run("ensure_team", {"name": options.team})
    cur.run("ensure_team", {"name": UNASSIGNED_TEAM})
    cur.run("add_teams").run("add_reps").run("fill_rep_emails")
    cur.run("stage_resolved", {"unassigned": UNASSIGNED_TEAM})
    import_id = cur.run("next_import_id").fetchone()[0]
    ids = {"import_id": import_id}
    cur.run("snapshot_changes").run("keep_replaced_snapshots", ids).run("update_snapshots", ids)
    cur.run("insert_snapshots", ids)
    cur.run("activity_changes").run("keep_replaced_activity", ids).run("update_activity", ids)
    cur.run("insert_activity", ids)
    updated, loaded = cur.run("change_counts").fetchone()
    result.rows_loaded, result.rows_updated = loaded, updated
    result.rows_skipped = result.rows_read - loaded - updated
    result.warnings, result.warning_count = warnings[:MAX_LISTED_ERRORS], len(warnings)
    result.import_id = import_id
    cur.run("log_import", {
        "import_id": import_id, "file_name": name, "hash": content_hash, "format": result.format,
        "rows_read": result.rows_read, "rows_loaded": loaded, "rows_updated": updated,
        "rows_skipped": result.rows_skipped,
        "warnings": json.dumps([str(w) for w in warnings[:MAX_LISTED_ERRORS]]),
    })  # fmt: skip


def _validate(
    cur: Cursor, columns: list[ColumnMapping], name: str, date_label: str
) -> list[Problem]:
    header_of = {c.field: c.header for c in columns if c.field}
    problems: list[Problem] = []
    name_column = header_of.get("rep_name") or header_of.get("email") or "name"
    rows = cur.run("check_people_and_days", {
        "name_column": name_column, "day_column": header_of.get("day", "date"),
        "date_format_label": date_label,
    }).fetchall()  # fmt: skip
    problems += [Problem(name, line, col, val, f"expected {exp}") for line, col, val, exp in rows]
    sql, params = _number_checks(columns)
    if sql:
        rows = cur.execute(sql + " order by line", params).fetchall()
        problems += [
            Problem(name, line, col, val, f"expected {exp}") for line, col, val, exp in rows
        ]
    for first, second, key, day, identical in (
        cur.run("mark_duplicates").run("list_duplicates").fetchall()
    ):
        if not identical:
            problems.append(Problem(name, second, None, None,
                f"a second, different row for {key} on {day} (first on line {first}); "
                "expected one row per person and day"))  # fmt: skip
    problems.sort(key=lambda p: p.line or 0)
    return problems


def _warnings(cur: Cursor, name: str) -> list[Problem]:
    found = []
    for line, ssi, pillar_sum in cur.run(
        "pillar_sum_mismatch", {"tolerance": PILLAR_SUM_TOLERANCE}
    ).fetchall():
        found.append(Problem(name, line, None, f"{ssi:g}",
            f"SSI differs from the sum of the pillars ({pillar_sum:.2f}) by more than "
            f"{PILLAR_SUM_TOLERANCE:g}; stored as given"))  # fmt: skip
    cur.run("mark_skipped_lines")
    for (line,) in cur.execute("select line from zero_lines order by line").fetchall():
        found.append(Problem(name, line, None, None,
            "every score is 0: a failed reading, skipped (not stored as a score of 0)"))  # fmt: skip
    for first, second, key, day, identical in cur.run("list_duplicates").fetchall():
        if identical:
            found.append(Problem(name, second, None, None,
                f"repeats line {first} for {key} on {day}; skipped"))  # fmt: skip
    found.sort(key=lambda p: p.line or 0)
    return found


def undo_import(store: Store, import_id: int) -> str:
    """Take an import's rows out and put back what it overwrote."""
    found = store.rows("import_by_id", {"import_id": import_id})
    if not found:
        raise NotFoundError(f"there is no import #{import_id}; `imports` lists them")
    _, file_name, status = found[0]
    if status == "undone":
        raise NotFoundError(f"import #{import_id} ({file_name}) was undone already")
    later = [r[0] for r in store.rows("later_overwrites", {"import_id": import_id})]
    if later:
        ids = ", ".join(f"#{i}" for i in later)
        raise NotFoundError(
            f"import #{import_id} ({file_name}) cannot be undone while later imports {ids} "
            "changed its rows; undo those first"
        )
    with store.transaction() as cur:
        cur.run("undo_delete_rows", {"import_id": import_id})
        cur.run("undo_restore_rows", {"import_id": import_id})
    return f"import #{import_id} ({file_name}) undone"
