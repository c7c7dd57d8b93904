"""Fixtures: a fresh store per test, files written the way exports write them."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from pg_server import PostgresServer, binaries

from dashboard.access import Viewer
from dashboard.demo import generate, load_demo
from dashboard.ingest import ImportOptions, import_file
from dashboard.store import Store, postgres

DEMO_END = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch):
    """Keep a developer's own store and scoring overrides out of every test."""
    monkeypatch.delenv("SSI_DASHBOARD_DB", raising=False)
    monkeypatch.delenv("SSI_SCORING_CONFIG", raising=False)


# Modules whose tests run against both backends: the store, import, scoring and CLI tests.
BOTH_BACKENDS = {"test_import_rules", "test_import_formats", "test_scoring", "test_cli",
                 "test_activity_summary", "test_backup", "test_postgres", "test_processes",
                 "test_concurrency", "test_team_review_view", "test_reading_summaries",
                 "test_goals", "test_goal_commands", "test_notify", "test_deals"}  # fmt: skip


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    only = metafunc.definition.get_closest_marker("backends")
    if only is not None:
        backends = list(only.args)
    elif module in BOTH_BACKENDS:
        backends = ["duckdb", "postgresql"]
    else:
        backends = ["duckdb"]
    # `make check`, the quick loop, runs the file store only; `make test` runs both.
    chosen = os.environ.get("SSI_TEST_BACKENDS")
    if chosen:
        backends = [b for b in backends if b in chosen.split(",")]
    metafunc.parametrize("backend", backends)


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server per test process. Where PostgreSQL is missing these tests skip,
    except in CI ($SSI_REQUIRE_POSTGRES), where missing is a failure."""
    chosen = os.environ.get("SSI_TEST_BACKENDS")
    if chosen and "postgresql" not in chosen.split(","):
        pytest.skip("the file store only ($SSI_TEST_BACKENDS: make check)")
    if binaries() is None:
        if os.environ.get("SSI_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required here (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server, tmp_path, monkeypatch) -> str:
    """A new, empty database; replicas of it live in the test's folder."""
    monkeypatch.setenv("SSI_REPLICA_DIR", str(tmp_path / "replicas"))
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    yield url
    postgres.forget(url)


@pytest.fixture
def location(backend, tmp_path, request) -> str | Path:
    """Where the test's store lives: a DuckDB file, or a PostgreSQL database."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(location) -> Store:
    s = Store(location)
    yield s
    s.close()


@pytest.fixture
def write(tmp_path):
    """write(name, text, encoding='utf-8') -> Path of a file in the test's folder."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture
def load(store, write):
    """load(name, text, **options) -> ImportResult, through the real importer."""

    def _load(name: str, text: str, encoding: str = "utf-8", **options):
        return import_file(store, write(name, text, encoding), ImportOptions(**options))

    return _load


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The standard demo organisation, built once; tests copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as s:
        load_demo(s, generate(end=DEMO_END), "demo")  # what `make run` shows
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path) -> Store:
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    s = Store(copy)
    yield s
    s.close()


def snapshot_count(store: Store) -> int:
    return store.df_sql("select count(*) as n from snapshots")["n"][0]


def table_state(store: Store) -> tuple:
    """Everything an import could touch, to compare before and after a rejected file."""
    with store.reading() as cur:
        return tuple(
            cur.run_filled("rows_counted", table=t).fetchone()[0]
            for t in ("snapshots", "activity", "reps", "teams", "imports", "snapshot_history")
        )


def after_query(monkeypatch, query: str, sql: str | None = None) -> None:
    """A faulty importer: every run of ``query`` is followed on its cursor by ``sql``, or
    by ``query`` once more when no SQL is given (a write made twice)."""
    from dashboard.store import Cursor

    real_run = Cursor.run

    def run_then(self, name, params=None):
        result = real_run(self, name, params)
        if name == query:
            if sql is None:
                real_run(self, name, params)
            else:
                self.execute(sql)
        return result

    monkeypatch.setattr(Cursor, "run", run_then)


def write_twice(monkeypatch, query: str = "insert_activity") -> None:
    """A faulty importer: every import runs one of its writes (``query``) twice."""
    after_query(monkeypatch, query)


def as_admin(email: str) -> Viewer:
    """An admin signed in as ``email``: who the audit names for a change made in a test."""
    return Viewer(email, "admin")


@pytest.fixture
def demo_org(demo_store) -> dict:
    """The demo with one user of each role: an admin, a manager of Mid-Market, a viewer, a
    rep of Mid-Market and a rep of another team."""
    from dashboard.access import OWNER
    from dashboard.users import add_user
    from dashboard.views import team_review as tr

    board = tr.team_review(demo_store, [], None, 90, OWNER).board
    mid = board[board["team"] == "Mid-Market"].iloc[0]
    other = board[board["team"] != "Mid-Market"].iloc[0]
    add_user(demo_store, "admin@example.com", "admin", by=OWNER)
    add_user(demo_store, "boss@example.com", "manager", by=OWNER, teams=["Mid-Market"])
    add_user(demo_store, "look@example.com", "viewer", by=OWNER)
    add_user(demo_store, "me@example.com", "rep", by=OWNER, rep_email=mid["rep"])
    add_user(demo_store, "them@example.com", "rep", by=OWNER, rep_email=other["rep"])
    return {"store": demo_store, "board": board, "mid": mid, "other": other}
