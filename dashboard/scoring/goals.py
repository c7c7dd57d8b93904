"""Goals: a target for a metric, by a day, for the company, a team or a rep, and how far
along each one is (queries/goals.sql).

A goal's value is read as the pages show it: a rep's latest reading on or before the day,
dated; a team's (or the company's) average of its listed reps from the team-day summary the
trend charts draw; an activity metric's weekly figure over ``[goals] activity_weeks`` full
weeks. Its pace compares the share of the way done (from the value at its start to its
target) with the share of its time gone: within ``[goals] pace_tolerance`` it is on track.
A goal whose value cannot be read says so: it is never 0% and never behind for lack of data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from dashboard.access import Viewer
from dashboard.fields import PILLAR_LABELS, PILLARS
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.memo import KEEP_COMPANY_WIDE, remembered
from dashboard.scoring.team_days import summary_is_current
from dashboard.scoring.trends import averages_over_time
from dashboard.store import Store

SCORE_METRICS = ("ssi", *PILLARS)
BALANCED_SHARE = "balanced_share"
# A rep's value is first looked for among the readings of the five weekly exports before
# the earliest day wanted; a rep without one there is read again over every reading.
REP_LOOKBACK_DAYS = 35
# The verdicts, the ones to act on first first.
VERDICTS = ("behind", "missed", "on track", "ahead", "met", "not started", "no data")


@dataclass(frozen=True)
class Goal:
    """A goal as set: for the company (no team, no rep), a team, or a rep."""

    goal_id: int | None  # None: the company's default goal from scoring.toml
    metric: str
    target: float
    start_day: date
    due_day: date
    team: str | None = None
    rep_id: int | None = None
    rep: str | None = None
    email: str | None = None
    rep_team: str | None = None  # the rep's current team: who may see and set the goal
    set_by: str = ""
    import_id: int | None = None

    @property
    def kind(self) -> str:
        return "rep" if self.rep_id is not None else "team" if self.team else "company"

    @property
    def scope(self) -> str:
        """ "company", "team: East" or "rep: ann@example.com" (a rep without an e-mail: the
        name)."""
        if self.kind == "rep":
            return f"rep: {self.email or self.rep}"
        return f"team: {self.team}" if self.kind == "team" else "company"


@dataclass(frozen=True)
class GoalPace:
    """Where a goal stands on a day."""

    goal: Goal
    as_of: date
    start_value: float | None
    start_value_day: date | None  # the day the start value was read on (a reading's day)
    current: float | None
    current_day: date | None
    attainment: float | None  # the share of the way from start value to target done
    expected: float | None  # the pacing line's value on as_of
    verdict: str
    needed_per_week: float | None  # the change per week still needed to reach the target
    reps: int | None = None  # how many reps a team's or the company's current value is of
    withheld: bool = False  # a group too small to show to this viewer

    @property
    def attainment_pct(self) -> float | None:
        return None if self.attainment is None else 100 * self.attainment


def metric_label(metric: str, activity_labels: dict[str, str] | None = None) -> str:
    """A goal's metric in words: "SSI", "Find the right people", "InMails sent per week"."""
    if metric == "ssi":
        return "SSI"
    if metric in PILLAR_LABELS:
        return PILLAR_LABELS[metric]
    if metric == BALANCED_SHARE:
        return "Share of balanced reps (%)"
    return f"{(activity_labels or {}).get(metric, metric.replace('_', ' '))} per week"


def goal_metrics(store: Store) -> dict[str, str]:
    """Every metric a goal may measure, with its label."""
    activity = activity_labels(store)
    return {m: metric_label(m, activity) for m in (*SCORE_METRICS, BALANCED_SHARE, *activity)}


@remembered
def activity_labels(store: Store) -> dict[str, str]:
    return {r.metric: r.label for r in store.rows("activity_metrics")}


# -- the goals in force --------------------------------------------------------------------
@remembered
def stored_goals(store: Store) -> list[Goal]:
    rows = store.rows("every_goal")
    teams = current_teams(
        store, [r.rep_id for r in rows if r.rep_id is not None and not r.rep_team]
    )
    return [Goal(r.goal_id, r.metric, float(r.target), r.start_day, r.due_day, r.team,
                 r.rep_id, r.rep, r.email, r.rep_team or teams.get(r.rep_id), r.set_by,
                 r.import_id)
            for r in rows]  # fmt: skip


