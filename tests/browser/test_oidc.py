"""The real OIDC round trip: a local OpenID provider (oidc-provider-mock) on loopback, two
Streamlit replicas with the same cookie_secret, Chromium clicking through the sign-in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import users
from dashboard.scoring import leaderboard
from dashboard.store import Store
from tests.browser.conftest import ROOT, _free_port, screenshot, wait_idle

COOKIE_SECRET = "a-test-cookie-secret-shared-by-both-replicas"


def _wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
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


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(port),
             "--user", "manager@example.com", "--user", "stranger@example.com"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_for(f"{url}/.well-known/openid-configuration", proc, log)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def replicas(demo_db, provider, tmp_path_factory):
    """Two Streamlit processes on one store, each with its own redirect URI and the same
    cookie secret, as behind a load balancer."""
    folder = tmp_path_factory.mktemp("replicas")
    store_path = folder / "shared.duckdb"
    shutil.copy(demo_db, store_path)
    with Store(store_path) as store:
        team = sorted(leaderboard(store)["team"].unique())[0]
        users.add_user(store, "admin@example.com", "admin", actor="test", password="x" * 12)
        users.add_user(store, "manager@example.com", "manager", actor="test", teams=[team])
    procs, urls = [], []
    for name in ("a", "b"):
        port = _free_port()
        cwd = folder / name / ".streamlit"
        cwd.mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", cwd / "config.toml")
        (cwd / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            'client_id = "ssi-dashboard"\nclient_secret = "not-a-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        )
        log = folder / f"{name}.log"
        out = open(log, "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
             "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1"],
            cwd=cwd.parent, env={**os.environ, "SSI_DASHBOARD_DB": str(store_path)},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://localhost:{port}"
        _wait_for(f"{url}/_stcore/health", proc, log)
        procs.append((proc, out))
        urls.append(url)
    yield {"urls": urls, "team": team}
    for proc, out in procs:
        proc.terminate()
        proc.wait(timeout=20)
        out.close()


def _sign_in_through_provider(page, url: str, who: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_role("button", name="Sign in with your company account").click()
    page.get_by_role("button", name=who).click()  # the provider's predefined user
    page.wait_for_url(f"{url}/**")
    wait_idle(page)


def test_oidc_sign_in_on_one_replica_is_seen_by_the_other(chromium, replicas):
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(45_000)
    a, b = replicas["urls"]
    _sign_in_through_provider(page, a, "manager@example.com")
    page.get_by_role("heading", name="Team review").wait_for()
    assert page.get_by_text("Signed in as manager@example.com (manager)").count() == 1
    teams = page.get_by_test_id("stMultiSelect").inner_text()
    assert "All your teams" in teams
    screenshot(page, "oidc_manager_replica_a")
    # Replica B shares the cookie secret: the same browser is signed in there too.
    page.goto(b)
    wait_idle(page)
    page.get_by_role("heading", name="Team review").wait_for()
    assert page.get_by_text("Signed in as manager@example.com (manager)").count() == 1
    context.close()


def test_an_oidc_user_who_is_not_a_dashboard_user_is_told_to_ask_an_admin(chromium, replicas):
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(45_000)
    a, _ = replicas["urls"]
    _sign_in_through_provider(page, a, "stranger@example.com")
    page.get_by_text("Ask your admin").wait_for()
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    screenshot(page, "oidc_stranger")
    context.close()
