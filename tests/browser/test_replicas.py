"""Two dashboard processes on one PostgreSQL store: an upload through one shows on the other."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, screenshot, streamlit_server, wait_idle
from tests.browser.test_browser import ERRORS, choose_file, leaderboard_cell

pytestmark = pytest.mark.browser


def test_an_upload_through_replica_a_shows_on_replica_b(chromium, pg_url, tmp_path):
    demo = subprocess.run([sys.executable, "-m", "dashboard", "demo", "--db", pg_url, "--reps",
                           "24", "--days", "120", "--end", "2026-11-20"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    csv = tmp_path / "crossing.csv"
    csv.write_text("Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"
                   "Crossing Replicas,Mid-Market,2026-11-20,99.0,24.75,24.75,24.75,24.75\n")  # fmt: skip
    with (streamlit_server(pg_url, tmp_path / "a.log") as a,
          streamlit_server(pg_url, tmp_path / "b.log") as b):  # fmt: skip
        context = chromium.new_context(viewport={"width": 1440, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(45_000)
        page.goto(b)
        wait_idle(page)
        before = leaderboard_cell(page, row=0, col=2).inner_text()
        assert before != "Crossing Replicas"
        choose_file(page, a, csv)
        page.get_by_text("Ready: 1 new").wait_for()
        page.get_by_role("button", name="Import 1 file(s)").click()
        page.get_by_text("loaded 1 new").wait_for()
        page.goto(b)  # the other process, at its next rerun
        wait_idle(page)
        assert leaderboard_cell(page, row=0, col=2).inner_text() == "Crossing Replicas"
        assert page.locator(ERRORS).count() == 0
        screenshot(page, "replica_b_after_upload_on_a")
        context.close()
    # Each process kept a replica of its own (two slots of one folder).
    assert len(list((tmp_path / "replicas").glob("*.duckdb"))) >= 2
