"""The Outcomes page: deals from the CRM beside SSI and activity, per rep and team, and the
comparisons between reps (scoring/outcomes.py). Computed here, without Streamlit.

Scope first: a manager's teams only; a viewer gets the totals, the teams large enough to
hide their people and the comparisons, never a rep or a deal; a rep gets their own (the
self-check's section) and their team's totals when the team is large enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from dashboard import display
from dashboard.access import OWNER, AccessDeniedError, Viewer
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.memo import remembered
from dashboard.scoring.outcomes import Comparison, by_band, correlations
from dashboard.store import Store
from dashboard.views.team_review import review_scope, team_names

DEALS_LISTED = 500  # the newest deals of the period a page lists
# The per-rep figures, in the order every table, export and command shows them.
REP_COLUMNS = ["rep", "email", "team", "deals_created", "created_amount", "deals_won",
               "won_amount", "win_rate", "average_won", "cycle_days", "ssi_start",
               "ssi_change", "activity"]  # fmt: skip


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def lag_start(self) -> date:
        """The quarter before a quarter; else the same number of days before the start."""
        if quarter_of(self.start) == self:
            return quarter_of(self.start - timedelta(days=1)).start
        return self.start - timedelta(days=(self.end - self.start).days + 1)

    @property
    def words(self) -> str:
        return span_words(self.start, self.end)

    @property
    def lag_words(self) -> str:
        return span_words(self.lag_start, self.start - timedelta(days=1))


def span_words(start: date, end: date) -> str:
    quarter = quarter_of(start)
    if quarter == Period(start, end):
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start.isoformat()} to {end.isoformat()}"


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


@dataclass
class Totals:
    reps: int
    deals_created: int
    created_amount: float
    deals_won: int
    won_amount: float
    deals_lost: int
    win_rate: float | None
    average_won: float | None
    cycle_days: float | None


@dataclass
class OutcomesView:
    period: Period
    currency: str | None  # the store's one currency (None: no deal yet)
    teams: list[str]  # the teams in scope
    quarters: list[Period]  # the quarters the store has deals in, newest first
    totals: Totals
    reps: pd.DataFrame  # REP_COLUMNS per rep, for roles that see people (else empty)
    teams_table: pd.DataFrame  # per team: reps, deals, amounts, win rate, SSI
    bands: pd.DataFrame  # by_band
    deals: pd.DataFrame  # the period's deals, named, for roles that see people
    activity_label: str
    withheld: list[str] = field(default_factory=list)  # teams too small to show a viewer
    # The rank correlations: filled by ``outcomes_report``; a page asks for them apart
    # (``outcome_comparisons``), after drawing the rest, as their bootstrap takes longest.
    comparisons: list[Comparison] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """What ``outcomes --format json`` prints (numbers made JSON, rounded as every
        export is, by the command): per rep, then the comparisons."""
        reps = self.reps[REP_COLUMNS[:3] + JSON_FIGURES]
        return {
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
                       "lag_from": self.period.lag_start.isoformat()},
            "currency": self.currency, "teams": self.teams,
            "reps": reps.astype(object).where(reps.notna(), None).to_dict("records"),
            "totals": vars(self.totals),
            "bands": self.bands.astype(object).where(self.bands.notna(), None).to_dict("records"),
            "comparisons": [c.as_dict() for c in self.comparisons],
        }  # fmt: skip


LAG_COLUMNS = ["ssi_lag", "activity_lag"]  # over the period before: the comparisons' side
# The contract of `outcomes --format json`: per rep, after rep, email and team.
JSON_FIGURES = ["deals_created", "created_amount", "deals_won", "won_amount", "win_rate",
                "ssi_start", "ssi_change"]  # fmt: skip


def default_period(store: Store) -> Period:
    """The last complete quarter the store has deals in; else the current one."""
    span = store.rows("outcomes_periods")[0]
    last = span.last_day or date.today()
    current = quarter_of(last)
    return current if current.end <= last else quarter_of(current.start - timedelta(days=1))


def deal_quarters(store: Store) -> list[Period]:
    span = store.rows("outcomes_periods")[0]
    if span.first_day is None:
        return []
    found, quarter = [], quarter_of(span.last_day)
    while quarter.end >= span.first_day:
        found.append(quarter)
        quarter = quarter_of(quarter.start - timedelta(days=1))
    return found


def outcome_scope(store: Store, viewer: Viewer, teams: list[str]) -> list[str]:
    """The teams an Outcomes view of ``teams`` covers for this viewer, as a review's."""
    return review_scope(store, viewer, teams, right="outcomes")


