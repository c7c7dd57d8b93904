"""``python -m dashboard.web.serve``: the dashboard's web server, with the pages' imports made
before it takes its first visitor.

``streamlit run dashboard/web/app.py`` imports the pages' modules in the first visitor's rerun:
pandas, DuckDB, plotly and this package: 0.7-0.8 s of the first page after every restart
(see docs/PERFORMANCE.md). This command imports them first, then hands the process to
Streamlit's own ``run``: the modules are then already in ``sys.modules`` when the app script
imports them. What it imports is read from the page scripts themselves, so a page that
imports something new is preloaded without a list to keep.

Any option after ``--`` goes to Streamlit unchanged (``-- --server.baseUrlPath ssi``).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from dashboard.store import DB_ENV_VAR

WEB_DIR = Path(__file__).resolve().parent
APP = WEB_DIR / "app.py"
# What Streamlit runs: the app (APP) with the web server's own routes (sign-in) beside it.
SERVED = WEB_DIR / "served.py"
PAGES_DIR = WEB_DIR / "app_pages"


def page_imports(scripts: list[Path] | None = None) -> list[str]:
    """The modules the app script and its pages import at their top level, in first-seen
    order (``from dashboard import ui`` gives ``dashboard.ui``). Telling a module from a
    name in a package imports the package, as :func:`preload` would anyway."""
    scripts = scripts if scripts is not None else [APP, *sorted(PAGES_DIR.glob("*.py"))]
    seen: dict[str, None] = {}
    for script in scripts:
        for name in _imported_names(ast.parse(script.read_text(encoding="utf-8"))):
            seen.setdefault(name, None)
    return list(seen)


def _imported_names(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:  # top level only: an import inside a branch is that branch's cost
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            for alias in node.names:  # `from dashboard import ui`: ui is a module
                if _is_module(f"{node.module}.{alias.name}"):
                    yield f"{node.module}.{alias.name}"


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def preload() -> list[str]:
    """Import what the pages import, and draw one small chart so plotly's one-time set-up
    (its bridge to pandas) is paid here too. Returns the modules imported."""
    names = page_imports()
    # Streamlit warns that a cache decorated before its runtime exists uses memory storage;
    # it checks the decorator's options then, and creates the cache at its first call,
    # when the runtime is up. Quieted here only, where the warning is expected.
    importlib.import_module("streamlit")  # it sets its loggers' levels as it is imported
    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # setLevel, not .level: it clears logging's level cache
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        quiet.setLevel(level)
    _warm_plotly()
    return names


def _warm_plotly() -> None:
    # plotly meets its first pandas column through narwhals, which imports its pandas
    # support then; the template is set when dashboard.web.charts is imported.
    import pandas as pd
    import plotly.graph_objects as go

    go.Figure(go.Bar(x=pd.Series([0.0]), y=pd.Series(["warm"])))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.web.serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--db", help=f"the store to serve (default ${DB_ENV_VAR} or "
                        "data/ssi.duckdb)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8501, help="default 8501")
    parser.add_argument("--address", help="the address to listen on (default: all)")
    parser.add_argument("--no-preload", dest="preload", action="store_false",
                        help="leave the imports to the first visitor, as `streamlit run` does")  # fmt: skip
    parser.add_argument("streamlit_options", nargs="*", metavar="-- STREAMLIT_OPTION",
                        help="passed to `streamlit run` as given")  # fmt: skip
    return parser


def streamlit_argv(args: argparse.Namespace) -> list[str]:
    """The arguments of Streamlit's ``run`` for these options."""
    argv = ["run", str(SERVED), "--server.port", str(args.port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]  # fmt: skip
    if args.address:
        argv += ["--server.address", args.address]
    return argv + list(args.streamlit_options)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.db:
        os.environ[DB_ENV_VAR] = args.db  # the app resolves its store from here
    from dashboard.views.sign_in_form import ROUTE_ENV, SIGN_IN_PATH

    os.environ[ROUTE_ENV] = SIGN_IN_PATH  # the app sends a visitor to the cookie-setting form
    if args.preload:
        preload()
    from streamlit.web import cli as streamlit_cli

    streamlit_cli.main(streamlit_argv(args), prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
