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
from dashboard.notify.settings import Notifications, every_user, settings_of, unsubscribe_tokens
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
from dashboard.users import audit, viewer_for

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


# Digests made between two writes to the store. Every write moves the store's version, after
# which the memo computes the company-wide figures again (2-3 s at 10,000 reps): written one
# by one, 500 digests took over 18 minutes (bench/test_digest_scale.py). A batch is also as
# many PDFs as are held in memory at once.
BATCH = 25


@dataclass(frozen=True)
class Made:
    """A message made for someone and not yet kept."""

    chosen: Notifications
    kind: str  # digest | alert
    period: str
    as_of: date | None
    subject: str
    body: str  # the e-mail, or the webhook's JSON


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
    due = []
    for chosen in wanted:
        viewer = viewer_for(store, chosen.email)
        if viewer is None:
            outcomes.append(Outcome(chosen.email, "skipped", "not a user of this dashboard"))
        elif not chosen.digest:
            outcomes.append(Outcome(chosen.email, "skipped", "has turned the digest off"))
        elif to is None and not is_due(chosen, now):
            outcomes.append(Outcome(chosen.email, "skipped", f"due {chosen.when}"))
        elif out is None and (held := store.rows("delivery_of", {
                "email": chosen.email, "kind": "digest", "period": period})):  # fmt: skip
            said = "sent" if held[0].status == "sent" else "tried"
            outcomes.append(Outcome(chosen.email, "skipped",
                                    f"this week's ({period}) was {said} already"))  # fmt: skip
        else:
            due.append((chosen, viewer))
    links = unsubscribe_links(store, [c.email for c, _ in due], make=out is None)
    sender = server.sender if server else "SSI dashboard"
    pdfs: dict[tuple, bytes] = {}  # team reviews' PDFs by scope, made once in this run
    for start in range(0, len(due), BATCH):
        made = []
        for chosen, viewer in due[start : start + BATCH]:
            since = store.scalar("last_digest_day", {"email": chosen.email})
            digest = digest_for(store, viewer, as_of, since, public_url(), now, pdfs)
            mail = msg.digest_mail(digest, sender, links[chosen.email])
            if out:
                outcomes.append(_written(out, chosen, mail, digest.pdf_name, digest.pdf))
                continue
            body = body_of(chosen, mail, msg.digest_text(digest, links[chosen.email]))
            made.append(Made(chosen, "digest", period, as_of, digest.subject, body))
        outcomes += deliver(store, server, made, sleep)
    return outcomes


def unsubscribe_links(store: Store, emails: list[str], make: bool = True) -> dict[str, str]:
    """Each user's unsubscribe link, the missing tokens made in one write (none in a dry
    run, which writes nothing)."""
    return {e: f"{public_url()}/unsubscribe?token={t}"
            for e, t in unsubscribe_tokens(store, emails, make).items()}  # fmt: skip


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
    store: Store, server: SmtpServer | None, made: list[Made],
    sleep: Callable[[float], None] | None = None,
) -> list[Outcome]:  # fmt: skip
    """Keep each message (as failed, not tried yet) in one write, hand each over, then keep
    every outcome, audited, in a second write."""
    if not made:
        return []
    with store.transaction() as cur:
        ids = [cur.run("add_delivery", {
            "email": m.chosen.email, "kind": m.kind, "period": m.period, "as_of": m.as_of,
            "channel": m.chosen.channel, "subject": m.subject, "message": m.body,
            "status": "failed", "attempts": 0, "last_error": "not tried yet", "sent_at": None,
        }).fetchone()[0] for m in made]  # fmt: skip
    tries = [(i, m.chosen.email, m.kind, m.chosen.channel, m.body, m.chosen.webhook)
             for i, m in zip(ids, made, strict=True)]  # fmt: skip
    return _try_all(store, server, tries, sleep)


def _try_all(
    store: Store,
    server: SmtpServer | None,
    tries: list[tuple],
    sleep: Callable[[float], None] | None,
) -> list[Outcome]:
    """Hand over each (delivery_id, email, kind, channel, body, webhook), with retries; the
    outcomes kept and audited in one write."""
    rules = load_config().digest
    kwargs = {"sleep": sleep} if sleep else {}
    results = []
    for delivery_id, email, kind, channel, body, webhook in tries:
        ok, attempts, error = with_retries(_hand_over(server, channel, body, webhook),
                                           rules.retries, rules.retry_seconds, **kwargs)  # fmt: skip
        results.append((delivery_id, email, kind, channel, ok, attempts, error))
    outcomes = []
    with store.transaction() as cur:
        for delivery_id, email, kind, channel, ok, attempts, error in results:
            cur.run("delivery_tried", {"delivery_id": delivery_id,
                                       "status": "sent" if ok else "failed",
                                       "attempts": attempts, "last_error": error,
                                       "sent_at": datetime.now(UTC) if ok else None})  # fmt: skip
            words = f"{kind} #{delivery_id} to {email} by {channel}"
            if ok:
                audit(cur, ROBOT, f"{kind} sent", f"{words}, attempt(s): {attempts}")
                outcomes.append(Outcome(email, "sent", words, delivery_id))
            else:
                audit(cur, ROBOT, f"{kind} failed", f"{words}: {error} (kept; sent again next run)")
                outcomes.append(Outcome(email, "failed", f"{words}: {error}", delivery_id))
    return outcomes


def _hand_over(
    server: SmtpServer | None, channel: str, body: str, webhook: str | None
) -> Callable[[], None]:
    def hand_over() -> None:
        if channel == "email":
            if server is None:
                raise DeliveryError("no mail server (SSI_SMTP_URL is not set)")
            send_mail(server, message_from_string(body, policy=policy.SMTP))
        else:
            post_webhook(webhook or "", json.loads(body))

    return hand_over


def resend_failed(
    store: Store, server: SmtpServer | None, sleep: Callable[[float], None] | None = None
) -> list[Outcome]:
    """Every message that failed before, sent again as it was made (to a user who still is
    one, by the channel it was made for)."""
    tries = [(r.delivery_id, r.email, r.kind, r.channel, str(r.message),
              settings_of(store, r.email).webhook)
             for r in store.rows("failed_deliveries") if viewer_for(store, r.email) is not None]  # fmt: skip
    return _try_all(store, server, tries, sleep) if tries else []


def recent_deliveries(store: Store, limit: int = 100) -> pd.DataFrame:
    """The newest messages made, with their status (never their content)."""
    return store.df("deliveries_list", {"limit": limit})
