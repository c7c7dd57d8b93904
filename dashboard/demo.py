"""A believable demo organisation, generated deterministically from a seed.

Five teams, reps who rise, stall, fall, join late and leave; a weekly rhythm, holiday dips,
missing days, uneven pillars, ranks against industry and network, and activity that
matches each rep's pillars. Everything is vectorised with NumPy so 10,000 reps stay quick.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.errors import DashboardError
from dashboard.fields import PILLARS
from dashboard.scoring.config import load_config
from dashboard.scoring.team_days import summary_rules
from dashboard.store import Store

TEAMS = ["Enterprise East", "Enterprise West", "Mid-Market", "SMB Inbound", "Partnerships"]
FIRST = ["Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
         "Kara", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
         "Umar", "Vera", "Wes", "Xena", "Yusuf", "Zoe"]  # fmt: skip
LAST = ["Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
        "Jansen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quinlan",
        "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Yilmaz", "Zhang"]  # fmt: skip
ARCHETYPES = ["riser", "steady", "staller", "faller", "late joiner", "leaver"]
# Pillar profiles: how a rep's effort splits across brand, people, insights, relationships.
PROFILES = np.array(
    [
        [0.25, 0.25, 0.25, 0.25],  # balanced
        [0.36, 0.26, 0.24, 0.14],  # strong brand, weak relationships
        [0.18, 0.36, 0.18, 0.28],  # prospector: people and relationships
        [0.26, 0.22, 0.34, 0.18],  # content creator
        [0.22, 0.18, 0.16, 0.44],  # networker, little content
    ]
)
COUNT_METRICS = ["profile_views", "searches", "posts", "comments", "reactions", "messages_sent",
                 "messages_replied", "invitations_sent", "invitations_accepted", "leads_saved",
                 "accounts_saved", "inmails_sent", "inmails_accepted", "endorsements",
                 "days_active"]  # fmt: skip


@dataclass
class DemoData:
    teams: pd.DataFrame
    reps: pd.DataFrame
    snapshots: pd.DataFrame
    activity: pd.DataFrame
    gaps: pd.DataFrame  # seat weeks with no activity data (never activated)


def _holiday_dip(days: pd.DatetimeIndex) -> np.ndarray:
    """Points lost around year end and in mid-August, when people are away."""
    doy = days.day_of_year.to_numpy()
    year_end = np.exp(-(((doy + 10) % 365 - 10) ** 2) / 40.0)  # peaks on 1 January
    summer = np.exp(-((doy - 225) ** 2) / 60.0)
    return 3.0 * year_end + 1.8 * summer


BLOCK_REPS = 1_000
"""Reps generated at a time. Memory then stays about the same at any size (the whole
10,000 x 730 demo at once peaked at 15 GB); a demo of at most this many reps draws exactly
what one pass over everyone would, so a seed's small organisation never changes."""


@dataclass
class DemoStream:
    """The demo organisation as it is generated: teams and reps, then the readings,
    activity and gaps of ``BLOCK_REPS`` reps at a time (rep by rep inside a block)."""

    teams: pd.DataFrame
    reps: pd.DataFrame
    blocks: Iterator[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]


def generate(reps: int = 48, days: int = 548, seed: int = 7, end: date | None = None) -> DemoData:
    """The whole organisation in memory, day by day (see ``_in_day_order``)."""
    stream = generate_stream(reps, days, seed, end)
    parts = list(stream.blocks)
    snapshots, activity, gaps = (
        pd.concat(list(p), ignore_index=True) for p in zip(*parts, strict=True)
    )
    if len(parts) > 1:  # one block is in order already; several are each in their own
        snapshots = _in_day_order(snapshots)
        activity = _activity_in_order(activity)
    return DemoData(stream.teams, stream.reps, snapshots, activity, gaps)


def check_size(reps: int, days: int) -> None:
    if reps < 1 or days < 14:
        raise DashboardError("the demo needs at least 1 rep and 14 days")


