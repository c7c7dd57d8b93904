"""A real Streamlit server and Debian's Chromium, driven by Playwright.

The server starts headless on a free port with its own copy of the demo store; tests wait
for /_stcore/health and then for the app to be idle, as Streamlit's own browser tests do.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.reaper import kill_when_gone, stopped

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "screenshots"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: object) -> None:
    """Until ``url`` answers 200; a process that exits or 90 s without an answer fail."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{url} did not come up; see {log}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("SSI_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is required here (SSI_REQUIRE_BROWSER) but /usr/bin/chromium is missing"
            )
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def streamlit_server(store: str | Path, log_path: Path) -> Iterator[str]:
    """The dashboard on a free port, serving ``store`` (a file or a postgresql:// address);
    its address, once it answers."""
    port = _free_port()
    env = {**os.environ, "SSI_DASHBOARD_DB": str(store)}
    log = open(log_path, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.web.serve", "--port", str(port), "--address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    watcher = kill_when_gone(proc)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", proc, log.name)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        stopped(watcher)
        log.close()


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    store = tmp_path_factory.mktemp("server") / "served.duckdb"
    shutil.copy(demo_db, store)
    with streamlit_server(store, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    p = context.new_page()
    p.set_default_timeout(45_000)
    yield p
    context.close()


def wait_idle(page) -> None:
    """The script has finished and no element is still marked stale."""
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(600)
    page.wait_for_selector(IDLE)


def screenshot(page, name: str) -> Path:
    """A full-page picture at the page's current width, in artifacts/screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], section.main, '
        '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight), 900)'
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(1200)  # charts re-lay out at the new size
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