def current_teams(store: Store, rep_ids: Iterable[int]) -> dict[int, str | None]:
    """The current team of reps with no reading (their newest activity's), one by one: the
    few a goal or an event names before their first reading."""
    return {r: store.scalar("rep_team", {"rep_id": r}) for r in set(rep_ids)}


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s calendar quarter."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def default_goal(as_of: date, config: ScoringConfig | None = None) -> Goal:
    """The goal a company starts with: SSI ``trend.target_ssi`` by the end of the quarter."""
    first, last = quarter_of(as_of)
    return Goal(None, "ssi", (config or load_config()).trend.target_ssi, first, last,
                set_by="scoring.toml")  # fmt: skip


def goals_in_force(store: Store, as_of: date, config: ScoringConfig | None = None) -> list[Goal]:
    """Every goal set, and the default company goal while the company has no SSI goal of its
    own covering ``as_of``."""
    goals = stored_goals(store)
    own = [g for g in goals if g.kind == "company" and g.metric == "ssi"
           and g.start_day <= as_of <= g.due_day]  # fmt: skip
    return goals if own else [default_goal(as_of, config), *goals]


def visible_goals(store: Store, viewer: Viewer, goals: Iterable[Goal]) -> list[Goal]:
    """The goals this viewer may see: the company's; a team's within their teams (a rep:
    their own team's); a rep's only for that rep and whoever may see them."""
    own = own_team(store, viewer)
    return [g for g in goals if viewer.sees_goal(g.team, g.rep_id, g.rep_team, own)]


def own_team(store: Store, viewer: Viewer) -> str | None:
    """A rep's current team (the team of their newest reading); None for other roles."""
    if viewer.role != "rep" or viewer.rep_id is None:
        return None
    return store.scalar("rep_team", {"rep_id": viewer.rep_id})


# -- values --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Value:
    value: float | None
    day: date | None
    reps: int | None = None  # how many listed reps a team's value is of


def read_values(
    store: Store, wanted: list[tuple[Goal, date, date]], config: ScoringConfig
) -> list[_Value]:
    """Each (goal, day, until)'s value on the day; a rep's start value read on no day before
    a reading is the first reading after it, up to ``until``."""
    found: dict[int, _Value] = {}
    reps = [(k, g, d, u) for k, (g, d, u) in enumerate(wanted)
            if g.kind == "rep" and g.metric in SCORE_METRICS]  # fmt: skip
    groups = [(k, g, d) for k, (g, d, _) in enumerate(wanted)
              if g.kind != "rep" and g.metric in (*SCORE_METRICS, BALANCED_SHARE)]  # fmt: skip
    activity = [(k, g, d) for k, (g, d, _) in enumerate(wanted)
                if g.metric not in (*SCORE_METRICS, BALANCED_SHARE)]  # fmt: skip
    if reps:
        found |= _rep_values(store, reps)
    if groups:
        found |= _group_values(store, groups, config)
    if activity:
        found |= _activity_values(store, activity, config)
    return [found.get(k, _Value(None, None)) for k in range(len(wanted))]


def _rep_values(store: Store, wanted: list[tuple[int, Goal, date, date]]) -> dict[int, _Value]:
    """A rep's latest reading giving the goal's metric on or before the day, dated; else the
    first after it up to ``until`` (a goal set before the rep's first reading). One read of
    the recent readings answers most goals; the rest are read again exactly, per metric."""
    out: dict[int, _Value] = {}
    metric_of = {k: g.metric for k, g, _, _ in wanted}
    frame = _wanted_reps(wanted)
    since = min(d for *_, d, _ in wanted) - timedelta(days=REP_LOOKBACK_DAYS)
    with store.reading() as cur:
        cur.register("wanted_rep_values", frame)
        for row in cur.run("goal_rep_readings", {"since": since}).fetchall():
            value = getattr(row, metric_of[row.k])
            if row.value_day is not None and not _missing(value):
                out[row.k] = _Value(float(value), row.value_day)
    for metric in sorted({g.metric for k, g, _, _ in wanted if k not in out}):
        left = [w for w in wanted if w[0] not in out and w[1].metric == metric]
        with store.reading() as cur:
            cur.register("wanted_rep_values", _wanted_reps(left))
            rows = cur.run_filled("goal_rep_values", metric=metric).fetchall()
        for r in rows:
            if r.before_day is not None:
                out[r.k] = _Value(float(r.before_value), r.before_day)
            elif r.after_day is not None:
                out[r.k] = _Value(float(r.after_value), r.after_day)
    return out


