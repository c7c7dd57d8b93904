"""Alerts: what in the newest data needs someone now, found with the rules of
``scoring.toml``'s ``[alerts]``, and sent once to each person whose scope holds it (the rep,
their team's managers, the admins), with what triggered it and the numbers.

Each alert has a key naming what triggered it (the kind, whom, and the reading or day), so a
second check finds it again and sends nothing: a new reading that drops again is a new key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dashboard import display
from dashboard.errors import DashboardError
from dashboard.fields import PILLAR_SHORT, PILLARS
from dashboard.notify import message as msg
from dashboard.notify.digest import Section
from dashboard.notify.send import (
    ROBOT,
    Made,
    Outcome,
    body_of,
    deliver,
    public_url,
    unsubscribe_links,
)
from dashboard.notify.settings import every_user
from dashboard.notify.transport import smtp_server
from dashboard.scoring.config import load_config
from dashboard.scoring.goals import every_pace, metric_label
from dashboard.scoring.leaderboard import default_as_of
from dashboard.store import Store
from dashboard.users import record, viewer_for

MOST_LINES = 50  # alerts written out in one message; the rest counted


@dataclass(frozen=True)
class Alert:
    kind: str  # settings.ALERT_KINDS
    key: str
    words: str  # what triggered it, with the numbers
    rep_id: int | None = None  # about a rep: them, their managers and the admins
    team: str | None = None  # about a team: its managers and the admins


def find_alerts(store: Store, today: date | None = None) -> list[Alert]:
    """Every alert the newest data holds, company-wide (who gets which is decided after)."""
    rules = load_config().alerts
    today = today or datetime.now(UTC).date()
    found: list[Alert] = []
    for r in store.rows("alert_readings", {"drop_days": rules.ssi_drop_days}):
        who = f"{r.rep} ({r.team})"
        if r.ssi is not None and r.before_ssi is not None:
            drop = float(r.before_ssi) - float(r.ssi)
            if drop >= rules.ssi_drop_points:
                found.append(Alert("ssi_drop", f"ssi_drop:{r.rep_id}:{r.day}",
                                   f"{who}: SSI fell {display.change(-drop)} to "
                                   f"{display.score(r.ssi)} on {r.day} (from "
                                   f"{display.score(r.before_ssi)} on {r.before_day})",
                                   r.rep_id, r.team))  # fmt: skip
        low = [p for p in PILLARS if getattr(r, p) is not None
               and float(getattr(r, p)) < rules.pillar_floor]  # fmt: skip
        if low:
            listed = ", ".join(f"{PILLAR_SHORT[p]} {display.score(getattr(r, p))}" for p in low)
            found.append(Alert("pillar_floor", f"pillar_floor:{r.rep_id}:{r.day}",
                               f"{who}: {listed} on {r.day}, under "
                               f"{rules.pillar_floor:g}", r.rep_id, r.team))  # fmt: skip
        age = (today - r.day).days
        if age >= rules.no_reading_days:
            found.append(Alert("no_reading", f"no_reading:{r.rep_id}:{r.day}",
                               f"{who}: no reading for {age} days (the newest is of {r.day})",
                               r.rep_id, r.team))  # fmt: skip
    found += _goal_alerts(store, rules.goal_behind)
    found += _import_alerts(store, today, rules.import_late_days)
    return found


def _goal_alerts(store: Store, wanted: bool) -> list[Alert]:
    as_of = default_as_of(store)
    if not wanted or as_of is None:
        return []
    out = []
    for p in every_pace(store, as_of, load_config()):
        g = p.goal
        if p.verdict != "behind" or g.goal_id is None:
            continue
        scope = f"{g.rep}'s" if g.kind == "rep" else g.scope
        words = (f"goal #{g.goal_id}, {scope}: {metric_label(g.metric)} "
                 f"{display.score(g.target)} by {g.due_day} is behind: "
                 f"{display.score(p.current)} now, {display.fmt(p.attainment_pct, '{:.0f}%')} "
                 f"of the way; {display.change(p.needed_per_week)} a week needed")  # fmt: skip
        out.append(Alert("goal_behind", f"goal_behind:{g.goal_id}", words, g.rep_id,
                         g.team if g.kind == "team" else g.rep_team))  # fmt: skip
    return out


def _import_alerts(store: Store, today: date, late_days: int) -> list[Alert]:
    """Uploads refused in the last weeks, and the weekly import when it is late: no import
    for ``late_days`` past the weekday most imports of the last eight weeks came on."""
    out = [Alert("import_problem", f"import_refused:{r.audit_id}",
                 f"an upload by {r.actor} was refused on {r.happened_at:%Y-%m-%d %H:%M}: "
                 f"{r.detail}")
           for r in store.rows("import_refusals", {"since": today - timedelta(days=14)})]  # fmt: skip
    days = [r.day for r in store.rows("import_days") if r.day >= today - timedelta(days=56)]
    if len(days) >= 3:
        usual = Counter(d.weekday() for d in days).most_common(1)[0][0]
        expected = today - timedelta(days=(today.weekday() - usual) % 7)
        if (today - expected).days >= late_days and max(days) < expected:
            out.append(Alert("import_problem", f"import_late:{expected}",
                             f"no file imported since {max(days)}: imports usually come on "
                             f"{expected:%A}s, and none came on {expected}"))  # fmt: skip
    return out


@dataclass(frozen=True)
class People:
    """Who is told of what: the admins, each team's managers, each rep's own user."""

    admins: frozenset[str]
    managers: dict[str, frozenset[str]]
    rep_users: dict[int, frozenset[str]]

    @classmethod
    def of(cls, store: Store) -> People:
        managers: dict[str, set[str]] = {}
        for r in store.rows("team_managers"):
            managers.setdefault(r.team, set()).add(r.email)
        reps: dict[int, set[str]] = {}
        for r in store.rows("rep_users"):
            reps.setdefault(r.rep_id, set()).add(r.email)
        return cls(frozenset(r.email for r in store.rows("admin_emails")),
                   {t: frozenset(e) for t, e in managers.items()},
                   {r: frozenset(e) for r, e in reps.items()})  # fmt: skip

    def told(self, alert: Alert) -> frozenset[str]:
        """Whose scope holds ``alert``: the admins; the managers of its team; the rep it is
        about."""
        out = self.admins
        if alert.team is not None:
            out |= self.managers.get(alert.team, frozenset())
        if alert.rep_id is not None:
            out |= self.rep_users.get(alert.rep_id, frozenset())
        return out


def check_alerts(
    store: Store, today: date | None = None, sleep: Callable[[float], None] | None = None,
    dry_run: bool = False,
) -> list[Outcome]:  # fmt: skip
    """Find the alerts and send each new one to the people in scope who want its kind: one
    message per person per check, every alert in it recorded as sent to them (sent or not:
    a failed message is sent again as it was, never made twice)."""
    found = find_alerts(store, today)
    people = People.of(store)
    wanted = []
    for chosen in every_user(store):
        if not chosen.alerts or viewer_for(store, chosen.email) is None:
            continue
        sent = {r.alert_key for r in store.rows("alerts_already_sent", {"email": chosen.email})}
        mine = [a for a in found if a.kind in chosen.alerts and a.key not in sent
                and chosen.email in people.told(a)]  # fmt: skip
        if mine:
            wanted.append((chosen, mine))
    if dry_run:
        return [Outcome(c.email, "written", "; ".join(a.words for a in mine)) for c, mine in wanted]
    server = smtp_server()
    sender = server.sender if server else "SSI dashboard"
    links = unsubscribe_links(store, [c.email for c, _ in wanted])
    as_of = default_as_of(store)
    stamp = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S}"
    made = []
    for chosen, mine in wanted:
        subject = f"SSI alerts: {len(mine)} new" if len(mine) > 1 else f"SSI alert: {mine[0].words}"
        sections = _sections(mine)
        link = links[chosen.email]
        mail = msg.alerts_mail(chosen.email, sender, subject, sections, public_url(), link)
        body = body_of(chosen, mail, msg.alerts_text(subject, sections, public_url(), link))
        made.append(Made(chosen, "alert", f"alerts:{stamp}:{len(mine)}", as_of,
                         subject[:200], body))  # fmt: skip
    outcomes = deliver(store, server, made, sleep)
    with store.transaction() as cur:
        for (chosen, mine), outcome in zip(wanted, outcomes, strict=True):
            cur.run("alert_sent", {"email": chosen.email, "keys": [a.key for a in mine],
                                   "delivery_id": outcome.delivery_id})  # fmt: skip
    return outcomes


def _sections(alerts: list[Alert]) -> list[Section]:
    titles = {"ssi_drop": "SSI drops", "pillar_floor": "Pillars under the floor",
              "no_reading": "No recent reading", "goal_behind": "Goals falling behind",
              "import_problem": "Imports"}  # fmt: skip
    out = []
    for kind, title in titles.items():
        lines = [a.words for a in alerts if a.kind == kind]
        if lines:
            more = len(lines) - MOST_LINES
            out.append(Section(f"{title} ({len(lines)})", tuple(lines[:MOST_LINES]),
                               f"... and {more} more." if more > 0 else ""))  # fmt: skip
    return out


def can_deliver(store: Store) -> bool:
    """Whether any message could go out: a mail server, or a user's webhook."""
    return smtp_server() is not None or any(n.channel != "email" for n in every_user(store))


def after_import(store: Store) -> list[Outcome]:
    """The alerts check that ends an import, when anything can deliver them. Its failure is
    audited and never the import's: the import is written already."""
    if not can_deliver(store):
        return []
    try:
        return check_alerts(store)
    except DashboardError as exc:
        record(store, ROBOT, "alerts check failed", str(exc))
        return []
