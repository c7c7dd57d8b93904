"""The summaries of the readings (migration 008) stay exact after any sequence of imports
and undos: each rep's latest reading equals a scan, and the leaderboard and movers read from
it equal those found among every reading; the per-team daily SSI summary gives the averages
the readings give, and is not used under rules it was not summed with."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.errors import DashboardError
from dashboard.ingest import import_file, undo_import
from dashboard.scoring import averages_over_time, leaderboard, load_config, movers
from dashboard.scoring.leaderboard import latest_is_as_of, rep_standing
from dashboard.scoring.team_days import keep_current, resum_store, summary_is_current
from dashboard.store import Store

START = date(2026, 3, 3)  # a Tuesday; readings run up to 150 days from it, carried 90
PERIOD = (START - timedelta(days=3), START + timedelta(days=250))  # what averages compare
PEOPLE = ["Ann Lee", "Bob Roy", "Cy Dahl", "Dee Park", "Eve Moss"]
# A Sales Navigator team export with a date column, and columns the importer does not know.
HEADER = ("Date,Name,Email,Title,Group,Social Selling Index,Establish your professional brand,"
          "Find the right people,Engage with insights,Build relationships,Region code")  # fmt: skip


def _row(rng: random.Random, day: date, person: str) -> str:
    pillars = [round(rng.uniform(2, 25), 2) for _ in range(4)]
    if rng.random() < 0.15:
        pillars[rng.randrange(4)] = None  # a pillar left out of the export
    ssi = round(sum(p for p in pillars if p is not None), 2)
    if rng.random() < 0.12:
        # No SSI and a pillar missing: a row that is no reading, and that overwrites the
        # reading already held for that person and day (it may be their latest).
        pillars[1], ssi = None, ""
    cells = ["" if p is None else str(p) for p in pillars]
    email = person.split()[0].lower() + "@example.com"
    team = rng.choice(["East", "West", "North"])  # people move between teams
    return f"{day},{person},{email},AE,{team},{ssi},{','.join(cells)},R{rng.randint(1, 9)}"


def ssi_file(rng: random.Random) -> str:
    """Some people on some days, spread over 150 days so that readings are both carried over
    gaps and further apart than a reading is carried (90 days)."""
    seen, rows = set(), [HEADER]
    for _ in range(rng.randint(1, 10)):
        day, person = START + timedelta(days=rng.randint(0, 150)), rng.choice(PEOPLE)
        if (day, person) not in seen:
            seen.add((day, person))
            rows.append(_row(rng, day, person))
    return "\n".join(rows) + "\n"


def from_readings(store: Store, config=None) -> pd.DataFrame:
    """The averages computed from the readings themselves, every day of the period."""
    params = (config or load_config()).rule_params()
    frame = store.df("averages_over_time", {
        "start": PERIOD[0], "end": PERIOD[1], "step": 1, "carry_days": params["listed_days"],
        **params})  # fmt: skip
    return frame.assign(day=pd.to_datetime(frame["day"]))


def from_summary(store: Store) -> pd.DataFrame:
    frame = store.df("averages_from_team_days", {"start": PERIOD[0], "end": PERIOD[1], "step": 1})
    return frame.assign(day=pd.to_datetime(frame["day"]))


def assert_same_averages(store: Store, context: str = "") -> None:
    expected, got = from_readings(store), from_summary(store)
    assert len(got) == len(expected), context
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9, obj=context or "averages")


def newest_reading(store: Store) -> date | None:
    found = store.df_sql("select max(day) as day from snapshots where ssi is not null")["day"]
    return None if pd.isna(found[0]) else found[0].date()


def assert_same_latest(store: Store, context: str) -> int:
    """The latest readings equal a scan, and so do the leaderboard and the week's movers read
    from them; how many movers there were."""
    assert store.rows("latest_readings") == store.rows("latest_from_scratch"), context
    assert store.rows("change_bases") == store.rows("change_bases_from_scratch"), context
    as_of = newest_reading(store)
    if as_of is None:
        return 0
    assert store.scalar("reps_read_after", {"as_of": as_of}) == 0
    rules = load_config().rule_params()
    for name, params in (("leaderboard", {**rules, "rep_id": None}),
                         ("change_over_window", {"days": 7, "listed_days": 90, "stale_days": 7})):  # fmt: skip
        found = [store.df(name, {"as_of": as_of, "from_latest": from_latest, **params})
                 .sort_values("rep_id", ignore_index=True) for from_latest in (True, False)]  # fmt: skip
        assert name != "leaderboard" or len(found[0]) > 0, context
        pd.testing.assert_frame_equal(*found, rtol=1e-12, obj=f"{name}, {context}")
    return len(found[0])


def latest_up_to(store: Store, as_of: date) -> dict[int, tuple[date, float]]:
    """Each rep's newest reading on or before ``as_of``, found in pandas."""
    readings = store.df_sql("select rep_id, day, ssi from snapshots where ssi is not null")
    readings["day"] = pd.to_datetime(readings["day"]).dt.date
    newest = readings[readings["day"] <= as_of].sort_values("day").groupby("rep_id").last()
    return {int(r): (row.day, float(row.ssi)) for r, row in newest.iterrows()}


