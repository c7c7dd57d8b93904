"""A user's weekly digest: what changed since their last one, scoped exactly as their pages.

A manager's digest is of their teams, an admin's of the company, a viewer's of the company's
figures with no person named, a rep's of their own figures (and their team's as far as the
self-check shows them). Every figure comes from the views the pages draw, written with the
same rounding; the PDF attached is the page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pandas as pd

from dashboard import display
from dashboard.access import Viewer
from dashboard.fields import PILLAR_SHORT, PILLARS
from dashboard.reports.self_check import self_check_pdf
from dashboard.reports.team_review import scope_words, team_review_pdf
from dashboard.scoring import rep_history
from dashboard.scoring.config import load_config
from dashboard.scoring.goals import activity_labels
from dashboard.scoring.leaderboard import listed_average
from dashboard.store import Store
from dashboard.views import goals as gv
from dashboard.views import self_check as sc
from dashboard.views import team_review as tr
from dashboard.views.activity import activity_view

PERIOD = "90 days"  # the review a digest links to and attaches


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Digest:
    """Everything one digest says, before it is written as a message."""

    email: str
    scope: str
    as_of: date
    since: date
    headline: tuple[tuple[str, str], ...]  # (label, value as shown)
    sections: tuple[Section, ...]
    link: str  # the page with the same filters
    pdf_name: str
    pdf: bytes

    @property
    def subject(self) -> str:
        first = f": {self.headline[0][0]} {self.headline[0][1]}" if self.headline else ""
        return f"SSI weekly digest, {self.scope}, as of {self.as_of}{first}"


def digest_for(
    store: Store, viewer: Viewer, as_of: date, since: date | None, base_url: str,
    made_at: datetime | None = None, pdfs: dict[tuple, bytes] | None = None,
) -> Digest:  # fmt: skip
    """The digest of ``viewer`` as of ``as_of``, against ``since`` (their last digest's day;
    a week earlier for a first one). The scope is decided before anything is read.
    ``pdfs``: the team reviews' PDFs made so far in this run, by scope (two managers of the
    same teams get the same PDF, made once)."""
    since = since if since is not None and since < as_of else as_of - timedelta(days=7)
    made_at = made_at or datetime.now(UTC)
    if viewer.role == "rep":
        return _rep_digest(store, viewer, as_of, since, base_url, made_at)
    return _team_digest(store, viewer, as_of, since, base_url, made_at,
                        {} if pdfs is None else pdfs)  # fmt: skip


def _team_digest(
    store: Store, viewer: Viewer, as_of: date, since: date, base_url: str, made_at: datetime,
    pdfs: dict[tuple, bytes],
) -> Digest:  # fmt: skip
    config = load_config()
    scope = tr.review_scope(store, viewer, [])
    view = tr.team_review(store, scope, as_of, tr.PERIODS[PERIOD], viewer)
    k = view.kpis
    before = None if k.withheld else listed_average(store, since, scope or None, config)
    change = None if k.average_ssi is None or before is None else k.average_ssi - before
    headline = (
        ("Average SSI", display.score(k.average_ssi)),
        (f"Change since {since}", display.change(change)),
        ("Leaders", display.fmt(k.leaders, "{:d}")),
        ("Laggards", display.fmt(k.laggards, "{:d}")),
        ("Balanced", display.fmt(k.share_balanced, "{:.0%}")),
        ("Ranked reps", f"{k.reps}"),
    )
    sections = [s for s in (
        _teams_section(view),
        _movers_section(view, config.digest.movers) if viewer.sees_people else None,
        _goals_section(store, viewer, scope, as_of),
        _signals_section(store, viewer, scope, view, since, config.digest.signals)
        if viewer.sees_people else None,
        _data_section(store, view, viewer, scope, as_of),
    ) if s is not None]  # fmt: skip
    query = urlencode([*(("team", t) for t in scope), ("as_of", as_of.isoformat()),
                       ("period", PERIOD)])  # fmt: skip
    words = scope_words(viewer, [], scope)
    # What a team review shows depends on the role and the teams, never on who reads it.
    same = (viewer.role, tuple(scope), as_of, made_at)
    if same not in pdfs:
        pdfs[same] = team_review_pdf(store, viewer, [], as_of, PERIOD, made_at)
    pdf = pdfs[same]
    return Digest(viewer.email, words, as_of, since, headline, tuple(sections),
                  f"{base_url.rstrip('/')}/review?{query}", f"team_review_{as_of}.pdf", pdf)  # fmt: skip


def _teams_section(view: tr.TeamReview) -> Section | None:
    if len(view.comparison) < 2:
        return None
    table = tr.comparison_table(view.comparison)
    lines = tuple(
        f"{r['team']}: {display.score(r['ssi'])} "
        f"({display.change(r['ssi_change_7d'])} in 7 days, {display.fmt(r['reps'], '{:d}')} reps)"
        for r in table.to_dict("records")
    )
    return Section("Teams", lines)


def _movers_section(view: tr.TeamReview, shown: int) -> Section | None:
    window = load_config().coaching.movers_window_days
    lines = []
    for verb, frame in (("rose", view.rises), ("fell", view.falls)):
        for r in tr.movers_table(frame).head(shown).to_dict("records"):
            lines.append(f"{r['rep']} ({r['team']}) {verb} {display.change(r['change'])} to "
                         f"{display.score(r['ssi_now'])} since {r['day_before']}")  # fmt: skip
    if not lines:
        return Section(f"Movers, {window} days", (), "Nobody moved much.")
    return Section(f"Movers, {window} days", tuple(lines))


def _goals_section(store: Store, viewer: Viewer, scope: list[str], as_of: date) -> Section | None:
    strip = gv.goals_strip(store, viewer, scope, as_of)
    if not (strip.goals or strip.rep_verdicts):
        return None
    lines = strip.lines(activity_labels(store))
    if strip.more():
        lines.append(f"... and {strip.more()} more on the Goals and events page")
    return Section("Goals", tuple(lines), strip.counts_text())


def _signals_section(
    store: Store, viewer: Viewer, scope: list[str], view: tr.TeamReview, since: date, shown: int
) -> Section:
    """Coaching signals that were not there on ``since``."""
    before = tr.team_review(store, scope, since, tr.PERIODS[PERIOD], viewer).signals
    known = set()
    if not before.empty:
        known = set(zip(before["rep_id"].tolist(), before["signal"].tolist(), strict=True))
    now = view.signals
    new = now if now.empty else now[[(r, s) not in known for r, s in
                                     zip(now["rep_id"].tolist(), now["signal"].tolist(), strict=True)]]  # fmt: skip
    lines = tuple(f"{r['rep']} ({r['team']}): {r['signal']}: {r['detail']}"
                  for r in new.head(shown).to_dict("records"))  # fmt: skip
    more = len(new) - len(lines)
    note = f"... and {more} more in the team review." if more > 0 else ""
    if new.empty:
        note = f"No new signal since {since}; {len(now)} in all."
    return Section(f"New coaching signals ({len(new)})", lines, note)


def _data_section(
    store: Store, view: tr.TeamReview, viewer: Viewer, scope: list[str], as_of: date
) -> Section | None:
    """Who has no recent reading, how many readings are stale, and which seats sent no
    activity in the week up to ``as_of``."""
    days = load_config().freshness.listed_for_days
    unlisted = view.unlisted
    lines = []
    if viewer.sees_people and not unlisted.empty:
        ordered = unlisted.sort_values("rep")
        lines = [f"{rep} ({team}): last reading {day:%Y-%m-%d}" for rep, team, day in
                 zip(ordered["rep"], ordered["team"], pd.to_datetime(ordered["as_of"]), strict=True)]  # fmt: skip
    stale = view.kpis.stale
    note = []
    if stale:
        note.append(f"{stale} ranked rep(s) have a stale reading.")
    if not unlisted.empty:
        note.append(f"{len(unlisted)} rep(s) have no reading in the {days} days up to {as_of}.")
    if viewer.may("activity"):
        seats = activity_view(store, scope, as_of, 7, "week", "days_active", viewer).reps
        silent = seats[~seats["has_data"].astype(bool)] if not seats.empty else seats
        if not silent.empty:
            note.append(f"{len(silent)} seat(s) have no activity data in the week up to {as_of}"
                        + (f": {', '.join(sorted(silent['name'].astype(str))[:10])}"
                           + (", ..." if len(silent) > 10 else "") if viewer.sees_people else "")
                        + ".")  # fmt: skip
    if not lines and not note:
        return None
    return Section("Stale or missing data", tuple(lines), " ".join(note))


def _rep_digest(
    store: Store, viewer: Viewer, as_of: date, since: date, base_url: str, made_at: datetime
) -> Digest:
    assert viewer.rep_id is not None
    config = load_config()
    summary = sc.summary_for(store, viewer, viewer.rep_id, as_of)
    r, t = summary.reading, sc.standing_text(summary, config)
    then = _reading_on(store, viewer.rep_id, since)
    change = None if then is None or r["ssi"] is None else float(r["ssi"]) - then
    headline = (
        ("Your SSI", display.score(r["ssi"])),
        (f"Change since {since}", display.change(change)),
        ("Rank in your team", t.team_rank),
        ("Band", str(r["band"])),
    )
    pillars = Section("Your pillars", tuple(
        f"{PILLAR_SHORT[p]}: {display.score(r[p])} (your team {display.score(summary.team_average[p])})"
        for p in PILLARS), sc.withheld_groups(summary, config) or t.balance + ".")  # fmt: skip
    viewed = date.fromisoformat(summary.viewed_as_of)
    goals = gv.rep_goals(store, viewer, viewer.rep_id, summary.team, viewed)
    sections = [pillars]
    if goals:
        sections.append(Section("Goals", tuple(gv.goal_sentence(p, activity_labels(store))
                                               for p in goals)))  # fmt: skip
    signals = tuple(f"{s['signal']}: {s['detail']}" for s in summary.signals)
    if signals:
        sections.append(Section("Coaching signals", signals))
    if t.unlisted:
        sections.append(Section("Stale or missing data", (), t.unlisted))
    steps, _ = sc.next_steps(summary, config)
    if steps:
        sections.append(Section("What to do next", tuple(steps[:3])))
    query = urlencode({"rep": viewer.rep_id, "as_of": as_of.isoformat()})
    pdf = self_check_pdf(store, viewer, viewer.rep_id, as_of, made_at)
    return Digest(viewer.email, f"{summary.rep} ({summary.team})", as_of, since, headline,
                  tuple(sections), f"{base_url.rstrip('/')}/me?{query}",
                  f"self_check_{as_of}.pdf", pdf)  # fmt: skip


def _reading_on(store: Store, rep_id: int, day: date) -> float | None:
    """The rep's latest SSI on or before ``day`` (within a year)."""
    history = rep_history(store, rep_id, day, 365)
    known = history.dropna(subset=["ssi"])
    return None if known.empty else float(known["ssi"].iloc[-1])
