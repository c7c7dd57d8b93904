"""The store: the one door every query and write goes through (``door.Store``), over a
DuckDB file (``file.py``) or PostgreSQL with a replica per process (``postgres.py``).

What a write implies (its rules checked, its summaries refreshed) is kept here, for every
writer (``writes.py``); migrations and macros are in ``schema.py``; named queries in
``sql.py``; backups in ``backup.py``.
"""

from dashboard.store.door import DB_ENV_VAR, DEFAULT_DB, Cursor, Store, resolve_db_path
from dashboard.store.postgres import is_postgres

__all__ = ["DB_ENV_VAR", "DEFAULT_DB", "Cursor", "Store", "is_postgres", "resolve_db_path"]
