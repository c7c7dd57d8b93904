"""Every page in a real browser: no error element, screenshots, upload via the file chooser."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from dashboard.scoring import LEADERBOARD_KEYS
from tests.browser.conftest import ROOT, screenshot, wait_idle

pytestmark = pytest.mark.browser
SAMPLES = ROOT / "data" / "samples"
FILES = ROOT / "tests" / "files"
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
PAGES = {
    "team_review": "",
    "self_check": "me?rep=3",
    "upload": "upload",
    "about": "about",
    "activity": "activity",
    "outcomes": "outcomes",
    "users": "users",
    "goals": "goals",
}


def leaderboard_cell(page, row: int, col: int):
    """A cell of the leaderboard (the page's first grid); other grids reuse the same ids."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    cell = grid.locator(f'[data-testid="glide-cell-{col}-{row}"]')
    cell.wait_for(state="attached")
    return cell


def choose_file(page, server: str, path) -> None:
    """Open the Upload page and pick ``path`` through the browser's own file chooser."""
    page.goto(f"{server}/upload")
    wait_idle(page)
    with page.expect_file_chooser() as chooser:
        dropzone = page.get_by_test_id("stFileUploaderDropzone")
        dropzone.get_by_test_id("stBaseButton-secondary").click()
    chooser.value.set_files(str(path))


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_error_and_is_screenshotted(server, page, name, width):
    page.set_viewport_size({"width": width, "height": 1100})
    page.goto(f"{server}/{PAGES[name]}")
    wait_idle(page)
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).first.inner_text()
    assert page.locator("h1").first.inner_text() in {
        "Team review",
        "Rep self-check",
        "Upload",
        "About the scores",
        "How the scores work",
        "Activity",
        "Outcomes",
        "Users and audit",
        "Goals and events",
    }
    # Plotly draws each chart after the script has finished: wait until they have all drawn
    # (counting at the first one once found 1 of 5 in CI), then count.
    charts_drawn = "n => document.querySelectorAll('.js-plotly-plot').length >= n"
    if name == "team_review":  # the radar, the teams' bars and the average SSI's trend
        page.wait_for_function(charts_drawn, arg=3)
        page.wait_for_timeout(500)  # a chart of a closed tab would have drawn by now
        assert page.locator(".js-plotly-plot").count() == 3
    if name == "activity":  # adoption, distribution, trend and one scatter, none empty
        page.wait_for_function(charts_drawn, arg=4)
        page.wait_for_timeout(500)  # the other scatter's tab is closed
        assert page.locator(".js-plotly-plot").count() == 4
        assert page.get_by_text("No seat has").count() == 0
    if name == "outcomes":  # the bands and two scatters
        page.wait_for_function(charts_drawn, arg=3)
        assert page.get_by_text("rank correlation").count() >= 1
    path = screenshot(page, f"{name}_{width}")
    assert path.stat().st_size > 20_000


def test_upload_through_the_real_file_chooser(server, page, tmp_path):
    csv = tmp_path / "browser_upload.csv"
    csv.write_text("Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"
                   "Browser Tester,Mid-Market,2026-11-20,98.5,24.5,24.5,24.75,24.75\n")  # fmt: skip
    choose_file(page, server, csv)
    page.get_by_text("Ready: 1 new").wait_for()
    wait_idle(page)
    screenshot(page, "upload_checked")
    page.get_by_role("button", name="Import 1 file(s)").click()
    page.get_by_text("loaded 1 new").wait_for()
    wait_idle(page)
    page.goto(server)
    wait_idle(page)
    # The leaderboard grid draws on a canvas; its accessible cells carry the text.
    first_rep = leaderboard_cell(page, row=0, col=2)
    assert first_rep.inner_text() == "Browser Tester"  # 98.5 puts the new rep at rank 1
    assert page.locator(ERRORS).count() == 0


def test_choosing_a_leaderboard_row_opens_that_reps_self_check(server, page):
    page.goto(server)
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    first_rep = leaderboard_cell(page, row=0, col=2).inner_text()
    box = grid.bounding_box()
    # The grid is a canvas: click the selection box of the first data row.
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    page.wait_for_url("**/me?*")
    wait_idle(page)
    assert "rep=" in page.url
    # The self-check opens with that rep chosen and their gauge drawn.
    selectbox = page.get_by_test_id("stSelectbox").first
    shown = selectbox.inner_text() + " ".join(
        selectbox.locator("input").evaluate_all("els => els.map(e => e.value)")
    )
    assert f"{first_rep} (" in shown
    assert page.locator(".js-plotly-plot").count() >= 3


