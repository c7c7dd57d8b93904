"""Upload flow helpers: preview, mapping choices and result tables, without Streamlit."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.access import Viewer
from dashboard.actions.imports import check_file, import_upload
from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import public_names
from dashboard.ingest import ImportOptions, ImportResult
from dashboard.ingest.deal_file import deal_columns, deal_crm, is_owner_problem
from dashboard.ingest.hints import PAGE_HINTS
from dashboard.ingest.mapping import IGNORE, map_columns
from dashboard.ingest.plan import exchange_rate
from dashboard.ingest.sources import open_source
from dashboard.scoring.memo import remembered
from dashboard.store import Store

FIELD_CHOICES = ["", IGNORE, *public_names()]


def preview(path: Path, name: str, rows: int = 10) -> pd.DataFrame:
    """The first rows as the importer will read them, under the file's own headers.

    Empty when the file cannot be read at all (its check already says why)."""
    try:
        source = open_source(path, name)
    except ImportRejectedError:
        return pd.DataFrame()
    try:
        if source.frame is not None:
            body = source.frame.drop(columns=["line"]).head(rows)
        else:
            import csv

            with open(source.csv_path or "", encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh, delimiter=source.delimiter)
                lines = [r for _, r in zip(range(source.header_line + rows), reader, strict=False)]
            width = len(source.headers)  # a short or long row is shown cut to the header
            body = pd.DataFrame([(r + [""] * width)[:width] for r in lines[source.header_line :]])
        body = body.iloc[:, : len(source.headers)]
        body.columns = _unique(source.headers[: body.shape[1]])
        return body.astype(str)
    finally:
        source.close()


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h or "(blank)"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def problems_table(problems: list[Problem], kind: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kind": kind,
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "value": p.value,
                "message": p.message,
            }
            for p in problems
        ],  # fmt: skip
        columns=["kind", "file", "line", "column", "value", "message"],
    )


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem as one plain sentence for a list on the page (nothing cut off):
    "Line 3, column 'SSI', value '140': expected an SSI from 0 to 100"."""
    out = []
    for p in problems:
        if p.line is not None:
            where = [f"Line {p.line}"]
        else:  # "N more rows like these" speaks for rows, not for the whole file
            where = ["The file"] if p.stands_for == 1 or not p.column else []
        if p.column:
            where.append(f"{'column' if where else 'Column'} '{p.column}'")
        if p.value is not None:
            where.append(f"value '{p.value}'")
        out.append(f"{', '.join(where)}: {p.message}" if where else p.message)
    return out


def mapping_table(columns) -> pd.DataFrame:
    return pd.DataFrame(
        [c.as_dict() for c in columns], columns=["column", "header", "field", "how"]
    )


def _choice(value: object) -> str:
    """A cell of the editor's 'Read as' column as text: the editor gives None or NaN for
    the rows no field was chosen for (ignored and unknown columns)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def mapping_overrides(edited: pd.DataFrame, original: pd.DataFrame) -> dict[str, str]:
    """Header -> field for the rows a person changed in the mapping editor."""
    out = {}
    for (_, new), (_, old) in zip(edited.iterrows(), original.iterrows(), strict=True):
        chosen = _choice(new["field"])
        if chosen != _choice(old["field"]):
            out[str(new["header"])] = chosen or IGNORE
    return out


@dataclass
class FileCheck:
    """A dry run of one file: what would happen, or why it would be rejected."""

    name: str
    result: ImportResult | None
    errors: list[Problem]
    total_errors: int

    @property
    def ok(self) -> bool:
        return self.result is not None


def columns_of(check: FileCheck, path: Path) -> tuple[pd.DataFrame, bool]:
    """The mapping table for the editor, also for a rejected file (from its headers), and
    whether the file is a CRM's deal export (its columns are deal columns, not fields)."""
    try:
        source = open_source(path, check.name)
    except ImportRejectedError:
        return mapping_table(check.result.columns if check.result else []), False
    source.close()
    deals = source.kind != "json" and deal_crm(source.headers) is not None
    if check.result is not None:
        return mapping_table(check.result.columns), deals
    return mapping_table(deal_columns(source.headers) if deals
                         else map_columns(source.headers, {})), deals  # fmt: skip


HISTORY_COLUMNS = ["import_id", "status", "imported_at", "file_name", "rows_loaded",
                   "rows_updated", "rows_skipped", "warnings", "format"]  # fmt: skip


@remembered
def import_log(store: Store) -> pd.DataFrame:
    """The import log, newest first, in the order the page shows it (status up front)."""
    return store.df("import_log")[HISTORY_COLUMNS]


UPLOAD_FOLDER_MODE = 0o700  # the uploaded files hold personal data: the owner only
STALE_UPLOAD_SECONDS = 24 * 3600


def upload_folder(store_path: Path, session: str) -> Path:
    """This session's folder for files being checked, beside the store and readable by the
    store's owner only. Nothing in it is needed once a file is imported or dropped: undo
    and re-import work from the store itself."""
    root = store_path.parent / f".{store_path.name}.uploads"
    folder = root / session
    for part in (root, folder):
        part.mkdir(mode=UPLOAD_FOLDER_MODE, exist_ok=True)
        part.chmod(UPLOAD_FOLDER_MODE)
    return folder


