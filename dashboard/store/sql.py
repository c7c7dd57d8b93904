"""The named queries of ``queries/*.sql``: parsed once, each statement with the parameters
it binds.

A block starts with ``-- name: x``; statements end with ';' at the end of a line. Values are
always bound (``$name``); a query run without one it needs is an error that names it.

What cannot be bound (a table or column name, the columns a file happens to have, an
integer in a view) goes in a slot: ``{table}`` in the text, declared in the block as
``-- slot table: name``. The loader fills slots and refuses an undeclared, unfilled or
unknown one, and a value that is not of the slot's kind:

- ``name``: an identifier (``t.col`` too), each part quoted;
- ``names``: identifiers, quoted, joined by ", ";
- ``integer``: a Python int;
- ``text``: a string, written as an SQL literal;
- ``type``: a column type of the store's own catalogue (letters and spaces);
- ``fragment`` / ``fragments``: pieces made by :meth:`Query.fragment` from other named
  blocks, so every word of SQL still comes from ``queries/`` (``fragments " and "`` joins
  them with " and "; the default is ", ").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from dashboard import QUERIES_DIR
from dashboard.errors import StoreError

_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_COMMENT_OR_STRING = re.compile(r"--[^\n]*|'(?:[^']|'')*'")
# A slot's hole, or a comment or string literal, in which nothing is a hole.
_HOLE = re.compile(r"(--[^\n]*|'(?:[^']|'')*')|\{([a-z_][a-z0-9_]*)\}")
_SLOT_LINE = re.compile(
    r"^--\s*slot\s+([a-z_][a-z0-9_]*)\s*:\s*([a-z]+)(?:\s+\"([^\"]*)\")?\s*$", re.MULTILINE
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
_TYPE = re.compile(r"[A-Za-z][A-Za-z ]*")
_COMMENT_KEEPING_STRINGS = re.compile(r"('(?:[^']|'')*')|--[^\n]*")
SLOT_KINDS = ("name", "names", "integer", "text", "type", "fragment", "fragments")
NOT_LOADED = ("macros.sql",)  # applied by the schema, not run by name


def parameters_of(sql: str) -> frozenset[str]:
    """The ``$name`` parameters a statement binds, ignoring comments and string literals
    (a ``$x`` in a comment or in '...' is not a parameter)."""
    return frozenset(_PARAM.findall(_COMMENT_OR_STRING.sub(" ", sql)))


def quoted(name: str) -> str:
    """A table or column name from the store's own catalogue, quoted."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL made from a named block of ``queries/`` with its slots filled: the
    only thing a ``fragment`` slot takes."""

    sql: str


@dataclass(frozen=True)
class Slot:
    kind: str
    joiner: str = ", "

    def render(self, query: str, name: str, value: Any) -> str:
        def refuse(expected: str) -> StoreError:
            return StoreError(f"query '{query}': slot {{{name}}} takes {expected}, "
                              f"not {value!r}")  # fmt: skip

        if self.kind in ("name", "names"):
            many = self.kind == "names"
            values = list(value) if many and not isinstance(value, str) else [value]
            if (many and isinstance(value, str)) or not values:
                raise refuse("a list of names" if many else "a name")
            for one in values:
                if not isinstance(one, str) or not _IDENTIFIER.fullmatch(one):
                    raise refuse("names" if many else "a name")
            return ", ".join(".".join(quoted(p) for p in v.split(".")) for v in values)
        if self.kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise refuse("an integer")
            return str(value)
        if self.kind == "text":
            if not isinstance(value, str):
                raise refuse("text")
            return "'" + value.replace("'", "''") + "'"
        if self.kind == "type":
            if not isinstance(value, str) or not _TYPE.fullmatch(value):
                raise refuse("a column type")
            return value
        pieces = [value] if self.kind == "fragment" else value
        if isinstance(pieces, Fragment | str) or not all(isinstance(p, Fragment) for p in pieces):
            raise refuse("a fragment" if self.kind == "fragment" else "fragments")
        return self.joiner.join(p.sql for p in pieces)


def split_statements(sql: str) -> list[str]:
    """Statements end with ';' at the end of a line (the convention of queries/*.sql)."""
    parts = [p.strip() for p in re.split(r";\s*$", sql, flags=re.MULTILINE)]
    return [p for p in parts if p and not all(ln.strip().startswith("--") for ln in p.splitlines())]


@dataclass(frozen=True)
class Query:
    """A named query: its statements, each with the parameters it binds, found at load, and
    the slots it declares (a query with slots is run only :meth:`filled`)."""

    name: str
    sql: str
    statements: tuple[tuple[str, frozenset[str]], ...]
    slots: Mapping[str, Slot] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, sql: str) -> Query:
        slots = {m.group(1): Slot(m.group(2), m.group(3) if m.group(3) is not None else ", ")
                 for m in _SLOT_LINE.finditer(sql)}  # fmt: skip
        unknown = sorted(n for n, s in slots.items() if s.kind not in SLOT_KINDS)
        if unknown:
            raise StoreError(f"query '{name}': slot(s) {', '.join(unknown)} of no kind the "
                             f"loader knows ({', '.join(SLOT_KINDS)})")  # fmt: skip
        holes = {m.group(2) for m in _HOLE.finditer(sql) if m.group(2)}
        if holes != slots.keys():
            raise StoreError(
                f"query '{name}': holes {sorted(holes)} and declared slots {sorted(slots)} "
                "differ (every {hole} is declared with '-- slot hole: kind', and used)"
            )
        statements = () if slots else tuple((st, parameters_of(st)) for st in split_statements(sql))
        return cls(name, sql, statements, slots)

    def filled(self, **values: Any) -> Query:
        """This query with its slots filled (refused: a slot left out, one it does not
        declare, a value not of the slot's kind); a query without slots is itself."""
        missing, extra = self.slots.keys() - values.keys(), values.keys() - self.slots.keys()
        if missing or extra:
            raise StoreError(f"query '{self.name}': slot(s) not filled {sorted(missing)}, "
                             f"not declared {sorted(extra)}")  # fmt: skip
        if not self.slots:
            return self
        rendered = {k: slot.render(self.name, k, values[k]) for k, slot in self.slots.items()}

        def fill(m: re.Match) -> str:
            return m.group(1) or rendered[m.group(2)]

        return Query.parse(self.name, _HOLE.sub(fill, _SLOT_LINE.sub("", self.sql)))

    def fragment(self, **values: Any) -> Fragment:
        """This block, filled, as a piece for another query's ``fragment`` slot."""
        text = self.filled(**values).sql
        bare = _COMMENT_KEEPING_STRINGS.sub(lambda m: m.group(1) or "", text)
        return Fragment(" ".join(line.strip() for line in bare.splitlines() if line.strip()))

    def ready(self) -> Query:
        """This query, refused when it has slots to fill (it is run as it is)."""
        if self.slots:
            raise StoreError(f"query '{self.name}' has slots to fill: {sorted(self.slots)}")
        return self

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


def run_named(
    cur: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None, /,
    **slots: Any,
) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """Run the named query ``name`` on a raw DuckDB cursor (the store's own modules, below
    the door), its slots filled by ``slots``."""
    return run_query(cur, current_queries()[name].filled(**slots), params)


def statements_of(name: str, /, **slots: Any) -> list[str]:
    """The statements of the named query ``name``, its slots filled, as text: for a
    PostgreSQL cursor, which binds its own ``%s`` values."""
    return [text for text, _ in current_queries()[name].filled(**slots).statements]


def statement_of(name: str, /, **slots: Any) -> str:
    """:func:`statements_of` for a query of one statement."""
    found = statements_of(name, **slots)
    if len(found) != 1:
        raise StoreError(f"query '{name}' has {len(found)} statements, not one")
    return found[0]


def fragment_of(name: str, /, **slots: Any) -> Fragment:
    """The named block ``name``, filled, for another query's ``fragment`` slot."""
    return current_queries()[name].fragment(**slots)


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
    query.ready()
    missing = query.parameters - given.keys()
    if missing:
        raise StoreError(f"query '{query.name}' needs parameter(s) {', '.join(sorted(missing))}")
    result = cur
    for statement, needs in query.statements:
        result = cur.execute(statement, {k: given[k] for k in needs})
    return result
