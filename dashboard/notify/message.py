"""A digest or a set of alerts written as a message: an e-mail with a plain-text and an HTML
part (one narrow column, readable on a phone; every name escaped) and the PDF attached, or
the JSON a Slack or Microsoft Teams incoming webhook takes. Every mail carries its
unsubscribe link, also as the ``List-Unsubscribe`` header: opening it unsubscribes (the
dashboard answers GET only, so no ``List-Unsubscribe-Post``)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dashboard.display import printable
from dashboard.notify.digest import Digest, Section

BOX = "max-width:600px;margin:0 auto;font-family:Arial,Helvetica,sans-serif;color:#111827"


def digest_mail(digest: Digest, sender: str, unsubscribe: str) -> EmailMessage:
    text = digest_text(digest, unsubscribe)
    page = _html(digest.subject, _headline_html(digest.headline),
                 digest.sections, digest.link, "Open the page", unsubscribe)  # fmt: skip
    message = _mail(digest.email, sender, digest.subject, text, page, unsubscribe)
    message.add_attachment(digest.pdf, maintype="application", subtype="pdf",
                           filename=digest.pdf_name)  # fmt: skip
    return message


def digest_text(digest: Digest, unsubscribe: str = "") -> str:
    lines = [digest.subject, "", f"Since {digest.since}:"]
    lines += [f"  {label}: {value}" for label, value in digest.headline]
    for section in digest.sections:
        lines += ["", section.title.upper()]
        lines += [f"- {line}" for line in section.lines]
        if section.note:
            lines.append(section.note)
    lines += ["", f"Open the page: {digest.link}", f"The PDF attached: {digest.pdf_name}"]
    if unsubscribe:
        lines += ["", f"Stop these messages: {unsubscribe}"]
    return printable("\n".join(lines)) + "\n"


def alerts_mail(
    email: str, sender: str, subject: str, sections: Sequence[Section], link: str,
    unsubscribe: str,
) -> EmailMessage:  # fmt: skip
    text = alerts_text(subject, sections, link, unsubscribe)
    page = _html(subject, "", sections, link, "Open the dashboard", unsubscribe)
    return _mail(email, sender, subject, text, page, unsubscribe)


def alerts_text(subject: str, sections: Sequence[Section], link: str, unsubscribe: str = "") -> str:
    lines = [subject]
    for section in sections:
        lines += ["", section.title.upper(), *(f"- {line}" for line in section.lines)]
        if section.note:
            lines.append(section.note)
    lines += ["", f"Open the dashboard: {link}"]
    if unsubscribe:
        lines += ["", f"Stop these messages: {unsubscribe}"]
    return printable("\n".join(lines)) + "\n"


def webhook_payload(channel: str, text: str) -> dict:
    """What a Slack or a Teams (Workflows) incoming webhook takes: the plain text."""
    if channel == "slack":
        return {"text": text}
    card = {"type": "AdaptiveCard", "version": "1.4",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}]}  # fmt: skip
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}  # fmt: skip


def _mail(
    to: str, sender: str, subject: str, text: str, page: str, unsubscribe: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = printable(subject).replace("\n", " ")
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="ssi-dashboard")
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    return message


def _headline_html(headline: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<td style="padding:6px 10px 6px 0;vertical-align:top"><div style="font-size:12px;'
        f'color:#6b7280">{_e(label)}</div><div style="font-size:20px;font-weight:bold">'
        f"{_e(value)}</div></td>"
        for label, value in headline
    )
    # Two figures a row: a phone's width holds two.
    rows = cells.split("</td>")
    pairs = ["</td>".join(rows[i : i + 2]) + "</td>" for i in range(0, len(rows) - 1, 2)]
    return '<table role="presentation">' + "".join(f"<tr>{p}</tr>" for p in pairs) + "</table>"


def _html(
    title: str, top: str, sections: Sequence[Section], link: str, link_words: str,
    unsubscribe: str,
) -> str:  # fmt: skip
    body = [f'<h1 style="font-size:18px;margin:0 0 12px">{_e(title)}</h1>', top]
    for section in sections:
        body.append(f'<h2 style="font-size:15px;margin:18px 0 6px">{_e(section.title)}</h2>')
        if section.lines:
            items = "".join(f'<li style="margin:0 0 4px">{_e(line)}</li>' for line in section.lines)
            body.append(f'<ul style="padding-left:18px;margin:0">{items}</ul>')
        if section.note:
            body.append(
                f'<p style="font-size:12px;color:#6b7280;margin:4px 0">{_e(section.note)}</p>'
            )
    body.append(f'<p style="margin:20px 0"><a href="{_e(link)}" style="background:#1f2937;'
                f'color:#ffffff;padding:8px 14px;text-decoration:none;border-radius:4px">'
                f"{_e(link_words)}</a></p>")  # fmt: skip
    body.append(f'<p style="font-size:11px;color:#6b7280">You get this because of your '
                f'notification settings. <a href="{_e(unsubscribe)}">Unsubscribe</a> in one '
                "click.</p>")  # fmt: skip
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"></head><body style="margin:0;'
            f'padding:12px"><div style="{BOX}">{"".join(body)}</div></body></html>')  # fmt: skip


def _e(words: object) -> str:
    return html.escape(printable(str(words)), quote=True)
