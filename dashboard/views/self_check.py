"""A rep's self-check, and the hand-entered reading that goes through the importer."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from dashboard.fields import PILLARS
from dashboard.ingest import ImportOptions, ImportResult, import_file
from dashboard.ingest.mapping import TEMPLATE_HEADERS
from dashboard.store import Store


def record_reading(
    store: Store, rep: str, team: str | None, day: date, ssi: float | None,
    pillars: dict[str, float | None],
) -> ImportResult:  # fmt: skip
    """Store one reading typed by hand, validated exactly as an uploaded file is.

    The reading is written as a one-row file in our template and imported, so every rule
    (ranges, SSI against the pillar sum, all-zero readings) applies unchanged.
    """
    values = {"date": day.isoformat(), "name": rep, "email": "", "team": team or "",
              "ssi": "" if ssi is None else repr(float(ssi)), "industry_rank": "",
              "network_rank": ""}  # fmt: skip
    for p in PILLARS:
        values[p] = "" if pillars.get(p) is None else repr(float(pillars[p]))
    row = ",".join(_cell(values[h]) for h in TEMPLATE_HEADERS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"entered_{day.isoformat()}.csv"
        path.write_text(",".join(TEMPLATE_HEADERS) + "\n" + row + "\n", encoding="utf-8")
        return import_file(store, path, ImportOptions(file_name=f"typed in for {rep} on {day}"))


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
