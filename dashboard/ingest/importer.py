"""Importing one file into the store: stage, validate, write, all in one transaction.

Rows never pass through a Python loop: DuckDB reads the file into a staging table, and
set-based SQL (queries/ingest.sql) parses, checks and merges it. A file with any error
writes nothing. The same content imported twice is recognised by its hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dashboard.errors import ImportRejectedError, NotFoundError, Problem
from dashboard.fields import (
    METRIC_FIELDS,
    PILLARS,
    UNASSIGNED_TEAM,
    normalise_header,
    pillar_lookalike,
    public_name,
)
from dashboard.ingest.action_log import check_events, count_per_day, event_columns, stage_events
from dashboard.ingest.checks import (
    LISTED_PER_KIND,
    find_errors,
    find_warnings,
    refuse_listed,
)
from dashboard.ingest.deal_file import (
    check_deal_columns,
    check_deals,
    deal_columns,
    deal_crm,
    deal_format,
    match_owners,
    stage_deals,
    write_deals,
)
from dashboard.ingest.mapping import (
    ACTIVITY_EVENTS,
    PERSONAL_CONNECTIONS,
    detect_format,
    is_goal_file,
    map_columns,
    parse_user_mapping,
)
from dashboard.ingest.plan import ImportOptions, ImportPlan, ImportResult, options_key
from dashboard.ingest.sources import open_source, read_bounded
from dashboard.ingest.staging import (
    choose_dates,
    detect_comma_decimal,
    lookups_to_join,
    numbers_readable_as_numbers,
    project_typed,
    stage_file,
)
from dashboard.store import Cursor, Store

_DATE_IN_NAME = re.compile(r"(\d{4})[-_.](\d{2})[-_.](\d{2})")
# The fields that give a row a period, whose reading is stored on the period's last day.
PERIOD_FIELDS = frozenset({"week", "period_end"})


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run."""


# What a use case does inside an import's or an undo's transaction, after the write and
# before the commit (keep the summaries under the rules in force, audit): all or nothing.
AfterImport = Callable[[Cursor, "ImportResult"], None]
AfterUndo = Callable[[Cursor, str], None]


def import_file(
    store: Store, path: str | Path, options: ImportOptions | None = None,
    after: AfterImport | None = None,
) -> ImportResult:  # fmt: skip
    """Import one file. Raises ImportRejectedError (nothing written) when it has errors.
    ``after`` runs in the same transaction once the rows are written (not in a dry run)."""
    options = options or ImportOptions()
    path = Path(path)
    name = options.file_name or path.name
    data = read_bounded(path, name)
    user_mapping = parse_user_mapping(options.mapping, name)
    digest = hashlib.sha256(data)  # the same digest as of data + key, without copying data
    digest.update(options_key(options, user_mapping).encode())
    content_hash = digest.hexdigest()
    source = open_source(path, name, data)
    try:
        crm = deal_crm(source.headers) if source.kind != "json" else None
        columns = deal_columns(source.headers) if crm else map_columns(source.headers, user_mapping)
        fields = {c.field for c in columns if c.field}
        found = deal_format(crm) if crm else detect_format(source.kind, source.headers, fields)
        result = ImportResult(name, found, list(source.notes), columns, dry_run=options.dry_run)
        stages: tuple[Callable[[Cursor, ImportPlan], None], ...] = STAGES
        if crm:
            check_deal_columns(name, crm, columns)
            stages = DEAL_STAGES
        elif result.format == ACTIVITY_EVENTS:
            result.columns = columns = event_columns(source.headers)
            stages = EVENT_STAGES
        else:
            _check_required(name, fields, options, result)
        try:
            with store.transaction() as cur:
                # Asked inside the transaction: two sessions uploading the same file at once
                # take turns, and the second finds the first's import.
                before = cur.run("find_loaded_import", {"hash": content_hash}).fetchone()
                if before:
                    result.imported_before = before[0]
                    raise _DryRun
                plan = ImportPlan(source, columns, fields, options, name, content_hash, result,
                                  numbers_on_read=stages is STAGES)  # fmt: skip
                _run_stages(cur, plan, stages)
                if options.dry_run:
                    cur.settle()  # the store's checks too, before the write is rolled back
                    raise _DryRun
                if after is not None:
                    after(cur, result)
        except _DryRun:
            result.import_id = None
        return result
    finally:
        source.close()


