"""Layering: the store, importer, scoring and views never import the UI framework."""

from __future__ import annotations

import subprocess
import sys


def test_data_layers_do_not_import_streamlit():
    code = (
        "import sys\n"
        "import dashboard.store, dashboard.ingest, dashboard.scoring, dashboard.views.team_review,"
        " dashboard.views.self_check, dashboard.views.uploads, dashboard.cli, dashboard.demo,"
        " dashboard.export, dashboard.web.charts\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_page_scripts_hold_no_sql():
    from dashboard import PACKAGE_DIR

    for page in (PACKAGE_DIR / "web" / "app_pages").glob("*.py"):
        text = page.read_text(encoding="utf-8").lower()
        for word in ("select ", "insert ", "duckdb", "df_sql", ".rows("):
            assert word not in text, f"{page.name} contains {word!r}: queries belong in queries/"
