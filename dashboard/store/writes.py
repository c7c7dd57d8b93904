"""What a write implies, kept by the store for every writer.

A write to the readings or the activity declares the keys it touched (its write-set) on its
cursor; before the transaction commits, the store checks its rules on those keys (one
reading per person and day, one activity value per person, day and metric: no unique index
holds them, migrations 007 and 010) and refreshes every summary from them. A writer cannot
forget either: the store refuses to commit a write that moved an import's row without
declaring what it touched (and one that declared a write-set without moving an import's
row, which PostgreSQL's change detection would miss).

Every table whose rows carry an import (an ``import_id`` or ``replaced_by`` column) is
listed in ``IMPORT_TABLES`` with what a write to it needs; a store whose schema has one that
is not listed refuses to open (``check_import_tables``), so a new kind of data is declared
before anything can write it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from dashboard.errors import StoreError
from dashboard.store.sql import current_queries, run_query

if TYPE_CHECKING:
    from dashboard.store.door import Cursor


@dataclass(frozen=True)
class Kept:
    """A table whose writes are declared in a write-set: the touched-keys table the
    declaration fills, the columns naming a row, and the summaries refreshed from it."""

    touched: str
    key: tuple[str, ...]
    summaries: tuple[str, ...]


@dataclass(frozen=True)
class NeedsNothing:
    """A table that carries an import but needs nothing beyond its own rows, and why; and
    the query that finds a row breaking its rule (``rule``: key and n), checked whenever a
    write declares it (``Cursor.wrote``)."""

    why: str
    rule: str | None = None


IMPORT_TABLES: dict[str, Kept | NeedsNothing] = {
    "snapshots": Kept(
        "touched_readings", ("rep_id", "day"), ("rep_latest", "rep_change_bases", "team_days")
    ),  # fmt: skip
    "activity": Kept("touched_activity", ("rep_id", "day", "metric"), ("activity_weekly",)),
    "imports": NeedsNothing("the log of writes itself: every write-set moves a row of it"),
    "rep_latest": NeedsNothing("a summary of snapshots, refreshed from touched_readings"),
    "snapshot_history": NeedsNothing("the readings an import replaced, read only by undo"),
    "activity_history": NeedsNothing("the activity an import replaced, read only by undo"),
    "seat_history": NeedsNothing("the seat holders an import replaced, read only by undo"),
    "seats": NeedsNothing("the seat map, always read whole; no summary reads it"),
    "activity_gaps": NeedsNothing("seat periods with no data; no summary reads them"),
    "goals": NeedsNothing("targets, read whole by the goals view; no summary is made of them"),
    "deals": NeedsNothing(
        "CRM deals, read by the outcomes view; no summary is made of them", rule="deals_held_twice"
    ),  # fmt: skip
    "deal_history": NeedsNothing("the deals an import replaced, read only by undo"),
}
IMPORT_COLUMNS = ("import_id", "replaced_by")
TOUCHED_KEYS = tuple(kept.touched for kept in IMPORT_TABLES.values() if isinstance(kept, Kept))


def check_import_tables(cur: duckdb.DuckDBPyConnection) -> None:
    """Refuse a schema with a table carrying an import that ``IMPORT_TABLES`` does not
    declare: nothing would keep its summaries or copy it to PostgreSQL by import."""
    query = current_queries()["tables_with_columns"]
    found = run_query(cur, query, {"columns": list(IMPORT_COLUMNS)}).fetchall()
    undeclared = sorted({table for (table,) in found} - IMPORT_TABLES.keys())
    if undeclared:
        raise StoreError(
            f"the store's table(s) {', '.join(undeclared)} carry an import but "
            "dashboard/store/writes.py does not say what a write to them needs "
            "(IMPORT_TABLES: Kept or NeedsNothing)"
        )


@dataclass
class WriteSet:
    """What one write declared: which touched-keys tables it filled, and whether the whole
    team-day summary is summed again (under ``rules``) or only the touched days."""

    touched: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)  # tables written that need nothing more
    everything: bool = False  # every summary rebuilt from all rows (the demo)
    rules: dict[str, Any] | None = None  # the team-day summary's rules, when they change

    @property
    def declared(self) -> bool:
        return bool(self.touched or self.plain) or self.everything


def settle(cur: Cursor, writes: WriteSet, moved_imports: bool) -> None:
    """At the end of a write, before it commits: the store's rules checked on the keys it
    touched and every summary refreshed from them."""
    if moved_imports and not writes.declared:
        raise StoreError("a write moved an import without declaring what it touched "
                         "(Cursor.touched, dashboard/store/writes.py); nothing was written")  # fmt: skip
    if writes.touched and not moved_imports:
        raise StoreError("a write declared what it touched without an import row to say "
                         "so (a new import, or one marked undone); nothing was written")  # fmt: skip
    if writes.everything:
        cur.run("rebuild_weekly").run("rebuild_latest_readings")
    readings = "touched_readings" in writes.touched
    if readings:
        refuse_readings_held_twice(cur)
        cur.run("reps_of_touched_readings").run("refresh_latest_readings")
    if writes.rules is not None or writes.everything:
        _resum_all_team_days(cur, writes.rules)
    elif readings:
        cur.run("days_of_touched_readings")
        _resum_touched_team_days(cur)
    if "touched_activity" in writes.touched:
        check_and_sum_touched_activity(cur)
    for table in sorted(writes.plain):
        refuse_rows_breaking_rule(cur, table)


def refuse_rows_breaking_rule(cur: Cursor, table: str) -> None:
    """The rule of a table written without a write-set (one deal per CRM id), checked on
    the whole table: such tables are small beside the readings."""
    kept = IMPORT_TABLES[table]
    if not isinstance(kept, NeedsNothing) or kept.rule is None:
        return
    held = cur.run(kept.rule).fetchall()
    if held:
        keys = "; ".join(f"{r.key}: {r.n} rows" for r in held)
        raise StoreError(f"The store refused a value that breaks its rules: one row per key in "
                         f"{table} ({keys}). Nothing was written.")  # fmt: skip


def _resum_touched_team_days(cur: Cursor) -> None:
    """The days a write touched summed again, under the rules the summary holds (choosing
    rules is the scoring layer's, which declares new ones in a write-set)."""
    held = cur.run("team_days_rules").fetchall()
    if held:  # never summed (a new store before its first upload): nothing to keep
        cur.run("sum_team_days", held[0]._asdict())


def _resum_all_team_days(cur: Cursor, rules: Mapping[str, Any] | None) -> None:
    if rules is None:
        held = cur.run("team_days_rules").fetchall()
        if not held:
            return
        rules = held[0]._asdict()
    cur.run("clear_team_days").run("days_of_every_reading").run("sum_team_days", dict(rules))
    cur.run("set_team_days_rules", dict(rules))


def refuse_readings_held_twice(cur: Cursor) -> None:
    """The rule of one reading per person and day, on the keys the write touched. A second
    reading is a fault of the write, and raising here rolls the whole write back. A range
    that holds exactly the touched keys, once each, needs no counting."""
    written_twice, once = cur.run("touched_readings_range").fetchone()
    if once and not written_twice:
        return
    held = cur.run("readings_held_twice").fetchall()
    if held:
        keys = "; ".join(f"rep #{r.rep_id} on {r.day}: {r.n} readings" for r in held)
        raise StoreError(f"The store refused a value that breaks its rules: one reading per "
                         f"person and day ({keys}). Nothing was written.")  # fmt: skip


# How the touched activity is checked and summed: picking the touched keys out of their day
# range first pays when the range holds many other rows (a Monday upload into two years);
# when it holds few (a first import, a backfill into empty weeks) it is cheaper to count and
# sum the whole range and keep the touched keys after (bench/test_import_speed.py). The
# rows in range per touched key up to which the whole range is read:
WHOLE_RANGE_UP_TO = 2


def check_and_sum_touched_activity(cur: Cursor) -> None:
    """The rule of one activity value per person, day and metric checked on the touched
    keys, then the weekly summary's touched weeks summed again. When the touched weeks'
    range holds exactly the touched keys, once each (as many rows as keys, and the same sum
    of key hashes), the rule holds without counting every key, and every seat-week of the
    range is a touched one."""
    cur.run("weeks_of_touched_activity")
    in_range, touched = cur.run("touched_range").fetchone()
    whole = in_range <= WHOLE_RANGE_UP_TO * touched
    once = in_range == touched and cur.run("touched_range_holds_touched_keys").fetchone()[0]
    if not once:
        held = cur.run("activity_keys_held_twice_in_range" if whole
                       else "activity_keys_held_twice").fetchall()  # fmt: skip
        if held:
            keys = "; ".join(f"rep #{r.rep_id} on {r.day}, {r.metric}: {r.n} values"
                             for r in held)  # fmt: skip
            raise StoreError(f"The store refused a value that breaks its rules: one activity "
                             f"value per person, day and metric ({keys}). Nothing was "
                             "written.")  # fmt: skip
    if whole:  # every seat-week of the range is a touched one when it holds only those keys
        cur.run("refresh_weeks_of_range" if once else "refresh_touched_weeks_in_range")
    else:
        cur.run("refresh_touched_weeks")
