"""Uploading files and undoing imports, for a viewer."""

from __future__ import annotations

from pathlib import Path

from dashboard.access import Viewer
from dashboard.errors import ImportRejectedError
from dashboard.ingest import ImportOptions, ImportResult, import_file, undo_import
from dashboard.ingest.plan import DealRules
from dashboard.scoring.config import load_config
from dashboard.scoring.team_days import keep_current_in
from dashboard.store import Cursor, Store
from dashboard.users import audit, record


def upload_options(viewer: Viewer, options: ImportOptions) -> ImportOptions:
    """``options`` within the viewer's scope: a manager's upload writes rows of their teams
    only; an upload by the demo's visitor keeps the store a demo."""
    options.only_teams = viewer.teams if viewer.role == "manager" else None
    options.in_demo = viewer.demo
    deals = load_config().deals
    options.deal_rules = DealRules(deals.won_stages, deals.lost_stages, deals.currency)
    return options


def check_file(store: Store, viewer: Viewer, path: Path, options: ImportOptions) -> ImportResult:
    """What importing ``path`` would do (nothing written), as this viewer would import it."""
    viewer.require("upload")
    options = upload_options(viewer, options)
    options.dry_run = True
    return import_file(store, path, options)


def _kept_and_audited(cur: Cursor, viewer: Viewer, action: str, detail: str) -> None:
    """What every write of a use case ends with, in its transaction: the team averages per
    day under the scoring rules in force, and the audit."""
    keep_current_in(cur)
    audit(cur, viewer.email, action, detail)


def import_upload(store: Store, viewer: Viewer, path: Path, options: ImportOptions) -> ImportResult:
    """Import ``path`` for this viewer: refused (nothing written) without the right, or when a
    row is outside the viewer's teams; the summaries and the audit in the same transaction."""
    viewer.require("upload")
    return import_in_scope(store, viewer, path, options, "import")


def import_in_scope(
    store: Store, viewer: Viewer, path: Path, options: ImportOptions, action: str
) -> ImportResult:
    """The import of a use case that has checked the viewer's right itself."""
    options = upload_options(viewer, options)
    if options.dry_run:
        return import_file(store, path, options)

    def after(cur: Cursor, result: ImportResult) -> None:
        _kept_and_audited(cur, viewer, action, result.summary())

    try:
        return import_file(store, path, options, after=after)
    except ImportRejectedError as exc:
        # Nothing was written; the refusal is kept for the admins' "import failed" alert.
        record(store, viewer.email, "import refused",
               f"{path.name}: {exc.total} problem(s), nothing written")  # fmt: skip
        raise


def undo(store: Store, viewer: Viewer, import_id: int) -> str:
    """Undo an import for this viewer (an admin's right), audited in the same transaction."""
    viewer.require("undo")
    return undo_import(store, import_id,
                       after=lambda cur, done: _kept_and_audited(cur, viewer, "undo", done))  # fmt: skip
