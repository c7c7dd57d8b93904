"""The weekly activity summary equals a full recomputation after any sequence of imports
(daily rows, weekly periods, Analytics actions) and undos."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.errors import DashboardError
from dashboard.ingest import import_file, undo_import

START = date(2026, 10, 26)  # a Monday
METRICS = ["Searches performed", "Profile views", "Days active", "Connections"]


def summary_matches(store) -> bool:
    def rows(name):
        return [tuple(round(v, 9) if isinstance(v, float) else v for v in r)
                for r in store.rows(name)]  # fmt: skip

    return rows("weekly_summary") == rows("weekly_from_scratch")


def daily_file(rng: random.Random, n: int) -> str:
    rows = ["Date,Name,Team," + ",".join(METRICS)]
    for _ in range(rng.randint(1, 12)):
        day = START + timedelta(days=rng.randint(0, 20))
        person = rng.choice(["Ann", "Bob", "Cy"])
        team = rng.choice(["East", "West"])
        values = [str(rng.randint(0, 9)) if rng.random() > 0.2 else "" for _ in METRICS]
        rows.append(f"{day},{person},{team}," + ",".join(values))
    # One row per person and day: repeats with other values would be refused.
    seen, unique = set(), [rows[0]]
    for row in rows[1:]:
        key = tuple(row.split(",")[:2])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return "\n".join(unique) + "\n"


def weekly_file(rng: random.Random) -> str:
    week = START + timedelta(weeks=rng.randint(0, 2))
    return ("Week,Name,Team,Searches performed,Days active\n"
            f"{week},Dee,East,{rng.randint(0, 40)},{rng.randint(0, 5)}\n")  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("whole_range_up_to", [0, 2, 10**9], ids=["picked", "chosen", "whole"])
def test_summary_stays_exact_through_random_imports_and_undos(
    store, tmp_path, seed, whole_range_up_to, monkeypatch
):
    """Each write sums its touched weeks again, picked out of their day range first or by
    summing the whole range and keeping them (writes.WHOLE_RANGE_UP_TO chooses: 0 forces
    the first way, a billion the second, 2 is the rule in force)."""
    from dashboard.store import writes

    monkeypatch.setattr(writes, "WHOLE_RANGE_UP_TO", whole_range_up_to)
    rng = random.Random(seed)
    loaded: list[int] = []
    assert summary_matches(store)
    for step in range(25):
        if loaded and rng.random() < 0.35:
            import_id = rng.choice(loaded)
            try:
                undo_import(store, import_id)
                loaded.remove(import_id)
            except DashboardError:
                pass  # a later import changed its rows: undone only after that one
        else:
            text = weekly_file(rng) if rng.random() < 0.3 else daily_file(rng, step)
            path = tmp_path / f"f{step}.csv"
            path.write_text(text)
            try:
                result = import_file(store, path)
            except DashboardError:
                continue  # an overlapping period: refused, nothing written
            if result.import_id is not None:
                loaded.append(result.import_id)
        assert summary_matches(store), f"seed {seed}, step {step}"
    assert store.df_sql("select count(*) as n from activity_weekly")["n"][0] > 0


def test_a_reps_activity_team_from_the_summary_equals_a_scan(store, tmp_path):
    """The self-check's team for activity comes from the summary's weeks and the as-of
    week's rows; people here change team from one day to the next, mid-week."""
    rng = random.Random(11)
    for step in range(12):
        path = tmp_path / f"f{step}.csv"
        path.write_text(weekly_file(rng) if step % 4 == 0 else daily_file(rng, step))
        try:
            import_file(store, path)
        except DashboardError:
            continue
    scan = ("select arg_max(team_id, day) as team from activity "
            "where rep_id = $r and day <= $a and day >= $s")  # fmt: skip
    checked = 0
    for rep_id in store.df_sql("select rep_id from reps")["rep_id"]:
        for offset in range(-3, 26):
            as_of = START + timedelta(days=offset)
            for weeks_back in (0, 1, 3):  # the chart's first Monday; older rows do not count
                start = as_of - timedelta(days=as_of.weekday(), weeks=weeks_back)
                found = store.df_sql(scan, {"r": int(rep_id), "a": as_of, "s": start})
                expected = None if pd.isna(found["team"][0]) else int(found["team"][0])
                got = store.scalar("rep_activity_team",
                                   {"rep_id": int(rep_id), "as_of": as_of, "start": start})  # fmt: skip
                assert expected == got, (rep_id, as_of, start)
                checked += got is not None
    assert checked > 50


def test_each_way_of_summing_the_touched_weeks_keeps_the_summary_exact(
    store, tmp_path, monkeypatch
):
    """A first import's range holds only its own keys: the range is summed whole, nothing
    picked out. A second import whose keys are most of a week's rows, not all of them: its
    weeks are picked out of the summed range. Its undo the same way. (The random test above
    goes through the third way, picking the weeks out first, as well.)"""
    from dashboard.store import Cursor

    ran: list[str] = []
    real_run = Cursor.run

    def spying(self, name, params=None):
        ran.append(name)
        return real_run(self, name, params)

    monkeypatch.setattr(Cursor, "run", spying)
    refreshes = {"refresh_weeks_of_range", "refresh_touched_weeks_in_range",
                 "refresh_touched_weeks"}  # fmt: skip

    def load(name: str, text: str) -> tuple[str, int | None]:
        ran.clear()
        path = tmp_path / name
        path.write_text(text)
        result = import_file(store, path)
        assert summary_matches(store)
        [way] = [q for q in ran if q in refreshes]
        return way, result.import_id

    head = "Date,Name,Team,Searches performed,Profile views\n"
    first = head + "".join(f"{START + timedelta(days=d)},{p},East,{d},{d + 1}\n"
                           for d in range(10) for p in ("Ann", "Bob"))  # fmt: skip
    assert load("first.csv", first)[0] == "refresh_weeks_of_range"
    # Ann's last three days again, other values, and Cy on one of them: 8 keys of the 14
    # rows of that week's range.
    second = head + "".join(
        f"{START + timedelta(days=d)},Ann,East,{50 + d},{60 + d}\n" for d in (7, 8, 9)
    )
    second += f"{START + timedelta(days=8)},Cy,West,7,8\n"
    way, second_id = load("second.csv", second)
    assert way == "refresh_touched_weeks_in_range"
    ran.clear()
    undo_import(store, second_id)
    assert summary_matches(store)
    assert [q for q in ran if q in refreshes] == ["refresh_touched_weeks_in_range"]
    weekly = store.df_sql("select sum(total) as n from activity_weekly where metric = 'searches'")
    assert weekly["n"][0] == 2 * sum(range(10))  # Ann's first values back; Cy gone
