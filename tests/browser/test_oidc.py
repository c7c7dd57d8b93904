"""The real OIDC round trip: a local OpenID provider (oidc-provider-mock) on loopback, two
Streamlit replicas with the same cookie_secret, Chromium clicking through the sign-in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import users
from dashboard.access import OWNER
from dashboard.display import score
from dashboard.scoring import leaderboard
from dashboard.store import Store
from dashboard.views.team_review import team_review
from tests.browser.conftest import ROOT, _free_port, screenshot, wait_for_http, wait_idle
from tests.reaper import kill_when_gone, stopped

pytestmark = pytest.mark.browser  # Chromium, a provider and two dashboards: not make check

COOKIE_SECRET = "a-test-cookie-secret-shared-by-both-replicas"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(port),
             "--user", "manager@example.com", "--user", "stranger@example.com",
             "--user", "viewer@example.com"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    watcher = kill_when_gone(proc)
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/.well-known/openid-configuration", proc, log)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    stopped(watcher)


class Replica:
    """One Streamlit process of the dashboard at a public address (port), with the
    deployment's secrets. Replicas behind one load balancer share the address and the
    cookie secret: Streamlit's sign-in cookie names the origin it was issued for."""

    def __init__(self, folder: Path, name: str, port: int, provider: str, store: Path):
        cwd = folder / name
        (cwd / ".streamlit").mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", cwd / ".streamlit" / "config.toml")
        (cwd / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            'client_id = "ssi-dashboard"\nclient_secret = "not-a-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        )
        self.log = folder / f"{name}.log"
        self._out = open(self.log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.web.serve", "--port", str(port), "--address", "127.0.0.1"],
            cwd=cwd, env={**os.environ, "SSI_DASHBOARD_DB": str(store)},
            stdout=self._out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._watcher = kill_when_gone(self.proc)
        self.url = f"http://localhost:{port}"
        wait_for_http(f"{self.url}/_stcore/health", self.proc, self.log)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        stopped(self._watcher)
        self._out.close()


@pytest.fixture(scope="module")
def deployment(demo_db, provider, tmp_path_factory):
    """A store with an admin and a manager of one team, and the figures the manager's
    team review must show."""
    folder = tmp_path_factory.mktemp("deployment")
    store_path = folder / "shared.duckdb"
    shutil.copy(demo_db, store_path)
    with Store(store_path) as store:
        team = sorted(leaderboard(store)["team"].unique())[0]
        users.add_user(store, "admin@example.com", "admin", by=OWNER, password="x" * 12)
        users.add_user(store, "manager@example.com", "manager", by=OWNER, teams=[team])
        users.add_user(store, "viewer@example.com", "viewer", by=OWNER)
        manager = users.viewer_for(store, "manager@example.com")
        everyone = team_review(store, [], None, 90).kpis.average_ssi
        theirs = team_review(store, [team], None, 90, manager).kpis.average_ssi
    return {"folder": folder, "store": store_path, "provider": provider,
            "average": score(theirs), "company": score(everyone)}  # fmt: skip


@contextmanager
def replica_page(chromium, d: dict, name: str):
    """A new replica of the deployment and a new browser page; both closed afterwards."""
    replica = Replica(d["folder"], name, _free_port(), d["provider"], d["store"])
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(45_000)
    try:
        yield replica, page
    finally:
        replica.stop()
        context.close()


def _sign_in_through_provider(page, url: str, who: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_role("button", name="Sign in with your company account").click()
    page.get_by_role("button", name=who).click()  # the provider's predefined user
    page.wait_for_url(f"{url}/**")
    wait_idle(page)


def test_oidc_sign_in_on_one_replica_is_kept_by_another_at_the_same_address(chromium, deployment):
    d = deployment
    port = _free_port()
    a = Replica(d["folder"], "a", port, d["provider"], d["store"])
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(45_000)
    try:
        _sign_in_through_provider(page, a.url, "manager@example.com")
        page.get_by_role("heading", name="Team review").wait_for()
        assert page.get_by_text("Signed in as manager@example.com (manager)").count() == 1
        # The average SSI is the managed team's, not the company's.
        shown = page.get_by_test_id("stMetricValue").first.inner_text()
        assert shown == d["average"] != d["company"]
        screenshot(page, "oidc_manager")
    finally:
        a.stop()
    # Another process takes over the address (a second replica behind the load balancer,
    # or a restart): the same cookie secret keeps the person signed in, no new sign-in.
    b = Replica(d["folder"], "b", port, d["provider"], d["store"])
    try:
        page.goto(b.url)
        wait_idle(page)
        page.get_by_role("heading", name="Team review").wait_for()
        assert page.get_by_text("Signed in as manager@example.com (manager)").count() == 1
        assert page.get_by_test_id("stMetricValue").first.inner_text() == d["average"]
    finally:
        b.stop()
        context.close()


def test_an_oidc_user_who_is_not_a_dashboard_user_is_told_to_ask_an_admin(chromium, deployment):
    with replica_page(chromium, deployment, "c") as (replica, page):
        for width in (1440, 390):  # the sign-in page itself, before anyone signs in
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(replica.url)
            wait_idle(page)
            page.get_by_role("button", name="Sign in with your company account").wait_for()
            screenshot(page, f"sign_in_{width}")
        page.set_viewport_size({"width": 1440, "height": 1100})
        _sign_in_through_provider(page, replica.url, "stranger@example.com")
        page.get_by_text("Ask your admin").wait_for()
        assert page.get_by_text("stranger@example.com").count() == 1
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        screenshot(page, "oidc_stranger")


def test_a_viewer_sees_company_figures_and_no_person(chromium, deployment):
    d = deployment
    with replica_page(chromium, d, "v") as (replica, page):
        _sign_in_through_provider(page, replica.url, "viewer@example.com")
        page.get_by_role("heading", name="Team review").wait_for()
        page.get_by_text("Company figures only").wait_for()
        assert page.get_by_test_id("stMetricValue").first.inner_text() == d["company"]
        assert page.get_by_role("heading", name="Leaderboard").count() == 0
        assert page.locator('[data-testid="stDataFrame"]').count() == 1  # teams compared only
        screenshot(page, "oidc_viewer")
