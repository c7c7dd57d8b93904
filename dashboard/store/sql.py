"""The named queries of ``queries/*.sql``: parsed once, each statement with the parameters
it binds.

A block starts with ``-- name: x``; statements end with ';' at the end of a line. Values are
always bound (``$name``); a query run without one it needs is an error that names it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from dashboard import QUERIES_DIR
from dashboard.errors import StoreError

_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_COMMENT_OR_STRING = re.compile(r"--[^\n]*|'(?:[^']|'')*'")
NOT_LOADED = ("macros.sql",)  # applied by the schema, not run by name


def parameters_of(sql: str) -> frozenset[str]:
    """The ``$name`` parameters a statement binds, ignoring comments and string literals
    (a ``$x`` in a comment or in '...' is not a parameter)."""
    return frozenset(_PARAM.findall(_COMMENT_OR_STRING.sub(" ", sql)))


def quoted(name: str) -> str:
    """A table or column name from the store's own catalogue, quoted."""
    return '"' + name.replace('"', '""') + '"'


def split_statements(sql: str) -> list[str]:
    """Statements end with ';' at the end of a line (the convention of queries/*.sql)."""
    parts = [p.strip() for p in re.split(r";\s*$", sql, flags=re.MULTILINE)]
    return [p for p in parts if p and not all(ln.strip().startswith("--") for ln in p.splitlines())]


@dataclass(frozen=True)
class Query:
    """A named query: its statements, each with the parameters it binds, found at load."""

    name: str
    sql: str
    statements: tuple[tuple[str, frozenset[str]], ...]

    @classmethod
    def parse(cls, name: str, sql: str) -> Query:
        return cls(name, sql, tuple((st, parameters_of(st)) for st in split_statements(sql)))

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset().union(*(p for _, p in self.statements))


def load_queries(folder: Path = QUERIES_DIR) -> dict[str, Query]:
    """Read every ``-- name: x`` block of ``folder/*.sql``. Duplicate names are an error."""
    queries: dict[str, Query] = {}
    for path in sorted(folder.glob("*.sql")):
        if path.name in NOT_LOADED:
            continue
        text = path.read_text(encoding="utf-8")
        marks = list(_NAME_LINE.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            name = mark.group(1)
            if name in queries:
                raise StoreError(f"query '{name}' is defined twice (second in {path.name})")
            queries[name] = Query.parse(name, text[mark.end() : end].strip())
    return queries


def _newest_change(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.glob("*.sql")), default=0.0)


@lru_cache(maxsize=4)
def _queries_as_of(folder: Path, newest_change: float) -> dict[str, Query]:
    return load_queries(folder)


def current_queries(folder: Path = QUERIES_DIR) -> dict[str, Query]:
    """The queries, parsed once per process (a store is opened on every dashboard rerun)
    and again when a file in ``folder`` changes."""
    return _queries_as_of(folder, _newest_change(folder))


def first_value(cur: duckdb.DuckDBPyConnection) -> Any:
    """The first column of the first row of what ``cur`` ran (a count, a version)."""
    row = cur.fetchone()
    if row is None:
        raise StoreError("a query that gives one row gave none")
    return row[0]


def run_query(
    cur: duckdb.DuckDBPyConnection, query: Query, params: Mapping[str, Any] | None
) -> duckdb.DuckDBPyConnection:
    """Run a query's statements; each gets exactly the parameters it names. A parameter a
    statement needs and the caller did not give is an error that names it."""
    given = dict(params or {})
    missing = query.parameters - given.keys()
    if missing:
        raise StoreError(f"query '{query.name}' needs parameter(s) {', '.join(sorted(missing))}")
    result = cur
    for statement, needs in query.statements:
        result = cur.execute(statement, {k: given[k] for k in needs})
    return result
