"""The team review as a manager's browser meets it, at 10,000 reps over two years.

The other benchmarks time what the server computes. This one times what a person waits
for: headless Chromium opens the page on `python -m dashboard.web.serve` and waits until the
leaderboard is on screen, then until every chart is drawn and the run has finished. It
counts the bytes the server sent over the page's websocket.

Baselines, in turn with it in the same run:
- Streamlit's own floor on this machine: a page holding a title and one plotly chart
  (bench/floor_app.py);
- the same team review on the 48-rep demo: the page's own elements with little data.

Each server has had its first visit (its caches are warm), so the figures are a Monday's
second and later visitors; the first visit after the start is reported beside them.
Needs /usr/bin/chromium (`.ci/run` installs it). Run with `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from bench.record import record
from bench.served import served
from bench.stores import big_store
from bench.timing import spread

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
FLOOR_APP = ROOT / "bench" / "floor_app.py"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Every chart element holds a drawn plotly figure, and there is at least one.
DRAWN = """() => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return charts.length > 0 && [...charts].every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""
ROUNDS = 4


def visit(browser, url: str, board: bool) -> dict:
    """One visit in a new tab: seconds to the leaderboard (when ``board``) and to the
    whole page drawn, and the websocket bytes received."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(len(f))))
    start = time.perf_counter()
    page.goto(url)
    found = {}
    if board:
        page.wait_for_selector('[data-testid="stDataFrame"] canvas', timeout=120_000)
        found["board"] = time.perf_counter() - start
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    page.wait_for_selector(IDLE, timeout=120_000)
    found["done"] = time.perf_counter() - start
    found["bytes"] = sum(received)
    page.close()
    return found


def test_the_team_review_in_a_browser_at_two_years_of_ten_thousand_reps(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    big = big_store()
    small = tmp_path / "demo-48.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard", "demo", "--db", str(small)], cwd=ROOT,
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    pages = {  # label: (store, script, has a leaderboard)
        "Streamlit's floor: a title and one chart": (small, FLOOR_APP, False),
        "team review, 48-rep demo": (small, None, True),
        "team review, 10,000 x 730": (big, None, True),
    }
    found: dict[str, list[dict]] = {label: [] for label in pages}
    first: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])  # fmt: skip
        with ExitStack() as servers:
            urls = {label: servers.enter_context(served(store, script=script))[0]
                    for label, (store, script, _) in pages.items()}  # fmt: skip
            for label, (_, _, board) in pages.items():
                first[label] = visit(browser, urls[label], board)
            for _ in range(ROUNDS):  # in turn, so each page meets the same machine
                for label, (_, _, board) in pages.items():
                    found[label].append(visit(browser, urls[label], board))
        browser.close()

    lines = [f"headless Chromium, 1440 x 900, a new tab per visit, {ROUNDS} visits each in turn "
             "after a first one (ms; min / median / max):"]  # fmt: skip
    for label, visits in found.items():
        sent = statistics.median(v["bytes"] for v in visits) / 1e6
        lines.append(f"  {label} ({sent:.1f} MB sent):")
        if "board" in visits[0]:
            lines.append(f"    leaderboard on screen  {spread([v['board'] for v in visits])}")
        lines.append(f"    all drawn, run done    {spread([v['done'] for v in visits])}"
                     f"  (first visit {first[label]['done'] * 1000:,.0f})")  # fmt: skip
    print("\n" + "\n".join(lines))
    record("browser_page", lines)