class _ReadAsText(Exception):
    """Raised when a check failed on a column read as numbers: its messages quote cells,
    so the file is read again as text."""


def _run_stages(cur: Cursor, plan: ImportPlan, stages: tuple) -> None:
    notes = list(plan.result.notes)
    try:
        for stage in stages:
            stage(cur, plan)
    except _ReadAsText:
        # Every stage before the checks only makes temp tables, made again now.
        plan.numbers_on_read = False
        plan.result.notes[:] = notes
        for stage in stages:
            stage(cur, plan)


def same_header(a: str, b: str) -> bool:
    return normalise_header(a) == normalise_header(b)


# The columns that name a row's person.
NAMING_FIELDS = frozenset({"rep_name", "email", "first_name", "last_name"})
LISTED_HEADERS = 20


def listed_headers(headers: list[str]) -> str:
    """A file's headers in a message: the first 20, each cut at 40 characters, and a count
    (a header of 100,000 names once made a 164 KB line)."""
    shown = [f"'{h[:40]}...'" if len(h) > 40 else f"'{h}'" for h in headers[:LISTED_HEADERS]]
    more = len(headers) - LISTED_HEADERS
    return (", ".join(shown) or "none") + (f" and {more:,} more" if more > 0 else "")


def _check_required(
    name: str, fields: set[str], options: ImportOptions, result: ImportResult
) -> None:
    problems = []
    if result.format == PERSONAL_CONNECTIONS:
        raise ImportRejectedError([Problem(name, None, None, None,
            "this is LinkedIn's Connections.csv from a personal data export: it lists "
            "connections and holds no SSI reading; upload an SSI export, a tracker history, "
            "the SSI page JSON or the template instead")])  # fmt: skip
    if is_goal_file([c.header for c in result.columns]):
        raise ImportRejectedError([Problem(name, None, None, None,
            "this is a goal file (metric, target, by): set its goals on the Goals and events "
            "page or with `python -m dashboard goals import`")])  # fmt: skip
    if not fields & {"ssi", *PILLARS, *METRIC_FIELDS, "seat_id"}:
        known = listed_headers([c.header for c in result.columns])
        problems.append(Problem(name, None, None, None,
            f"no SSI, pillar or activity column was recognised (headers: {known}); "
            f"choose what a column holds with {options.hints.mapping} (fields: ssi, brand, "
            "people, insights, relationships, date, name, ...) or use the template"))  # fmt: skip
    for col in result.columns:
        if col.how.startswith("duplicate of column"):
            first = result.columns[int(col.how.rsplit(" ", 1)[1]) - 1]
            problems.append(Problem(name, None, col.header, None,
                f"column {col.index + 1} '{col.header}' holds {public_name(first.field)} like "
                f"column {first.index + 1} '{first.header}'; expected one column per field: "
                + ("rename one of them in the file" if same_header(first.header, col.header)
                   else f"set one of them to ignore with {options.hints.mapping}")))  # fmt: skip
    if not fields & NAMING_FIELDS and not options.rep:
        problems.append(Problem(name, None, None, None,
            f"this file names no person; give the person it belongs to with {options.hints.person}"))  # fmt: skip
    # Said together with the person: the SSI page's JSON lacks both, and asking for one,
    # then the other, took a person two tries.
    if not fields & {"day", "week"} and _default_day(name, options, fields) is None:
        problems.append(_no_date(name, options))
    if problems:
        raise ImportRejectedError(problems)


def is_seat_list(fields: set[str]) -> bool:
    """A list of seats and their holders, without readings: it only maps seats to people."""
    return "seat_id" in fields and not fields & {"ssi", *PILLARS, *METRIC_FIELDS}


def _no_date(name: str, options: ImportOptions) -> Problem:
    return Problem(name, None, None, None,
        f"no date column and no date given; give the date with {options.hints.day} or put it "
        "in the file name, e.g. ssi_2026-11-20.csv")  # fmt: skip


