"""Sending what is due: each subscribed user's weekly digest once per ISO week, and any
message that failed before, as it was made. Every message is kept (``deliveries``) before
it is handed over, so a failure never loses it; each attempt's outcome is audited."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from dashboard.errors import DashboardError
from dashboard.notify import message as msg
from dashboard.notify.digest import digest_for
from dashboard.notify.settings import Notifications, every_user, settings_of, unsubscribe_token
from dashboard.notify.transport import (
    DeliveryError,
    SmtpServer,
    post_webhook,
    send_mail,
    smtp_server,
    with_retries,
)
from dashboard.scoring.config import load_config
from dashboard.scoring.leaderboard import default_as_of
from dashboard.store import Store
from dashboard.users import record, viewer_for

PUBLIC_URL_VAR = "SSI_PUBLIC_URL"
ROBOT = "notifications"  # the audit's actor for what the scheduler does


@dataclass(frozen=True)
class Outcome:
    email: str
    status: str  # sent | failed | written | skipped
    detail: str
    delivery_id: int | None = None  # the message kept, when one was made


def public_url() -> str:
    """Where links in messages point: ``SSI_PUBLIC_URL``, else the local dashboard."""
    return os.environ.get(PUBLIC_URL_VAR, "http://localhost:8501").rstrip("/")


def week_of(moment: datetime) -> str:
    iso = moment.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def is_due(chosen: Notifications, now: datetime) -> bool:
    """Whether this week's digest is due: its weekday and hour have come this week."""
    return chosen.digest and (now.weekday(), now.hour) >= (chosen.weekday, chosen.hour)


def send_digests(
    store: Store, now: datetime | None = None, to: str | None = None, out: Path | None = None,
    sleep: Callable[[float], None] | None = None,
) -> list[Outcome]:  # fmt: skip
    """Every digest due at ``now`` (only ``to``'s, due or not, when given), each once per ISO
    week; with ``out``, the messages and PDFs are written there and nothing is sent or kept."""
    now = now or datetime.now(UTC)
    as_of = default_as_of(store)
    if as_of is None:
        raise DashboardError("the store has no readings yet: no digest to send")
    wanted = [settings_of(store, to)] if to else every_user(store)
    server = None if out else _server_for(wanted)
    outcomes = [] if out else resend_failed(store, server, sleep)
    period = week_of(now)
    pdfs: dict[tuple, bytes] = {}  # team reviews' PDFs by scope, made once in this run
    for chosen in wanted:
        viewer = viewer_for(store, chosen.email)
        if viewer is None:
            outcomes.append(Outcome(chosen.email, "skipped", "not a user of this dashboard"))
            continue
        if not chosen.digest:
            outcomes.append(Outcome(chosen.email, "skipped", "has turned the digest off"))
            continue
        if to is None and not is_due(chosen, now):
            outcomes.append(Outcome(chosen.email, "skipped", f"due {chosen.when}"))
            continue
        held = store.rows("delivery_of", {"email": chosen.email, "kind": "digest",
                                          "period": period})  # fmt: skip
        if held and not out:
            outcomes.append(Outcome(chosen.email, "skipped", f"this week's ({period}) was "
                                    f"{'sent' if held[0].status == 'sent' else 'tried'} already"))  # fmt: skip
            continue
        since = store.scalar("last_digest_day", {"email": chosen.email})
        digest = digest_for(store, viewer, as_of, since, public_url(), now, pdfs)
        link = f"{public_url()}/unsubscribe?token={unsubscribe_token(store, chosen.email)}"
        mail = msg.digest_mail(digest, server.sender if server else "SSI dashboard", link)
        if out:
            outcomes.append(_written(out, chosen, mail, digest.pdf_name, digest.pdf))
            continue
        body = body_of(chosen, mail, msg.digest_text(digest, link))
        outcomes.append(deliver(store, server, chosen, "digest", period, as_of, digest.subject,
                                 body, sleep))  # fmt: skip
    return outcomes