@remembered
def per_rep(
    store: Store, period: Period, teams: list[str], rep_id: int | None, config: ScoringConfig
) -> pd.DataFrame:
    """Every rep's outcomes and SSI for the period (a scope decided by the caller)."""
    return store.df("outcomes_per_rep", {
        "start": period.start, "end": period.end, "lag_start": period.lag_start,
        "listed_days": config.freshness.listed_for_days, "teams": teams, "rep": rep_id,
        "metric": config.outcomes.activity_metric, **config.band_params(),
    })  # fmt: skip


def totals_of(frame: pd.DataFrame) -> Totals:
    won, lost = int(frame["deals_won"].sum()), int(frame["deals_lost"].sum())
    cycles = frame.dropna(subset=["cycle_days"])
    return Totals(
        reps=len(frame), deals_created=int(frame["deals_created"].sum()),
        created_amount=float(frame["created_amount"].sum()), deals_won=won,
        won_amount=float(frame["won_amount"].sum()), deals_lost=lost,
        win_rate=won / (won + lost) if won + lost else None,
        average_won=float(frame["won_amount"].sum()) / won if won else None,
        cycle_days=float((cycles["cycle_days"] * cycles["deals_won"]).sum()
                         / cycles["deals_won"].sum()) if not cycles.empty else None,
    )  # fmt: skip


