"""Every SQL statement lives in queries/: what cannot be bound goes in a declared slot, and
the loader refuses an undeclared, unfilled, unknown or ill-kinded one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.errors import StoreError
from dashboard.store.sql import Fragment, Query, current_queries

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"

SELECT = """-- slot table: name
-- slot columns: names
select {columns} from {table} where note = '{not_a_slot}' -- {nor_this}
"""


def test_a_slot_is_filled_with_quoted_names_and_only_outside_strings_and_comments():
    query = Query.parse("q", SELECT)
    filled = query.filled(table="snapshots", columns=["rep_id", "t.day"])
    assert filled.sql.strip().startswith('select "rep_id", "t"."day" from "snapshots"')
    assert "'{not_a_slot}'" in filled.sql and "-- {nor_this}" in filled.sql


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select {table} from t", "holes \\['table'\\] and declared slots \\[\\] differ"),
        ("-- slot table: name\nselect 1", "holes \\[\\] and declared slots \\['table'\\]"),
        ("-- slot table: sql\nselect * from {table}", "of no kind the loader knows"),
    ],
)
def test_a_hole_without_a_slot_or_a_slot_without_a_hole_is_refused_at_load(text, message):
    with pytest.raises(StoreError, match=message):
        Query.parse("q", text)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"table": "snapshots"}, "not filled \\['columns'\\]"),
        ({"table": "t", "columns": ["a"], "extra": "x"}, "not declared \\['extra'\\]"),
        ({"table": "t; drop table reps", "columns": ["a"]}, "takes a name"),
        ({"table": 'x" or 1=1 --', "columns": ["a"]}, "takes a name"),
        ({"table": "t", "columns": "a"}, "takes a list of names"),
        ({"table": "t", "columns": []}, "takes a list of names"),
    ],
)
def test_a_slot_unfilled_unknown_or_of_the_wrong_kind_is_refused(values, message):
    with pytest.raises(StoreError, match=message):
        Query.parse("q", SELECT).filled(**values)


def test_integers_text_types_and_fragments_are_checked_by_kind():
    query = Query.parse("q", "-- slot n: integer\n-- slot t: text\n-- slot k: type\n"
                             "-- slot f: fragments \" or \"\nselect {n}, {t}, cast(1 as {k}) where {f}")  # fmt: skip
    piece = Query.parse("p", "-- slot c: name\n{c} is not null -- a comment\n")
    both = [piece.fragment(c="a"), piece.fragment(c="b")]
    sql = query.filled(n=3, t="it's", k="double precision", f=both).sql
    assert "select 3, 'it''s', cast(1 as double precision) where \"a\" is not null or" in sql
    assert "a comment" not in sql
    for wrong in ({"n": "3"}, {"n": True}, {"t": 3}, {"k": "int); drop table x; --"},
                  {"f": "1 = 1"}, {"f": [Fragment("1 = 1"), "or 1 = 1"]}):  # fmt: skip
        values = {"n": 3, "t": "x", "k": "integer", "f": both} | wrong
        with pytest.raises(StoreError, match="takes"):
            query.filled(**values)


def test_a_query_with_slots_is_never_run_unfilled(store):
    with store.reading() as cur, pytest.raises(StoreError, match="has slots to fill"):
        cur.run("rows_counted")
    with store.reading() as cur:
        assert cur.run_filled("rows_counted", table="snapshots").fetchone()[0] == 0


def test_every_slot_of_every_query_file_is_declared_and_of_a_known_kind():
    queries = current_queries()  # parsing refuses a stray hole or an unknown kind
    with_slots = {name for name, q in queries.items() if q.slots}
    assert {"stage_present", "pg_copy_out", "rows_as_text_for_keys", "stage_lines"} <= with_slots


def _inline_sql_calls(path: Path) -> list[str]:
    """Calls of .execute/.sql/.copy whose first argument is SQL written in Python (a
    literal, an f-string or text put together), rather than a statement of queries/."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "sql", "copy", "df_sql") and node.args
                and isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp)):  # fmt: skip
            found.append(f"{path.relative_to(DASHBOARD.parent)}:{node.lineno}")
    return found


def test_no_module_of_the_app_writes_sql_of_its_own():
    found = [hit for path in sorted(DASHBOARD.rglob("*.py")) for hit in _inline_sql_calls(path)]
    assert found == []
