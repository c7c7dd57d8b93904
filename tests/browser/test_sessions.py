"""Signing in as a person does: a link to any page with its filters survives the sign-in,
the session holds across reloads and tabs, and signing out ends it in every tab."""

from __future__ import annotations

import shutil
import time

import pytest

from dashboard import users
from dashboard.access import OWNER
from dashboard.store import Store
from tests.browser.conftest import screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def signed_server(demo_db, tmp_path_factory):
    store = tmp_path_factory.mktemp("signed") / "signed.duckdb"
    shutil.copy(demo_db, store)
    with Store(store) as s:
        users.add_user(s, "admin@example.com", "admin", by=OWNER, password=PASSWORD)
    with streamlit_server(store, tmp_path_factory.mktemp("log") / "signed.log") as url:
        yield url


def test_a_deep_link_survives_sign_in_and_the_session_holds_across_tabs(signed_server, chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(f"{signed_server}/activity?period=30+days")
    wait_idle(page)
    assert "Page not found" not in page.locator(MAIN).inner_text()
    assert page.locator("form.ssi-sign-in").count() == 1
    screenshot(page, "sign_in_1440")
    page.fill("#email", "nobody@example.com")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".error").inner_text() == "wrong e-mail or password"
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    started = time.perf_counter()
    page.click("button[type=submit]")
    page.wait_for_url("**/activity?*period=30+days*")
    wait_idle(page)
    took = time.perf_counter() - started
    assert page.locator("h1").first.inner_text() == "Activity", took
    cookie = next(c for c in context.cookies() if c["name"] == "ssi_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == "Activity"  # still signed in
    other = context.new_page()
    other.goto(f"{signed_server}/upload")
    wait_idle(other)
    assert other.locator("h1").first.inner_text() == "Upload"  # a new tab too
    other.get_by_role("button", name="Sign out").click()
    wait_idle(other)
    assert other.locator("form.ssi-sign-in").count() == 1
    page.reload()
    wait_idle(page)
    assert page.locator("form.ssi-sign-in").count() == 1  # ended in every tab
    context.close()


def test_the_sign_in_form_on_a_phone_and_a_foreign_next_goes_home(signed_server, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{signed_server}/_ssi/sign-in?next=https://evil.example/x")
    screenshot(page, "sign_in_form_390")
    assert page.locator("input[name=next]").get_attribute("value") == "/"
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{signed_server}/")
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == "Team review"
    context.close()
