"""Goals and events as the pages, exports and the command line show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import display
from dashboard.access import Viewer
from dashboard.export import to_csv_bytes
from dashboard.ingest.goal_file import TEMPLATE
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.events import Event, before_after, events_for_chart, visible_events
from dashboard.scoring.goals import (
    VERDICTS,
    GoalPace,
    PacingLine,
    goal_paces,
    goals_in_force,
    metric_label,
    paces_for,
    pacing_line,
    visible_goals,
    worst_verdict,
)
from dashboard.scoring.memo import remembered
from dashboard.store import Store

# The fields of `goals list --format json`, in order (a contract: scripts read them).
GOAL_FIELDS = ["id", "scope", "metric", "target", "from", "by", "start_value", "current",
               "attainment_pct", "verdict", "needed_per_week"]  # fmt: skip
VERDICT_MARKS = {"ahead": "▲ ahead", "on track": "● on track", "behind": "▼ behind",
                 "met": "✓ met", "missed": "✗ missed", "not started": "○ not started",
                 "no data": "– no data"}  # fmt: skip


def goal_records(
    paces: Iterable[GoalPace], labels: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """One record per goal, with the contract's fields first (then the days the values were
    read on and the metric in words; ``labels``: the activity metrics' names)."""
    out: list[dict[str, object]] = []
    for p in paces:
        g = p.goal
        out.append({
            "id": g.goal_id, "scope": g.scope, "metric": g.metric, "target": g.target,
            "from": g.start_day, "by": g.due_day, "start_value": p.start_value,
            "current": p.current, "attainment_pct": p.attainment_pct, "verdict": p.verdict,
            "needed_per_week": p.needed_per_week, "start_value_day": p.start_value_day,
            "current_day": p.current_day, "metric_label": metric_label(g.metric, labels),
            "withheld": p.withheld,
        })  # fmt: skip
    return out


def goal_sentence(pace: GoalPace, labels: dict[str, str] | None = None) -> str:
    """A goal in one line, its figures rounded as every page rounds them."""
    g = pace.goal
    who = {"company": "Company", "team": f"Team {g.team}",
           "rep": f"{g.rep or g.email}"}[g.kind]  # fmt: skip
    head = (
        f"{who}: {metric_label(g.metric, labels)} {display.score(g.target)} by {g.due_day:%d %b %Y}"
    )
    if pace.withheld:
        return f"{head}: figures withheld (a group too small to show)"
    if pace.verdict == "not started":
        return f"{head}: starts {g.start_day:%d %b %Y}"
    if pace.current is None:
        return f"{head}: no data yet"
    read = (
        f" (read {pace.current_day:%d %b %Y})"
        if pace.current_day and pace.current_day != pace.as_of
        else ""
    )
    text = f"{head}: {display.score(pace.current)} now{read}, {VERDICT_MARKS[pace.verdict]}"
    if pace.attainment_pct is not None:
        text += f", {display.rounded(pace.attainment_pct, 0):.0f}% of the way"
    if pace.needed_per_week is not None:
        text += f"; {display.change(pace.needed_per_week)} a week needed"
    return text


def goals_table(paces: Iterable[GoalPace], activity: dict[str, str] | None = None) -> pd.DataFrame:
    """The goals as a table for a page or a terminal: figures rounded as everywhere, the
    verdict with its mark, a missing figure empty."""
    rows = []
    for p in paces:
        g = p.goal
        rows.append({
            "id": "default" if g.goal_id is None else str(g.goal_id),
            "goal": metric_label(g.metric, activity), "scope": g.scope,
            "target": display.rounded(g.target, 1), "from": g.start_day, "by": g.due_day,
            "start": _value(p.start_value), "start_day": p.start_value_day,
            "now": _value(p.current), "now_day": p.current_day,
            "done_pct": None if p.attainment_pct is None
                        else display.rounded(p.attainment_pct, 0),
            "verdict": "withheld (a group too small to show)" if p.withheld
                       else VERDICT_MARKS.get(p.verdict, p.verdict),
            "per_week": _value(p.needed_per_week),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "goal", "scope", "target", "from", "by", "start",
                                       "start_day", "now", "now_day", "done_pct", "verdict",
                                       "per_week"])  # fmt: skip


def _value(value: float | None) -> float | None:
    return None if value is None else display.rounded(value, 1)