def test_the_leaderboard_reads_as_scores_and_downloads_as_the_csv_it_shows(server, page):
    page.goto(server)
    wait_idle(page)
    # The grid is a canvas; its accessible cells carry the values (formats show in the
    # screenshot): scores already cut to one decimal, changes numbers or empty.
    first = [leaderboard_cell(page, row=0, col=c).inner_text() for c in range(1, 6)]
    rank, rep, ssi, change_7d, change_30d = first
    assert rank == "1"
    assert re.fullmatch(r"\d{1,3}(\.\d)?", ssi), ssi
    for change in (change_7d, change_30d):
        assert re.fullmatch(r"(-?\d{1,2}(\.\d)?)?", change), change
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("leaderboard_")
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))  # fmt: skip
    assert len(rows) >= 30 and rows[0]["rank"] == "1" and rows[0]["rep"] == rep
    assert float(rows[0]["ssi"]) >= float(ssi)  # the file keeps two decimals
    assert page.locator(ERRORS).count() == 0


def test_the_estimate_check_is_computed_when_its_section_is_opened(server, page):
    """Closed, the section holds nothing (the estimates are not read); a click opens it,
    the page reruns and the figures appear inside it."""
    page.set_viewport_size({"width": 1440, "height": 1100})
    page.goto(server)
    wait_idle(page)
    section = page.get_by_test_id("stExpander").filter(has_text="Estimated scores")
    assert page.get_by_text("reps with both a reported reading").count() == 0
    section.get_by_text("Estimated scores against reported ones").click()
    found = section.get_by_text(re.compile(r"For \d+ reps with both a reported reading"))
    found.wait_for(timeout=60_000)
    assert re.search(r"rank correlation of -?\d\.\d\d", found.inner_text())
    assert page.locator(ERRORS).count() == 0
    section.scroll_into_view_if_needed()
    screenshot(page, "team_review_estimates_1440")


def test_the_leaderboard_downloads_as_a_spreadsheet_of_the_same_rows(server, page):
    """The XLSX is made when the button is clicked (0.5 s at 10,000 reps, not at every
    rerun): the click must still hand the browser the file, with the CSV's rows."""
    page.goto(server)
    wait_idle(page)
    rep = leaderboard_cell(page, row=0, col=2).inner_text()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download XLSX").click()
    assert download.value.suggested_filename.startswith("leaderboard_")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == [*LEADERBOARD_KEYS, "goal"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["rank"] == 1 and first["rep"] == rep
    assert len(rows) >= 31
    assert page.locator(ERRORS).count() == 0


@pytest.mark.parametrize(("path", "name"), [("", "team_review_"), ("me?rep=3", "self_check_")])
def test_the_download_pdf_button_hands_the_browser_the_pages_pdf(server, page, path, name):
    """The PDF is made on the click (a second or two): the browser gets a real PDF whose
    text names what the page shows."""
    page.goto(f"{server}/{path}")
    wait_idle(page)
    heading = page.locator("h1").first.inner_text()
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.startswith(name)
    made = Path(download.value.path()).read_bytes()
    assert made.startswith(b"%PDF")
    words = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(made)).pages)
    assert heading in words
    if not path:
        assert leaderboard_cell(page, row=0, col=2).inner_text() in words
    assert page.locator(ERRORS).count() == 0


def test_a_bad_upload_shows_its_errors_and_cannot_be_imported(server, page, tmp_path):
    bad = tmp_path / "bad_export.csv"
    bad.write_text("Name,Date,SSI,Brand\nAnn,2026-11-20,40,10\nBob,2026-11-31,140,30\n")
    choose_file(page, server, bad)
    page.get_by_text("error(s): this file would not be imported").wait_for()
    wait_idle(page)
    assert page.get_by_role("button", name="Import 0 file(s)").is_disabled()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "upload_errors")