def latest_shown(board: pd.DataFrame) -> dict[int, tuple[date, float]]:
    return {int(r.rep_id): (r.as_of, float(r.ssi)) for r in board.itertuples()}


def assert_weekly_readings_as_of(store: Store, as_of: date, weeks: int = 3) -> int:
    """The falling-streak signal's weekly readings equal each rep's reading as of each point,
    found in pandas: a point has a row when a reading falls in its week, the oldest when
    any reading precedes it. How many rows there were."""
    expected = []
    for week in range(weeks + 1):
        at = as_of - timedelta(days=7 * week)
        for rep_id, (day, ssi) in latest_up_to(store, at).items():
            if week == weeks or day > at - timedelta(days=7):
                expected.append((rep_id, week, ssi, day))
    got = store.df("readings_by_week", {"as_of": as_of, "weeks": weeks, "rep_ids": None})
    got["day"] = pd.to_datetime(got["day"]).dt.date
    rows = [(int(r), int(w), float(v), d) for r, w, v, d in got.itertuples(index=False)]
    assert rows == sorted(expected), as_of
    return len(rows)


def assert_movers_read_from_the_board(store: Store, as_of: date, board: pd.DataFrame) -> None:
    """The movers the team review reads from its leaderboard are the ones the store gives."""
    for days in (7, 30):
        asked, read = (movers(store, as_of, days=days, count=10**6, board=b) for b in (None, board))
        # The same rows and columns. An empty text column is "object" from one and "str"
        # from the other; the values still hold days as timestamps on both sides.
        for a, r in zip(asked, read, strict=True):
            pd.testing.assert_frame_equal(by_rep(r), by_rep(a), rtol=1e-12, check_dtype=False,
                                          obj=f"{as_of}, {days}")  # fmt: skip
            assert (
                r[["day_before", "day_now"]].dtypes.tolist()
                == a[["day_before", "day_now"]].dtypes.tolist()
            )


