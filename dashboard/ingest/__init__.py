"""Importing the files people have: team exports, tracker histories, SSI JSON, our template."""

from dashboard.ingest.importer import import_file, undo_import
from dashboard.ingest.plan import ImportOptions, ImportResult

__all__ = ["ImportOptions", "ImportResult", "import_file", "undo_import"]
