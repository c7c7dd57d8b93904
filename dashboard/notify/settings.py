"""What each user is sent and how: the weekly digest's day and hour, the channel (e-mail, or
a Slack or Microsoft Teams incoming webhook), which alerts; and the unsubscribe link's token.

A user who never chose gets the defaults of ``scoring.toml``'s ``[digest]``: the digest on
Monday morning by e-mail, and every alert. Changes are audited; a webhook address is a
secret (it lets anyone post to the channel) and is never shown back whole.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from dashboard.access import Viewer
from dashboard.errors import DashboardError, NotFoundError
from dashboard.scoring.config import load_config
from dashboard.store import Cursor, Store
from dashboard.users import audit, get_account

CHANNELS = ("email", "slack", "teams")
ALERT_KINDS = {
    "ssi_drop": "an SSI drop",
    "pillar_floor": "a pillar under the floor",
    "no_reading": "no reading for a while",
    "goal_behind": "a goal falling behind",
    "import_problem": "an import that failed or is late",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEBHOOK_HOSTS = {"slack": ("hooks.slack.com",),
                 "teams": (".webhook.office.com", ".logic.azure.com", ".powerplatform.com")}  # fmt: skip


@dataclass(frozen=True)
class Notifications:
    """One user's choices."""

    email: str
    digest: bool
    weekday: int
    hour: int
    channel: str
    webhook: str | None
    alerts: tuple[str, ...]

    @property
    def when(self) -> str:
        return f"{WEEKDAYS[self.weekday]}s at {self.hour:02d}:00 UTC"

    @property
    def webhook_shown(self) -> str:
        """The webhook as a page may show it: its host, never its secret path."""
        return "" if not self.webhook else f"{urlsplit(self.webhook).hostname}/…"


def defaults(email: str) -> Notifications:
    d = load_config().digest
    return Notifications(email, True, d.weekday, d.hour, "email", None, tuple(ALERT_KINDS))


def _from_row(row) -> Notifications:
    if row.digest is None:
        return defaults(row.email)
    return Notifications(row.email, bool(row.digest), int(row.weekday), int(row.hour),
                         row.channel, row.webhook, tuple(json.loads(row.alerts)))  # fmt: skip


def every_user(store: Store) -> list[Notifications]:
    return [_from_row(r) for r in store.rows("notification_users")]


def settings_of(store: Store, email: str) -> Notifications:
    rows = store.rows("notification_settings_of", {"email": email})
    return _from_row(rows[0]) if rows else defaults(email.strip().lower())


def may_change(viewer: Viewer, email: str) -> bool:
    """A user changes their own; an admin anyone's (on the Users page)."""
    return viewer.email == email.strip().lower() or viewer.may("users")


def save(store: Store, viewer: Viewer, chosen: Notifications) -> Notifications:
    """Keep ``chosen`` for its user, checked, and audited in the same transaction."""
    if not may_change(viewer, chosen.email):
        raise NotFoundError("no user you may change is called that")
    if get_account(store, chosen.email) is None:
        raise NotFoundError(f"{chosen.email} is not a user of this dashboard")
    checked = check(chosen)
    with store.transaction() as cur:
        _write(cur, checked)
        audit(cur, viewer.email, "notifications changed", describe(checked))
    return checked


def _write(cur: Cursor, n: Notifications) -> None:
    cur.run("save_notification_settings", {
        "email": n.email, "digest": n.digest, "weekday": n.weekday, "hour": n.hour,
        "channel": n.channel, "webhook": n.webhook, "alerts": json.dumps(list(n.alerts))})  # fmt: skip


def check(chosen: Notifications) -> Notifications:
    """``chosen`` if it can be kept, else an error that says what is expected."""
    if chosen.channel not in CHANNELS:
        raise DashboardError(f"channel {chosen.channel!r}: expected one of {', '.join(CHANNELS)}")
    if not 0 <= chosen.weekday <= 6:
        raise DashboardError(f"weekday {chosen.weekday}: expected 0 (Monday) to 6 (Sunday)")
    if not 0 <= chosen.hour <= 23:
        raise DashboardError(f"hour {chosen.hour}: expected 0 to 23 (UTC)")
    unknown = [a for a in chosen.alerts if a not in ALERT_KINDS]
    if unknown:
        raise DashboardError(f"alert kind(s) {', '.join(unknown)}: expected any of "
                             f"{', '.join(ALERT_KINDS)}")  # fmt: skip
    webhook = (chosen.webhook or "").strip() or None
    if chosen.channel == "email":
        webhook = None
    elif webhook is None:
        raise DashboardError(f"a {chosen.channel} channel needs its incoming webhook address")
    else:
        check_webhook(chosen.channel, webhook)
    return replace(chosen, webhook=webhook, alerts=tuple(dict.fromkeys(chosen.alerts)))


def check_webhook(channel: str, address: str) -> None:
    """An https address of the channel's own service (a local http:// one is allowed for
    tests and self-hosted relays on this machine)."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    local = parts.scheme == "http" and host in ("127.0.0.1", "localhost", "::1")
    known = parts.scheme == "https" and any(
        host == h or (h.startswith(".") and host.endswith(h)) for h in WEBHOOK_HOSTS[channel]
    )
    if not (local or known):
        raise DashboardError(f"that is not a {channel} incoming webhook address; expected "
                             f"https://{WEBHOOK_HOSTS[channel][0].lstrip('.')}/…")  # fmt: skip


def describe(n: Notifications) -> str:
    """The settings in words, for the audit and the pages (a webhook by its host only)."""
    digest = f"digest {n.when}" if n.digest else "no digest"
    via = n.channel if n.channel == "email" else f"{n.channel} ({n.webhook_shown})"
    alerts = ", ".join(n.alerts) or "no alerts"
    return f"{n.email}: {digest}, by {via}; alerts: {alerts}"


def unsubscribe_token(store: Store, email: str) -> str:
    """The token of ``email``'s unsubscribe links, made on first need."""
    return unsubscribe_tokens(store, [email])[email]


UNMADE_TOKEN = "made-when-sent"  # what a dry run shows for a token it may not write


def unsubscribe_tokens(store: Store, emails: list[str], make: bool = True) -> dict[str, str]:
    """Each of ``emails``' unsubscribe token; the missing ones made in one write (without
    ``make``, a dry run's: written nowhere, shown as ``UNMADE_TOKEN``)."""
    held = {r.email: r.token for r in store.rows("unsubscribe_tokens")}
    missing = {e: secrets.token_urlsafe(24) if make else UNMADE_TOKEN
               for e in emails if e not in held}  # fmt: skip
    if missing and make:
        with store.transaction() as cur:
            for email, token in missing.items():
                cur.run("add_unsubscribe_token", {"token": token, "email": email})
    return {e: held.get(e) or missing[e] for e in emails}


def unsubscribe(store: Store, token: str) -> str | None:
    """Turn off the digest and every alert of the user whose link holds ``token``; their
    e-mail, or None for a token that is no one's (the same page either way)."""
    email = store.scalar("email_of_unsubscribe_token", {"token": (token or "")[:100]})
    if not email:
        return None
    quiet = replace(settings_of(store, email), digest=False, alerts=())
    with store.transaction() as cur:
        _write(cur, quiet)
        audit(cur, str(email), "unsubscribed", "from the link in a message")
    return str(email)
