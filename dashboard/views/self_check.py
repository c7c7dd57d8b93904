"""A rep's self-check, and the hand-entered reading that goes through the importer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import display
from dashboard.access import AccessDeniedError, Viewer
from dashboard.actions.readings import pillar_sum
from dashboard.ingest.checks import PILLAR_SUM_TOLERANCE
from dashboard.scoring import leaderboard
from dashboard.scoring.config import ScoringConfig, load_config
from dashboard.scoring.leaderboard import listed
from dashboard.scoring.memo import remembered
from dashboard.scoring.summary import SelfCheck, forecast_text, rep_summary
from dashboard.store import Store

RANK_CONVENTION = "LinkedIn's convention: Top 1% is the best; Top 100% is last."


def rep_labels(reps: pd.DataFrame) -> dict[int, str]:
    """'Name (Team)' per rep id; two people with one name are told apart by e-mail."""
    # Column-wise: a loop over rows cost the team review a visible share of its rerun at
    # 10,000 reps (bench/test_big_store.py).
    names = reps["name"].astype(str)
    lowered = names.str.lower()
    labels = names + " (" + _or(reps["team"], "no team") + ")"
    repeated = lowered.map(lowered.value_counts()).gt(1).to_numpy()
    labels[repeated] = labels[repeated] + " <" + _or(reps["email"], "no e-mail")[repeated] + ">"
    return dict(zip(reps["rep_id"].astype(int).tolist(), labels.tolist(), strict=True))


def _or(values: pd.Series, missing: str) -> pd.Series:
    """Text, with ``missing`` for a missing or empty value."""
    text = values.astype(object)
    return text.where(text.notna() & text.ne(""), missing).astype(str)


@dataclass(frozen=True)
class Standing:
    """The self-check's sentences about one reading."""

    change_7d: str
    team_rank: str
    team_rank_help: str
    company_rank: str
    company_rank_help: str
    age: str
    balance: str
    forecast: str
    unlisted: str | None


def standing_text(summary: SelfCheck, config: ScoringConfig | None = None) -> Standing:
    """Ranks, change, age, balance and forecast in words, with the config's thresholds."""
    config = config or load_config()
    r = summary.reading
    f, g = config.freshness, config.groups
    age = int(r["age_days"] or 0)
    age_text = "taken on the as-of date" if age == 0 else f"{age} day{'s' * (age != 1)} old"
    if r["stale"]:
        age_text += f": stale (older than {f.stale_after_days} days)"
    unlisted = None
    if not r["listed"]:
        unlisted = (
            f"Your latest reading is from {r['as_of']}, {age} days before "
            f"{summary.viewed_as_of}: more than {f.listed_for_days} days, so you are not "
            f"ranked and not in any average until a newer reading arrives."
        )
    balanced = g.balanced_pillar_min
    if r["weakest_pillar"] is None:  # a pillar missing from the reading: balance unknown
        balance = "balance unknown: this reading does not give all four pillars"
    elif r["balanced"]:
        balance = f"balanced: every pillar is {balanced:g} or more"
    else:
        balance = (f"not balanced: {r['weakest_pillar']} is "
                   f"{display.score(r['weakest_gap'])} points under {balanced:g}")  # fmt: skip
    team_rank = display.top_percent(r["top_pct_team"], r["rank_team"], r["n_team"])
    company_rank = display.top_percent(r["top_pct_company"], r["rank"], summary.company_size)
    return Standing(
        change_7d=display.change_since(r["ssi_change_7d"], r["ssi_change_7d_since"], 7),
        team_rank=_short_rank(r["top_pct_team"], r["n_team"]),
        team_rank_help=_rank_help(team_rank, f"in {summary.team}"),
        company_rank=_short_rank(r["top_pct_company"], summary.company_size),
        company_rank_help=_rank_help(company_rank, "in the company"),
        age=age_text,
        balance=balance,
        forecast=forecast_text(summary.forecast, config),
        unlisted=unlisted,
    )


def _rank_help(rank: str, where: str) -> str:
    if rank == "not ranked":
        return f"not ranked {where}: the latest reading is too old to count"
    return f"{rank} {where}. {RANK_CONVENTION}"


def _short_rank(top_pct: object, size: object) -> str:
    if display.is_missing(top_pct):
        return "not ranked"
    if int(size) == 1:  # type: ignore[call-overload]
        return "only rep"
    return f"Top {int(top_pct)}%"  # type: ignore[call-overload]