@contextmanager
def held_upload(folder: Path, name: str, data: bytes) -> Iterator[Path]:
    """The uploaded bytes as a file in this session's folder (owner read/write only) for
    as long as they are read, then deleted, whatever happened: a check that passed, a
    refusal, an error. Between reruns no upload is on disk (a refused Connections.csv of
    other people's e-mails stayed there once)."""
    path = folder / (secrets.token_hex(12) + Path(name).suffix.lower()[:10])
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        yield path
    finally:
        path.unlink(missing_ok=True)


@dataclass
class CheckedUpload:
    """What the Upload page shows of one file: its dry run, how each column is read, and
    its first rows."""

    check: FileCheck
    columns: pd.DataFrame
    preview: pd.DataFrame
    deals: bool = False  # a CRM's deal export: its columns are read as deal columns


@dataclass(frozen=True)
class DealInputs:
    """What a person gives for a deal file on the page: owners read as reps (owner ->
    e-mail, '' to leave out), rates of other currencies, and the amounts' currency."""

    owners: tuple[tuple[str, str], ...] = ()
    rates: tuple[tuple[str, float], ...] = ()
    currency: str | None = None

    def apply(self, options: ImportOptions) -> ImportOptions:
        options.owners, options.rates = dict(self.owners), dict(self.rates)
        options.currency = self.currency or None
        return options


def parse_rates(text: str) -> tuple[tuple[str, float], ...]:
    """'EUR=1.08, GBP=1.27' -> (('EUR', 1.08), ('GBP', 1.27)); a bad pair says why."""
    parts = text.replace(";", ",").replace("\n", ",").split(",")
    return tuple(exchange_rate(part) for part in parts if part.strip())


def owners_to_map(check: FileCheck) -> list[str]:
    """The owners of a refused deal file that no rep was found for (as the CRM writes them)."""
    return list(dict.fromkeys(str(p.value) for p in check.errors
                              if p.value is not None and is_owner_problem(p.message)))  # fmt: skip


LEAVE_OUT = "(leave their deals out)"


def owner_choices(edited: pd.DataFrame) -> dict[str, str]:
    """Owner -> the e-mail chosen for it in the owners editor ('' to leave out)."""
    found = {}
    for owner, rep in zip(edited["owner"], edited["rep"], strict=True):
        chosen = _choice(rep)
        if chosen:
            found[str(owner)] = "" if chosen == LEAVE_OUT else chosen
    return found


def rep_emails(store: Store, viewer: Viewer) -> list[str]:
    """The reps an owner may be read as: a manager's teams' reps; everyone for an admin."""
    viewer.require("upload")
    teams = list(viewer.teams) if viewer.role == "manager" else []
    if viewer.role == "manager" and not teams:
        return []
    return [r.email for r in store.rows("rep_emails", {"teams": teams})]


def check_upload(store: Store, viewer: Viewer, folder: Path, name: str, data: bytes,
                 rep: str | None, team: str | None, day: date | None,
                 mapping: tuple[tuple[str, str], ...],
                 deals: DealInputs = DealInputs()) -> CheckedUpload:  # fmt: skip
    """One file checked (nothing written) as this viewer would import it, with its columns
    and preview, read while the file is held on disk and deleted at once."""
    options = deals.apply(ImportOptions(rep=rep or None, team=team or None, day=day,
                                        mapping=dict(mapping), file_name=name, hints=PAGE_HINTS))  # fmt: skip
    with held_upload(folder, name, data) as path:
        try:
            check = FileCheck(name, check_file(store, viewer, path, options), [], 0)
        except ImportRejectedError as exc:
            check = FileCheck(name, None, exc.problems, exc.total)
        columns, is_deal_file = columns_of(check, path)
        return CheckedUpload(check, columns, preview(path, name), is_deal_file)


def import_held_upload(store: Store, viewer: Viewer, folder: Path, name: str, data: bytes,
                       rep: str | None, team: str | None, day: date | None,
                       mapping: dict[str, str], deals: DealInputs = DealInputs()) -> ImportResult:  # fmt: skip
    """The uploaded bytes imported for this viewer (``actions.imports.import_upload``)."""
    options = deals.apply(ImportOptions(rep=rep or None, team=team or None, day=day,
                                        mapping=mapping, file_name=name, hints=PAGE_HINTS))  # fmt: skip
    with held_upload(folder, name, data) as path:
        return import_upload(store, viewer, path, options)


def sweep_uploads(folder: Path, now: float | None = None) -> None:
    """Delete other sessions' folders left for a day, and anything in them: a file is
    deleted when its read ends, so only a process killed while reading leaves one."""
    now = now or time.time()
    for other in folder.parent.iterdir():
        if (
            other != folder
            and other.is_dir()
            and now - other.stat().st_mtime > STALE_UPLOAD_SECONDS
        ):
            for path in other.iterdir():
                path.unlink(missing_ok=True)
            other.rmdir()