def generate_stream(
    reps: int = 48, days: int = 548, seed: int = 7, end: date | None = None
) -> DemoStream:
    check_size(reps, days)
    rng = np.random.default_rng(seed)
    end = end or date.today()
    calendar = pd.date_range(end - timedelta(days=days - 1), end, freq="D")
    n, t = reps, len(calendar)
    # Who everyone is comes first, for the whole organisation: the blocks below only draw
    # each rep's days.
    team_of = np.arange(n) % len(TEAMS)
    rng.shuffle(team_of)
    names = _names(n, rng)
    archetype = rng.choice(ARCHETYPES, size=n, p=[0.25, 0.3, 0.15, 0.12, 0.1, 0.08])
    profile = PROFILES[rng.integers(0, len(PROFILES), size=n)]
    start = rng.uniform(14, 62, size=n)
    slope = np.select(
        [archetype == "riser", archetype == "faller", archetype == "staller"],
        [rng.uniform(0.03, 0.08, n), rng.uniform(-0.06, -0.02, n), rng.uniform(0.0, 0.01, n)],
        rng.uniform(-0.005, 0.015, n),
    )
    # Stallers climb for a while, then stop.
    stall_at = rng.integers(t // 4, t // 2, size=n)
    people = _People(team_of, archetype, profile, start, slope, stall_at)
    teams = pd.DataFrame({"team_id": np.arange(1, len(TEAMS) + 1), "name": TEAMS})
    rep_frame = pd.DataFrame(
        {
            "rep_id": np.arange(1, n + 1),
            "name": names,
            "email": [_email(nm) for nm in names],
        }
    )
    blocks = (
        _block(rng, people, first, min(n, first + BLOCK_REPS), calendar)
        for first in range(0, n, BLOCK_REPS)
    )
    return DemoStream(teams, rep_frame, blocks)


@dataclass
class _People:
    """Each rep's team, archetype and trend, drawn for everyone before any day is."""

    team_of: np.ndarray
    archetype: np.ndarray
    profile: np.ndarray
    start: np.ndarray
    slope: np.ndarray
    stall_at: np.ndarray


def _block(
    rng: np.random.Generator, people: _People, lo: int, hi: int, calendar: pd.DatetimeIndex
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Readings, activity and never-activated weeks of reps ``lo`` to ``hi - 1``."""
    n, t = hi - lo, len(calendar)
    team_of, archetype = people.team_of[lo:hi], people.archetype[lo:hi]
    x = np.arange(t)[None, :]
    stall_at = people.stall_at[lo:hi, None]
    progress = np.where(
        (archetype == "staller")[:, None],
        np.minimum(x, stall_at) * 0.05,
        x * people.slope[lo:hi, None],
    )
    walk = np.cumsum(rng.normal(0, 0.35, size=(n, t)), axis=1)
    walk -= np.linspace(0, 1, t)[None, :] * walk[:, -1:] * 0.6  # keep drift modest
    weekday = calendar.day_of_week.to_numpy()
    weekly = np.where(weekday >= 5, -0.6, 0.25)[None, :]
    level = people.start[lo:hi, None] + progress + walk + weekly - _holiday_dip(calendar)[None, :]
    level = np.clip(level, 4, 96)
    split = people.profile[lo:hi, :, None] * 4 * level[:, None, :] / 1.0
    raw = split / 4 * (1 + rng.normal(0, 0.04, size=split.shape))
    # A soft ceiling: strong pillars approach 25 without piling up at exactly 25.
    pillars = np.clip(np.where(raw < 20, raw, 20 + 5 * np.tanh((raw - 20) / 5)), 0, 25)
    pillars = np.round(pillars, 2)
    ssi = np.round(pillars.sum(axis=1), 1)

    present = rng.random((n, t)) > 0.03  # a missing day now and then
    first_day = np.where(archetype == "late joiner", rng.integers(t // 4, (3 * t) // 4, size=n), 0)
    last_day = np.where(
        archetype == "leaver", rng.integers(t // 2, max(t // 2 + 1, t - 30), size=n), t - 1
    )
    present &= (x >= first_day[:, None]) & (x <= last_day[:, None])
    for i in rng.choice(n, size=max(1, n // 6), replace=False):  # a vacation gap
        gap = int(rng.integers(min(20, t // 3), max(t // 3 + 1, t - 20)))
        present[i, gap : gap + int(rng.integers(5, 12))] = False

    # Some reps change team half-way; history keeps the old team.
    team_matrix = np.repeat(team_of[:, None], t, axis=1)
    for i in rng.choice(n, size=max(1, n // 12), replace=False):
        team_matrix[i, int(rng.integers(t // 3, 2 * t // 3)) :] = (team_of[i] + 1) % len(TEAMS)

    rep_idx, day_idx = np.nonzero(present)
    snap_ssi = ssi[rep_idx, day_idx]
    industry_ssi = 34 + 2.5 * np.sin(day_idx / 70.0) + 0.01 * day_idx
    network_ssi = industry_ssi + 3 + ((rep_idx + lo) % 7) * 0.8
    snapshots = pd.DataFrame(
        {
            "rep_id": rep_idx + lo + 1,
            "day": calendar[day_idx].date,
            "team_id": team_matrix[rep_idx, day_idx] + 1,
            "ssi": snap_ssi,
            **{p: pillars[rep_idx, k, day_idx] for k, p in enumerate(PILLARS)},
            "industry_rank": np.clip(np.round(100 * np.exp(-snap_ssi / 17.0)), 1, 99),
            "network_rank": np.clip(np.round(100 * np.exp(-(snap_ssi - 3) / 19.0)), 1, 99),
            "industry_ssi": np.round(industry_ssi, 1),
            "network_ssi": np.round(network_ssi, 1),
        }
    )
    snapshots = _in_day_order(snapshots)
    # Sales Navigator seats: most reps start using theirs over the first months (an adoption
    # ramp), a few never activate it (no data, not zero), a few opt out of activity tracking.
    seat = rng.choice(["user", "never", "opted out"], size=n, p=[0.9, 0.04, 0.06])
    adopt_at = np.minimum(rng.exponential(t / 6, size=n), t * 0.6).astype(int)
    uses = (seat[rep_idx] != "never") & (day_idx >= np.maximum(adopt_at, first_day)[rep_idx])
    activity = _activity(rng, pillars, rep_idx[uses], day_idx[uses], weekday, calendar,
                         team_matrix, _holiday_dip(calendar), lo)  # fmt: skip
    opted_out = np.flatnonzero(seat == "opted out") + lo + 1
    # Opting out blanks days active, searches and profile views: those rows do not exist.
    blanked = activity["rep_id"].isin(opted_out) & activity["metric"].isin(
        ["days_active", "searches", "profile_views"]
    )
    activity = activity[~blanked].reset_index(drop=True)
    gaps = _never_activated_weeks(np.flatnonzero(seat == "never"), calendar, team_matrix, lo)
    return snapshots, activity, gaps


def _never_activated_weeks(
    reps: np.ndarray, calendar: pd.DatetimeIndex, team_matrix, lo: int
) -> pd.DataFrame:
    """One "no data" row per week for each seat that was never activated."""
    mondays = np.flatnonzero(calendar.day_of_week == 0)
    mondays = mondays[mondays + 6 < len(calendar)]
    r, w = np.repeat(reps, len(mondays)), np.tile(mondays, len(reps))
    return pd.DataFrame({"rep_id": r + lo + 1, "day": calendar[w].date,
                         "period_end": calendar[w + 6].date,
                         "team_id": team_matrix[r, w] + 1})  # fmt: skip


def _activity(
    rng, pillars, rep_idx, day_idx, weekday, calendar, team_matrix, dip, lo
) -> pd.DataFrame:
    """Daily activity that follows each rep's pillars, quieter at weekends and holidays."""
    p = pillars[rep_idx, :, day_idx] / 25.0  # rows x 4
    brand, people, insights, rel = p.T
    work = np.where(weekday[day_idx] >= 5, 0.25, 1.0) * np.clip(1 - dip[day_idx] / 3.5, 0.1, 1)
    active = rng.random(len(rep_idx)) < np.clip(0.35 + 0.6 * people, 0, 1) * work
    pois = rng.poisson
    counts = {
        "profile_views": pois(4.5 * people * work),
        "searches": pois(2.6 * people * work),
        "posts": pois(0.22 * brand * work),
        "comments": pois(1.0 * insights * work),
        "reactions": pois(2.0 * insights * work),
        "messages_sent": pois(1.6 * rel * work),
        "invitations_sent": pois(1.0 * rel * work),
        "leads_saved": pois(0.8 * people * work),
        "accounts_saved": pois(0.35 * people * work),
        "inmails_sent": pois(0.9 * people * work),
        "endorsements": pois(0.12 * brand),
    }
    counts["messages_replied"] = rng.binomial(
        counts["messages_sent"], np.clip(0.2 + 0.5 * rel, 0, 1)
    )
    counts["invitations_accepted"] = rng.binomial(
        counts["invitations_sent"], np.clip(0.25 + 0.5 * rel, 0, 1)
    )
    counts["inmails_accepted"] = rng.binomial(
        counts["inmails_sent"], np.clip(0.1 + 0.4 * insights, 0, 1)
    )
    counts["days_active"] = active.astype(int)
    for name in counts:
        if name != "endorsements":
            counts[name] = np.where(active, counts[name], 0)
    frame = pd.DataFrame({"rep_id": rep_idx + lo + 1, "day": calendar[day_idx].date,
                          "team_id": team_matrix[rep_idx, day_idx] + 1, **counts})  # fmt: skip
    # Stocks: connections grow with accepted invitations; completeness follows brand.
    base = 60 + ((rep_idx + lo) * 37) % 500
    frame["connections"] = (
        base + frame.groupby("rep_id")["invitations_accepted"].cumsum().to_numpy()
    )
    frame["profile_completeness"] = np.clip(np.round((30 + 60 * brand) / 5) * 5, 0, 100)
    frame["lists_created"] = np.where(active, pois(0.08 * people * work), 0)
    frame = _in_day_order(frame)
    long = frame.melt(["rep_id", "day", "team_id"], var_name="metric", value_name="value")
    long["period_end"] = pd.NaT
    return long.astype({"value": "float64", "period_end": "datetime64[s]"})


def _in_day_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows day by day, as a store filled by daily or weekly exports holds them. The demo's
    values are drawn rep by rep (so a seed gives the same organisation); stored in that
    order, every day range would span the whole table, and DuckDB could skip no part of it
    for a 90-day window (the estimate check took nearly twice as long rep by rep at
    10,000 x 730; bench/test_big_store.py)."""
    order = np.lexsort((frame["rep_id"].to_numpy(), pd.to_datetime(frame["day"]).to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def _names(n: int, rng: np.random.Generator) -> list[str]:
    pairs = [(f, s) for f in FIRST for s in LAST]
    order = rng.permutation(len(pairs))
    names = []
    for k in range(n):
        first, last = pairs[order[k % len(pairs)]]
        names.append(f"{first} {last}" + ("" if k < len(pairs) else f" {k // len(pairs) + 1}"))
    return names


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.com"


def load_demo(store: Store, data: DemoData | DemoStream, label: str) -> int:
    """Write the demo organisation into an empty store as one import: readings day by day,
    activity metric by metric and day by day, as a store filled by exports holds them.

    Blocks of reps go to Parquet files first, so memory holds one block at a time (the
    10,000 x 730 demo: 15 GB generated whole, 14 GB staged in DuckDB tables)."""
    if store.scalar("count_snapshots"):
        raise DashboardError(
            f"the store {store.location} already has data; choose a new --db for the demo"
        )
    if isinstance(data, DemoData):
        data = DemoStream(data.teams, data.reps,
                          iter([(data.snapshots, data.activity, data.gaps)]))  # fmt: skip
    metrics: dict[str, None] = {}  # in the order the generator writes them
    files: dict[str, list[str]] = {"snapshots": [], "activity": [], "gaps": []}
    readings = 0
    with tempfile.TemporaryDirectory(prefix="ssi-demo-") as folder:
        for number, block in enumerate(data.blocks):
            for kind, frame in zip(files, block, strict=True):
                if frame.empty:  # a block without never-activated seats: no gaps file
                    continue
                path = Path(folder) / f"{kind}-{number}.parquet"
                frame.to_parquet(path, index=False)
                files[kind].append(str(path))
            metrics.update(dict.fromkeys(block[1]["metric"]))
            readings += len(block[0])
        with store.transaction() as cur:
            import_id = cur.run("next_import_id").fetchone()[0]
            cur.register("demo_teams", data.teams)
            cur.register("demo_reps", data.reps)
            cur.run("load_demo", {"import_id": import_id, "label": label, "rows": readings,
                                  "snapshots": files["snapshots"]})  # fmt: skip
            if files["gaps"]:
                cur.run("load_demo_gaps", {"import_id": import_id, "gaps": files["gaps"]})
            for metric in metrics:
                cur.run("load_demo_activity", {"import_id": import_id, "metric": metric,
                                               "activity": files["activity"]})  # fmt: skip
            cur.run("demo_goals", {"import_id": import_id}).wrote("goals")
            rep_months = cur.run("demo_rep_months").df()
            cur.register("demo_deals", demo_deals(rep_months, load_config().deals.currency))
            cur.run("load_demo_deals", {"import_id": import_id}).wrote("deals")
            cur.run("start_demo")
            cur.summed_again(summary_rules(load_config()), everything=True)
        with store.transaction() as cur:  # after the summaries: events name reps' teams
            cur.run("demo_events")
    return import_id


def _activity_in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Metric by metric, then day by day: the order ``load_demo`` writes activity in."""
    metric = pd.Categorical(frame["metric"], categories=list(dict.fromkeys(frame["metric"])))
    order = np.lexsort((frame["rep_id"].to_numpy(), pd.to_datetime(frame["day"]).to_numpy(),
                        metric.codes))  # fmt: skip
    return frame.iloc[order].reset_index(drop=True)


ACCOUNTS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli",
            "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp",
            "Pied Piper", "Aperture", "Massive Dynamic", "Dunder Mifflin", "Monarch"]  # fmt: skip
KINDS = ["Logistics", "Health", "Software", "Foods", "Components", "Analytics", "Cloud", "Labs"]
PRODUCTS = ["Platform", "Expansion", "Renewal", "Pilot", "Add-on seats", "Enterprise licence"]
# A team's typical deal (its median amount) and sales cycle in days, in TEAMS' order.
DEAL_SIZES = np.array([42_000, 38_000, 14_000, 4_500, 18_000])
CYCLE_DAYS = np.array([75, 70, 45, 21, 60])


def demo_deals(rep_months: pd.DataFrame, currency: str, seed: int = 2014) -> pd.DataFrame:
    """Deals for each rep and month they have readings (``rep_months``: rep_id, month,
    team_id, ssi, last_day), whose outcomes depend only weakly and noisily on SSI: how many
    a rep opens and wins is mostly their own (territory, tenure) and chance; a rep whose
    SSI over the month before is one spread higher opens about 20 % more and wins about 5
    points more often. Deals not closed by the store's last day are open."""
    rng = np.random.default_rng(seed)
    if rep_months.empty:
        return pd.DataFrame()
    frame = rep_months.sort_values(["rep_id", "month"]).reset_index(drop=True)
    prior = frame.groupby("rep_id")["ssi"].shift(1).fillna(frame["ssi"]).to_numpy()
    z = (prior - np.nanmean(prior)) / (np.nanstd(prior) or 1.0)
    reps = frame["rep_id"].to_numpy()
    _, rep_index = np.unique(reps, return_inverse=True)
    own_rate = rng.lognormal(0.2, 0.55, size=rep_index.max() + 1)  # each rep's own pace
    own_skill = rng.normal(0, 0.08, size=rep_index.max() + 1)
    counts = rng.poisson(own_rate[rep_index] * np.exp(0.18 * np.nan_to_num(z)))
    row = np.repeat(np.arange(len(frame)), counts)
    n = len(row)
    if n == 0:
        return pd.DataFrame()
    team = frame["team_id"].to_numpy()[row] - 1
    month = pd.to_datetime(frame["month"]).to_numpy()[row]
    created = month + rng.integers(0, 28, size=n).astype("timedelta64[D]")
    last_day = np.datetime64(pd.to_datetime(frame["last_day"]).max().date(), "D")
    created = np.minimum(created.astype("datetime64[D]"), last_day)
    amount = np.round(DEAL_SIZES[team] * rng.lognormal(0, 0.6, size=n) / 50) * 50
    p_win = np.clip(0.28 + 0.05 * np.nan_to_num(z[row]) + own_skill[rep_index[row]], 0.05, 0.8)
    won = rng.random(n) < p_win
    cycle = np.maximum(3, rng.gamma(2.0, CYCLE_DAYS[team] / 2.0)).astype(int)
    closed = created + cycle.astype("timedelta64[D]")
    still_open = (closed > last_day) | (rng.random(n) < 0.04)
    status = np.where(still_open, "open", np.where(won, "won", "lost"))
    stage = np.where(status == "won", "Closed Won", np.where(status == "lost", "Closed Lost",
                     rng.choice(["Qualification", "Proposal", "Negotiation"], size=n)))  # fmt: skip
    account = [
        f"{a} {k}" for a, k in zip(rng.choice(ACCOUNTS, n), rng.choice(KINDS, n), strict=True)
    ]
    product = rng.choice(PRODUCTS, size=n)
    return pd.DataFrame({
        "crm_id": [f"DEMO-{i:07d}" for i in range(1, n + 1)],
        "name": [f"{a} - {p}" for a, p in zip(account, product, strict=True)],
        "account": account, "rep_id": reps[row], "stage": stage, "status": status,
        "amount": amount, "currency": currency,
        "created_day": pd.to_datetime(created).date,
        "closed_day": [None if o else d for o, d in zip(still_open, pd.to_datetime(closed).date, strict=True)],
    })  # fmt: skip
