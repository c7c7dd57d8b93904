"""Fixtures: a fresh store per test, files written the way exports write them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.demo import generate, load_demo
from dashboard.ingest import ImportOptions, import_file
from dashboard.store import Store

DEMO_END = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch):
    """Keep a developer's own store and scoring overrides out of every test."""
    monkeypatch.delenv("SSI_DASHBOARD_DB", raising=False)
    monkeypatch.delenv("SSI_SCORING_CONFIG", raising=False)


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "test.duckdb")
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
    return tuple(
        store.df_sql(f"select count(*) as n from {t}")["n"][0]
        for t in ("snapshots", "activity", "reps", "teams", "imports", "snapshot_history")
    )
