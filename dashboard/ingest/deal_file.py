"""A CRM's deal export: Salesforce opportunities, HubSpot deals, Pipedrive deals.

The importer stages the file as for any other (``stage_raw``); these stages read its deal
columns (headers matched loosely, ``fields.DEAL_FIELDS``), type and check every row in SQL
(queries/deals.sql), match each owner to a rep and merge the deals by the CRM's id, so a
later export of a deal replaces it and undo puts it back. Any error writes nothing.
"""

from __future__ import annotations

import pandas as pd

from dashboard.errors import DashboardError, ImportRejectedError, Problem
from dashboard.fields import deal_field, normalise_header
from dashboard.ingest.checks import (
    LISTED_PER_KIND,
    last_reading_day,
    problems_of_kinds,
    refuse_listed,
)
from dashboard.ingest.dates import checked_format
from dashboard.ingest.mapping import ColumnMapping
from dashboard.ingest.plan import DealRules, ImportPlan
from dashboard.ingest.staging import vote_on_dates
from dashboard.store import Cursor

CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot", "pipedrive": "Pipedrive"}
# The columns without which a row is no deal (a stage, a status or the Closed flag too).
REQUIRED = ("crm_id", "owner", "amount", "created")
STATUS_FIELDS = ("stage", "status", "closed")
# Cells whose readers trim them (an amount, a date): staged as written.
AS_WRITTEN = frozenset({"amount", "created", "close_date", "won_time", "lost_time"})
WHAT_IS_READ = {
    "crm_id": "the deal's id: a later export of it replaces it",
    "name": "the deal's name",
    "account": "the account",
    "owner": "the owner, matched to a rep",
    "owner_email": "the owner's e-mail, matched to a rep",
    "stage": "the stage: won, lost or open",
    "status": "open, won, lost or deleted",
    "won": "won (a closed deal)",
    "closed": "closed",
    "amount": "the amount",
    "currency": "the amount's currency",
    "created": "the day it was created",
    "close_date": "the day it closed (won or lost)",
    "won_time": "the day it was won",
    "lost_time": "the day it was lost",
}


def deal_crm(headers: list[str]) -> str | None:
    """Which CRM's deal export the headers are, or None: Salesforce names opportunities,
    HubSpot deals, Pipedrive prefixes "Deal - " or has its Title, Value and Status."""
    keys = {normalise_header(h) for h in headers}
    if keys & {"opportunityid", "opportunityname", "opportunityowner", "opportunityidcasesafe"}:
        return "salesforce"
    if {"dealstage", "dealname"} <= keys or {"dealstage", "recordid"} <= keys:
        return "hubspot"
    prefixed = sum(1 for h in headers if normalise_header(h.split("-", 1)[0]) == "deal"
                   and "-" in h and deal_field(h))  # fmt: skip
    if prefixed >= 3 or {"title", "value", "status"} <= keys or keys & {"addtime", "wontime"}:
        return "pipedrive"
    return None


def deal_columns(headers: list[str]) -> list[ColumnMapping]:
    """Each header and what it is read as; a deal column named twice is read once."""
    seen: set[str] = set()
    columns = []
    for i, header in enumerate(headers):
        field = deal_field(header)
        if field in ("pipeline", "probability"):
            columns.append(ColumnMapping(i, header, None, "ignored (not used for outcomes)"))
        elif field is None or field in seen:
            columns.append(ColumnMapping(i, header, None, "ignored"))
        else:
            seen.add(field)
            columns.append(ColumnMapping(i, header, field, f"read: {WHAT_IS_READ[field]}"))
    return columns


def deal_format(crm: str) -> str:
    return f"{CRM_NAMES[crm]} deals export (one row per deal)"


def check_deal_columns(name: str, crm: str, columns: list[ColumnMapping]) -> None:
    fields = {c.field for c in columns if c.field}
    missing = [f for f in REQUIRED if f not in fields and not (f == "owner" and "owner_email" in fields)]  # fmt: skip
    if not fields & set(STATUS_FIELDS):
        missing.append("stage")
    if missing:
        raise ImportRejectedError([Problem(name, None, None, None,
            f"this {CRM_NAMES[crm]} export has no column for the deal's "
            f"{', '.join(m.replace('_', ' ').replace('crm id', 'id') for m in missing)}; "
            f"expected {_expected(crm)}")])  # fmt: skip


