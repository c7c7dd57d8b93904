"""Goals and events at scale (issue 40): at 10,000 reps over two years with 1,000 goals and
200 events, what they add to the team review's and the self-check's computation, against
the same pages on the same store without any (target: at most 10 %).

Two copies of the big store (bench/stores.py): one with every goal and event deleted, one
with 1,000 goals (50 teams' on SSI, pillars, the balanced share and days active; 950 reps'
on SSI, pillars and InMails) and 200 events (20 everyone's, 80 teams', 100 reps'). Each
page is timed in turn on both (the same machine load), first with nothing remembered (a
first visit after a write) and then warm (a filter change that reuses the company-wide
parts). Run with `make bench`.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from bench.record import record
from bench.stores import END, big_store, summed
from bench.timing import alternating, spread
from dashboard.access import OWNER, Viewer
from dashboard.scoring import load_config, rep_history
from dashboard.scoring.activity import rep_against_team
from dashboard.scoring.memo import forget_all
from dashboard.store import Store
from dashboard.views import goals as gv
from dashboard.views.self_check import summary_for
from dashboard.views.team_review import team_review, with_goals, with_sparklines

pytestmark = pytest.mark.bench
GOALS, EVENTS = 1_000, 200


def _goals_and_events(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(40)
    people = store.df("rep_names").dropna(subset=["team"])
    teams = sorted(people["team"].unique())
    quarter = [END - timedelta(days=rng.randint(0, 180)) for _ in range(GOALS)]
    goals = []
    for i in range(GOALS):
        start = quarter[i]
        if i < 50:
            metric = ["ssi", "people", "balanced_share", "days_active", "brand"][i % 5]
            team, rep = teams[i % len(teams)], None
            target = {"ssi": 60, "balanced_share": 40, "days_active": 4}.get(metric, 15)
        else:
            metric = rng.choices(["ssi", "insights", "inmails_sent"], [7, 2, 1])[0]
            team, rep = None, int(people["rep_id"].iloc[rng.randrange(len(people))])
            target = {"ssi": 70, "inmails_sent": 10}.get(metric, 18)
        goals.append({"team": team, "rep_id": rep, "metric": metric, "target": float(target),
                      "start_day": start, "due_day": start + timedelta(days=90)})  # fmt: skip
    events = []
    for i in range(EVENTS):
        team = teams[i % len(teams)] if 20 <= i < 100 else None
        rep = int(people["rep_id"].iloc[rng.randrange(len(people))]) if i >= 100 else None
        events.append({"day": END - timedelta(days=rng.randint(0, 729)), "title": f"event {i}",
                       "team": team, "rep_id": rep})  # fmt: skip
    return pd.DataFrame(goals), pd.DataFrame(events)


def _copies(folder: Path) -> tuple[Path, Path]:
    source = big_store()
    summed(source)
    plain, full = folder / "without.duckdb", folder / "with.duckdb"
    shutil.copy(source, plain)
    shutil.copy(source, full)
    with Store(plain) as store, store.transaction() as cur:
        cur.execute("delete from goals")
        cur.execute("delete from events")
    with Store(full) as store:
        goals, events = _goals_and_events(store)
        with store.transaction() as cur:
            cur.execute("delete from goals")
            cur.execute("delete from events")
            cur.register("new_goals", goals)
            cur.register("new_events", events)
            cur.execute(
                "insert into goals (team_id, rep_id, metric, target, start_day, due_day, "
                "set_by, set_at) select (select team_id from teams t where t.name = g.team), "
                "g.rep_id, g.metric, g.target, g.start_day, g.due_day, 'bench', now() "
                "from new_goals g"
            )
            cur.execute(
                "insert into events (day, title, team_id, rep_id, set_by, set_at) "
                "select e.day, e.title, (select team_id from teams t where t.name = e.team), "
                "e.rep_id, 'bench', now() from new_events e"
            )
    return plain, full


def test_goals_and_events_add_at_most_a_tenth_to_the_pages(tmp_path):
    plain_path, full_path = _copies(tmp_path)
    plain, full = Store(plain_path), Store(full_path)
    config = load_config()
    board = team_review(plain, [], END, 90).board
    rep_id = int(board["rep_id"].iloc[100])
    team = str(board["team"].iloc[100])
    manager = Viewer("m@example.com", "manager", teams=(team,))

    def review(store: Store, viewer: Viewer, goals: bool) -> None:
        view = team_review(store, [], END, 90, viewer)
        shown = with_sparklines(store, view.board, END)
        if goals:
            gv.goals_strip(store, viewer, [], END)
            gv.review_marks(store, viewer, view.groups, END - timedelta(days=89), END)
            with_goals(store, shown, END, viewer)

    def self_check(store: Store, goals: bool) -> None:
        summary = summary_for(store, OWNER, rep_id, END)
        rep_history(store, rep_id, END, 365)
        rep_against_team(store, rep_id, END, 12, config)
        if goals:
            gv.rep_goals(store, OWNER, rep_id, summary.team, END)
            gv.rep_marks(store, OWNER, rep_id, summary.team, END - timedelta(days=364), END)

    lines = [f"store: {plain_path.stat().st_size / 2**20:,.0f} MB; {GOALS:,} goals and "
             f"{EVENTS} events on the copy 'with', none on 'without'"]  # fmt: skip
    pages = {
        "team review, admin": (lambda s, g: review(s, OWNER, g)),
        "team review, a manager of one team": (lambda s, g: review(s, manager, g)),
        "self-check": (lambda s, g: self_check(s, g)),
    }
    for name, page in pages.items():
        for how, first in (("first visit", True), ("warm", False)):

            def timed(store: Store, goals: bool, first: bool = first, page=page):
                return lambda: (forget_all() if first else None, page(store, goals))

            page(plain, False), page(full, True)  # imports and, warm, the memo
            without, with_ = alternating([timed(plain, False), timed(full, True)], 7)
            ratio = statistics.median(with_) / statistics.median(without)
            lines.append(f"{name}, {how} (ms): without {spread(without)}; with goals and "
                         f"events {spread(with_)}; {100 * (ratio - 1):+.0f} % (target +10 %)")  # fmt: skip
    plain.close()
    full.close()
    lines += _whole_pages(plain_path, full_path, rep_id)
    print("\n" + "\n".join(lines))
    record("goals_at_scale", lines)


def _whole_pages(plain: Path, full: Path, rep_id: int) -> list[str]:
    """The same pages rendered whole (AppTest: the script, its figures and tables, as a
    visitor's rerun), on each store in turn, after a write (nothing remembered) and warm."""
    import os

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "web" / "app.py")
    os.environ["SSI_AUTH"] = "none"

    def render(path: Path, page: str | None, first: bool) -> float:
        os.environ["SSI_DASHBOARD_DB"] = str(path)
        if first:
            forget_all()
        at = AppTest.from_file(app, default_timeout=300)
        if page:
            at.run()
            at.switch_page(page)
            at.query_params["rep"] = str(rep_id)
            at.query_params["as_of"] = END.isoformat()
        start = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        return time.perf_counter() - start

    out = []
    for name, page in (("team review page", None), ("self-check page", "app_pages/self_check.py")):
        for how, first in (("after a write", True), ("warm", False)):
            render(plain, page, first), render(full, page, first)
            without, with_ = alternating([lambda p=page, f=first: render(plain, p, f),
                                          lambda p=page, f=first: render(full, p, f)], 5)  # fmt: skip
            ratio = statistics.median(with_) / statistics.median(without)
            out.append(f"{name} rendered whole (AppTest), {how} (ms): without "
                       f"{spread(without)}; with {spread(with_)}; {100 * (ratio - 1):+.0f} %")  # fmt: skip
    return out