@dataclass(frozen=True)
class GoalsStrip:
    """The team review's goals: the company's and the chosen teams', each with its verdict,
    and how the reps' own goals stand, counted by verdict."""

    goals: list[GoalPace]
    rep_verdicts: dict[str, int]

    SHOWN = 8  # the strip's lines; the Goals and events page lists every goal

    def lines(self, labels: dict[str, str] | None = None) -> list[str]:
        """One sentence per goal, the ones to act on first first: "Team East: SSI 60.0 by
        31 Mar 2026: 57.0 now (read 5 Feb 2026), ▲ ahead, 70% of the way; +0.9 a week
        needed"."""
        ordered = sorted(self.goals, key=lambda p: VERDICTS.index(p.verdict))
        return [goal_sentence(p, labels) for p in ordered[: self.SHOWN]]

    def more(self) -> int:
        return max(0, len(self.goals) - self.SHOWN)

    def counts_text(self) -> str:
        if not self.rep_verdicts:
            return ""
        parts = [f"{n} {v}" for v, n in self.rep_verdicts.items()]
        return "Reps' own goals: " + ", ".join(parts) + "."


@remembered
def goals_strip(
    store: Store, viewer: Viewer, teams: list[str], as_of: date,
    config: ScoringConfig | None = None,
) -> GoalsStrip:  # fmt: skip
    """The goals a team review of ``teams`` (none: every team in scope) shows."""
    found = goal_paces(store, viewer, as_of, config)
    shown = set(teams)

    def in_view(team: str | None) -> bool:
        return not shown or team in shown

    groups = [p for p in found if p.goal.kind == "company" or
              (p.goal.kind == "team" and in_view(p.goal.team))]  # fmt: skip
    reps = [p.verdict for p in found if p.goal.kind == "rep" and in_view(p.goal.rep_team)]
    counts = {v: reps.count(v) for v in VERDICT_MARKS if v in reps}
    return GoalsStrip(_ordered(groups), counts)


def _ordered(paces: list[GoalPace]) -> list[GoalPace]:
    """Company first, then teams by name, then reps; each by due day."""
    order = {"company": 0, "team": 1, "rep": 2}
    return sorted(paces, key=lambda p: (order[p.goal.kind], p.goal.team or "", p.goal.due_day))


@remembered
def rep_goals(
    store: Store, viewer: Viewer, rep_id: int, team: str | None, as_of: date,
    config: ScoringConfig | None = None,
) -> list[GoalPace]:  # fmt: skip
    """A rep's self-check goals: their own, their team's and the company's (only those are
    read: a self-check does not compute every goal of the company)."""
    config = config or load_config()
    wanted = [g for g in visible_goals(store, viewer, goals_in_force(store, as_of, config))
              if g.rep_id == rep_id or g.kind == "company"
              or (g.kind == "team" and g.team == team)]  # fmt: skip
    return _ordered(paces_for(store, viewer, wanted, as_of, config))


@remembered
def rep_verdicts(store: Store, viewer: Viewer, as_of: date) -> dict[int, str]:
    """Each rep's goal verdict for the leaderboard: the one to act on first among their own
    goals in force on ``as_of``."""
    per_rep: dict[int, list[str]] = {}
    for p in goal_paces(store, viewer, as_of):
        g = p.goal
        if g.rep_id is not None and g.start_day <= as_of <= g.due_day:
            per_rep.setdefault(g.rep_id, []).append(p.verdict)
    return {rep: worst_verdict(v) or "" for rep, v in per_rep.items()}


@dataclass(frozen=True)
class TrendMarks:
    """What the trend charts draw beside their data: each goal's pacing line (label, metric,
    line, and the group it is of: a team, "Company", or None for a rep's) and each event
    (day, title)."""

    lines: list[tuple[str, str, PacingLine, str | None]]
    events: list[tuple[date, str]]

    def of(
        self, metrics: Iterable[str], group: str | None = None
    ) -> list[tuple[str, str, PacingLine]]:
        """The lines of ``metrics`` (of one ``group`` when given)."""
        wanted = set(metrics)
        return [(label, metric, line) for label, metric, line, of in self.lines
                if metric in wanted and (group is None or of == group)]  # fmt: skip


def _marks(paces: Iterable[GoalPace], events: Iterable[Event]) -> TrendMarks:
    lines = []
    for p in paces:
        line = pacing_line(p)
        if line is None:
            continue
        g = p.goal
        name = g.team if g.kind == "team" else "you" if g.kind == "rep" else "company"
        label = f"goal, {name}: {metric_label(g.metric)} {display.score(g.target)} by {g.due_day:%d %b %Y}"
        group = g.team if g.kind == "team" else "Company" if g.kind == "company" else None
        lines.append((label, g.metric, line, group))
    return TrendMarks(lines, [(e.day, e.title) for e in events])


