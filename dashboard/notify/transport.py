"""Handing a message over: e-mail through an SMTP server, or a post to a Slack or Microsoft
Teams incoming webhook; each tried a few times with a growing wait.

The server is ``SSI_SMTP_URL``: ``smtp://user:password@host:587`` (STARTTLS when the server
offers it, required with ``?starttls=required``), ``smtps://...:465`` (TLS from the start),
``smtp://host:25`` without credentials. The sender is ``SSI_SMTP_FROM``. Credentials and
webhook addresses are secrets: an error names the server's host, never them.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from dashboard.errors import DashboardError

SMTP_URL_VAR = "SSI_SMTP_URL"
SMTP_FROM_VAR = "SSI_SMTP_FROM"
TIMEOUT = 30  # seconds for one attempt to connect and hand over


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # TLS from the first byte (smtps)
    starttls: str  # "if offered" | "required"
    user: str | None
    password: str | None
    sender: str

    def __repr__(self) -> str:  # never the password, whatever prints it
        return f"SmtpServer({self.host}:{self.port}, tls={self.tls}, starttls={self.starttls})"


def smtp_server(url: str | None = None, sender: str | None = None) -> SmtpServer | None:
    """The server of ``SSI_SMTP_URL`` (or ``url``); None when none is set."""
    url = url if url is not None else os.environ.get(SMTP_URL_VAR, "")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DashboardError(f"{SMTP_URL_VAR} is not an smtp:// or smtps:// address "
                             "(smtp://user:password@host:587)")  # fmt: skip
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname, port=parts.port or (465 if tls else 25), tls=tls,
        starttls=(query.get("starttls") or ["if offered"])[0],
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender or os.environ.get(SMTP_FROM_VAR) or f"SSI dashboard <ssi-dashboard@{parts.hostname}>",
    )  # fmt: skip


def send_mail(server: SmtpServer, message: EmailMessage) -> None:
    """Hand ``message`` to ``server``; raises DeliveryError naming only the host."""
    context = ssl.create_default_context()
    try:
        if server.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                    context=context)  # fmt: skip
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if not server.tls and (client.has_extn("starttls") or server.starttls == "required"):
                client.starttls(context=context)
                client.ehlo()
            if server.user:
                client.login(server.user, server.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"the mail server {server.host}:{server.port} did not take the "
                            f"message ({_said(exc, server)})") from None  # fmt: skip


def _said(exc: BaseException, server: SmtpServer) -> str:
    words = f"{type(exc).__name__}: {exc}"
    for secret in (server.password, server.user):
        if secret:
            words = words.replace(secret, "***")
    return words[:300]


def post_webhook(address: str, payload: dict) -> None:
    """POST ``payload`` as JSON to an incoming webhook; raises DeliveryError naming only the
    host (the address's path is its secret)."""
    host = urlsplit(address).hostname
    request = urllib.request.Request(address, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (checked https or loopback)
            if answer.status >= 300:
                raise DeliveryError(f"the webhook at {host} answered {answer.status}")
    except DeliveryError:
        raise
    except OSError as exc:
        reason = getattr(exc, "code", None) or type(exc).__name__
        raise DeliveryError(f"the webhook at {host} did not take the message ({reason})") from None


class DeliveryError(DashboardError):
    """A message that was not handed over; the words hold no secret."""


def with_retries(
    send: Callable[[], None],
    attempts: int,
    wait: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, int, str | None]:
    """``send`` tried up to ``attempts`` times, waiting ``wait`` seconds, then twice that, in
    between: (handed over, attempts made, the last error)."""
    error = None
    for attempt in range(1, max(attempts, 1) + 1):
        try:
            send()
            return True, attempt, None
        except DeliveryError as exc:
            error = str(exc)
            if attempt < attempts:
                sleep(wait * 2 ** (attempt - 1))
    return False, max(attempts, 1), error