def _default_day(name: str, options: ImportOptions, fields: set[str]) -> date | None:
    if options.day:
        return options.day
    if "seat_id" in fields and not fields & {"day", "week"}:
        return date.today()  # a seat export is the seats as they are on the day it is made
    match = _DATE_IN_NAME.search(name)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


# The stages, in order, each with the temp tables it makes. Checks only read tables made by
# an earlier stage, so leaving out the warnings cannot break a later write.
def stage_rows(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_raw: every cell of the file with its line number; the numeric columns as
    numbers when they all read so (not coach levels, which may be words)."""
    numeric = numbers_readable_as_numbers(plan.columns) if plan.numbers_on_read else frozenset()
    plan.read_as_numbers = stage_file(cur, plan.source, plan.name, numeric)
    plan.result.rows_read = cur.run("count_staged").fetchone()[0]
    if plan.result.rows_read == 0:
        raise ImportRejectedError(
            [Problem(plan.name, None, None, None, "the file has a header but no rows")]
        )


def read_numbers_and_dates(cur: Cursor, plan: ImportPlan) -> None:
    """Decides the decimal mark and the date order once for the whole file."""
    plan.comma_decimal = detect_comma_decimal(cur, plan.source, plan.columns, plan.read_as_numbers)
    if plan.comma_decimal:
        plan.result.notes.append("numbers read with a decimal comma (20,5 = 20.5)")
    plan.date_format, plan.date_label = choose_dates(
        cur, plan.columns, plan.comma_decimal, plan.result.notes
    )


def type_rows(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_rows: typed values, the person's key and the day of every row."""
    default_day = _default_day(plan.name, plan.options, plan.fields)
    if not plan.fields & {"day", "week"} and not is_seat_list(plan.fields):
        if default_day is None:
            raise ImportRejectedError([_no_date(plan.name, plan.options)])
        plan.result.notes.append(f"every row dated {default_day.isoformat()} (no date column)")
    lookups = lookups_to_join(cur, plan.columns, plan.result.rows_read)
    project_typed(cur, plan.columns, plan.date_format, {
        "rep": plan.options.rep, "team": plan.options.team,
        "comma_decimal": plan.comma_decimal, "default_day": default_day,
    }, plan.read_as_numbers, lookups)  # fmt: skip


def mark_rows(cur: Cursor, plan: ImportPlan) -> None:
    """-> duplicate_pairs, zero_lines, skipped_lines: what the checks and writes skip."""
    cur.run("mark_duplicates").run("mark_skipped_lines")


def check_rows(cur: Cursor, plan: ImportPlan) -> None:
    """Read-only: any error rejects the whole file; warnings are kept for the result."""
    problems, total = find_errors(cur, plan.columns, plan.name, plan.date_label,
                                  plan.options.hints, plan.read_as_numbers)  # fmt: skip
    read_so = {c.header for c in plan.columns if c.index in plan.read_as_numbers}
    if any(p.column in read_so for p in problems):
        raise _ReadAsText  # their messages quote the cells as written
    if problems:
        raise ImportRejectedError(problems, total=total)
    plan.warnings = find_warnings(cur, plan.name)
    missing = [p for p in PILLARS if p not in plan.fields]
    if "ssi" in plan.fields and missing:
        plan.warnings.insert(0, Problem(plan.name, None, None, None,
            f"no column for {', '.join(missing)}: stored as missing (not 0); balance and the "
            "weakest pillar are not computed for these readings"))  # fmt: skip
    for col in plan.columns:
        pillar = None if col.field else pillar_lookalike(col.header)
        if pillar and pillar not in plan.fields:
            plan.warnings.insert(0, Problem(plan.name, None, col.header, None,
                f"looks like the {pillar} pillar but was not read; if it holds that pillar, "
                f"map it with {plan.options.hints.mapping} ('{col.header}' = {pillar})"))  # fmt: skip


def resolve_people(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_resolved: teams and reps created as needed; rows carry their ids."""
    if plan.options.team:
        cur.run("ensure_team", {"name": plan.options.team})
    cur.run("ensure_team", {"name": UNASSIGNED_TEAM})
    cur.run("add_teams").run("fill_rep_emails").run("add_reps")
    cur.run("stage_resolved", {"unassigned": UNASSIGNED_TEAM})
    _refuse_one_person_twice(cur, plan)
    if plan.fields & PERIOD_FIELDS:
        _refuse_two_readings_on_one_day(cur, plan)


def _refuse_one_person_twice(cur: Cursor, plan: ImportPlan) -> None:
    """Two rows that name one person differently (by e-mail, by name) on one day are two
    readings for that person and day: refused, naming both lines, before anything is
    written (the writes' own check would refuse them too, without saying where)."""
    _refuse_second_rows(cur, plan, "same_person_twice", "several rows for one person and day",
        lambda r: f"line {r.first_line} is the same person, named another way (by e-mail on "
                  "one row, by name on the other); expected one row per person and day",
        "a second row")  # fmt: skip


def _refuse_two_readings_on_one_day(cur: Cursor, plan: ImportPlan) -> None:
    """A period's reading is stored on its last day, so a week ending on the day of another
    row of the same person gives that day two readings: refused, naming both lines."""
    _refuse_second_rows(cur, plan, "readings_on_one_stored_day",
        "two readings for one person and day",
        lambda r: f"line {r.first_line}'s reading is stored on that day too (a period's "
                  "reading is stored on its last day); expected one reading per person and day",
        "a second reading")  # fmt: skip


def _refuse_second_rows(
    cur: Cursor, plan: ImportPlan, query: str, what: str, why: Callable, second: str
) -> None:
    """Rows ``query`` pairs with an earlier row of the same person and day (its columns:
    line, first_line, rep_name, email, day, total), refused, each named with ``why``."""
    rows = cur.run(query, {"listed": LISTED_PER_KIND}).fetchall()
    if not rows:
        return
    problems = [Problem(plan.name, r.line, None, None,
        f"{second} for {r.rep_name}{f' <{r.email}>' if r.email else ''} on {r.day}: {why(r)}")
        for r in rows]  # fmt: skip
    refuse_listed(plan.name, rows, problems, None, what)


def write_changes(cur: Cursor, plan: ImportPlan) -> None:
    """New and changed readings written; what they replace kept for undo; the log entry."""
    _refuse_rows_outside_teams(cur, plan)
    if not plan.options.in_demo:
        cur.run("end_demo")
    import_id = cur.run("next_import_id").fetchone()[0]
    ids = {"import_id": import_id}
    cur.run("snapshot_changes").run("keep_replaced_snapshots", ids).run("update_snapshots", ids)
    cur.run("insert_snapshots", ids).touched("touched_readings", "readings_of_import")
    cur.run("activity_changes")
    _refuse_overlapping_periods(cur, plan)
    cur.run("keep_replaced_activity", ids).run("update_activity", ids).run("insert_activity", ids)
    cur.touched("touched_activity", "activity_touched_by_import")
    all_new = cur.run("every_change_is_new").fetchone()[0]
    updated, loaded = cur.run("change_counts_all_new" if all_new else "change_counts").fetchone()
    loaded += _write_gaps(cur, plan, import_id)
    if "seat_id" in plan.fields:
        seats_updated, seats_loaded = _map_seats(cur, plan, import_id)
        if is_seat_list(plan.fields):  # what a seat list loads is seats
            updated, loaded = seats_updated, seats_loaded
    plan.log(cur, import_id, loaded, updated)


def _write_gaps(cur: Cursor, plan: ImportPlan, import_id: int) -> int:
    """Seat periods a usage export lists without any activity value: stored as no data."""
    if not plan.fields & set(METRIC_FIELDS):
        return 0
    cur.run("insert_gaps", {"import_id": import_id})
    gaps = cur.run("count_gaps", {"import_id": import_id}).fetchone()[0]
    if gaps:
        plan.result.notes.append(f"{gaps} seat period(s) with no activity data (never "
            "activated or opted out of tracking): stored as no data, not zero")  # fmt: skip
    return gaps


def _map_seats(cur: Cursor, plan: ImportPlan, import_id: int) -> tuple[int, int]:
    """Seat ids mapped to the people on their rows: (seats reassigned, seats new)."""
    cur.run("stage_seats").run("map_seats", {"import_id": import_id})
    changed, new = cur.run("seat_changes_counted").fetchone()
    plan.result.notes.append(f"{new} new seat(s) and {changed} reassigned seat(s) mapped to people")
    return changed, new


def _refuse_rows_outside_teams(cur: Cursor, plan: ImportPlan) -> None:
    """A manager uploads for the teams they manage only: a row of another team, or naming a
    person of another team, rejects the file (nothing written), naming the row."""
    allowed = plan.options.only_teams
    if allowed is None:
        return
    rows = cur.run("rows_outside_teams", {"allowed": list(allowed), "listed": LISTED_PER_KIND}
                   ).fetchall()  # fmt: skip
    expected = "one of your teams: " + ", ".join(allowed) if allowed else "a team you manage"
    if rows:
        problems = [
            Problem(plan.name, r.line, "team", r.team, f"expected {expected}") for r in rows
        ]
        refuse_listed(plan.name, rows, problems, "team", f"expected {expected}")
    # The person's other team is not named: it is outside the manager's scope.
    rows = cur.run("people_of_other_teams", {"allowed": list(allowed), "listed": LISTED_PER_KIND}
                   ).fetchall()  # fmt: skip
    if rows:
        what = (
            f"expected a person of your teams ({', '.join(allowed)}) or someone new: this "
            "row names a person of another team (only an admin moves people between teams)"
        )
        problems = [Problem(plan.name, r.line, None, None, what) for r in rows]
        refuse_listed(plan.name, rows, problems, None, what)


def _refuse_overlapping_periods(cur: Cursor, plan: ImportPlan) -> None:
    rows = cur.run("period_overlaps", {"listed": LISTED_PER_KIND}).fetchall()
    if not rows:
        return
    problems = [Problem(plan.name, r.line, None, None,
        f"{r.metric} for {r.rep_name} from {r.day} to {r.last_day} overlaps the period "
        f"{r.stored_day} to {r.stored_last_day} stored by import #{r.import_id}; expected "
        "periods that do not overlap (undo that import first to replace its periods)")
        for r in rows]  # fmt: skip
    refuse_listed(plan.name, rows, problems, None, "overlapping periods")


STAGES = (stage_rows, read_numbers_and_dates, type_rows, mark_rows, check_rows, resolve_people,
          write_changes)  # fmt: skip

# The Analytics activity export: actions counted per seat holder and day, then written alike.
EVENT_STAGES = (stage_rows, stage_events, check_events, count_per_day, write_changes)
# A CRM's deal export: typed, checked, owners matched, merged by the CRM's id.
DEAL_STAGES = (stage_rows, stage_deals, check_deals, match_owners, write_deals)


def undo_import(store: Store, import_id: int, after: AfterUndo | None = None) -> str:
    """Take an import's rows out and put back what it overwrote; ``after`` runs in the same
    transaction with the sentence that says so."""
    # Every check is made inside the transaction that undoes: an import that overwrites
    # this one's rows cannot slip in between the check and the undo.
    with store.transaction() as cur:
        found = cur.run("import_by_id", {"import_id": import_id}).fetchall()
        if not found:
            raise NotFoundError(f"there is no import #{import_id}; `imports` lists them")
        file_name, status = found[0].file_name, found[0].status
        if status == "undone":
            raise NotFoundError(f"import #{import_id} ({file_name}) was undone already")
        later = [r.replaced_by for r in cur.run("later_overwrites", {"import_id": import_id})
                 .fetchall()]  # fmt: skip
        if later:
            ids = ", ".join(f"#{i}" for i in later)
            raise NotFoundError(
                f"import #{import_id} ({file_name}) cannot be undone while later imports {ids} "
                "changed its rows; undo those first"
            )
        this = {"import_id": import_id}
        cur.touched("touched_activity", "activity_touched_by_undo", this)
        cur.touched("touched_readings", "readings_of_undo", this)
        cur.run("undo_delete_rows", this).run("undo_restore_rows", this).wrote("deals")
        done = f"import #{import_id} ({file_name}) undone"
        if after is not None:
            after(cur, done)
    return done
