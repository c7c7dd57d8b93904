"""What an import is asked to do (``ImportOptions``), what it decides before it touches the
store (``ImportPlan``) and what it reports (``ImportResult``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from dashboard.errors import DashboardError, Problem
from dashboard.ingest.hints import CLI_HINTS, Hints
from dashboard.ingest.mapping import ColumnMapping
from dashboard.ingest.source import Source

if TYPE_CHECKING:
    from dashboard.store import Cursor


@dataclass(frozen=True)
class DealRules:
    """How a deal file is read, from the rules in force (scoring.toml's [deals], given by
    the use case): the stage names that are won and lost, and the store's currency while it
    has no deal and a first file names none or several."""

    won_stages: tuple[str, ...]
    lost_stages: tuple[str, ...]
    currency: str


def exchange_rate(text: str) -> tuple[str, float]:
    """'EUR=1.08' -> ('EUR', 1.08): a three-letter currency and the store's currency per
    unit of it, as the command line and the Upload page take a rate."""
    code, _, value = text.partition("=")
    code = code.strip().upper()
    try:
        rate = float(value.strip().replace(" ", ""))
    except ValueError:
        rate = 0.0
    if len(code) != 3 or not code.isalpha() or not 0 < rate < 1e9:
        raise DashboardError(f"exchange rate {text.strip()!r} is not a rate: expected CODE=RATE, "
                             "e.g. EUR=1.08 (units of the store's currency per unit)")  # fmt: skip
    return code, rate


@dataclass
class ImportOptions:
    rep: str | None = None
    team: str | None = None
    day: date | None = None
    mapping: list[str] | dict[str, str] | None = None
    dry_run: bool = False
    file_name: str | None = None  # shown in messages; defaults to the path's name
    # A manager's upload: every row must belong to one of these teams (None: any team).
    only_teams: tuple[str, ...] | None = None
    hints: Hints = CLI_HINTS
    # Made by the demo's visitor (no sign-in): the store stays the demo. Any other import
    # ends the demo for good, so real data is never open to anyone without a sign-in.
    in_demo: bool = False
    # A deal file: owners as the CRM writes them -> a rep's e-mail ('' leaves their deals
    # out); rates of other currencies (units of the store's currency per unit); the currency
    # of amounts when the file names none.
    owners: dict[str, str] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)
    currency: str | None = None
    deal_rules: DealRules | None = None  # set by the use case (actions/imports.py)


def options_key(options: ImportOptions, user_mapping: dict[str, str]) -> str:
    """What, besides the bytes, decides how a file is read. The mapping is the parsed one,
    so None, [] and {} (Python, CLI, page) give the same key and the same content hash."""
    deal_options = [options.owners, options.rates, options.currency]
    return json.dumps(
        [options.rep or None, options.team or None, str(options.day), user_mapping]
        + (deal_options if any(deal_options) else []),
        sort_keys=True,
    )


@dataclass
class ImportResult:
    file_name: str
    format: str
    notes: list[str]
    columns: list[ColumnMapping]
    rows_read: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    import_id: int | None = None
    imported_before: int | None = None
    dry_run: bool = False

    def summary(self) -> str:
        if self.imported_before is not None:
            return (f"{self.file_name}: already imported (import #{self.imported_before}); "
                    "nothing changed")  # fmt: skip
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{self.file_name}: {self.rows_read} row{'' if self.rows_read == 1 else 's'} read, "
            f"{verb} {self.rows_loaded} new, "
            f"{self.rows_updated} updated, {self.rows_skipped} skipped, "
            f"{self.warning_count} warning(s)"
            + ("" if self.import_id is None else f" (import #{self.import_id})")
        )

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["columns"] = [c.as_dict() for c in self.columns]
        data["warnings"] = [str(w) for w in self.warnings]
        return data


@dataclass
class ImportPlan:
    """Everything an import decides before it touches the store, and what it learns."""

    source: Source
    columns: list[ColumnMapping]
    fields: set[str]
    options: ImportOptions
    name: str
    content_hash: str
    result: ImportResult
    comma_decimal: bool = False
    date_format: str = ""
    date_label: str = ""
    warnings: list[Problem] = field(default_factory=list)
    skipped: int | None = None  # rows not counted, when rows are not one per reading
    # Whether numeric columns are read as numbers (staging.stage_file), and the positions
    # that were: a file whose every such cell is a plain number skips its text.
    numbers_on_read: bool = False
    read_as_numbers: frozenset[int] = frozenset()

    def log(self, cur: Cursor, import_id: int, loaded: int, updated: int) -> None:
        """What the import wrote, into its result and the import log (every kind of file's
        last stage)."""
        result = self.result
        result.rows_loaded, result.rows_updated = loaded, updated
        result.rows_skipped = (result.rows_read - loaded - updated if self.skipped is None
                               else self.skipped)  # fmt: skip
        result.warnings = self.warnings
        result.warning_count = sum(w.stands_for for w in self.warnings)
        result.import_id = import_id
        cur.run("log_import", {
            "import_id": import_id, "file_name": self.name, "hash": self.content_hash,
            "format": result.format, "rows_read": result.rows_read, "rows_loaded": loaded,
            "rows_updated": updated, "rows_skipped": result.rows_skipped,
            "warnings": json.dumps([str(w) for w in self.warnings]),
        })  # fmt: skip
