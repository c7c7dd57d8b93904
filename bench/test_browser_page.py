"""What a person waits for in a browser, beside what Streamlit itself needs to show a page.

The other benchmarks time what the server computes. This one times what a person waits
for: headless Chromium opens pages of `python -m dashboard.web.serve` and waits until the
KPIs and the leaderboard are on screen (the team review), then until the page has settled
(every chart drawn and the run finished). It counts the bytes the server sent over the
page's websocket and the elements the page drew.

Visits, at the 48-rep demo and at 10,000 x 730:
- the team review: the first visit after the server's start, then second visitors (a new
  tab each), a team filter change and an "as of" change on an open page;
- the self-check, Activity and Upload (second visitors).

The floor, in turn with them in the same run: Streamlit's own one-line page, a title
(bench/floor_app.py). Every figure is also a ratio to the floor's median. Beside it, the
same page with one small plotly chart (bench/floor_chart_app.py): what Streamlit itself
takes to show any plotly chart to a new visitor (its 4.7 MB chart script fetched and run).

"Settled" waits for every chart the page draws: how many is learnt at each page's first,
untimed visit (a chart's element only appears once plotly's script has loaded, so "every
chart on the page is drawn" alone holds before any is there).
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
FLOOR_CHART_APP = ROOT / "bench" / "floor_chart_app.py"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
# How many plotly charts are drawn.
DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
QUIET = 1.5  # seconds with no new chart: a page's first visit has drawn all it draws
VISIBLE = '[data-testid="stMetric"]'
BOARD = '[data-testid="stDataFrame"] canvas'
ELEMENTS = '[data-testid="stElementContainer"]'
ROUNDS = 3


class Tab:
    """A new tab (a new visitor: its own context, nothing cached), counting the websocket
    bytes it receives. ``charts``: how many charts each address draws, learnt at its first
    visit."""

    charts: dict[str, int] = {}

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1440, "height": 900})
        self.received: list[int] = []
        self.page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda f: self.received.append(len(f))))  # fmt: skip

    def settled(self, start: float, found: dict, board: bool, url: str) -> dict:
        page = self.page
        if board:
            page.wait_for_selector(VISIBLE, timeout=120_000)
            page.wait_for_selector(BOARD, timeout=120_000)
            found["visible"] = time.perf_counter() - start
        page.wait_for_selector(IDLE, timeout=120_000)
        if url in Tab.charts:
            page.wait_for_function(f"() => ({DRAWN})() >= {Tab.charts[url]}", timeout=120_000,
                                   polling=20)  # fmt: skip
            found["settled"] = time.perf_counter() - start
        else:  # learnt here: settled when the last chart was drawn
            found["settled"], Tab.charts[url] = self._last_chart(start)
        found["bytes"] = sum(self.received)
        found["elements"] = page.locator(ELEMENTS).count()
        return found

    def _last_chart(self, start: float) -> tuple[float, int]:
        last, drawn = time.perf_counter() - start, self.page.evaluate(DRAWN)
        while time.perf_counter() - start - last < QUIET:
            time.sleep(0.02)
            now = self.page.evaluate(DRAWN)
            if now != drawn:
                last, drawn = time.perf_counter() - start, now
        return last, drawn

    def open(self, url: str, board: bool) -> dict:
        self.received.clear()
        start = time.perf_counter()
        self.page.goto(url)
        return self.settled(start, {}, board, url)

    def rerun_after(self, act, url: str) -> dict:
        """A change made on the open page (``act``): timed from the action to settled."""
        self.received.clear()
        start = time.perf_counter()
        act(self.page)
        try:
            self.page.wait_for_selector(RUNNING, timeout=3_000)
        except Exception:  # noqa: BLE001 (a rerun quicker than the poll)
            pass
        found = self.settled(start, {}, True, url)
        assert found["bytes"] > 0, "the change made no rerun"
        return found

    def close(self) -> None:
        self.page.close()


def pick_team(page) -> None:
    field = page.get_by_test_id("stMultiSelect").first.locator("input")
    field.click()
    field.type("Mid")
    field.press("Enter")
    field.press("Escape")


def as_of_back_a_week(page) -> None:
    """The "As of" field's day a week back, typed into its day as a person types it."""
    page.keyboard.press("Escape")  # no dropdown left open over the field
    day = page.get_by_role("spinbutton", name="day, As of")
    shown = int(day.get_attribute("aria-valuenow") or 8)
    day.click()
    page.keyboard.type(f"{max(1, shown - 7):02d}")
    page.locator("h1").first.click()  # the field commits when the focus leaves it


