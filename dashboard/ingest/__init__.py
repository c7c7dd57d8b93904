"""Importing the files people have: team exports, tracker histories, SSI JSON, our template."""

from dashboard.ingest.importer import ImportOptions, ImportResult, import_file, undo_import

__all__ = ["ImportOptions", "ImportResult", "import_file", "undo_import"]
