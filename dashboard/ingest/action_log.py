"""The Sales Navigator Analytics activity export: one row per action, counted per day.

The file is ``activityId,activityType,createdAt,seatId,memberIdentityKey`` with ``createdAt``
as ``MM-DD-YYYY HH:MM:SS`` in UTC. Seats become people through the seat list the admin
uploaded once (a file with ``seatId`` and a name or e-mail; the store keeps the mapping).
The counts are written by the importer's own last stage, so undo and re-import behave as
for any other file.
"""

from __future__ import annotations

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import UNASSIGNED_TEAM, normalise_header
from dashboard.ingest.checks import (
    FIRST_READING_DAY,
    LISTED_PER_KIND,
    last_reading_day,
    more_like,
    problems_of_kinds,
)
from dashboard.ingest.mapping import ColumnMapping
from dashboard.ingest.plan import ImportPlan
from dashboard.store import Cursor

# activityType -> the metric it counts. A day with any of them is a day active.
EVENT_METRICS = {
    "SAVED_LEAD": "leads_saved",
    "SAVED_ACCOUNT": "accounts_saved",
    "SEARCH_PERFORMED": "searches",
    "PROFILE_VIEWED": "profile_views",
    "INMAIL_SENT": "inmails_sent",
    "MESSAGE_SENT": "messages_sent",
    "CONNECTION_MADE": "connections_made",
}
EVENT_FIELDS = {*EVENT_METRICS.values(), "days_active"}
CREATED_AT_FORMAT = "%m-%d-%Y %H:%M:%S"


def _position(plan: ImportPlan, header: str) -> str:
    keys = [normalise_header(h) for h in plan.source.headers]
    return f"c{keys.index(header)}"


def stage_events(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_events: one typed row per action, with its line."""
    a, t, c, s = (_position(plan, h) for h in ("activityid", "activitytype", "createdat", "seatid"))
    cur.run_filled("stage_events", activity_id=a, activity_type=t, created_at=c, seat_id=s,
                   created_format=CREATED_AT_FORMAT)  # fmt: skip
    plan.result.notes.append("times read as MM-DD-YYYY HH:MM:SS (UTC); counted per UTC day")


def check_events(cur: Cursor, plan: ImportPlan) -> None:
    """Unreadable rows and seats without a person reject the file; other types are noted."""
    rows = cur.run("event_problems", {"first_day": FIRST_READING_DAY,
                                      "last_day": last_reading_day().isoformat(),
                                      "listed": LISTED_PER_KIND}).fetchall()  # fmt: skip
    problems, total = problems_of_kinds(plan.name, rows)
    seats = cur.run("unmapped_seats", {"listed": LISTED_PER_KIND}).fetchall()
    for seat in seats:
        problems.append(Problem(plan.name, seat.first_line, "seatId", seat.seat_id,
            f"no person holds this seat in the store ({seat.rows:,} row(s)); expected a seat "
            "from a seat list: upload the seat list (seatId with a name or e-mail) first"))  # fmt: skip
    if seats:
        total += seats[0].seats
        if seats[0].seats > len(seats):
            problems.append(more_like(plan.name, "seatId", len(seats), seats[0].seats,
                                      "seats no person holds in the store"))  # fmt: skip
    if problems:
        raise ImportRejectedError(sorted(problems, key=lambda p: (p.line is None, p.line or 0)),
                                  total=total)  # fmt: skip
    known = {"known": list(EVENT_METRICS)}
    for kind, count, first_line in cur.run("unknown_event_types", known).fetchall():
        plan.warnings.append(Problem(plan.name, first_line, "activityType", kind,
            f"{count:,} row(s) of a type this dashboard does not count; skipped", count))  # fmt: skip
    repeated = cur.run("repeated_events").fetchone()[0]
    if repeated:
        plan.warnings.append(Problem(plan.name, None, "activityId", None,
            f"{repeated:,} row(s) repeat an activityId already in the file; counted once",
            repeated))  # fmt: skip
    first, last = cur.run("event_span").fetchone()
    plan.result.notes.append(f"actions from {first} to {last}; a day's counts replace what the "
                             "store held for that seat and day")  # fmt: skip


def count_per_day(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_resolved: counts per person and day, shaped like any staged file."""
    counts = [cur.fragment("event_count", kind=kind, metric=f"m_{metric}")
              for kind, metric in EVENT_METRICS.items()]  # fmt: skip
    cur.run("ensure_team", {"name": UNASSIGNED_TEAM})
    cur.run_filled("count_events", {"known": list(EVENT_METRICS), "unassigned": UNASSIGNED_TEAM},
                   counts=counts)  # fmt: skip
    plan.fields = set(EVENT_FIELDS)
    counted, days = cur.run("events_counted").fetchone()
    actions = cur.run("events_actions_counted", {"known": list(EVENT_METRICS)}).fetchone()[0]
    plan.skipped = plan.result.rows_read - actions
    plan.result.notes.append(f"{actions:,} action(s) counted into {days:,} day(s) of seat holders")


def event_columns(headers: list[str]) -> list[ColumnMapping]:
    """How the export's columns are read, said back to the person who uploaded it."""
    how = {"activityid": "read: the action's id (repeats counted once)",
           "activitytype": "read: what was done (counted per type)",
           "createdat": "read: when (UTC), counted per day",
           "seatid": "read: the seat, matched to its holder"}  # fmt: skip
    return [ColumnMapping(i, h, None, how.get(normalise_header(h), "ignored"))
            for i, h in enumerate(headers)]  # fmt: skip