def _wanted_reps(wanted: list[tuple[int, Goal, date, date]]) -> pd.DataFrame:
    return pd.DataFrame({"k": [k for k, *_ in wanted],
                         "rep_id": [g.rep_id for _, g, _, _ in wanted],
                         "day": pd.to_datetime([d for *_, d, _ in wanted]),
                         "until": pd.to_datetime([u for *_, u in wanted])})  # fmt: skip


def _group_values(
    store: Store, wanted: list[tuple[int, Goal, date]], config: ScoringConfig
) -> dict[int, _Value]:
    if not summary_is_current(store, config):
        return _group_values_from_readings(store, wanted, config)
    frame = pd.DataFrame({"k": [k for k, _, _ in wanted],
                          "team": pd.Series([g.team for _, g, _ in wanted], dtype="string"),
                          "day": pd.to_datetime([d for _, _, d in wanted])})  # fmt: skip
    metric = {k: g.metric for k, g, _ in wanted}
    with store.reading() as cur:
        cur.register("wanted_team_values", frame)
        rows = cur.run("goal_team_values").fetchall()
    out = {}
    for row in rows:
        value = getattr(row, metric[row.k])
        out[row.k] = _Value(None if _missing(value) else float(value), row.value_day, row.reps)
    return out


def _group_values_from_readings(
    store: Store, wanted: list[tuple[int, Goal, date]], config: ScoringConfig
) -> dict[int, _Value]:
    """The same figures, from every reading, while the team-day summary is summed under
    other rules (a store not yet imported into since the rules changed)."""
    out = {}
    for day in sorted({d for _, _, d in wanted}):
        averages = averages_over_time(store, day, day, config, step=1)
        for k, goal, _ in (w for w in wanted if w[2] == day):
            rows = averages[averages["team"] == (goal.team or "Company")]
            if rows.empty:
                continue
            row = rows.iloc[0]
            column = "share_balanced" if goal.metric == BALANCED_SHARE else goal.metric
            value = row[column] * (100 if goal.metric == BALANCED_SHARE else 1)
            out[k] = _Value(None if _missing(value) else float(value), day, int(row["reps"]))
    return out


def _activity_values(
    store: Store, wanted: list[tuple[int, Goal, date]], config: ScoringConfig
) -> dict[int, _Value]:
    frame = pd.DataFrame({
        "k": [k for k, _, _ in wanted],
        "rep_id": pd.Series([g.rep_id for _, g, _ in wanted], dtype="Int64"),
        "team": pd.Series([g.team for _, g, _ in wanted], dtype="string"),
        "metric": [g.metric for _, g, _ in wanted],
        "day": pd.to_datetime([d for _, _, d in wanted]),
    })  # fmt: skip
    weeks = config.goals.activity_weeks
    span = {"weeks": weeks, "last_week": max(d for *_, d in wanted),
            "first_week": min(d for *_, d in wanted) - timedelta(days=7 * (weeks + 1))}  # fmt: skip
    with store.reading() as cur:
        cur.register("wanted_activity_values", frame)
        rows = cur.run("goal_activity_values", span).fetchall()
    return {r.k: _Value(None if _missing(r.value) else float(r.value), r.value_day, r.reps)
            for r in rows}  # fmt: skip


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


