"""A rep's self-check as a PDF, for whoever may open that self-check: the same summary, the
same figures and sentences as the page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from dashboard import display
from dashboard.access import Viewer
from dashboard.reports.document import Report
from dashboard.scoring.config import load_config
from dashboard.scoring.goals import activity_labels
from dashboard.store import Store
from dashboard.views import figures
from dashboard.views import goals as gv
from dashboard.views import self_check as sc

GOALS = [("goal", "Goal", 52), ("scope", "Scope", 40), ("target", "Target", 15),
         ("from", "From", 20), ("by", "By", 20), ("start", "Start", 14), ("now", "Now", 14),
         ("now_day", "Now of", 20), ("done_pct", "Done", 13), ("verdict", "Verdict", 26),
         ("per_week", "Needed a week", 22)]  # fmt: skip
NUMERIC = {"target", "start", "now", "done_pct", "per_week"}


def self_check_pdf(
    store: Store, viewer: Viewer, rep_id: int, as_of: date | None = None,
    made_at: datetime | None = None,
) -> bytes:  # fmt: skip
    """One rep's self-check as of ``as_of`` (default: their newest reading), for a viewer
    who may open it (anyone else is told it is not one they may open)."""
    viewer.require("self_check")
    config = load_config()
    summary = sc.summary_for(store, viewer, rep_id, as_of)
    r, t = summary.reading, sc.standing_text(summary, config)
    pdf = Report("Rep self-check", f"{summary.rep} · {summary.team}", summary.viewed_as_of,
                 made_at or datetime.now(UTC))  # fmt: skip
    pdf.alias_nb_pages()
    if t.unlisted:
        pdf.paragraph(t.unlisted, size=8, muted=True)
    pdf.figures([
        ("SSI", display.score(r["ssi"]), t.change_7d),
        ("Rank in your team", t.team_rank, ""),
        ("Rank in the company", t.company_rank, ""),
        ("Industry rank", display.fmt(r["industry_rank"], "Top {:.0f}%"), "LinkedIn's own"),
        ("Network rank", display.fmt(r["network_rank"], "Top {:.0f}%"), "LinkedIn's own"),
        ("Reading of", str(r["as_of"]), t.age),
    ])  # fmt: skip
    pdf.paragraph(f"Balance: {t.balance}. Band: {r['band']}.")
    pdf.paragraph(f"Forecast: {t.forecast}.")
    drawn = figures.self_check_pillars(summary, config)
    pdf.charts_side_by_side([drawn["gauge"], drawn["groups"]], columns=2)
    withheld = sc.withheld_groups(summary, config)
    pdf.charts_side_by_side([drawn["pillars"],
                             figures.self_check_trend(store, viewer, rep_id, summary)])  # fmt: skip
    if withheld:
        pdf.paragraph(withheld, size=8, muted=True)
    viewed = date.fromisoformat(summary.viewed_as_of)
    goals = gv.rep_goals(store, viewer, rep_id, summary.team, viewed)
    if goals:
        pdf.heading("Goals")
        table = gv.goals_table(goals, activity_labels(store))
        pdf.grid([h for _, h, _ in GOALS], _goal_cells(table), [w for *_, w in GOALS],
                 [k in NUMERIC for k, _, _ in GOALS])  # fmt: skip
        pdf.paragraph(sc.GOALS_NOTE, size=8, muted=True)
    pdf.heading("What to do next")
    steps, all_done = sc.next_steps(summary, config)
    if steps:
        pdf.bullets(steps)
    else:
        pdf.paragraph(all_done)
    for sig in summary.signals:
        pdf.paragraph(f"{sig['signal']}: {sig['detail']}")
    return pdf.finished()


def _goal_cells(table: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in table.to_dict("records"):
        cells = []
        for key, _, _ in GOALS:
            value = r[key]
            if key == "done_pct":
                cells.append(display.fmt(value, "{:.0f}%", missing=""))
            elif key == "per_week":
                cells.append(display.change(value, missing=""))
            elif key in NUMERIC:
                cells.append(display.score(value, missing=""))
            else:
                cells.append("" if display.is_missing(value) else str(value))
        rows.append(cells)
    return rows
