"""Setting and removing goals and events, one at a time or from a goal file, for a viewer:
each checks the right and the scope, writes and audits in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import display
from dashboard.access import AccessDeniedError, Viewer
from dashboard.errors import DashboardError, NotFoundError, shows_as_written
from dashboard.ingest.goal_file import GoalFileRules, metric_ranges, read_goal_file
from dashboard.ingest.sources import read_bounded
from dashboard.scoring.goals import BALANCED_SHARE, activity_labels, goal_metrics, metric_label
from dashboard.store import Cursor, Store
from dashboard.store.door import Row
from dashboard.users import audit

GOAL_FILE_FORMAT = "goal file"
MAX_TITLE = 200


class GoalRefusedError(DashboardError):
    """A goal or an event that cannot be set as given; nothing was written."""


@dataclass
class GoalFileResult:
    file_name: str
    goals: int = 0
    notes: list[str] = field(default_factory=list)
    import_id: int | None = None
    imported_before: int | None = None

    def summary(self) -> str:
        if self.imported_before is not None:
            return (f"{self.file_name}: already imported (import #{self.imported_before}); "
                    "nothing changed")  # fmt: skip
        return f"{self.file_name}: {self.goals} goal(s) set (import #{self.import_id})"


def _scope(store: Store, team: str | None, rep: str | None) -> tuple[str | None, int | None,
                                                                     str | None]:  # fmt: skip
    """(team, rep_id, rep's current team) of a goal or event for ``team`` or the rep with the
    e-mail ``rep`` (neither: the company's)."""
    if team and rep:
        raise GoalRefusedError("give a team or a rep, not both (a rep's goal is theirs)")
    if team:
        if team not in {r.name for r in store.rows("every_team")}:
            raise NotFoundError(f"there is no team '{team}'; `teams` lists them")
        return team, None, None
    if rep:
        found = [r for r in store.rows("rep_names") if (r.email or "").lower() == rep.lower()]
        if not found:
            raise NotFoundError(f"no rep has the e-mail '{rep}'")
        return None, int(found[0].rep_id), found[0].team
    return None, None, None


def _require_scope(viewer: Viewer, team: str | None, rep_team: str | None, company: bool) -> None:
    viewer.require("goals")
    if not viewer.may_set_goal(team, rep_team, company):
        raise AccessDeniedError(
            "you may set goals and events for your own teams and their reps only"
            if viewer.role == "manager" else "you may not set goals or events for that scope"
        )  # fmt: skip


def check_goal(store: Store, metric: str, target: float, start: date, due: date,
               rep_id: int | None) -> None:  # fmt: skip
    """Refuse a goal that cannot be: an unknown metric, a target out of the metric's range,
    a due day not after the start, the share of balanced reps for one rep."""
    metrics = goal_metrics(store)
    if metric not in metrics:
        raise GoalRefusedError(f"'{metric}' is not a goal metric; expected one of "
                               f"{', '.join(metrics)}")  # fmt: skip
    low, high = metric_ranges(list(activity_labels(store)))[metric]
    if target != target or target < low or (high is not None and target > high):
        upper = f" to {high:g}" if high is not None else " or more"
        raise GoalRefusedError(f"a {metric_label(metric)} target is a number from {low:g}{upper}")
    if due <= start:
        raise GoalRefusedError(f"the due day ({due}) must come after the start ({start})")
    if rep_id is not None and metric == BALANCED_SHARE:
        raise GoalRefusedError("the share of balanced reps is a team's or the company's goal")


def add_goal(
    store: Store, viewer: Viewer, metric: str, target: float, due: date,
    start: date | None = None, team: str | None = None, rep: str | None = None,
) -> int:  # fmt: skip
    """Set a goal for the company, ``team`` or the rep with the e-mail ``rep``; its id."""
    start = start or date.today()
    team, rep_id, rep_team = _scope(store, team, rep)
    _require_scope(viewer, team, rep_team, team is None and rep_id is None)
    check_goal(store, metric, target, start, due, rep_id)
    with store.transaction() as cur:
        goal_id = cur.run("add_goal", {
            "team": team, "rep_id": rep_id, "metric": metric, "target": float(target),
            "start_day": start, "due_day": due, "set_by": viewer.email, "import_id": None,
        }).fetchone()[0]  # fmt: skip
        audit(
            cur,
            viewer.email,
            "goal set",
            f"goal #{goal_id}: {_described(metric, target, start, due, team, rep)}",
        )
    return int(goal_id)


def _described(metric: str, target: float, start: date, due: date, team: str | None,
               rep: str | None) -> str:  # fmt: skip
    scope = f"team {team}" if team else f"rep {rep}" if rep else "the company"
    return (
        f"{metric_label(metric)} {display.rounded(target, 1):g} by {due} from {start}, for {scope}"
    )


def remove_goal(store: Store, viewer: Viewer, goal_id: int) -> str:
    """Remove a goal (an admin's any; a manager's of their teams and their reps)."""
    viewer.require("goals")
    with store.transaction() as cur:
        g = _settable(cur, viewer, "every_goal", "goal_id", goal_id, "goal", "goals list")
        cur.run("remove_goal", {"goal_id": goal_id})
        done = f"goal #{goal_id} removed ({_described(g.metric, g.target, g.start_day, g.due_day, g.team, g.email or g.rep)})"
        audit(cur, viewer.email, "goal removed", done)
    return done


def _settable(cur: Cursor, viewer: Viewer, query: str, key: str, wanted: int, noun: str,
              listing: str) -> Row:  # fmt: skip
    """The goal or event ``wanted``, refused alike when it does not exist and when it is
    outside what the viewer may see; refused when the viewer may not set its scope."""
    row = next((r for r in cur.run(query).fetchall() if getattr(r, key) == wanted), None)
    rep_team = None if row is None else row.rep_team
    if row is not None and row.rep_id is not None and not rep_team:  # no reading yet
        rep_team = cur.run("rep_team", {"rep_id": row.rep_id}).fetchone()[0]
    if row is None or not viewer.sees_goal(row.team, row.rep_id, rep_team):
        raise NotFoundError(f"there is no {noun} #{wanted} you may see; `{listing}` lists them")
    _require_scope(viewer, row.team, rep_team, row.team is None and row.rep_id is None)
    return row


def goal_file_rules(store: Store, viewer: Viewer) -> GoalFileRules:
    """What this viewer's goal file is checked against."""
    reps = {(r.email or "").lower(): (int(r.rep_id), r.team)
            for r in store.rows("rep_names") if r.email}  # fmt: skip
    return GoalFileRules(
        metrics=goal_metrics(store), teams={r.name for r in store.rows("every_team")}, reps=reps,
        ranges=metric_ranges(list(activity_labels(store))), may_set=viewer.may_set_goal,
    )  # fmt: skip


def import_goal_file(store: Store, viewer: Viewer, path: Path, name: str | None = None,
                     dry_run: bool = False) -> GoalFileResult:  # fmt: skip
    """Set every goal of a goal file, or none: any error rejects the whole file, naming its
    line, column, value and what was expected. The same file again changes nothing; undoing
    its import takes its goals out."""
    viewer.require("goals")
    name = name or path.name
    data = read_bounded(path, name)
    content_hash = "goals:" + hashlib.sha256(data).hexdigest()
    goals, notes = read_goal_file(path, name, goal_file_rules(store, viewer), data)
    result = GoalFileResult(name, len(goals), notes)
    if dry_run:
        return result
    with store.transaction() as cur:
        before = cur.run("find_loaded_import", {"hash": content_hash}).fetchone()
        if before:
            result.imported_before, result.goals = before[0], 0
            return result
        import_id = cur.run("next_import_id").fetchone()[0]
        cur.register("goal_rows", pd.DataFrame([vars(g) for g in goals]))
        cur.run("log_import", {
            "import_id": import_id, "file_name": name, "hash": content_hash,
            "format": GOAL_FILE_FORMAT, "rows_read": len(goals), "rows_loaded": len(goals),
            "rows_updated": 0, "rows_skipped": 0, "warnings": json.dumps(notes),
        })  # fmt: skip
        cur.run("goal_file_goals", {"set_by": viewer.email, "import_id": import_id})
        cur.wrote("goals")
        result.import_id = import_id
        audit(cur, viewer.email, "goal file", result.summary())
    return result


def add_event(
    store: Store, viewer: Viewer, day: date, title: str, team: str | None = None,
    rep: str | None = None,
) -> int:  # fmt: skip
    """A dated note for everyone, ``team`` or the rep with the e-mail ``rep``; its id."""
    title = " ".join(title.split())
    if not title:
        raise GoalRefusedError("an event needs a title")
    if len(title) > MAX_TITLE:
        raise GoalRefusedError(f"an event's title is at most {MAX_TITLE} characters")
    if not shows_as_written(title):
        raise GoalRefusedError("an event's title may not hold control or direction characters")
    team, rep_id, rep_team = _scope(store, team, rep)
    _require_scope(viewer, team, rep_team, team is None and rep_id is None)
    with store.transaction() as cur:
        event_id = cur.run("add_event", {"day": day, "title": title, "team": team,
                                         "rep_id": rep_id, "set_by": viewer.email}).fetchone()[0]  # fmt: skip
        scope = f"team {team}" if team else f"rep {rep}" if rep else "everyone"
        audit(cur, viewer.email, "event set", f"event #{event_id} on {day} for {scope}: {title}")
    return int(event_id)


def remove_event(store: Store, viewer: Viewer, event_id: int) -> str:
    viewer.require("goals")
    with store.transaction() as cur:
        e = _settable(cur, viewer, "every_event", "event_id", event_id, "event", "events list")
        cur.run("remove_event", {"event_id": event_id})
        done = f"event #{event_id} removed ({e.day}: {e.title})"
        audit(cur, viewer.email, "event removed", done)
    return done