def by_rep(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("rep_id", ignore_index=True)


def assert_changes_against_readings_as_of(store: Store, board: pd.DataFrame) -> None:
    """Each row's 7- and 30-day changes compare its reading with the rep's reading as of 7
    and 30 days before it, found in pandas: that reading's date always, the change when it
    is at most the stale limit older than the window's start. A rep not listed (no reading
    in the listing window) has neither: theirs would be from months ago."""
    stale = load_config().freshness.stale_after_days
    for row in board.itertuples():
        if not row.listed:
            assert all(pd.isna(v) for v in (row.ssi_change_7d, row.ssi_change_7d_since,
                                             row.ssi_change_30d, row.ssi_change_30d_since)), row  # fmt: skip
            continue
        for days, since, change in ((7, row.ssi_change_7d_since, row.ssi_change_7d),
                                    (30, row.ssi_change_30d_since, row.ssi_change_30d)):  # fmt: skip
            before = latest_up_to(store, row.as_of - timedelta(days=days)).get(row.rep_id)
            assert (since if not pd.isna(since) else None) == (before and before[0]), row
            fresh = before and before[0] >= row.as_of - timedelta(days=days + stale)
            expected = round(row.ssi - before[1], 9) if fresh else None
            assert (None if pd.isna(change) else round(change, 9)) == expected, row


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_stay_exact_through_random_imports_and_undos(store, tmp_path, seed):
    rng = random.Random(seed)
    loaded: list[int] = []
    undone = movers = 0
    assert keep_current(store)  # a new store: summed (empty) under the rules in force
    for step in range(25):
        if loaded and rng.random() < 0.35:
            import_id = rng.choice(loaded)
            try:
                undo_import(store, import_id)
            except DashboardError:
                continue  # a later import changed its rows: undone only after that one
            loaded.remove(import_id)
            undone += 1
        else:
            path = tmp_path / f"f{step}.csv"
            path.write_text(ssi_file(rng))
            result = import_file(store, path)
            if result.import_id is not None:
                loaded.append(result.import_id)
        assert summary_is_current(store)
        assert_same_averages(store, f"seed {seed}, step {step}")
        movers += assert_same_latest(store, f"seed {seed}, step {step}")
    assert undone > 0 and movers > 0 and len(from_summary(store)) > 20
    # On any date, with or without readings after it, the leaderboard shows each rep's
    # latest reading up to it, and its search path gives what rep_latest gives.
    rules, newest = load_config().rule_params(), newest_reading(store)
    weekly = 0
    for back in (0, 1, 3, 10, 30):
        as_of = newest - timedelta(days=back)
        assert latest_is_as_of(store, as_of) == (back == 0)
        searched = store.df("leaderboard", {"as_of": as_of, "from_latest": False,
                                            "rep_id": None, **rules})  # fmt: skip
        shown = leaderboard(store, as_of).sort_values("rep_id", ignore_index=True)
        expected = searched.sort_values("rep_id", ignore_index=True)
        assert shown["ssi"].tolist() == expected["ssi"].tolist()
        assert shown["ssi_change_7d"].equals(expected["ssi_change_7d"]), as_of
        assert latest_up_to(store, as_of) == latest_shown(shown), as_of
        assert_changes_against_readings_as_of(store, shown)
        weekly += assert_weekly_readings_as_of(store, as_of)
        assert_movers_read_from_the_board(store, as_of, shown)
    assert weekly > 0


def test_the_leaderboard_on_a_past_date_finds_every_kind_of_latest_reading(store, tmp_path):
    """On a date with later readings, each rep's reading up to it is found wherever it lies:
    in the listing range (Ann; Eve on its first day), before it with later readings (Bob,
    back after 200 days away), before it with none later (Cy, gone), and nowhere for a rep
    who began after it (Dee). One rep's standing equals their row of the whole board, and
    the week's movers are the listed reps'."""
    day = date(2026, 6, 1)
    rows = [(day - timedelta(days=10), "Ann Lee", 50), (day + timedelta(days=3), "Ann Lee", 52),
            (day - timedelta(days=17), "Ann Lee", 45), (day - timedelta(days=97), "Eve Moss", 60),
            (day - timedelta(days=150), "Bob Roy", 40), (day + timedelta(days=50), "Bob Roy", 44),
            (day - timedelta(days=120), "Cy Dahl", 30), (day + timedelta(days=1), "Dee Park", 60),
            (day - timedelta(days=90), "Eve Moss", 70), (day + timedelta(days=2), "Eve Moss", 71),
            # Gone long ago, with earlier readings 13 and 100 days before the last.
            (day - timedelta(days=300), "Fay Ng", 20), (day - timedelta(days=213), "Fay Ng", 22),
            (day - timedelta(days=200), "Fay Ng", 25)]  # fmt: skip
    path = tmp_path / "team.csv"
    path.write_text(HEADER + "\n" + "".join(
        f"{d},{p},,AE,East,{ssi},{ssi / 4},{ssi / 4},{ssi / 4},{ssi / 4},R1\n"
        for d, p, ssi in rows))  # fmt: skip
    import_file(store, path)
    config = load_config()
    board = leaderboard(store, day, config=config).sort_values("rep_id", ignore_index=True)
    assert latest_shown(board) == latest_up_to(store, day)
    assert_changes_against_readings_as_of(store, board)
    fay = board[board["rep"] == "Fay Ng"].iloc[0]
    assert not fay["listed"] and pd.isna(fay["ssi_change_7d"])  # 200 days old: no change now
    # As of her last reading: 13 days back, 6 days before the week's start, a change; 100
    # days back: a date only.
    then = leaderboard(store, day - timedelta(days=200), config=config)
    assert_changes_against_readings_as_of(store, then)
    fay = then[then["rep"] == "Fay Ng"].iloc[0]
    assert fay["ssi_change_7d_since"] == day - timedelta(days=213)
    assert fay["ssi_change_7d"] == 3.0
    assert fay["ssi_change_30d_since"] == day - timedelta(days=300)
    assert pd.isna(fay["ssi_change_30d"])
    shown = {r.rep: (r.as_of, r.ssi, r.listed) for r in board.itertuples()}
    assert shown == {
        "Ann Lee": (day - timedelta(days=10), 50.0, True),
        "Bob Roy": (day - timedelta(days=150), 40.0, False),
        "Cy Dahl": (day - timedelta(days=120), 30.0, False),
        "Eve Moss": (day - timedelta(days=90), 70.0, True),  # the listing range's first day
        "Fay Ng": (day - timedelta(days=200), 25.0, False),
    }
    for rep_id in board["rep_id"]:
        one = rep_standing(store, int(rep_id), day, config)
        pd.testing.assert_frame_equal(one, board[board["rep_id"] == rep_id].reset_index(drop=True),
                                      check_dtype=False)  # fmt: skip
    assert rep_standing(store, 999, day, config).empty
    # Ann in weeks 1 and 2; at the oldest point Cy and Fay (gone), Bob and Eve (read later).
    assert assert_weekly_readings_as_of(store, day) == 6
    assert assert_weekly_readings_as_of(store, day + timedelta(days=200)) > 0
    rises, falls = movers(store, day, days=7, config=config)
    assert rises[["rep", "change"]].values.tolist() == [["Eve Moss", 10.0], ["Ann Lee", 5.0]]
    assert falls.empty


def test_the_summary_holds_days_only_where_readings_are_carried(store, tmp_path):
    """A reading typed with the wrong year adds its few carried days, not a decade of rows."""
    keep_current(store)
    path = tmp_path / "typo.csv"
    path.write_text(f"{HEADER}\n2026-11-02,Ann Lee,ann@example.com,AE,East,40,10,10,10,10,R1\n"
                    "2015-11-03,Bob Roy,bob@example.com,AE,East,44,11,11,11,11,R1\n")  # fmt: skip
    import_file(store, path)
    carry = load_config().freshness.listed_for_days
    days = store.df_sql("select day, reps from team_days order by day")
    assert len(days) == 2 * (carry + 1)
    assert days["day"].min() == pd.Timestamp("2015-11-03")
    assert days["day"].max() == pd.Timestamp(date(2026, 11, 2) + timedelta(days=carry))


def test_other_rules_leave_the_summary_unused_until_it_is_summed_again(
    store, tmp_path, monkeypatch
):
    rng = random.Random(5)
    path = tmp_path / "a.csv"
    path.write_text(ssi_file(rng) + "\n".join(_row(rng, START + timedelta(days=d), "Eve Moss")
                                              for d in (1, 12, 30)) + "\n")  # fmt: skip
    import_file(store, path)
    assert not summary_is_current(store)  # a new store's first import: never summed
    assert keep_current(store) and summary_is_current(store)
    # Readings carried 30 days, not the default: the summary's figures would be wrong.
    default = load_config()
    shorter = tmp_path / "scoring.toml"
    shorter.write_text("[freshness]\nlisted_for_days = 30\n")
    monkeypatch.setenv("SSI_SCORING_CONFIG", str(shorter))
    config = load_config()
    assert config.freshness.listed_for_days == 30
    assert not summary_is_current(store, config)
    shown = averages_over_time(store, *PERIOD, config, step=1)
    expected = from_readings(store, config)
    expected.loc[expected["company"], "team"] = "Company"
    pd.testing.assert_frame_equal(shown, expected)
    summed = from_summary(store)
    assert shown["reps"].sum() < summed["reps"].sum()  # readings counted 30 days, not 90

    # An import keeps the summary exact under the rules it holds (the import layer does not
    # choose rules); after it, the upload sums it again under the rules in force.
    path = tmp_path / "b.csv"
    path.write_text(f"{HEADER}\n{_row(rng, START + timedelta(days=40), 'Ann Lee')}\n")
    import_file(store, path)
    assert not summary_is_current(store, config)
    pd.testing.assert_frame_equal(from_summary(store), from_readings(store, default), rtol=1e-9)
    assert keep_current(store, config) and not keep_current(store, config)
    pd.testing.assert_frame_equal(from_summary(store), from_readings(store, config), rtol=1e-9)


def test_an_upload_through_the_command_line_sums_a_new_store(tmp_path):
    db, path = tmp_path / "new.duckdb", tmp_path / "a.csv"
    path.write_text(ssi_file(random.Random(9)))
    assert main(["import", "--db", str(db), str(path)]) == 0
    store = Store(db)
    assert summary_is_current(store)
    assert_same_averages(store, "after the command line's import")


def test_init_sums_the_summary_of_a_store_from_before_it(tmp_path, capsys):
    db = tmp_path / "old.duckdb"
    store = Store(db)
    path = tmp_path / "a.csv"
    path.write_text(ssi_file(random.Random(8)))
    import_file(store, path)
    with store.transaction() as cur:  # as migration 008 leaves a store: empty, no rules
        cur.execute("delete from team_days").execute("delete from team_days_rules")
    assert not summary_is_current(store)
    shown_before = averages_over_time(store, START, START + timedelta(days=75), step=1)
    assert main(["init", "--db", str(db)]) == 0
    assert "summed with the current scoring rules" in capsys.readouterr().out
    assert summary_is_current(store)
    pd.testing.assert_frame_equal(
        averages_over_time(store, START, START + timedelta(days=75), step=1), shown_before,
        rtol=1e-9)  # fmt: skip
    # Summed again, the same rows.
    before = store.df_sql("select * from team_days order by day, team_id")
    resum_store(store)
    pd.testing.assert_frame_equal(
        store.df_sql("select * from team_days order by day, team_id"), before
    )
