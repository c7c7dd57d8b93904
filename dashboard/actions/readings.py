"""A reading typed in by hand, for a viewer: validated exactly as an uploaded file is."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from dashboard import display
from dashboard.access import AccessDeniedError, Viewer
from dashboard.actions.imports import import_in_scope
from dashboard.errors import ImportRejectedError, NotFoundError, Problem
from dashboard.fields import PILLARS
from dashboard.ingest import ImportOptions, ImportResult
from dashboard.ingest.checks import PILLAR_SUM_TOLERANCE
from dashboard.ingest.mapping import TEMPLATE_HEADERS
from dashboard.store import Store


def pillar_sum(pillars: dict[str, float | None]) -> float | None:
    """The four pillars added up, or None while any is missing."""
    values = [pillars.get(p) for p in PILLARS]
    return None if any(v is None for v in values) else float(sum(values))  # type: ignore[arg-type]


def may_record_for(viewer: Viewer, rep_id: int | None, team: str | None) -> bool:
    """Who may type a reading in for whom: an admin for anyone, a new person included; a
    manager for a person of their teams; a rep for themselves."""
    if viewer.role == "admin":
        return True
    if rep_id is None:
        return False
    if viewer.role == "manager":
        return team in viewer.teams
    return viewer.role == "rep" and rep_id == viewer.rep_id


def record_reading(
    store: Store, viewer: Viewer, rep_id: int | None, day: date, ssi: float | None,
    pillars: dict[str, float | None], name: str | None = None, team: str | None = None,
) -> ImportResult:  # fmt: skip
    """Store one reading typed by hand for the person ``rep_id`` (or, by an admin, for a new
    person ``name`` of ``team``), validated exactly as an uploaded file is.

    The reading is written as a one-row file in our template and imported, so every rule
    (ranges, all-zero readings) applies unchanged. A file's SSI that disagrees with its
    pillars is stored with a warning, since the file is LinkedIn's word; a typed SSI that
    disagrees is a typo, and is refused."""
    viewer.require("self_check")
    refused = AccessDeniedError("you may not record a reading for that person")
    email = None
    if rep_id is not None:
        found = store.rows("rep_identity", {"rep_id": rep_id})
        if not found:  # the same words as for someone out of scope, but to an admin
            raise (
                NotFoundError("that person is not in the store")
                if viewer.role == "admin"
                else refused
            )
        name, email = found[0].name, found[0].email
        team = store.scalar("rep_team", {"rep_id": rep_id})
    if not may_record_for(viewer, rep_id, team):
        raise refused
    if not (name or "").strip():
        raise ImportRejectedError([Problem("the typed reading", None, "Name", "",
                                           "is empty; expected the person's name")])  # fmt: skip
    if ssi is None and all(pillars.get(p) is None for p in PILLARS):
        raise ImportRejectedError([Problem("the typed reading", None, None, None,
            "is empty; expected the SSI, the four pillars or both")])  # fmt: skip
    total = pillar_sum(pillars)
    if ssi is not None and total is not None and abs(ssi - total) > PILLAR_SUM_TOLERANCE:
        raise ImportRejectedError([Problem(
            "the typed reading", None, "SSI", f"{ssi:g}",
            f"the four pillars add up to {display.score(total)}; the SSI is their sum, so "
            f"expected a value within {PILLAR_SUM_TOLERANCE:g} of {display.score(total)} (or "
            "leave SSI empty)",
        )])  # fmt: skip
    values = {"date": day.isoformat(), "name": name or "", "email": email or "",
              "team": team or "", "ssi": "" if ssi is None else repr(float(ssi)),
              "industry_rank": "", "network_rank": ""}  # fmt: skip
    for p in PILLARS:
        values[p] = "" if pillars.get(p) is None else repr(float(pillars[p]))  # type: ignore[arg-type]
    row = ",".join(_cell(values[h]) for h in TEMPLATE_HEADERS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"entered_{day.isoformat()}.csv"
        path.write_text(",".join(TEMPLATE_HEADERS) + "\n" + row + "\n", encoding="utf-8")
        options = ImportOptions(file_name=f"typed in for {name} on {day}")
        return import_in_scope(store, viewer, path, options, "reading typed in")


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
