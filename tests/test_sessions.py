"""Signed sessions: what a cookie may and may not open."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard import sessions, users
from dashboard.access import OWNER
from dashboard.views.sign_in_form import back_to, form_html, safe_next

PASSWORD = "correct horse battery"


def test_a_session_opens_until_it_expires_is_ended_or_its_user_goes(store, monkeypatch):
    users.add_user(store, "boss@example.com", "admin", by=OWNER, password=PASSWORD)
    now = datetime(2026, 11, 23, 9, 0)
    token, seconds = sessions.issue(store, "boss@example.com", now)
    assert seconds == 12 * 3600
    assert sessions.signed_in(store, token, now + timedelta(hours=11))[0] == "boss@example.com"
    assert sessions.signed_in(store, token, now + timedelta(hours=12, seconds=1)) is None
    body, _, signature = token.rpartition(".")
    assert sessions.signed_in(store, body + "." + "0" * len(signature), now) is None  # forged
    assert sessions.signed_in(store, "x" * 5000, now) is None
    assert sessions.signed_in(store, None, now) is None
    sessions.end_sessions(store, "boss@example.com", now + timedelta(minutes=5))  # sign-out
    assert sessions.signed_in(store, token, now + timedelta(minutes=6)) is None
    later, _ = sessions.issue(store, "boss@example.com", now + timedelta(minutes=7))
    assert sessions.signed_in(store, later, now + timedelta(minutes=8)) is not None
    users.add_user(store, "two@example.com", "admin", by=OWNER, password=PASSWORD)
    users.remove_user(store, "boss@example.com", by=OWNER)
    assert sessions.signed_in(store, later, now + timedelta(minutes=8)) is None  # removed
    monkeypatch.setenv(sessions.HOURS_ENV, "1")
    assert sessions.issue(store, "two@example.com", now)[1] == 3600


def test_a_new_password_ends_the_sessions_before_it(store):
    users.add_user(store, "boss@example.com", "admin", by=OWNER, password=PASSWORD)
    token, _ = sessions.issue(store, "boss@example.com", datetime.now() - timedelta(minutes=1))
    assert sessions.signed_in(store, token) is not None
    users.set_password(store, "boss@example.com", "a brand new password", by=OWNER)
    assert sessions.signed_in(store, token) is None


def test_after_sign_in_only_a_path_of_this_site():
    assert safe_next("/activity?team=East") == "/activity?team=East"
    for foreign in ("https://evil.example", "//evil.example/x", "/\\evil.example", "", None,
                    "javascript:alert(1)", "/x\nSet-Cookie: a=b"):  # fmt: skip
        assert safe_next(foreign) == "/"
    assert back_to("/activity", {"team": ["East", "West"]}) == "/activity?team=East&team=West"
    page = form_html('/x"><script>alert(1)</script>', email='"><b>')
    assert "<script>" not in page and "<b>" not in page and "&quot;&gt;&lt;b&gt;" in page
