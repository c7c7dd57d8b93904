"""How each header of a file is understood: matched, mapped by the user, or ignored."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.errors import ImportRejectedError, Problem
from dashboard.fields import (
    field_for,
    is_ignored_header,
    match_header,
    normalise_header,
    public_name,
    public_names,
)

IGNORE = "ignore"

# Our own template: what README tells people to use when they keep a sheet by hand.
TEMPLATE_HEADERS = [
    "date", "name", "email", "team", "ssi", "brand", "people", "insights", "relationships",
    "industry_rank", "network_rank",
]  # fmt: skip


# The Sales Navigator Analytics export: one row per action, by seat (dashboard/ingest/action_log.py).
ACTIVITY_EVENTS = "Sales Navigator Analytics activity export (one row per action)"
ACTIVITY_EVENT_HEADERS = ["activityid", "activitytype", "createdat", "seatid"]
# LinkedIn's personal data export lists connections, one per row: no SSI reading in it.
PERSONAL_CONNECTIONS = "LinkedIn Connections.csv (personal data export: a list of connections)"


@dataclass
class ColumnMapping:
    index: int
    header: str
    field: str | None
    how: str  # matched | mapped by you | ignored | unknown | duplicate of column N

    def as_dict(self) -> dict[str, object]:
        """As a person reads it: 1-based column, and the field's public name ('date')."""
        return {"column": self.index + 1, "header": self.header,
                "field": public_name(self.field), "how": self.how}  # fmt: skip


def parse_user_mapping(pairs: list[str] | dict[str, str] | None, file_name: str) -> dict[str, str]:
    """``["HEADER=field", ...]`` or a dict -> {normalised header: field}; unknown fields fail.

    The field may be written as a person sees it: 'date', 'name', 'ssi', or any header that
    names a field ('Report date'). None, [] and {} all mean "no mapping"."""
    if not pairs:
        return {}
    items = pairs.items() if isinstance(pairs, dict) else [_split_pair(p, file_name) for p in pairs]
    mapping = {}
    problems = []
    for header, target in items:
        text = "" if target is None else str(target).strip()
        field = IGNORE if text.lower() == IGNORE else field_for(text)
        if field is None:
            problems.append(Problem(file_name, None, str(header), text,
                f"the mapping names an unknown field; expected one of {', '.join(public_names())} "
                f"or '{IGNORE}'"))  # fmt: skip
            continue
        mapping[normalise_header(header)] = field
    if problems:
        raise ImportRejectedError(problems)
    return dict(sorted(mapping.items()))


def _split_pair(pair: str, file_name: str) -> tuple[str, str]:
    header, sep, field = pair.rpartition("=")
    if not sep or not header.strip():
        raise ImportRejectedError(
            [Problem(file_name, None, None, pair, "expected a mapping written HEADER=field")]
        )
    return header.strip(), field


def map_columns(headers: list[str], user_mapping: dict[str, str]) -> list[ColumnMapping]:
    columns: list[ColumnMapping] = []
    taken: dict[str, int] = {}
    for index, header in enumerate(headers):
        field: str | None
        key = normalise_header(header)
        if key in user_mapping:
            field, how = user_mapping[key], "mapped by you"
            if field == IGNORE:
                field, how = None, "ignored (by your mapping)"
        else:
            field = match_header(header) if header else None
            how = "matched" if field else ("ignored" if is_ignored_header(header) else "unknown")
        if field and field in taken:
            columns.append(
                ColumnMapping(index, header, None, f"duplicate of column {taken[field] + 1}")
            )
            continue
        if field:
            taken[field] = index
        columns.append(ColumnMapping(index, header, field, how))
    return columns


def detect_format(source_kind: str, headers: list[str], fields: set[str]) -> str:
    """A name for what the file is, said back to the person who uploaded it."""
    if source_kind == "json":
        return "LinkedIn SSI page JSON (one reading)"
    normalised = [normalise_header(h) for h in headers]
    if "connectedon" in normalised:
        return PERSONAL_CONNECTIONS
    if "Total_SSI" in headers:
        return "SSI tracker history (Date, Total_SSI, ... columns; one person)"
    if "ssioverallscore" in normalised:
        return "SSI tracker history (ssi_overall_score columns; one person)"
    if [h.strip().lower() for h in headers] == TEMPLATE_HEADERS:
        return "SSI dashboard template"
    if normalised[:4] == ACTIVITY_EVENT_HEADERS:
        return ACTIVITY_EVENTS
    if "seat_id" in fields:
        return "Sales Navigator seat list (one row per seat)"
    if fields & {"week", "period_end"}:
        return "Sales Navigator usage export (one row per seat and period)"
    if fields & {"rep_name", "email", "first_name", "last_name"}:
        return "Team SSI export (one row per person)"
    return "Personal SSI history (one person)"


# A goal file's columns (ingest/goal_file.py), and the headers that name them (normalised).
GOAL_COLUMNS = {
    "metric": ("metric", "measure", "kpi"),
    "target": ("target", "goal", "targetvalue"),
    "from": ("from", "start", "startdate", "fromdate", "since"),
    "by": ("by", "due", "duedate", "bydate", "deadline", "until", "end", "enddate"),
    "team": ("team", "teamname"),
    "rep": ("rep", "repemail", "email", "person"),
}
REQUIRED_GOAL_COLUMNS = ("metric", "target", "by")


def is_goal_file(headers: list[str]) -> bool:
    """Whether ``headers`` are a goal file's: a metric, a target and a due day."""
    found = {column for column, names in GOAL_COLUMNS.items() for h in headers
             if normalise_header(h) in names}  # fmt: skip
    return set(REQUIRED_GOAL_COLUMNS) <= found
