"""Backup and restore of a store, table by table, with no SQL text built from a path.

A backup is a folder: one Parquet file per table (written from Arrow, so every value keeps
its type) and ``manifest.json`` with the schema version, the row counts and how far each
id sequence has gone. Restore fills a new, empty store at the same schema version, so the
result holds exactly the rows that were backed up and hands out the ids that come next.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.errors import DashboardError, NotFoundError
from dashboard.store.backend import TableRows
from dashboard.store.door import Store, resolve_db_path

MANIFEST = "manifest.json"


def backup(store: Store, folder: Path) -> dict[str, int]:
    """Write every table of ``store`` to ``folder`` (which must not exist); row counts."""
    folder = Path(folder)
    if folder.exists():
        raise DashboardError(f"{folder} exists already; give a new folder for the backup")
    folder.mkdir(parents=True)
    counts: dict[str, int] = {}
    with store.reading() as cur:
        tables = [r.table_name for r in cur.run("base_tables").fetchall()]
        for table in tables:
            data = cur.arrow_of_table(table)
            pq.write_table(data, folder / f"{table}.parquet")
            counts[table] = data.num_rows
        sequences = {
            r.sequence_name: r.last_value for r in cur.run("sequence_positions").fetchall()
        }
    manifest = {"schema_version": store.schema_version(), "version": store.version,
                "tables": counts, "sequences": sequences}  # fmt: skip
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return counts


def _streamed(path: Path) -> pa.RecordBatchReader:
    """A table's rows batch by batch: a two-year activity table does not fit in memory
    twice (once as Arrow, once in the store)."""
    parquet = pq.ParquetFile(path)
    return pa.RecordBatchReader.from_batches(parquet.schema_arrow, parquet.iter_batches(100_000))


def restore(folder: Path, target: Path | str) -> dict[str, int]:
    """A new store at ``target`` (a new file, or an empty PostgreSQL database) holding
    exactly the backup in ``folder``; row counts."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise NotFoundError(f"{folder} is not a backup (no {MANIFEST}); make one with `backup`")
    location = resolve_db_path(target)
    if isinstance(location, Path) and location.exists():
        raise DashboardError(f"{location} exists already; restore into a new store file")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    try:
        with Store(location) as store:
            if store.schema_version() != manifest["schema_version"]:
                raise DashboardError(
                    f"the backup is of schema version {manifest['schema_version']}, this "
                    f"version of the dashboard makes {store.schema_version()}; restore with "
                    "the matching version"
                )
            tables: dict[str, TableRows] = {
                t: partial(_streamed, folder / f"{t}.parquet") for t in manifest["tables"]
            }
            store.restore(tables, manifest["sequences"], manifest.get("version"))
    finally:
        Store.forget(location)  # a PostgreSQL replica is made again when next opened
    return dict(manifest["tables"])