def test_a_deal_owner_no_rep_is_found_for_is_chosen_in_the_owners_table(server, page, tmp_path):
    """A CRM export whose owner the store does not know: refused with the owners table; the
    rep chosen there, the file imports, and the Outcomes page counts the deals."""
    deals = tmp_path / "opportunities_renamed.csv"
    text = (SAMPLES / "salesforce_opportunities.csv").read_text()
    deals.write_text(text.replace("Kara Dubois,", "K. Dubois (EMEA),").replace("006Dn", "009Br"))
    choose_file(page, server, deals)
    page.get_by_text("error(s): this file would not be imported").wait_for()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert "no rep has this name or e-mail" in main.inner_text()
    assert "--owner" not in main.inner_text()  # the page names its own table
    page.get_by_text("Deal owners", exact=True).wait_for()
    screenshot(page, "upload_deal_owners")
    # The grid draws on a canvas: its first row's Rep cell is double-clicked where it is
    # drawn (the second of two columns, under the header row), as a person does.
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] * 0.75, box["y"] + 35 + 17)
    page.keyboard.type("kara.dubois")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text("Ready: 18 new, 0 updated").wait_for()
    page.get_by_role("button", name="Import 1 file(s)").click()
    page.get_by_text("loaded 18 new, 0 updated").wait_for()
    wait_idle(page)
    assert page.locator(ERRORS).count() == 0, main.inner_text()


def set_person(page, name: str) -> None:
    """Fill the Person field that one-person files need, as an admin would."""
    expander = page.get_by_test_id("stExpander").filter(has_text="For files that do not say who")
    expander.locator("summary").click()
    box = page.get_by_label("Person (for one-person files)")
    box.fill(name)
    box.press("Enter")
    wait_idle(page)


# Every sample, and files from the wild with columns the importer ignores or does not
# know, in order against the demo store: (file, person to give, new rows, updated rows).
# Readings the store already has are skipped, so later team samples load nothing new.
WILD = [
    (SAMPLES / "team_ssi_2026-11-20.csv", None, 8, 4),
    (SAMPLES / "team_ssi_2026-11-20.xlsx", None, 0, 0),
    (SAMPLES / "team_ssi_european.csv", None, 0, 0),
    (SAMPLES / "team_ssi_unicode.txt", None, 0, 0),
    (SAMPLES / "template_example.csv", None, 0, 0),
    (SAMPLES / "tracker_history.csv", "Sample Tracker", 29, 0),
    (SAMPLES / "tracker_ssi_overall_score.csv", "Overall Score Bot", 30, 0),
    (SAMPLES / "ssi_page.json", "Json Page Rep", 1, 0),
    (FILES / "tracker_bot_history.csv", "Bot Owner", 5, 0),
    (FILES / "sales_nav_team_2026-11-20.csv", None, 2, 0),
    (FILES / "dados_ssi.csv", "Ana Souza", 2, 0),
    (FILES / "ssi_longo.csv", "Ana Longo", 2, 0),
    (FILES / "rastreador_ssi_metricas.csv", "Ana Rastreio", 3, 0),
    (SAMPLES / "seats.csv", None, 4, 0),
    (SAMPLES / "usage_weekly.csv", None, 8, 0),
    (SAMPLES / "usage_date_range.csv", None, 2, 0),
    (SAMPLES / "sales_navigator_activity.csv", None, 5, 0),  # needs the seats above
    (SAMPLES / "salesforce_opportunities.csv", None, 18, 0),  # owners are the demo's reps
    (SAMPLES / "hubspot_deals.csv", None, 16, 0),
    (SAMPLES / "pipedrive_deals.csv", None, 15, 0),
    (FILES / "Connections.csv", None, None, None),
]


def upload_one(page, server, tmp_path, path, person, new, updated) -> None:
    if path.suffix == ".json":  # the SSI page JSON has no date: the file name gives it
        path = Path(shutil.copy(path, tmp_path / "ssi_page_2026-11-20.json"))
    choose_file(page, server, path)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stException"]').count() == 0, main.inner_text()
    if person:
        page.get_by_text("this file names no person").first.wait_for()
        assert "--rep" not in main.inner_text()  # the page names its own field, not a flag
        set_person(page, person)
    assert page.locator('[data-testid="stException"]').count() == 0, main.inner_text()
    if new is None:  # a personal Connections.csv: refused with a reason, nothing to import
        assert "holds no SSI reading" in main.inner_text()
        assert page.get_by_role("button", name="Import 0 file(s)").is_disabled()
        screenshot(page, "upload_connections_csv")
        return
    try:
        page.get_by_text(f"Ready: {new} new, {updated} updated").wait_for()
    except Exception as exc:  # say what the page showed instead
        raise AssertionError(f"{path.name}: {main.inner_text()}") from exc
    page.get_by_role("button", name="Import 1 file(s)").click()
    page.get_by_text(f"loaded {new} new, {updated} updated").wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, main.inner_text()
    assert "Ready:" not in main.inner_text()  # the chooser is empty after the import
    history = page.locator('[data-testid="stDataFrame"]').last.text_content()
    assert path.name in history


