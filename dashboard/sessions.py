"""Signed sessions: a signed-in person stays signed in across reloads and tabs.

A session is a cookie holding the user's e-mail, when it was issued and until when it
holds, signed with HMAC-SHA256 under a key the store keeps (settings: session_key, made
at its first use, so every process and machine serving one store accepts the same
cookies). It is refused once expired, once the user is removed, and once it was issued
before the user's ``sessions_from`` (sign-out everywhere, a new password).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import datetime

from dashboard.store import Store

SESSION_COOKIE = "ssi_session"
HOURS_ENV = "SSI_SESSION_HOURS"
DEFAULT_HOURS = 12.0


def session_hours() -> float:
    """How long a session holds ($SSI_SESSION_HOURS, default 12: a working day)."""
    try:
        return max(0.05, float(os.environ.get(HOURS_ENV, DEFAULT_HOURS)))
    except ValueError:
        return DEFAULT_HOURS


def _key(store: Store) -> bytes:
    key = store.scalar("session_key")
    if key is None:
        with store.transaction() as cur:
            cur.run("make_session_key", {"key": secrets.token_hex(32)})
        key = store.scalar("session_key")
    return bytes.fromhex(str(key))


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def issue(store: Store, email: str, now: datetime | None = None) -> tuple[str, int]:
    """A session for ``email``: the cookie's value, and how many seconds it holds."""
    now = now or datetime.now()
    seconds = int(session_hours() * 3600)
    issued = int(now.timestamp() * 1000)  # milliseconds: a sign-out just after still ends it
    body = f"{email}|{issued}|{issued + seconds * 1000}"
    encoded = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{encoded}.{_sign(_key(store), body)}", seconds


def signed_in(
    store: Store, token: str | None, now: datetime | None = None
) -> tuple[str, datetime] | None:
    """The e-mail a cookie signs in and when it was issued, or None: a forged, expired or
    ended session, or a user no longer here."""
    if not token or "." not in token or len(token) > 2048:
        return None
    encoded, _, signature = token.rpartition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        email, issued, expires = body.rsplit("|", 2)
        issued_at = datetime.fromtimestamp(int(issued) / 1000)
        expires_at = datetime.fromtimestamp(int(expires) / 1000)
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(signature, _sign(_key(store), body)):
        return None
    now = now or datetime.now()
    if expires_at <= now or not still_valid(store, email, issued_at):
        return None
    return email, issued_at


def still_valid(store: Store, email: str, issued_at: datetime) -> bool:
    """Whether a session of ``email`` issued at ``issued_at`` still holds: the user exists
    and has not signed out everywhere (nor had a new password) since."""
    rows = store.rows("user_by_email", {"email": email})
    if not rows:
        return False
    ended = rows[0].sessions_from
    return ended is None or issued_at >= ended


def end_sessions(store: Store, email: str, now: datetime | None = None) -> None:
    """Every session of ``email`` ends, in every tab and browser (sign-out)."""
    with store.transaction() as cur:
        cur.run("end_sessions", {"email": email, "now": now or datetime.now()})