def _teams_table(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for team, part in frame.groupby("team", sort=True):
        t = totals_of(part)
        rows.append({"team": team, "reps": t.reps, "deals_created": t.deals_created,
                     "created_amount": t.created_amount, "deals_won": t.deals_won,
                     "won_amount": t.won_amount, "win_rate": t.win_rate,
                     "average_won": t.average_won, "ssi_start": part["ssi_start"].mean()})  # fmt: skip
    return pd.DataFrame(rows, columns=["team", "reps", "deals_created", "created_amount",
                                       "deals_won", "won_amount", "win_rate", "average_won",
                                       "ssi_start"])  # fmt: skip


@remembered
def outcomes_view(
    store: Store, teams: list[str], period: Period | None, viewer: Viewer = OWNER,
    config: ScoringConfig | None = None,
) -> OutcomesView:  # fmt: skip
    """Everything the Outcomes page shows, within the viewer's scope."""
    config = config or load_config()
    scope = outcome_scope(store, viewer, teams)
    period = period or default_period(store)
    every = team_names(store)
    frame = per_rep(store, period, scope or every, None, config)
    span = store.rows("outcomes_periods")[0]
    label = _activity_label(store, config)
    teams_table = _teams_table(frame)
    withheld: list[str] = []
    if not viewer.sees_people:
        small = teams_table["reps"] < config.privacy.min_group_reps
        withheld = teams_table.loc[small, "team"].tolist()
        teams_table = teams_table[~small].reset_index(drop=True)
    people = viewer.people_in_scope(frame)
    deals = _deals(store, people, period)
    columns = [*REP_COLUMNS, *LAG_COLUMNS, "rep_id"]
    reps = people[columns] if not people.empty else pd.DataFrame(columns=columns)
    return OutcomesView(period, span.currency, scope or every, deal_quarters(store),
                        totals_of(frame), reps, teams_table, by_band(frame, config), deals,
                        label, withheld)  # fmt: skip


@remembered
def outcome_comparisons(
    store: Store, teams: list[str], period: Period | None, viewer: Viewer = OWNER,
    config: ScoringConfig | None = None,
) -> list[Comparison]:  # fmt: skip
    """The rank correlations between the reps of the Outcomes view of the same arguments."""
    config = config or load_config()
    scope = outcome_scope(store, viewer, teams)
    period = period or default_period(store)
    frame = per_rep(store, period, scope or team_names(store), None, config)
    return correlations(frame, config, period.lag_words, period.words,
                        _activity_label(store, config))  # fmt: skip


def outcomes_report(
    store: Store, teams: list[str], period: Period | None, viewer: Viewer = OWNER
) -> OutcomesView:
    """The Outcomes view with its comparisons: what the command and exports give."""
    view = outcomes_view(store, teams, period, viewer)
    view.comparisons = outcome_comparisons(store, teams, view.period, viewer)
    return view


def _deals(store: Store, people: pd.DataFrame, period: Period) -> pd.DataFrame:
    if people.empty:
        return pd.DataFrame(columns=["deal", "account", "rep", "stage", "status", "value",
                                     "amount", "currency", "created_day", "closed_day", "crm"])  # fmt: skip
    return store.df("outcomes_deals", {"reps": people["rep_id"].astype(int).tolist(),
                                       "start": period.start, "end": period.end,
                                       "limit": DEALS_LISTED})  # fmt: skip


def _activity_label(store: Store, config: ScoringConfig) -> str:
    metric = config.outcomes.activity_metric
    found = [r.label for r in store.rows("metric_labels") if r.metric == metric]
    return (found[0] if found else metric.replace("_", " ")).lower()


@dataclass
class OwnOutcomes:
    """A rep's own outcomes in the self-check, with their team's totals when allowed."""

    period: Period
    currency: str | None
    mine: Totals
    team: str | None
    team_totals: Totals | None  # None: the team is too small for a rep to see
    deals: pd.DataFrame


@remembered
def own_outcomes(
    store: Store, viewer: Viewer, rep_id: int, period: Period | None = None,
    config: ScoringConfig | None = None,
) -> OwnOutcomes | None:  # fmt: skip
    """A rep's outcomes for the self-check (None while the store has no deal)."""
    config = config or load_config()
    team = store.scalar("rep_team", {"rep_id": rep_id})
    if not viewer.may_see_person(rep_id, team):
        raise AccessDeniedError("those outcomes are not yours to open")
    span = store.rows("outcomes_periods")[0]
    if not span.deals:
        return None
    period = period or default_period(store)
    mine = per_rep(store, period, [], rep_id, config)
    team_frame = per_rep(store, period, [team], None, config) if team else mine.iloc[0:0]
    team_totals = totals_of(team_frame)
    if not viewer.sees_people and team_totals.reps < config.privacy.min_group_reps:
        team_totals = None  # type: ignore[assignment]
    deals = _deals(store, mine, period)
    return OwnOutcomes(period, span.currency, totals_of(mine), team, team_totals, deals)


def shown_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with its win rate in percent, as a page's grid shows it ("43%")."""
    return frame.assign(win_rate=frame["win_rate"] * 100)


def export_table(view: OutcomesView) -> pd.DataFrame:
    """The per-rep table as downloaded (the export rounds its numbers as every export does):
    every amount's column names its currency."""
    cur = view.currency or ""
    return shown_rates(view.reps[REP_COLUMNS]).rename(columns={
        "created_amount": f"created_amount ({cur})", "won_amount": f"won_amount ({cur})",
        "average_won": f"average_won ({cur})", "win_rate": "win_rate (%)",
        "cycle_days": "cycle_days (won deals)", "activity": view.activity_label,
    })  # fmt: skip


def own_outcome_lines(own: OwnOutcomes) -> list[str]:
    """The self-check's sentences on a rep's own deals, and their team's when shown."""
    cur, m = own.currency, own.mine
    lines = [f"In {own.period.words} you created {m.deals_created:,} deal(s) "
             f"({display.money(m.created_amount, cur)}) and won {m.deals_won:,} "
             f"({display.money(m.won_amount, cur)}); win rate "
             f"{display.fmt(m.win_rate, '{:.0%}')}."]  # fmt: skip
    t = own.team_totals
    if t is not None and own.team:
        lines.append(f"{own.team}: {t.reps} reps created {t.deals_created:,} deal(s) and won "
                     f"{t.deals_won:,} ({display.money(t.won_amount, cur)}); win rate "
                     f"{display.fmt(t.win_rate, '{:.0%}')}.")  # fmt: skip
    elif own.team:
        lines.append(f"{own.team}'s totals are not shown: it has too few reps to hide each "
                     "one's own.")  # fmt: skip
    return lines