# -- pace ----------------------------------------------------------------------------------
def judge(goal: Goal, as_of: date, start: _Value, now: _Value, tolerance: float) -> GoalPace:
    """Where ``goal`` stands on ``as_of``, from its value at its start and its value now (at
    its due day once that has passed)."""
    if as_of < goal.start_day:
        return GoalPace(goal, as_of, None, None, None, None, None, None, "not started", None)
    if start.value is None or now.value is None:
        return GoalPace(goal, as_of, start.value, start.day, now.value, now.day, None, None,
                        "no data", None, now.reps)  # fmt: skip
    way = goal.target - start.value
    span = max((goal.due_day - goal.start_day).days, 1)
    elapsed = min(max((as_of - goal.start_day).days, 0), span)
    time_share = elapsed / span
    attainment = (now.value - start.value) / way if way > 0 else None
    expected = start.value + way * time_share if way > 0 else goal.target
    reached = now.value >= goal.target
    if as_of >= goal.due_day:
        verdict = "met" if reached else "missed"
    elif reached:
        verdict = "met"
    elif attainment is None:  # started at or above the target and fell under it since
        verdict = "behind"
    elif attainment - time_share > tolerance:
        verdict = "ahead"
    elif attainment - time_share >= -tolerance:
        verdict = "on track"
    else:
        verdict = "behind"
    days_left = (goal.due_day - as_of).days
    needed = None
    if verdict not in ("met", "missed") and days_left > 0:
        needed = (goal.target - now.value) / (days_left / 7)
    return GoalPace(goal, as_of, start.value, start.day, now.value, now.day,
                    attainment, expected, verdict, needed, now.reps)  # fmt: skip


def paces(
    store: Store, goals: list[Goal], as_of: date, config: ScoringConfig | None = None
) -> list[GoalPace]:
    """Where each goal stands on ``as_of``, in the order given."""
    config = config or load_config()
    wanted: list[tuple[Goal, date, date]] = []
    for goal in goals:
        judged_on = min(as_of, goal.due_day)
        wanted += [(goal, goal.start_day, judged_on), (goal, judged_on, judged_on)]
    values = read_values(store, wanted, config) if wanted else []
    return [judge(g, as_of, values[2 * i], values[2 * i + 1], config.goals.pace_tolerance)
            for i, g in enumerate(goals)]  # fmt: skip


@remembered
def goal_paces(
    store: Store, viewer: Viewer, as_of: date, config: ScoringConfig | None = None
) -> list[GoalPace]:
    """Every goal this viewer may see, where it stands on ``as_of``: the scope is decided
    before any value is read. A group's figures too small to hide a person are withheld
    from a viewer who may not see people (a rep about their own team)."""
    config = config or load_config()
    if viewer.role == "admin":  # every goal: one computation for every admin
        return every_pace(store, as_of, config)
    shown = visible_goals(store, viewer, goals_in_force(store, as_of, config))
    return paces_for(store, viewer, shown, as_of, config)


def paces_for(
    store: Store, viewer: Viewer, goals: list[Goal], as_of: date, config: ScoringConfig
) -> list[GoalPace]:
    """:func:`paces` of goals this viewer may see, with the figures of groups too small to
    hide a person withheld from a viewer who may not see people."""
    found = paces(store, goals, as_of, config)
    if viewer.sees_people:
        return found
    small = config.privacy.min_group_reps
    return [_withheld(p) if _too_small(p, small) else p for p in found]


@remembered(keep=KEEP_COMPANY_WIDE)
def every_pace(store: Store, as_of: date, config: ScoringConfig) -> list[GoalPace]:
    """Where every goal stands on ``as_of``: what an admin sees."""
    return paces(store, goals_in_force(store, as_of, config), as_of, config)


def _too_small(pace: GoalPace, small: int) -> bool:
    """A team's (or the company's) score figures made of fewer than ``small`` reps: the
    reps counted on the day the current value is of."""
    scores = pace.goal.metric in (*SCORE_METRICS, BALANCED_SHARE)
    return (
        pace.goal.kind != "rep" and scores and pace.current is not None and (pace.reps or 0) < small
    )


def _withheld(pace: GoalPace) -> GoalPace:
    return replace(pace, start_value=None, current=None, attainment=None, expected=None,
                   needed_per_week=None, verdict="no data", withheld=True)  # fmt: skip


@dataclass(frozen=True)
class PacingLine:
    """The straight line from a goal's value at its start to its target on its due day."""

    days: tuple[date, date]
    values: tuple[float, float]


def pacing_line(pace: GoalPace) -> PacingLine | None:
    """The goal's pacing line for the trend charts; None when the start value is unknown or
    withheld."""
    if pace.start_value is None:
        return None
    g = pace.goal
    return PacingLine((g.start_day, g.due_day), (pace.start_value, g.target))


def worst_verdict(verdicts: Iterable[str]) -> str | None:
    """The verdict to act on first among ``verdicts`` (behind before on track)."""
    found = [v for v in verdicts if v in VERDICTS]
    return min(found, key=VERDICTS.index) if found else None