def _expected(crm: str) -> str:
    return {
        "salesforce": "an opportunity report with Opportunity ID, Opportunity Owner, Stage, "
                      "Amount and Created Date",
        "hubspot": "a deals export with Record ID, Deal owner, Deal Stage, Amount and Create Date",
        "pipedrive": "a deals export with ID, Owner, Status, Value and Add time "
                     "(or Deal created)",
    }[crm]  # fmt: skip


def _header(plan: ImportPlan, field: str) -> str:
    found = [c.header for c in plan.columns if c.field == field]
    return found[0] if found else field.replace("_", " ")


def stage_deals(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_deals: typed deals with their lines and status."""
    at = {c.field: c.index for c in plan.columns if c.field}
    cells = {field: cur.fragment("deal_cell_as_written" if field in AS_WRITTEN else "deal_cell",
                                 cell=f"c{at[field]}") if field in at
             else cur.fragment("no_deal_cell") for field in WHAT_IS_READ}  # fmt: skip
    cur.run_filled("stage_deal_cells", **cells)
    dropped, first, plain = cur.run("rows_without_a_deal").fetchone()
    if dropped:
        plan.result.notes.append(f"{dropped:,} row(s) with no deal on them (a report's totals "
                                 f"or notes, from line {first}) left out")  # fmt: skip
    comma = not plain and bool(cur.run("deal_amounts_comma_decimal").fetchone()[0])
    if comma:
        plan.result.notes.append("amounts read with a decimal comma (1.200,50 = 1200.50)")
    dates = [f"c{at[f]}" for f in ("created", "close_date", "won_time", "lost_time") if f in at]
    cur.run_filled("deal_date_cells",
                   cells=[cur.fragment("distinct_cells_of", cell=c) for c in dates] or
                   [cur.fragment("no_date_cells")])  # fmt: skip
    date_format, plan.date_label = vote_on_dates(cur, comma, plan.result.notes)
    config = deal_rules(plan)
    cur.run_filled("type_deals", {
        "comma_decimal": comma, "file_currency": _file_currency(cur, plan),
        "won_stages": [normalise_header(s) for s in config.won_stages],
        "lost_stages": [normalise_header(s) for s in config.lost_stages],
    }, date_format=checked_format(date_format))  # fmt: skip


def deal_rules(plan: ImportPlan) -> DealRules:
    if plan.options.deal_rules is None:
        raise DashboardError("a deal file is read under the rules in force: import it through "
                             "dashboard.actions.imports, which gives them")  # fmt: skip
    return plan.options.deal_rules


def _file_currency(cur: Cursor, plan: ImportPlan) -> str:
    """The currency of amounts that name none: the one given, else the store's, else the
    configured default."""
    given = plan.options.currency
    if given:
        return given.strip().upper()
    return cur.run("store_currency").fetchone()[0] or deal_rules(plan).currency


def check_deals(cur: Cursor, plan: ImportPlan) -> None:
    """Any row that is no deal rejects the file, naming its line, column and cell."""
    headers = {f"h_{field}": _header(plan, field) for field in WHAT_IS_READ}
    rows = cur.run("deal_problems", {**headers, "date_label": plan.date_label,
                                     "last_day": last_reading_day().isoformat(),
                                     "listed": LISTED_PER_KIND}).fetchall()  # fmt: skip
    if rows:
        raise ImportRejectedError(*problems_of_kinds(plan.name, rows))
    backwards, first = cur.run("deals_closed_before_created").fetchone()
    if backwards:
        plan.warnings.append(Problem(plan.name, first, _header(plan, "close_date"), None,
            f"{backwards:,} deal(s) closed before the day they were created; kept, without "
            "a cycle length", backwards))  # fmt: skip
    ignored = [c.header for c in plan.columns if c.how.startswith("ignored")]
    if ignored:
        plan.result.notes.append("ignored column(s): " + ", ".join(repr(h) for h in ignored[:20]))


def match_owners(cur: Cursor, plan: ImportPlan) -> None:
    """-> stage_deal_owners: each owner matched to a rep; an owner matched to none rejects
    the file, and a manager's upload takes only deals of their teams' reps."""
    given = {owner.strip(): email.strip().lower() for owner, email in plan.options.owners.items()}
    cur.register("deal_owner_map", pd.DataFrame({"owner": list(given), "email": list(given.values())},
                                                dtype="object"))  # fmt: skip
    cur.run("deal_owners")
    rows = cur.run("unmatched_deal_owners", {"listed": LISTED_PER_KIND}).fetchall()
    column = _header(plan, "owner") if any(c.field == "owner" for c in plan.columns) \
        else _header(plan, "owner_email")  # fmt: skip
    if rows:
        problems = [Problem(plan.name, r.first_line, column, r.owner, _unmatched(r, plan))
                    for r in rows]  # fmt: skip
        refuse_listed(plan.name, rows, problems, column, "owners no rep is found for")
    allowed = plan.options.only_teams
    if allowed is not None:
        outside = cur.run("deal_owners_outside_teams",
                          {"allowed": list(allowed), "listed": LISTED_PER_KIND}).fetchall()  # fmt: skip
        if outside:
            what = (f"expected a deal of a rep of your teams ({', '.join(allowed)}): this row's "
                    "owner is in another team")  # fmt: skip
            problems = [Problem(plan.name, r.line, column, None, what) for r in outside]
            refuse_listed(plan.name, outside, problems, column, what)


# How each refusal of an owner begins (the Upload page offers those owners to map).
OWNER_PROBLEMS = ("expected a rep of the store", "expected one rep of this name",
                  "expected the e-mail of a rep the store knows")  # fmt: skip


def is_owner_problem(message: str) -> bool:
    return message.startswith(OWNER_PROBLEMS)


def _unmatched(row, plan: ImportPlan) -> str:
    deals = f"{row.rows:,} deal(s)"
    how = plan.options.hints.owner
    if row.mapped_to:
        return f"{OWNER_PROBLEMS[2]} for this owner ({deals})"
    if row.reps_of_name and row.reps_of_name > 1:
        return (f"{OWNER_PROBLEMS[1]}: {row.reps_of_name} reps have it ({deals}); "
                f"say which with {how}")  # fmt: skip
    return (f"{OWNER_PROBLEMS[0]}: no rep has this name or e-mail ({deals}); map the "
            f"owner to a rep's e-mail, or leave their deals out, with {how}")  # fmt: skip


def check_currency(cur: Cursor, plan: ImportPlan) -> str:
    """The store's one currency; a file's amounts in another need a rate for it."""
    currencies = cur.run("deal_currencies").fetchall()
    store = cur.run("store_currency").fetchone()[0]
    if store is None:
        store = currencies[0].currency if len(currencies) == 1 else deal_rules(plan).currency
    rates = {c.strip().upper(): float(r) for c, r in plan.options.rates.items()}
    problems = []
    for row in currencies:
        if row.currency == store or row.currency in rates:
            continue
        problems.append(Problem(plan.name, row.first_line, _header(plan, "currency"), row.currency,
            f"expected {store}, the store's currency ({row.rows:,} deal(s) in {row.currency}): "
            f"amounts are never added across currencies; give the rate of {row.currency} in "
            f"{store} with {plan.options.hints.rate}"))  # fmt: skip
    if problems:
        raise ImportRejectedError(problems)
    used = {c.currency: rates[c.currency] for c in currencies if c.currency != store}
    if used:
        plan.result.notes.append(f"values in {store}, the store's currency, at "
            + ", ".join(f"1 {c} = {r:g} {store}" for c, r in used.items()))  # fmt: skip
    cur.register("deal_rates", pd.DataFrame({"currency": pd.Series(list(rates), dtype="object"),
                                             "rate": pd.Series(list(rates.values()), dtype="float64")}))  # fmt: skip
    return store


def write_deals(cur: Cursor, plan: ImportPlan) -> None:
    """New and changed deals written, what they replace kept for undo; the log entry."""
    result = plan.result
    store_currency = check_currency(cur, plan)
    if not plan.options.in_demo:
        cur.run("end_demo")
    import_id = cur.run("next_import_id").fetchone()[0]
    crm = next(k for k, v in CRM_NAMES.items() if result.format.startswith(v))
    cur.run("deal_changes", {"crm": crm, "store_currency": store_currency})
    updated, loaded, set_aside = cur.run("deal_change_counts").fetchone()
    if updated:
        cur.run("replace_deals", {"import_id": import_id})
    cur.run("write_deals", {"import_id": import_id}).wrote("deals")
    if set_aside:
        result.notes.append(f"{set_aside:,} row(s) left out: deleted deals, or owners you "
                            "chose to leave out")  # fmt: skip
    plan.log(cur, import_id, loaded, updated)
