"""Events: dated notes for everyone, a team or a rep (a training, a campaign, LinkedIn
changing its scoring), drawn on the trend charts they concern, and the before/after view of
one: the SSI change of the reps it concerns against everyone else's over the same days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard import display
from dashboard.access import Viewer
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.goals import current_teams, own_team
from dashboard.scoring.memo import remembered
from dashboard.store import Store


@dataclass(frozen=True)
class Event:
    event_id: int
    day: date
    title: str
    team: str | None = None
    rep_id: int | None = None
    rep: str | None = None
    email: str | None = None
    rep_team: str | None = None
    set_by: str = ""

    @property
    def scope(self) -> str:
        if self.rep_id is not None:
            return f"rep: {self.email or self.rep}"
        return f"team: {self.team}" if self.team else "everyone"


@remembered
def stored_events(store: Store) -> list[Event]:
    rows = store.rows("every_event")
    teams = current_teams(
        store, [r.rep_id for r in rows if r.rep_id is not None and not r.rep_team]
    )
    return [Event(r.event_id, r.day, r.title, r.team, r.rep_id, r.rep, r.email,
                  r.rep_team or teams.get(r.rep_id), r.set_by) for r in rows]  # fmt: skip


@remembered
def visible_events(store: Store, viewer: Viewer) -> list[Event]:
    """The events this viewer may see, by the rules of goals: never another rep's."""
    own = own_team(store, viewer)
    return [e for e in stored_events(store)
            if viewer.sees_goal(e.team, e.rep_id, e.rep_team, own)]  # fmt: skip


def events_for_chart(
    events: Iterable[Event], start: date, end: date, teams: Iterable[str] = (),
    rep_id: int | None = None, rep_team: str | None = None,
) -> list[Event]:  # fmt: skip
    """The events a trend chart over [start, end] concerns: everyone's; a team's on a chart
    of that team (``teams``; empty: every team); a rep's on that rep's own chart, with the
    events of the rep's team."""
    shown = set(teams)
    wanted = []
    for e in events:
        if not start <= e.day <= end:
            continue
        if rep_id is not None:
            ok = e.rep_id == rep_id or (e.rep_id is None and e.team in (None, rep_team))
        else:
            ok = e.rep_id is None and (e.team is None or not shown or e.team in shown)
        if ok:
            wanted.append(e)
    return wanted


@dataclass(frozen=True)
class BeforeAfter:
    """The SSI change over ``days`` before and after an event, for the reps it concerns and
    for everyone else (difference in differences)."""

    event: Event
    days: int
    concerned: int  # reps with a reading at each of the three days
    others: int
    concerned_before: float | None
    concerned_after: float | None
    others_before: float | None
    others_after: float | None
    complete: bool  # the days after the event have all passed, up to the store's newest

    @property
    def difference(self) -> float | None:
        """How much more the concerned reps' change moved than everyone else's."""
        cb, ca = self.concerned_before, self.concerned_after
        ob, oa = self.others_before, self.others_after
        if cb is None or ca is None or ob is None or oa is None:
            return None
        return (ca - cb) - (oa - ob)

    def sentence(self) -> str:
        if self.concerned == 0 or self.others == 0:
            return ("Not enough readings around this event to compare: the reps it concerns "
                    "and everyone else each need a reading before, on and after it.")  # fmt: skip
        d = self.difference
        if d is None:
            return "Not enough readings around this event to compare."
        moved = (
            "no differently"
            if d == 0
            else f"{display.score(abs(d))} points {'more' if d > 0 else 'less'}"
        )
        partial = "" if self.complete else " The days after it have not all passed yet."
        return (
            f"Over the {self.days} days after the event, the {self.concerned} rep(s) it "
            f"concerns changed {moved} than over the {self.days} days before it, "
            f"set against the same change for the {self.others} other rep(s). This is a "
            f"comparison, not proof: other things happened to these reps too.{partial}"
        )


def before_after(
    store: Store, event: Event, newest: date, config: ScoringConfig | None = None
) -> BeforeAfter | None:
    """The before/after view of an event that concerns some reps (a team's or a rep's); None
    for everyone's, which has no one to compare with."""
    if event.team is None and event.rep_id is None:
        return None
    config = config or load_config()
    days = config.events.window_days
    before, after = event.day - timedelta(days=days), event.day + timedelta(days=days)
    rows = store.df("reps_on_days", {"before": before, "at": event.day, "after": min(after, newest),
                                     "stale_days": config.freshness.stale_after_days})  # fmt: skip
    wide = rows.pivot_table(index="rep_id", columns="day", values="ssi")
    wide.columns = [pd.Timestamp(c).date() for c in wide.columns]
    points = [before, event.day, min(after, newest)]
    if not all(p in wide.columns for p in points):
        return BeforeAfter(event, days, 0, 0, None, None, None, None, after <= newest)
    wide = wide[points].dropna()
    at_event = rows[pd.to_datetime(rows["day"]).dt.date == event.day].set_index("rep_id")["team"]
    if event.rep_id is not None:
        mine = wide.index == event.rep_id
    else:
        mine = wide.index.map(at_event.to_dict()).to_numpy() == event.team
    change_before = wide[points[1]] - wide[points[0]]
    change_after = wide[points[2]] - wide[points[1]]

    def mean(values: pd.Series) -> float | None:
        return None if values.empty else float(values.mean())

    return BeforeAfter(event, days, int(mine.sum()), int((~mine).sum()),
                       mean(change_before[mine]), mean(change_after[mine]),
                       mean(change_before[~mine]), mean(change_after[~mine]),
                       after <= newest)  # fmt: skip
