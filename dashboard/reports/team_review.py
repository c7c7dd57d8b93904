"""The team review as a PDF, scoped exactly as the page: the same view, the same figures,
every row of the leaderboard the viewer may see."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from dashboard import display
from dashboard.access import Viewer
from dashboard.fields import PILLAR_SHORT, PILLARS
from dashboard.reports.document import Report
from dashboard.scoring.config import load_config
from dashboard.scoring.goals import activity_labels
from dashboard.store import Store
from dashboard.views import figures
from dashboard.views import goals as gv
from dashboard.views import team_review as tr

# The leaderboard's columns in the PDF: (key, header, width in mm, a number).
LEADERBOARD = [
    ("rank", "Co. rank", 11, True), ("rep", "Rep", 33, False), ("team", "Team", 25, False),
    ("ssi", "SSI", 10, True), ("ssi_change_7d", "7-day", 12, True),
    ("ssi_change_30d", "30-day", 13, True), ("goal", "Goal", 15, False),
    ("band", "Band", 22, False), *((p, PILLAR_SHORT[p], 21 if p == "relationships" else 14, True)
                                   for p in PILLARS),
    ("weakest_pillar", "Weakest", 21, False), ("balanced", "Balanced", 16, False),
    ("as_of", "Reading of", 18, False), ("stale", "Stale", 10, False),
]  # fmt: skip
MOVERS = [("rep", "Rep", 60), ("change", "Change", 18), ("ssi_now", "SSI now", 18),
          ("ssi_before", "SSI then", 18), ("day_before", "Then", 24), ("team", "Team", 50)]  # fmt: skip


def scope_words(viewer: Viewer, chosen: list[str], scope: list[str]) -> str:
    """What a report is of, in words: the teams, or the whole company."""
    if scope:
        return ("Team: " if len(scope) == 1 else "Teams: ") + ", ".join(scope)
    return "All teams" if not chosen else "No team"


def team_review_pdf(
    store: Store, viewer: Viewer, teams: list[str], as_of: date | None = None,
    period: str = "90 days", made_at: datetime | None = None,
) -> bytes:  # fmt: skip
    """The team review of ``teams`` (none: every team the viewer may see) as of ``as_of``
    (default: the page's), as this viewer sees it."""
    scope = tr.review_scope(store, viewer, teams)
    view = tr.team_review(store, scope, as_of, tr.PERIODS[period], viewer)
    made_at = made_at or datetime.now(UTC)
    shown_as_of = view.as_of.isoformat() if view.as_of else "no readings yet"
    pdf = Report("Team review", f"{scope_words(viewer, teams, scope)} · {period}", shown_as_of,
                 made_at)  # fmt: skip
    pdf.alias_nb_pages()
    _headline(pdf, view)
    if view.as_of is None or view.kpis.reps == 0:
        days = load_config().freshness.listed_for_days
        pdf.paragraph(f"No rep in this selection has a reading in the {days} days up to this "
                      "date.")  # fmt: skip
        return pdf.finished()
    notes = [tr.newer_readings_note(view.as_of, store.rows("date_range")[0].last_day),
             tr.withheld_note(view.kpis.reps) if view.kpis.withheld else "",
             "" if viewer.sees_people else "Company figures only: this role sees no "
                                           "person's detail."]  # fmt: skip
    for note in filter(None, notes):
        pdf.paragraph(note, size=8, muted=True)
    _goals(pdf, store, viewer, scope, view.as_of)
    if viewer.sees_people:
        _leaderboard(pdf, store, viewer, view)
    pdf.heading("Pillar balance", room=90)
    pdf.charts_side_by_side(list(figures.review_balance(view).values()), columns=2)
    if viewer.sees_people and not view.board.empty:
        shown = min(tr.PAGE_SIZE, len(view.board))
        pdf.heading("Pillars per rep", room=90)
        pdf.paragraph(f"The first {shown} of {len(view.board)} reps in leaderboard order; the "
                      "leaderboard above lists every one.", size=8, muted=True)  # fmt: skip
        pdf.charts_side_by_side(list(figures.review_per_rep(view, 1).values()))
    pdf.heading("Trends", room=90)
    trends = list(figures.review_trends(store, viewer, view, tr.PERIODS[period]).values())
    pdf.charts_side_by_side(trends[:2])
    pdf.charts_side_by_side(trends[2:], columns=2)
    if viewer.sees_people:
        _movers_and_signals(pdf, view)
    if len(view.teams) != 1 and len(view.comparison) > 1:
        _teams_compared(pdf, view)
    return pdf.finished()


def _headline(pdf: Report, view: tr.TeamReview) -> None:
    k, labels = view.kpis, tr.kpi_labels()
    change = display.change(k.average_change_7d, missing="")
    pdf.figures([
        (labels["average"].text, display.score(k.average_ssi),
         f"{change} in 7 days" if change else ""),
        (labels["leaders"].text, display.fmt(k.leaders, "{:d}"), ""),
        (labels["laggards"].text, display.fmt(k.laggards, "{:d}"), ""),
        (labels["balanced"].text, display.fmt(k.share_balanced, "{:.0%}"),
         tr.balanced_coverage(k) or ""),
        (labels["stale"].text, display.fmt(k.stale, "{:d}"), ""),
    ])  # fmt: skip


def _goals(pdf: Report, store: Store, viewer: Viewer, scope: list[str], as_of: date) -> None:
    strip = gv.goals_strip(store, viewer, scope, as_of)
    if not (strip.goals or strip.rep_verdicts):
        return
    pdf.heading("Goals")
    lines = strip.lines(activity_labels(store))
    if strip.more():
        lines.append(f"... and {strip.more()} more")
    pdf.bullets(lines)
    if strip.rep_verdicts:
        pdf.paragraph(strip.counts_text(), size=8, muted=True)


def leaderboard_cells(board: pd.DataFrame) -> list[list[str]]:
    """Each rep's row as the PDF writes it: numbers as every page shows them."""
    rows = []
    for r in board.to_dict("records"):
        cells = []
        for key, _, _, _ in LEADERBOARD:
            value = r.get(key)
            if key in ("ssi", *PILLARS):
                cells.append(display.score(value, missing="–"))
            elif key in tr.CHANGE_COLUMNS:
                cells.append(display.change(value, missing="–"))
            elif key == "rank":
                cells.append(display.fmt(value, "{:d}", missing="–"))
            elif key in ("balanced", "stale"):
                cells.append("" if display.is_missing(value) else ("yes" if value else "no"))
            elif key == "as_of":
                cells.append("" if value is None or display.is_missing(value)
                             else f"{pd.Timestamp(value):%Y-%m-%d}")  # fmt: skip
            else:
                cells.append("" if display.is_missing(value) else str(value))
        rows.append(cells)
    return rows


def _leaderboard(pdf: Report, store: Store, viewer: Viewer, view: tr.TeamReview) -> None:
    assert view.as_of is not None
    board = tr.with_goals(store, view.board, view.as_of, viewer)
    pdf.heading(f"Leaderboard ({len(board)} reps)")
    pdf.grid([h for _, h, _, _ in LEADERBOARD], leaderboard_cells(board),
             [w for *_, w, _ in LEADERBOARD], [n for *_, n in LEADERBOARD])  # fmt: skip
    note = tr.unlisted_note(view)
    if note:
        pdf.paragraph(note, size=8, muted=True)


def _movers_and_signals(pdf: Report, view: tr.TeamReview) -> None:
    window = load_config().coaching.movers_window_days
    pdf.heading("Movers and coaching signals")
    for title, frame in ((f"Largest rises, {window} days", view.rises),
                         (f"Largest falls, {window} days", view.falls)):  # fmt: skip
        pdf.paragraph(title, size=9)
        if frame.empty:
            pdf.paragraph("Nobody in this selection moved that way.", size=8, muted=True)
            continue
        table = tr.movers_table(frame)
        rows = [[display.change(r["change"]), display.score(r["ssi_now"]),
                 display.score(r["ssi_before"]), f"{r['day_before']}"]
                for r in table.to_dict("records")]  # fmt: skip
        pdf.grid([h for _, h, _ in MOVERS],
                 [[str(r["rep"]), *cells, str(r["team"])]
                  for r, cells in zip(table.to_dict("records"), rows, strict=True)],
                 [w for *_, w in MOVERS], [False, True, True, True, False, False])  # fmt: skip
    pdf.paragraph(f"Coaching signals ({len(view.signals)})", size=9)
    if view.signals.empty:
        floor = load_config().coaching.pillar_floor
        pdf.paragraph(f"No rep is falling, silent, dropping sharply or has a pillar under "
                      f"{floor:g}.", size=8, muted=True)  # fmt: skip
    else:
        pdf.grid(["Rep", "Signal", "Detail", "Team"],
                 view.signals[["rep", "signal", "detail", "team"]].astype(str).values.tolist(),
                 [45, 35, 148, 45])  # fmt: skip


def _teams_compared(pdf: Report, view: tr.TeamReview) -> None:
    pdf.heading("Teams compared")
    table = tr.comparison_table(view.comparison)
    rows = [[str(r["team"]), display.fmt(r["reps"], "{:d}"), display.score(r["ssi"]),
             *(display.score(r[p]) for p in PILLARS), display.fmt(r["leaders"], "{:d}"),
             display.fmt(r["laggards"], "{:d}"),
             display.fmt(r["share_balanced"], "{:.0f}%"), display.change(r["ssi_change_7d"])]
            for r in table.to_dict("records")]  # fmt: skip
    pdf.grid(["Team", "Reps", "Average SSI", *(PILLAR_SHORT[p] for p in PILLARS), "Leaders",
              "Laggards", "Balanced", "Avg 7-day change"], rows,
             numeric=[False, *[True] * 10])  # fmt: skip
