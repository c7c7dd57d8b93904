"""The team review and the self-check as PDFs: the figures equal the page's view-model, every
row in scope is there and nobody outside it, every page turns into an image, and the charts
are the page's own figures drawn again."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from test_cli import cli

from dashboard import display
from dashboard.access import OWNER, AccessDeniedError, Viewer
from dashboard.errors import NotFoundError
from dashboard.reports.figures import as_day, draw
from dashboard.reports.self_check import self_check_pdf
from dashboard.reports.team_review import team_review_pdf
from dashboard.views import figures
from dashboard.views import self_check as sc
from dashboard.views import team_review as tr
from dashboard.web import charts

MADE = datetime(2026, 12, 6, 8, 0)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "pdf"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pages_as_png(pdf: bytes, name: str) -> list[Path]:
    """Every page as a PNG (poppler's pdftoppm), kept in artifacts/pdf to be looked at."""
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed: .ci/run installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(ARTIFACTS / name)],
                   check=True, timeout=120)  # fmt: skip
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def names_in(board) -> set[str]:
    return set(board["rep"])


def test_team_review_pdf_carries_the_pages_figures_and_every_rep(demo_store):
    view = tr.team_review(demo_store, [], None, 90, OWNER)
    pdf = team_review_pdf(demo_store, OWNER, [], made_at=MADE)
    words = text_of(pdf)
    k = view.kpis
    assert "Team review" in words and f"as of {view.as_of}" in words
    assert "Made 06 Dec 2026 08:00 UTC" in words
    assert display.score(k.average_ssi) in words
    assert f"Leaderboard ({len(view.board)} reps)" in words
    # Each rep's row, as the page shows its numbers: rank, name, SSI, 7-day change.
    for r in view.board.head(60).to_dict("records"):
        rank = display.fmt(r["rank"], "{:d}", missing="–")
        row = f"{rank} {r['rep']} {r['team']} {display.score(r['ssi'])} {display.change(r['ssi_change_7d'], missing='–')}"
        assert row in words, row
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3 and all(f"of {len(pages)}" in (p.extract_text() or "") for p in pages)
    images = pages_as_png(pdf, "team_review")
    assert len(images) == len(pages) and all(p.stat().st_size > 5_000 for p in images)


def test_a_managers_pdf_names_only_their_teams_people(demo_store):
    everyone = tr.team_review(demo_store, [], None, 90, OWNER).board
    mine = "Mid-Market"
    manager = Viewer("m@example.com", "manager", teams=(mine,))
    words = text_of(team_review_pdf(demo_store, manager, [], made_at=MADE))
    inside = set(everyone.loc[everyone["team"] == mine, "rep"])
    outside = names_in(everyone) - inside
    assert inside and all(name in words for name in inside)
    assert not [name for name in outside if name in words]
    assert "Team: Mid-Market" in words
    # Another team is named as one that does not exist, whether it does or not.
    with pytest.raises(NotFoundError) as real:
        team_review_pdf(demo_store, manager, ["Enterprise East"])
    with pytest.raises(NotFoundError) as made_up:
        team_review_pdf(demo_store, manager, ["No Such Team"])
    assert str(real.value).replace("Enterprise East", "X") == str(made_up.value).replace(
        "No Such Team", "X"
    )


def test_a_viewers_pdf_has_company_figures_and_no_person(demo_store):
    everyone = tr.team_review(demo_store, [], None, 90, OWNER).board
    viewer = Viewer("v@example.com", "viewer")
    pdf = team_review_pdf(demo_store, viewer, [], made_at=MADE)
    words = text_of(pdf)
    assert "Company figures only" in words and "Leaderboard" not in words
    assert not [name for name in names_in(everyone) if name in words]
    view = tr.team_review(demo_store, [], None, 90, viewer)
    assert display.score(view.kpis.average_ssi) in words


