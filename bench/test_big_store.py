"""Issue 12's targets at 10,000 reps over two years, with their baselines, in one run.

The store: $SSI_BENCH_BIG (an existing store file), else the demo of $SSI_BENCH_BIG_SIZE
(REPSxDAYS, default 10000x730) built once into bench/.cache/ and kept. Building the full
size takes about 3.5 minutes and 2.6 GB of memory (the demo is written a block of reps at a
time). Run with `make bench`.

Each figure is min / median / max. "New process" figures run in a fresh Python process
(imports included, as a restarted dashboard pays them); "warm" ones in one process after a
first call, each with a filter the process has not computed before (as the page's cache
misses on a filter change). Baselines, same run: bare DuckDB `arg_max` per rep, and a plain
pandas team review (every reading loaded, then grouped).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.record import record
from bench.served import served
from bench.stores import END, big_store, summed
from bench.timing import alternating, runs, spread
from dashboard.scoring import averages_over_time, leaderboard, load_config
from dashboard.scoring.memo import forget_all
from dashboard.scoring.team_days import summary_is_current
from dashboard.store import Store
from dashboard.views.team_review import team_review

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[1]

NEW_PROCESS = """
import json, sys, time
if sys.argv[4] == "served":  # as `python -m dashboard.web.serve` has the process before a visit
    from dashboard.web.serve import preload
    preload()
start = time.perf_counter()
from datetime import date
from dashboard.store import Store
what, path, rep_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(path)
if what == "team_review":
    from dashboard.views.team_review import team_review, with_sparklines
    view = team_review(store, [], None, 90)
    with_sparklines(store, view.board, view.as_of)
else:
    from dashboard.scoring import load_config, rep_history
    from dashboard.scoring.activity import rep_against_team
    from dashboard.scoring.summary import rep_summary
if what == "imports":  # the floor of a new process: the self-check's imports, the store open
    pass
elif what == "self_check":
    summary = rep_summary(store, rep_id)
    as_of = date.fromisoformat(summary.as_of)
    rep_history(store, rep_id, as_of, 365)
    rep_against_team(store, rep_id, as_of, 12, load_config())
seconds = time.perf_counter() - start
# VmHWM is this program's own high-water mark: ru_maxrss would carry over the parent's
# (pytest's, with the pandas baseline's 3 GB) from the fork.
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


EVERY_PAGE = """
import json, sys, time
from streamlit.testing.v1 import AppTest
app, rep_id = sys.argv[1], sys.argv[2]
if sys.argv[3] == "served":  # as `python -m dashboard.web.serve` has the process before a visit
    from dashboard.web.serve import preload
    preload()
times = {}
start = time.perf_counter()
at = AppTest.from_file(app, default_timeout=300).run()
times["team review"] = time.perf_counter() - start
assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
for page, query in (("app_pages/self_check.py", {"rep": rep_id}), ("app_pages/activity.py", {}),
                    ("app_pages/upload.py", {}), ("app_pages/about.py", {})):
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    start = time.perf_counter()
    at.run()
    times[page.split("/")[1][:-3].replace("_", " ")] = time.perf_counter() - start
    assert not at.exception, (page, at.exception)
    assert not at.error, (page, [e.value for e in at.error])  # a locked store shows as one
# The same server process, as the next visitors meet it: a second session opens the team
# review (the page results are cached), then changes the as-of date and the team.
from datetime import timedelta
second = AppTest.from_file(app, default_timeout=300)
start = time.perf_counter()
second.run()
times["team review, 2nd session"] = time.perf_counter() - start
as_of = second.date_input(key="as_of").value
start = time.perf_counter()
second.date_input(key="as_of").set_value(as_of - timedelta(days=7)).run()
times["... as-of changed"] = time.perf_counter() - start
team = second.multiselect(key="teams").options[0]
start = time.perf_counter()
second.multiselect(key="teams").set_value([team]).run()
times["... team chosen"] = time.perf_counter() - start
assert not second.exception and not second.error, (second.exception, second.error)
# VmHWM is this program's own high-water mark: ru_maxrss would carry over the parent's
# (pytest's, with the pandas baseline's 3 GB) from the fork.
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"times": times, "peak_mb": peak}))
"""


