"""A digest as a mail client shows it: its HTML part in Chromium at a desktop's and a phone's
width, with nothing wider than the screen, and screenshots to look at."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from dashboard.access import OWNER
from dashboard.notify.send import send_digests
from dashboard.store import Store
from dashboard.users import add_user
from dashboard.views import team_review as tr
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_the_digest_reads_at_phone_width(chromium, demo_db, tmp_path, role):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    with Store(copy) as store:
        board = tr.team_review(store, [], None, 90, OWNER).board
        add_user(store, "admin@example.com", "admin", by=OWNER)
        mid = board[board["team"] == "Mid-Market"].iloc[0]
        extra = {"teams": ["Mid-Market"]} if role == "manager" else {"rep_email": mid["rep"]}
        add_user(store, "reader@example.com", role, by=OWNER, **extra)
        send_digests(store, datetime(2026, 11, 23, 9, tzinfo=UTC), to="reader@example.com",
                     out=tmp_path / "out")  # fmt: skip
    mail = message_from_bytes((tmp_path / "out" / "reader_at_example.com.eml").read_bytes(),
                              policy=policy.default)  # fmt: skip
    html = mail.get_body(("html",)).get_content()
    for width in (1440, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_content(html)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert "Open the page" in page.inner_text("body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"digest_{role}_{width}.png"), full_page=True)
        context.close()