def test_a_rep_gets_their_own_self_check_and_no_team_review(demo_store):
    board = tr.team_review(demo_store, [], None, 90, OWNER).board
    me, other = board.iloc[3], board.iloc[4]
    rep = Viewer("r@example.com", "rep", rep_id=int(me["rep_id"]))
    with pytest.raises(AccessDeniedError):
        team_review_pdf(demo_store, rep, [])
    pdf = self_check_pdf(demo_store, rep, int(me["rep_id"]), made_at=MADE)
    words = text_of(pdf)
    summary = sc.summary_for(demo_store, rep, int(me["rep_id"]), None)
    assert me["rep"] in words and other["rep"] not in words
    assert display.score(summary.reading["ssi"]) in words
    assert sc.standing_text(summary).team_rank in words
    with pytest.raises(AccessDeniedError, match="not yours to open"):
        self_check_pdf(demo_store, rep, int(other["rep_id"]))
    assert pages_as_png(pdf, "self_check")


def test_self_check_pdf_lists_the_reps_goals_as_the_page(demo_store):
    board = tr.team_review(demo_store, [], None, 90, OWNER).board
    rep_id = int(board.iloc[0]["rep_id"])
    pdf = self_check_pdf(demo_store, OWNER, rep_id, made_at=MADE)
    words = " ".join(text_of(pdf).split())
    summary = sc.summary_for(demo_store, OWNER, rep_id, None)
    from dashboard.views import goals as gv

    goals = gv.rep_goals(demo_store, OWNER, rep_id, summary.team,
                         date.fromisoformat(summary.viewed_as_of))  # fmt: skip
    assert goals and "Goals" in words
    table = gv.goals_table(goals)
    for r in table.to_dict("records"):
        assert f"{r['scope']} {display.score(r['target'])} {r['from']} {r['by']}" in words


def test_the_pdfs_charts_are_the_pages_figures_drawn_again(demo_store):
    """Each line of the page's trend chart (values, name) is a line of the drawn chart, and
    the event lines and pacing lines come along."""
    view = tr.team_review(demo_store, [], None, 90, OWNER)
    fig = figures.review_trends(demo_store, OWNER, view, 90)["trend_ssi"]
    drawn = draw(fig)
    ax = drawn.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    for trace in fig.data:
        if trace.mode == "lines" and trace.name:
            line = lines[charts.html.unescape(trace.name)]
            assert list(line.get_ydata()) == pytest.approx(list(trace.y), nan_ok=True)
            assert as_day(line.get_xdata()[0]) == pd.Timestamp(trace.x[0]).date()
    pacing = [t for t in fig.data if t.name and t.name.startswith("goal,")]
    assert pacing and all(t.name in lines for t in pacing)
    events = [s for s in fig.layout.shapes if s.yref == "paper"]
    vertical = [line for line in ax.get_lines() if len(set(line.get_xdata())) == 1
                and not line.get_label().startswith("goal")]  # fmt: skip
    assert len(vertical) >= len(events) > 0
    title = drawn.get_suptitle()
    assert title == "Average SSI over time"
    assert re.search(r"\d", "".join(t.get_text() for t in ax.get_yticklabels()))


def test_report_pdf_command_writes_the_file_scoped_by_as(demo_db, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    out = tmp_path / "review.pdf"
    done = cli("report", "pdf", "--team", "Mid-Market", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF") and "Team: Mid-Market" in text_of(out.read_bytes())
    assert cli("users", "add", "a@example.com", "--role", "admin", db=db).returncode == 0
    assert cli("users", "add", "m@example.com", "--role", "manager", "--team", "Mid-Market",
               db=db).returncode == 0  # fmt: skip
    refused = cli("report", "pdf", "--team", "Enterprise East", "--out", str(tmp_path / "x.pdf"),
                  "--as", "m@example.com", db=db)  # fmt: skip
    assert refused.returncode != 0 and "no team called 'Enterprise East' that you may see" in (
        refused.stderr
    )
    assert not (tmp_path / "x.pdf").exists() and "Traceback" not in refused.stderr
    mine = tmp_path / "rep.pdf"
    rep = cli("report", "pdf", "--rep", "Chloe Weber", "--date", "2026-11-13", "--out", str(mine),
              db=db)  # fmt: skip
    assert rep.returncode == 0, rep.stderr
    assert "Chloe Weber" in text_of(mine.read_bytes())
    assert "as of 2026-11-13" in text_of(mine.read_bytes())
