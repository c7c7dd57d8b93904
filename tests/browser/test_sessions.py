"""Signing in as a person does: a link to any page with its filters survives the sign-in,
the session holds across reloads and tabs, and signing out ends it in every tab."""

from __future__ import annotations

import shutil
import time

import pytest

from dashboard import users
from dashboard.access import OWNER
from dashboard.notify.settings import settings_of, unsubscribe_token
from dashboard.store import Store
from tests.browser.conftest import screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def signed(demo_db, tmp_path_factory):
    """A server of a store with one admin: its address and the store's path."""
    store = tmp_path_factory.mktemp("signed") / "signed.duckdb"
    shutil.copy(demo_db, store)
    with Store(store) as s:
        users.add_user(s, "admin@example.com", "admin", by=OWNER, password=PASSWORD)
    with streamlit_server(store, tmp_path_factory.mktemp("log") / "signed.log") as url:
        yield url, store


@pytest.fixture(scope="module")
def signed_server(signed):
    return signed[0]


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


def sign_in(context, server: str, path: str):
    page = context.new_page()
    page.goto(f"{server}/{path}")
    wait_idle(page)
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/{path}*")
    wait_idle(page)
    return page


@pytest.mark.parametrize("width", [1440, 390])
def test_my_notifications_saves_and_the_link_unsubscribes_without_signing_in(
    signed, chromium, width
):
    server, path = signed
    context = chromium.new_context(viewport={"width": width, "height": 1000})
    page = sign_in(context, server, "notifications")
    assert page.locator("h1").first.inner_text() == "My notifications"
    screenshot(page, f"notifications_{width}")
    page.get_by_role("button", name="Save").click()
    wait_idle(page)
    assert "Saved." in page.locator(MAIN).inner_text()
    context.close()
    with Store(path) as store:
        token = unsubscribe_token(store, "admin@example.com")
    stranger = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
    stranger.goto(f"{server}/unsubscribe?token=not-{token}")
    wait_idle(stranger)
    assert "not one we know" in stranger.locator(MAIN).inner_text()
    stranger.goto(f"{server}/unsubscribe?token={token}")
    wait_idle(stranger)
    assert "admin@example.com will get no more digests or alerts" in stranger.locator(
        MAIN).inner_text()  # fmt: skip
    screenshot(stranger, f"unsubscribe_{width}")
    stranger.context.close()
    with Store(path) as store:
        assert not settings_of(store, "admin@example.com").digest