def test_files_from_the_wild_upload_without_a_crash(server, page, tmp_path, tmp_path_factory):
    """The files build on each other in one store, so they go in order in one test (xdist
    does not keep the order of a parametrised test's cases). No uploaded file stays on the
    server's disk once it was checked, imported or refused."""
    uploads = tmp_path_factory.getbasetemp()
    for path, person, new, updated in WILD:
        upload_one(page, server, tmp_path, path, person, new, updated)
        held = [p for p in uploads.glob("**/.served.duckdb.uploads/*/*") if p.is_file()]
        assert held == [], (path.name, held)
    assert list(uploads.glob("**/.served.duckdb.uploads/*"))  # the folders were there


@pytest.mark.parametrize("width", [1440, 390])
def test_each_demo_role_sees_its_own_view(server, page, width):
    """The demo's role switcher, as a visitor uses it: a manager's review of one team, a
    rep's own self-check. Screenshots of each."""
    page.set_viewport_size({"width": width, "height": 1100})
    page.goto(server)
    wait_idle(page)
    assert page.get_by_text("made-up people and figures").count() == 1  # says it is a demo
    if width < 800:  # the sidebar is folded away on a phone
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_text("Manager", exact=True).click()
    wait_idle(page)
    assert page.locator(ERRORS).count() == 0
    assert page.get_by_text("Team review").count() >= 1
    if width < 800:
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        wait_idle(page)
    screenshot(page, f"role_manager_{width}")
    if width < 800:
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_text("Rep", exact=True).click()
    wait_idle(page)
    assert page.locator(ERRORS).count() == 0
    page.get_by_role("heading", name="Rep self-check").wait_for()
    assert page.get_by_test_id("stSelectbox").count() == 0  # no picker: the rep's own page
    if width < 800:  # fold the sidebar away again to see the page
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        wait_idle(page)
    screenshot(page, f"role_rep_{width}")


def _legend(page) -> str:
    return " ".join(page.locator(".js-plotly-plot .legendtext").all_text_contents())


@pytest.mark.parametrize("width", [1440, 390])
def test_pacing_lines_and_event_markers_are_drawn(server, page, width, demo_db):
    """The demo's goals and events on the team review's trends (a team goal's pace, the
    company-wide and the team's events) and on a rep's own chart (their goal, their event)."""
    from dashboard.store import Store

    with Store(demo_db, read_only=True) as store:
        rep_id = next(g.rep_id for g in store.rows("every_goal") if g.rep_id is not None)
    page.set_viewport_size({"width": width, "height": 1100})
    page.goto(server)
    wait_idle(page)
    page.get_by_role("heading", name="Goals").first.wait_for()
    page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=3)
    page.get_by_text("Trends", exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    legend = _legend(page)
    assert "goal, company: SSI 70.0" in legend and "LinkedIn changed how the SSI" in legend
    screenshot(page, f"team_review_goals_{width}")
    page.goto(f"{server}/me?rep={rep_id}")
    wait_idle(page)
    page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=3)
    page.wait_for_timeout(800)
    legend = _legend(page)
    assert "goal, you: SSI" in legend and "Moved to a new territory" in legend
    assert page.get_by_role("heading", name="Goals").count() >= 1
    screenshot(page, f"self_check_goals_{width}")


def chart_titles(page) -> list[str]:
    return page.locator(".js-plotly-plot .gtitle").all_text_contents()


def test_a_tab_draws_its_charts_when_chosen(server, page):
    """The team review's and Activity's charts in tabs are drawn when their tab is clicked
    (a rerun), in place of the tab left."""
    page.goto(server)
    wait_idle(page)
    page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=3)
    assert "Average SSI over time" in chart_titles(page)
    page.get_by_role("tab", name="Pillars").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.startsWith('Average pillars over time'))")  # fmt: skip
    wait_idle(page)
    assert "Average SSI over time" not in chart_titles(page)
    page.get_by_role("tab", name="Per rep").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.startsWith('Pillars per rep'))")  # fmt: skip
    wait_idle(page)
    screenshot(page, "team_review_tabs_chosen")
    page.get_by_role("tab", name="Compare reps").click()
    page.get_by_text("Choose reps above to compare their SSI").wait_for()
    wait_idle(page)
    assert page.locator(ERRORS).count() == 0 and page.get_by_test_id("stAlert").count() == 1
    page.goto(f"{server}/activity")
    wait_idle(page)
    page.get_by_role("tab", name="Against the SSI change").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.endsWith('against SSI change'))")  # fmt: skip
    assert page.locator(ERRORS).count() == 0
