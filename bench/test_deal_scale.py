"""Deals at scale: a CRM export of 500,000 deals for 10,000 reps imported against DuckDB's own
read_csv of the same file, and the Outcomes view against the team review, in one run.

Targets (issue "Does social selling pay?"): the import under 3x read_csv; the Outcomes view
within the team review's time targets (its first visit and warm, admin and a manager).
"""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from bench.record import record
from bench.stores import END, big_store, summed
from bench.timing import alternating, runs, spread
from dashboard.access import OWNER, Viewer
from dashboard.actions.imports import import_upload
from dashboard.ingest import ImportOptions
from dashboard.scoring.memo import forget_all
from dashboard.store import Store
from dashboard.views.outcomes import Period, outcome_comparisons, outcomes_view
from dashboard.views.team_review import team_review

pytestmark = pytest.mark.bench
DEALS = 500_000
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
HEADER = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period",
          "Amount", "Amount Currency", "Probability (%)", "Close Date", "Created Date",
          "Lead Source", "Opportunity ID", "Won", "Closed"]  # fmt: skip


def salesforce_export(store: Store, path: Path, deals: int, seed: int = 1) -> None:
    """A Salesforce opportunity report of ``deals`` rows for the store's reps (owners by
    name, US dates, flags), written as Salesforce writes its CSV."""
    reps = store.df_sql("select name from reps order by rep_id")["name"].to_numpy()
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, len(reps), deals)
    created = np.datetime64("2024-12-01") + rng.integers(0, 700, deals).astype("timedelta64[D]")
    closed_at = created + rng.gamma(2.0, 30, deals).astype(int).astype("timedelta64[D]")
    still_open = closed_at > np.datetime64(END.isoformat())
    won = rng.random(deals) < 0.3
    stage = np.where(still_open, "Negotiation/Review", np.where(won, "Closed Won", "Closed Lost"))
    close = np.where(still_open, closed_at + np.timedelta64(30, "D"), closed_at)
    us = lambda days: pd.to_datetime(days).strftime("%m/%d/%Y")  # noqa: E731
    account = np.char.add("Account ", rng.integers(1, 40_000, deals).astype(str))
    frame = pd.DataFrame({
        "Opportunity Owner": reps[owner], "Account Name": account,
        "Opportunity Name": np.char.add(account, " - Platform"), "Stage": stage,
        "Fiscal Period": "Q3-2026", "Amount": (rng.lognormal(9.5, 0.8, deals) // 50 * 50),
        "Amount Currency": "USD", "Probability (%)": np.where(still_open, 60, 100 * won),
        "Close Date": us(close), "Created Date": us(created), "Lead Source": "Web",
        "Opportunity ID": [f"0061x{i:010d}" for i in range(deals)],
        "Won": (~still_open & won).astype(int), "Closed": (~still_open).astype(int),
    })[HEADER]  # fmt: skip
    frame.to_csv(path, index=False)


def test_a_500000_deal_export_imports_within_three_times_read_csv(tmp_path):
    source = big_store()
    lines = summed(source)
    export = tmp_path / "opportunities.csv"
    with Store(source) as store:
        salesforce_export(store, export, DEALS)
    lines.append(f"store: {source.stat().st_size / 2**20:,.0f} MB; export: {DEALS:,} deals, "
                 f"{export.stat().st_size / 2**20:,.0f} MB")  # fmt: skip

    def read_csv() -> None:
        con = duckdb.connect()
        con.sql(f"create table t as select * from read_csv('{export}')")  # noqa: S608 (a bench)
        con.close()

    copies = [tmp_path / f"copy{i}.duckdb" for i in range(3)]
    imports, baseline = [], []
    for copy in copies:
        shutil.copy(source, copy)
        baseline += runs(read_csv, 1)
        with Store(copy) as store:
            start = time.perf_counter()
            result = import_upload(store, OWNER, export, ImportOptions())
            imports.append(time.perf_counter() - start)
            assert result.rows_loaded == DEALS
    ratio = statistics.median(imports) / statistics.median(baseline)
    lines.append(f"read_csv of the export (ms): {spread(baseline)}")
    lines.append(f"import of the export (ms): {spread(imports)}; ratio {ratio:.1f} (target 3)")
    with Store(copies[0]) as store:
        changed = tmp_path / "opportunities_later.csv"
        frame = pd.read_csv(export, dtype=str, keep_default_na=False)
        later = frame["Stage"] == "Negotiation/Review"
        frame.loc[later[later].index[: DEALS // 50], ["Stage", "Won", "Closed"]] = [
            "Closed Won",
            "1",
            "1",
        ]
        frame.to_csv(changed, index=False)
        start = time.perf_counter()
        result = import_upload(store, OWNER, changed, ImportOptions())
        lines.append(f"a later export, {result.rows_updated:,} stages changed: "
                     f"{1000 * (time.perf_counter() - start):,.0f} ms, {result.rows_loaded} new")  # fmt: skip
        assert result.rows_updated == DEALS // 50
        lines += _views(store)
    for copy in copies:
        copy.unlink()
    print("\n" + "\n".join(lines))
    record("deals_at_scale", lines)


def _views(store: Store) -> list[str]:
    """The Outcomes view beside the team review, first visit and warm, admin and manager."""
    board = team_review(store, [], END, 90).board
    manager = Viewer("m@example.com", "manager", teams=(str(board["team"].iloc[0]),))
    found = []
    for who, viewer in (("admin", OWNER), ("a manager of one team", manager)):
        for how, first in (("first visit", True), ("warm", False)):

            def review(first: bool = first, viewer: Viewer = viewer) -> None:
                if first:
                    forget_all()
                team_review(store, [], END, 90, viewer)

            def figures(first: bool = first, viewer: Viewer = viewer) -> None:
                if first:
                    forget_all()
                outcomes_view(store, [], Q3, viewer)

            def whole(first: bool = first, viewer: Viewer = viewer) -> None:
                if first:
                    forget_all()
                outcomes_view(store, [], Q3, viewer)
                outcome_comparisons(store, [], Q3, viewer)

            review(), whole()
            reviewed, shown, compared = alternating([review, figures, whole], 5)
            found.append(f"{who}, {how} (ms): team review {spread(reviewed)}; outcomes, figures "
                         f"{spread(shown)}; with the comparisons {spread(compared)}")  # fmt: skip
    return found