def _server_for(wanted: list[Notifications]) -> SmtpServer | None:
    server = smtp_server()
    if server is None and any(n.channel == "email" and n.digest for n in wanted):
        raise DashboardError("no mail server: set SSI_SMTP_URL (smtp://user:password@host:587), "
                             "or give --dry-run --out DIR to write the messages instead")  # fmt: skip
    return server


def body_of(chosen: Notifications, mail: EmailMessage, text: str) -> str:
    """What is kept and sent: the e-mail (7-bit text: its parts are encoded), or the
    webhook's JSON."""
    if chosen.channel == "email":
        return mail.as_string(policy=policy.SMTP)
    return json.dumps(msg.webhook_payload(chosen.channel, text))


def _written(
    out: Path, chosen: Notifications, mail: EmailMessage, pdf_name: str, pdf: bytes
) -> Outcome:
    out.mkdir(parents=True, exist_ok=True)
    stem = chosen.email.replace("@", "_at_")
    (out / f"{stem}.eml").write_bytes(mail.as_bytes(policy=policy.SMTP))
    (out / f"{stem}_{pdf_name}").write_bytes(pdf)
    return Outcome(chosen.email, "written", f"{stem}.eml and {stem}_{pdf_name} in {out}")


def deliver(
    store: Store, server: SmtpServer | None, chosen: Notifications, kind: str, period: str,
    as_of: date | None, subject: str, body: str, sleep: Callable[[float], None] | None,
) -> Outcome:  # fmt: skip
    """Keep a new message (as failed, not tried yet), then hand it over."""
    with store.transaction() as cur:
        delivery_id = cur.run("add_delivery", {
            "email": chosen.email, "kind": kind, "period": period, "as_of": as_of,
            "channel": chosen.channel, "subject": subject, "message": body, "status": "failed",
            "attempts": 0, "last_error": "not tried yet", "sent_at": None}).fetchone()[0]  # fmt: skip
    return _try(store, server, delivery_id, chosen.email, kind, chosen.channel, body,
                chosen.webhook, sleep)  # fmt: skip


def _try(
    store: Store, server: SmtpServer | None, delivery_id: int, email: str, kind: str,
    channel: str, body: str, webhook: str | None, sleep: Callable[[float], None] | None,
) -> Outcome:  # fmt: skip
    rules = load_config().digest

    def hand_over() -> None:
        if channel == "email":
            if server is None:
                raise DeliveryError("no mail server (SSI_SMTP_URL is not set)")
            send_mail(server, message_from_string(body, policy=policy.SMTP))
        else:
            post_webhook(webhook or "", json.loads(body))

    kwargs = {"sleep": sleep} if sleep else {}
    ok, attempts, error = with_retries(hand_over, rules.retries, rules.retry_seconds, **kwargs)
    with store.transaction() as cur:
        cur.run("delivery_tried", {"delivery_id": delivery_id, "status": "sent" if ok else "failed",
                                   "attempts": attempts, "last_error": error,
                                   "sent_at": datetime.now(UTC) if ok else None})  # fmt: skip
    words = f"{kind} #{delivery_id} to {email} by {channel}"
    if ok:
        record(store, ROBOT, f"{kind} sent", f"{words}, attempt(s): {attempts}")
        return Outcome(email, "sent", words, delivery_id)
    record(store, ROBOT, f"{kind} failed", f"{words}: {error} (kept; sent again next run)")
    return Outcome(email, "failed", f"{words}: {error}", delivery_id)


def resend_failed(
    store: Store, server: SmtpServer | None, sleep: Callable[[float], None] | None = None
) -> list[Outcome]:
    """Every message that failed before, sent again as it was made (to a user who still is
    one, by the channel it was made for)."""
    outcomes = []
    for row in store.rows("failed_deliveries"):
        chosen = settings_of(store, row.email)
        if viewer_for(store, row.email) is None:
            continue
        outcomes.append(_try(store, server, row.delivery_id, row.email, row.kind, row.channel,
                             str(row.message), chosen.webhook, sleep))  # fmt: skip
    return outcomes


def recent_deliveries(store: Store, limit: int = 100) -> pd.DataFrame:
    """The newest messages made, with their status (never their content)."""
    return store.df("deliveries_list", {"limit": limit})