def advice_lines(recs: pd.DataFrame) -> list[str]:
    """'Find the right people: Use search filters ... (about +5.4 points)' per action."""
    out = []
    for r in recs.itertuples():
        gain = "" if display.is_missing(r.expected_gain) else (
            f" (about +{display.score(r.expected_gain)} points)"
        )  # fmt: skip
        out.append(f"{r.pillar_label}: {r.action}{gain}")
    return out


GOALS_NOTE = ("Your own goals, your team's and the company's. Needed a week: the change per "
              "week that still reaches the target by its day.")  # fmt: skip


def next_steps(summary: SelfCheck, config: ScoringConfig | None = None) -> tuple[list[str], str]:
    """What to do next: the advice lines, or (none needed) the sentence that says so."""
    recs = pd.DataFrame(summary.recommendations)
    if recs.empty:
        balanced = (config or load_config()).groups.balanced_pillar_min
        return [], f"Every pillar is at {balanced:g} or more: keep your routine."
    return advice_lines(recs), ""


def pillar_sum_text(ssi: float | None, pillars: dict[str, float | None]) -> str:
    """What the form shows under the numbers while they are typed."""
    total = pillar_sum(pillars)
    if total is None:
        return "Type all four pillars to see their sum; the SSI is that sum."
    text = f"The four pillars add up to {display.score(total)}."
    if ssi is None:
        return text + f" Saved with SSI {display.score(total)}."
    if abs(ssi - total) > PILLAR_SUM_TOLERANCE:
        return text + f" The SSI you typed ({ssi:g}) differs by more than 1: check a number."
    return text + " It matches the SSI."


@remembered
def people_for(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The people whose self-check this viewer may open (rep_id, name, email, team)."""
    people = store.df("rep_names")
    if viewer.role == "rep":
        return people[people["rep_id"] == viewer.rep_id].reset_index(drop=True)
    return viewer.people_in_scope(people)


@remembered
def summary_for(store: Store, viewer: Viewer, rep_id: int, as_of: date | None) -> SelfCheck:
    """A self-check, only for a person in the viewer's scope: asking for anyone else is
    refused, whatever the URL, widget value or command line said."""
    viewer.require("self_check")
    team = store.scalar("rep_team", {"rep_id": rep_id})
    if not viewer.may_see_person(rep_id, team):
        raise AccessDeniedError("that self-check is not yours to open")
    summary = rep_summary(store, rep_id, as_of)
    if viewer.sees_people:
        return summary
    # A rep sees a group's averages only when the group is large enough to hide each of its
    # people.
    return summary.averages_withheld(load_config().privacy.min_group_reps)


def withheld_groups(summary: SelfCheck, config: ScoringConfig | None = None) -> str:
    """Why a group's averages are missing from a rep's comparisons, if they are."""
    small = (config or load_config()).privacy.min_group_reps
    groups = {"team": (summary.team_size, summary.team_average),
              "company": (summary.company_size, summary.company_average)}  # fmt: skip
    gone = [g for g, (size, averages) in groups.items()
            if size < small and all(v is None for v in averages.values())]  # fmt: skip
    if not gone:
        return ""
    return (
        f"Your {' and the '.join(gone)} {'have' if len(gone) > 1 else 'has'} fewer than "
        f"{small} ranked reps: {'their' if len(gone) > 1 else 'its'} averages are not "
        "shown, since they would give a colleague's own score."
    )


@remembered
def team_ranking(store: Store, viewer: Viewer, as_of: date | None) -> tuple[str, pd.DataFrame]:
    """A rep's view of their team's ranking: "you are 4th of 12", and the ranking itself
    with names, or with every colleague shown as "a colleague" (the admin's setting)."""
    if viewer.rep_id is None:
        return "", pd.DataFrame(columns=["rank", "rep", "ssi"])
    team = store.scalar("rep_team", {"rep_id": viewer.rep_id})
    board = listed(leaderboard(store, as_of, teams=[team] if team else None))
    board = board.sort_values("ssi", ascending=False).reset_index(drop=True)
    board["rank"] = range(1, len(board) + 1)
    mine = board[board["rep_id"] == viewer.rep_id]
    text = (f"You are {display.ordinal(int(mine['rank'].iloc[0]))} of {len(board)} in {team}."
            if not mine.empty else f"You have no recent reading, so no place in {team} yet.")  # fmt: skip
    if viewer.rep_leaderboard != "names":
        board["rep"] = ["You" if r == viewer.rep_id else "a colleague" for r in board["rep_id"]]
    return text, board[["rank", "rep", "ssi"]]