PAGES = (("team review, second visitor", "", True), ("self-check", "me?rep=3", False),
         ("Activity", "activity", False), ("Upload", "upload", False))  # fmt: skip


def visits(browser, url: str) -> dict[str, dict]:
    """One round of every visit of the dashboard at ``url``."""
    found = {}
    for name, path, board in PAGES:
        tab = Tab(browser)
        found[name] = tab.open(f"{url}/{path}", board)
        if board:
            found["team review, a team chosen"] = tab.rerun_after(pick_team, f"{url}/{path}")
            found["team review, as of a week earlier"] = tab.rerun_after(
                as_of_back_a_week, f"{url}/{path}")  # fmt: skip
        tab.close()
    return found


def timed(browser, url: str) -> dict:
    tab = Tab(browser)
    try:
        return tab.open(url, board=False)
    finally:
        tab.close()


def test_what_a_person_waits_for_in_a_browser(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    big = big_store()
    small = tmp_path / "demo-48.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard", "demo", "--db", str(small)], cwd=ROOT,
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    stores = {"48-rep demo": small, "10,000 x 730": big}
    floors: dict[str, list[dict]] = {"floor": [], "chart": []}
    found: dict[str, dict[str, list[dict]]] = {label: {} for label in stores}
    first: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])  # fmt: skip
        with ExitStack() as servers:
            floor_urls = {"floor": servers.enter_context(served(small, script=FLOOR_APP))[0],
                          "chart": servers.enter_context(served(small, script=FLOOR_CHART_APP))[0]}  # fmt: skip
            urls = {label: servers.enter_context(served(store))[0]
                    for label, store in stores.items()}  # fmt: skip
            for label, url in urls.items():
                tab = Tab(browser)
                first[label] = tab.open(f"{url}/", board=True)
                tab.close()
            # Untimed: each page's first visit (what a second visitor finds made), and how
            # many charts it draws.
            for url in floor_urls.values():
                timed(browser, url)
            for url in urls.values():
                for _, path, _ in PAGES:
                    timed(browser, f"{url}/{path}")
            for _ in range(ROUNDS):  # in turn, so every page meets the same machine
                for name, floor_url in floor_urls.items():
                    floors[name].append(timed(browser, floor_url))
                for label, url in urls.items():
                    for name, visit in visits(browser, url).items():
                        found[label].setdefault(name, []).append(visit)
        browser.close()
    lines = report(floors, found, first)
    print("\n" + "\n".join(lines))
    record("browser_page", lines)


def report(floors: dict[str, list[dict]], found: dict, first: dict) -> list[str]:
    floor = floors["floor"]
    base = statistics.median(v["settled"] for v in floor)
    chart = [v["settled"] for v in floors["chart"]]
    lines = [f"headless Chromium, 1440 x 900, {ROUNDS} rounds in turn (ms; min / median / max; "
             "x: the median against the floor's)",
             f"Streamlit's floor, a one-line page: settled {spread([v['settled'] for v in floor])}"
             f" ({floor[0]['bytes'] / 1e3:,.0f} kB sent, {floor[0]['elements']} elements)",
             f"Streamlit's page with one small plotly chart: settled {spread(chart)} "
             f"({statistics.median(chart) / base:.1f} x)"]  # fmt: skip
    for label, pages in found.items():
        f = first[label]
        lines.append(f"{label}: team review, first visit after the server's start: visible "
                     f"{f['visible'] * 1000:,.0f} ({f['visible'] / base:.1f} x), settled "
                     f"{f['settled'] * 1000:,.0f} ({f['settled'] / base:.1f} x)")  # fmt: skip
        for name, visits in pages.items():
            settled = [v["settled"] for v in visits]
            parts = []
            if "visible" in visits[0]:
                shown = [v["visible"] for v in visits]
                parts.append(f"visible {spread(shown)} ({statistics.median(shown) / base:.1f} x)")
            parts.append(f"settled {spread(settled)} ({statistics.median(settled) / base:.1f} x)")
            sent = statistics.median(v["bytes"] for v in visits) / 1e3
            elements = statistics.median(v["elements"] for v in visits)
            lines.append(
                f"  {name}: {'; '.join(parts)}; {sent:,.0f} kB sent, {elements:.0f} elements"
            )
    return lines
