"""`python -m dashboard.web.serve`: what it imports before the first visitor, and what it asks
Streamlit to run. The browser tests start every dashboard they drive with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.web.serve import build_parser, page_imports, streamlit_argv

ROOT = Path(__file__).resolve().parents[1]


def test_the_pages_imports_are_read_from_the_page_scripts():
    names = page_imports()
    for module in ("streamlit", "pandas", "dashboard.web.ui", "dashboard.web.charts",
                   "dashboard.views.team_review", "dashboard.views.self_check",
                   "dashboard.scoring.activity", "dashboard.actions.imports"):  # fmt: skip
        assert module in names
    # Names imported from a package that are not modules are not imported on their own.
    assert "dashboard.PROJECT_DIR" not in names
    assert "dashboard.scoring.LEADERBOARD_KEYS" not in names
    assert len(names) == len(set(names))


def test_only_top_level_absolute_imports_count(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(
        "import json\n"
        "from dashboard import display, DATA_DIR\n"
        "from . import sibling\n"
        "def later():\n"
        "    import csv\n"
        "if False:\n"
        "    import decimal\n"
    )
    assert page_imports([script]) == ["json", "dashboard", "dashboard.display"]


def test_a_fresh_process_has_the_pages_modules_after_preload_and_not_before():
    program = (
        "import json, sys\n"
        "from dashboard.web.serve import page_imports, preload\n"
        "loaded = set(sys.modules)\n"
        "wanted = page_imports()  # finding what is a module imports its package\n"
        "before = [m for m in wanted if m in loaded]\n"
        "done = preload()\n"
        "after = [m for m in wanted if m not in sys.modules]\n"
        "print(json.dumps({'before': before, 'missing_after': after, 'done': done}))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert "dashboard.views.team_review" not in found["before"]
    assert "dashboard.web.ui" not in found["before"]
    assert found["missing_after"] == []
    assert found["done"] == page_imports()
    # The warning about caches decorated before Streamlit's runtime is expected here.
    assert "No runtime found" not in out.stderr


def test_streamlit_is_asked_to_run_the_app_with_the_options_given():
    args = build_parser().parse_args(
        ["--port", "8600", "--address", "127.0.0.1", "--", "--server.baseUrlPath", "ssi"]
    )
    argv = streamlit_argv(args)
    assert argv[:2] == [
        "run",
        str(ROOT / "dashboard" / "web" / "served.py"),
    ]  # the app and its routes
    options = dict(zip(argv[2::2], argv[3::2], strict=True))
    assert options == {"--server.port": "8600", "--server.headless": "true",
                       "--browser.gatherUsageStats": "false", "--server.address": "127.0.0.1",
                       "--server.baseUrlPath": "ssi"}  # fmt: skip
    assert build_parser().parse_args([]).preload is True
    assert build_parser().parse_args(["--no-preload"]).preload is False
