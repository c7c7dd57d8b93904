"""Social selling analytics: a DuckDB store of SSI snapshots and a Streamlit dashboard."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
QUERIES_DIR = PROJECT_DIR / "queries"
DATA_DIR = PROJECT_DIR / "data"