def new_process(what: str, path: Path, rep_id: int, how: str = "bare") -> dict:
    """``what`` timed in a new process; ``how`` "served" imports what the pages import
    first, untimed, as `python -m dashboard.web.serve` does before its first visitor."""
    done = subprocess.run([sys.executable, "-c", NEW_PROCESS, what, str(path), str(rep_id), how],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def server_start(path: Path, preload: bool) -> float:
    """Seconds from starting `python -m dashboard.web.serve` to its health check answering."""
    with served(path, preload) as (_, seconds):
        return seconds


def pandas_team_review(store: Store, as_of: date) -> None:
    """The dashboard a user would write in pandas: every reading, then group and rank."""
    snaps = store.df_sql("select s.*, t.name as team from snapshots s join teams t using (team_id)")
    snaps = snaps[snaps["ssi"].notna()]
    snaps["day"] = snaps["day"].dt.date
    now = snaps[snaps["day"] <= as_of].sort_values("day").groupby("rep_id").tail(1)
    week = snaps[snaps["day"] <= as_of - timedelta(days=7)].sort_values("day")
    before = week.groupby("rep_id").tail(1).set_index("rep_id")["ssi"]
    now = now.assign(rank=now["ssi"].rank(ascending=False, method="min"),
                     change_7d=now["ssi"] - now["rep_id"].map(before))  # fmt: skip
    now.groupby("team")[["ssi", "brand", "people", "insights", "relationships"]].mean()
    recent = snaps[(snaps["day"] > as_of - timedelta(days=90)) & (snaps["day"] <= as_of)]
    recent.groupby(["team", "day"])["ssi"].mean()


def test_targets_at_two_years_of_ten_thousand_reps():
    path = big_store()
    first = summed(path)
    store = Store(path)
    board = leaderboard(store, END)
    rep_id = int(board["rep_id"].iloc[len(board) // 2])
    snapshots = store.df_sql("select count(*) as n from snapshots")["n"][0]
    size_mb = path.stat().st_size / 2**20
    lines = [f"store: {path.name}, {len(board):,} reps, {snapshots:,} snapshots, "
             f"{size_mb:,.0f} MB on disk", *first]  # fmt: skip
    store.close()  # a file store is one process's at a time; the new processes come first

    fresh = [new_process("team_review", path, rep_id) for _ in range(3)]
    lines.append(f"team review + sparklines, new process (ms): "
                 f"{spread([f['seconds'] for f in fresh])}; peak "
                 f"{max(f['peak_mb'] for f in fresh):,.0f} MB")  # fmt: skip
    fresh = [new_process("self_check", path, rep_id) for _ in range(3)]
    lines.append(f"self-check, new process (ms): {spread([f['seconds'] for f in fresh])}; "
                 f"peak {max(f['peak_mb'] for f in fresh):,.0f} MB")  # fmt: skip
    floor = [new_process("imports", path, rep_id)["seconds"] for _ in range(3)]
    lines.append(f"  of which the imports (pandas, pyarrow, DuckDB, the app's modules) and "
                 f"opening the store, no query (ms): {spread(floor)}")  # fmt: skip
    for what, label in (("team_review", "team review + sparklines"), ("self_check", "self-check")):
        served = [new_process(what, path, rep_id, "served")["seconds"] for _ in range(3)]
        lines.append(f"{label}, new process after dashboard.web.serve's preload (ms): "
                     f"{spread(served)}")  # fmt: skip

    store = Store(path)
    team_review(store, [], END, 90)  # warm the process
    teams = sorted(board["team"].unique())
    changes = {
        "team": [([t], END, 90) for t in teams[:3]] + [(teams[3:5], END, 90)],
        "period": [([], END, 30), ([], END, 365), ([teams[0]], END, 182)],
        "as-of date": [([], END - timedelta(days=d), 90) for d in (1, 7, 14, 21, 28)],
    }
    for kind, filters in changes.items():
        warm = []
        for teams_chosen, as_of, period in filters:
            start = time.perf_counter()
            team_review(store, teams_chosen, as_of, period)
            warm.append(time.perf_counter() - start)
        lines.append(f"team review, warm, after a change of {kind} (ms): {spread(warm)}")

    from dashboard.scoring.summary import rep_summary

    rep_summary(store, rep_id, END)
    others = iter(board["rep_id"].iloc[::997].astype(int).tolist())  # a manager clicking on
    lines.append(f"self-check (rep_summary) of another rep, warm (ms): "
                 f"{spread(runs(lambda: rep_summary(store, next(others), END)))}")  # fmt: skip

    bare_sql = ("select rep_id, arg_max(ssi, day) from snapshots where ssi is not null and "
                "day <= $d group by rep_id")  # fmt: skip
    # In turn, 11 each: five runs one after the other gave ratios of 1.2 to 1.9 for the same
    # code as the machine's load moved between the two.
    ours, bare = alternating([lambda: leaderboard(store, END),
                              lambda: store.df_sql(bare_sql, {"d": END})])  # fmt: skip
    ratio = statistics.median(ours) / statistics.median(bare)
    lines.append(f"leaderboard (ms): {spread(ours)}; bare arg_max {spread(bare)}; "
                 f"ratio {ratio:.1f} (target 1.5)")  # fmt: skip

    start, config = END - timedelta(days=89), load_config()
    summary = runs(lambda: averages_over_time(store, start, END, config))
    assert summary_is_current(store, config)
    # The same figures computed from the readings, as before migration 008 (and as any
    # store whose summary was summed under other rules).
    other = replace(config, bands=replace(config.bands, low_from=config.bands.low_from + 1e-9))
    readings = runs(lambda: averages_over_time(store, start, END, other))
    lines.append(f"averages over 90 days (ms): from the team-day summary {spread(summary)}; "
                 f"from the readings {spread(readings)}")  # fmt: skip

    baseline = runs(lambda: pandas_team_review(store, END), 3)
    # Computed, not remembered: each run starts without the company-wide results kept.
    review = runs(lambda: (forget_all(), team_review(store, [], END, 90)), 3)
    lines.append(f"pandas team review (ms): {spread(baseline)}; ours {spread(review)}; "
                 f"pandas / ours {statistics.median(baseline) / statistics.median(review):.1f}"
                 " (target 10)")  # fmt: skip
    store.close()  # the next test's app processes open the file themselves
    print("\n" + "\n".join(lines))
    record("big_store_targets", lines)


def test_every_page_through_apptest_at_two_years_of_ten_thousand_reps():
    """A whole-page render (target 2 s) and the app process's peak memory after visiting
    every page (target 1.5 GB), in a fresh process per run."""
    path = big_store()
    with Store(path) as store:
        rep_id = int(leaderboard(store, END)["rep_id"].iloc[100])
    found = {"bare": [], "served": []}
    for _ in range(3):
        for how, runs_of in found.items():  # in turn, so both meet the same machine
            done = subprocess.run(
                [sys.executable, "-c", EVERY_PAGE, str(ROOT / "dashboard" / "web" / "app.py"),
                 str(rep_id), how],
                cwd=ROOT, capture_output=True, text=True, timeout=900,
                env={**os.environ, "PYTHONPATH": str(ROOT), "SSI_DASHBOARD_DB": str(path)},
            )  # fmt: skip
            assert done.returncode == 0, done.stderr[-3000:]
            runs_of.append(json.loads(done.stdout.strip().splitlines()[-1]))
    bare, served = found["bare"], found["served"]
    lines = ["AppTest, one fresh process per run, each page's first render (ms); bare, then "
             "after dashboard.web.serve's preload (the pages' imports made before the visit):"]  # fmt: skip
    for page in bare[0]["times"]:
        lines.append(f"  {page:<26}{spread([f['times'][page] for f in bare])}"
                     f"  | {spread([f['times'][page] for f in served])}")  # fmt: skip
    lines.append(f"peak memory after every page: {spread([f['peak_mb'] for f in bare], 1)} MB"
                 f"  | {spread([f['peak_mb'] for f in served], 1)} MB")  # fmt: skip
    starts = {True: [], False: []}
    for _ in range(3):
        for preload, seconds in starts.items():
            seconds.append(server_start(path, preload))
    lines.append(f"server start to its first answer (ms): streamlit run's way {spread(starts[False])}"
                 f"; with the preload {spread(starts[True])}")  # fmt: skip
    print("\n" + "\n".join(lines))
    record("big_store_apptest", lines)


@pytest.mark.skipif(not os.environ.get("SSI_BENCH_STRETCH"), reason="needs SSI_BENCH_STRETCH")
def test_stretch_at_two_years_of_a_hundred_thousand_reps():
    """The issue's stretch: 100,000 reps x 730 days answers the team review in under 5 s
    with at most 4 GB. $SSI_BENCH_STRETCH names the store (`python -m dashboard demo
    --reps 100000 --days 730 --end 2026-11-20`: about 40 minutes and 4 GB of disk), so a
    plain `make bench` does not build it. New processes only: the pandas baseline would need
    more memory than the machine has at this size."""
    path = Path(os.environ["SSI_BENCH_STRETCH"])
    first = summed(path)
    with Store(path) as store:
        board = leaderboard(store, END)
        rep_id = int(board["rep_id"].iloc[len(board) // 2])
        snapshots = store.df_sql("select count(*) as n from snapshots")["n"][0]
        activity = store.df_sql("select count(*) as n from activity")["n"][0]
    lines = [f"store: {path.name}, {len(board):,} reps, {snapshots:,} snapshots, "
             f"{activity:,} activity rows, {path.stat().st_size / 1e9:.1f} GB", *first]  # fmt: skip
    for what, label in (("team_review", "team review + sparklines"), ("self_check", "self-check")):
        fresh = [new_process(what, path, rep_id) for _ in range(3)]
        lines.append(f"{label}, new process (ms): {spread([f['seconds'] for f in fresh])}; "
                     f"peak {max(f['peak_mb'] for f in fresh):,.0f} MB")  # fmt: skip
    lines.append("target: team review under 5 s with at most 4 GB")
    print("\n" + "\n".join(lines))
    record("big_store_stretch", lines)