@remembered
def review_marks(
    store: Store, viewer: Viewer, groups: list[str], start: date, as_of: date,
) -> TrendMarks:  # fmt: skip
    """The team review's marks: the goals of the company and of the teams drawn
    (``groups``), and the events of those teams and everyone's, from ``start`` on."""
    teams = [g for g in groups if g != "Company"]
    paces = [p for p in goal_paces(store, viewer, as_of)
             if p.goal.kind == "company" or (p.goal.kind == "team" and p.goal.team in teams)]  # fmt: skip
    return _marks(paces, chart_events(store, viewer, start, as_of, teams))


@remembered
def rep_marks(
    store: Store, viewer: Viewer, rep_id: int, team: str | None, start: date, as_of: date
) -> TrendMarks:
    """A rep's chart's marks: their own SSI goals, and the events of everyone, their team
    and their own."""
    paces = [p for p in rep_goals(store, viewer, rep_id, team, as_of) if p.goal.rep_id == rep_id]
    return _marks(paces, chart_events(store, viewer, start, as_of, rep_id=rep_id, rep_team=team))


@dataclass(frozen=True)
class Scope:
    """A scope a goal or an event can be set for, as a form offers it."""

    label: str
    team: str | None = None
    rep: str | None = None  # the rep's e-mail


def settable_scopes(store: Store, viewer: Viewer) -> list[Scope]:
    """The scopes this viewer may set goals and events for: an admin the company, every
    team and every rep with an e-mail; a manager their teams and their teams' reps."""
    if not viewer.may("goals"):
        return []
    people = store.rows("rep_names")
    teams = sorted({r.team for r in people if r.team and viewer.may_set_goal(r.team, None, False)})
    scopes = [Scope("The company")] if viewer.may_set_goal(None, None, True) else []
    scopes += [Scope(f"Team: {t}", team=t) for t in teams]
    scopes += [Scope(f"Rep: {r.name} <{r.email}> ({r.team})", rep=r.email) for r in people
               if r.email and viewer.may_set_goal(None, r.team, False)]  # fmt: skip
    return scopes


def goal_choices(paces: Iterable[GoalPace], viewer: Viewer) -> dict[int, str]:
    """The goals this viewer may remove, by id, in words."""
    return {p.goal.goal_id: f"#{p.goal.goal_id} {metric_label(p.goal.metric)} "
                            f"{display.score(p.goal.target)} by {p.goal.due_day}, {p.goal.scope}"
            for p in paces if p.goal.goal_id is not None
            and viewer.may_set_goal(p.goal.team, p.goal.rep_team, p.goal.kind == "company")}  # fmt: skip


def goals_csv(paces: Iterable[GoalPace], labels: dict[str, str] | None = None) -> bytes:
    """The goals' download: the fields of `goals list --format json`, formula-safe."""
    records = goal_records(paces, labels)
    frame = pd.DataFrame(records, columns=[*GOAL_FIELDS, "start_value_day", "current_day",
                                           "metric_label", "withheld"])  # fmt: skip
    return to_csv_bytes(frame)


def template_csv() -> bytes:
    """The goal file template a page offers for download."""
    return TEMPLATE.encode("utf-8")


def chart_events(
    store: Store, viewer: Viewer, start: date, end: date, teams: Iterable[str] = (),
    rep_id: int | None = None, rep_team: str | None = None,
) -> list[Event]:  # fmt: skip
    """The events this viewer may see that a chart over [start, end] concerns."""
    return events_for_chart(visible_events(store, viewer), start, end, teams, rep_id, rep_team)


def events_table(events: Iterable[Event]) -> pd.DataFrame:
    return pd.DataFrame([{"id": e.event_id, "day": e.day, "title": e.title, "scope": e.scope,
                          "set_by": e.set_by} for e in events],
                        columns=["id", "day", "title", "scope", "set_by"])  # fmt: skip


def event_comparison(store: Store, viewer: Viewer, event: Event, newest: date,
                     config: ScoringConfig | None = None) -> str | None:  # fmt: skip
    """The before/after sentence of an event this viewer may see, or None (everyone's
    event). A group too small to hide a person is not compared for a viewer who may not
    see people."""
    config = config or load_config()
    found = before_after(store, event, newest, config)
    if found is None:
        return None
    if (
        not viewer.sees_people
        and event.rep_id is None
        and found.concerned < config.privacy.min_group_reps
    ):
        return "Not compared: the reps it concerns are too few to show without showing a person."
    return found.sentence()
