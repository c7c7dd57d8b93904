"""Digests and alerts against a real SMTP server on loopback (aiosmtpd) and a local webhook
receiver: one message per subscribed user, scoped to their role (no name outside it in any
part, the PDF included), figures equal to the page's, nothing new on a second run, failures
kept and sent again, alerts once to the right people."""

from __future__ import annotations

import io
import json
import shutil
import socket
import threading
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from test_cli import cli

from dashboard import display
from dashboard.access import OWNER, Viewer
from dashboard.actions.imports import import_upload
from dashboard.errors import DashboardError, ImportRejectedError, NotFoundError
from dashboard.ingest import ImportOptions
from dashboard.notify import settings as ns
from dashboard.notify.alerts import check_alerts, find_alerts
from dashboard.notify.send import send_digests
from dashboard.scoring import rep_history
from dashboard.store import Store
from dashboard.users import add_user, audit_log
from dashboard.views import team_review as tr

MONDAY_MORNING = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NO_WAIT = lambda seconds: None  # noqa: E731 (retries without waiting)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.mails.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], bytes]] = []

    def parsed(self):
        return [(to, message_from_bytes(raw, policy=policy.default)) for to, raw in self.mails]


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on loopback, stopped when the test ends."""
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("SSI_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("SSI_SMTP_FROM", "SSI dashboard <ssi@example.com>")
    monkeypatch.setenv("SSI_PUBLIC_URL", "https://ssi.example.com")
    yield inbox
    server.stop()


@pytest.fixture
def webhook():
    """A local HTTP receiver standing in for a Slack or Teams incoming webhook."""
    posts: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret", posts
    server.shutdown()
    server.server_close()


@pytest.fixture
def org(demo_org):
    return demo_org


def pdf_text(message) -> str:
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pages = PdfReader(io.BytesIO(attachment.get_content())).pages
    return "\n".join(page.extract_text() or "" for page in pages)


def every_word(message) -> str:
    """A message's text, HTML and attached PDF's text, together."""
    parts = [message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()]
    for attachment in message.iter_attachments():
        pdf = PdfReader(io.BytesIO(attachment.get_content()))
        parts += [page.extract_text() or "" for page in pdf.pages]
    return "\n".join(parts)


def test_one_digest_per_user_scoped_to_their_role_and_none_the_second_time(org, smtp):
    store, board = org["store"], org["board"]
    outcomes = send_digests(store, MONDAY_MORNING, sleep=NO_WAIT)
    assert sorted(o.email for o in outcomes if o.status == "sent") == sorted(
        ["admin@example.com", "boss@example.com", "look@example.com", "me@example.com",
         "them@example.com"])  # fmt: skip
    mails = {to[0]: m for to, m in smtp.parsed()}
    assert len(smtp.mails) == 5 and set(mails) == {o.email for o in outcomes}
    for to, m in mails.items():
        assert m["To"] == to and m["From"] == "SSI dashboard <ssi@example.com>"
        kinds = [p.get_content_type() for p in m.walk()]
        assert kinds[-3:] == ["text/plain", "text/html", "application/pdf"], kinds
        assert (
            m["List-Unsubscribe"].strip().startswith("<https://ssi.example.com/unsubscribe?token=")
        )
    everyone = set(board["rep"])
    mid = set(board.loc[board["team"] == "Mid-Market", "rep"])
    # The manager: their team's people, nobody else's; the figures are the page's.
    boss = every_word(mails["boss@example.com"])
    assert not [n for n in everyone - mid if n in boss]
    manager = Viewer("boss@example.com", "manager", teams=("Mid-Market",))
    view = tr.team_review(store, ["Mid-Market"], None, 90, manager)
    assert f"Average SSI: {display.score(view.kpis.average_ssi)}" in boss
    # The attached PDF is the page's: its headline and every row of the team's leaderboard.
    attached = pdf_text(mails["boss@example.com"])
    assert display.score(view.kpis.average_ssi) in attached
    assert f"Leaderboard ({len(view.board)} reps)" in attached
    assert all(name in attached for name in mid)
    assert "team=Mid-Market" in boss and "Team: Mid-Market" in mails["boss@example.com"]["Subject"]
    # The viewer: company figures, no person at all.
    look = every_word(mails["look@example.com"])
    assert not [n for n in everyone if n in look]
    # A rep: their own figures; no other person's name, not even their team's.
    me = every_word(mails["me@example.com"])
    assert org["mid"]["rep"] in me
    assert not [n for n in everyone - {org["mid"]["rep"]} if n in me]
    assert f"Your SSI: {display.score(org['mid']['ssi'])}" in me
    assert "Rep self-check" in pdf_text(mails["me@example.com"])
    # A second run in the same week sends nothing new.
    again = send_digests(store, MONDAY_MORNING + timedelta(hours=5), sleep=NO_WAIT)
    assert {o.status for o in again} == {"skipped"} and len(smtp.mails) == 5


def test_a_digest_is_due_on_its_day_and_hour_only(org, smtp):
    store = org["store"]
    ns.save(store, Viewer("me@example.com", "rep"),
            ns.Notifications("me@example.com", True, 2, 8, "email", None, ()))  # fmt: skip
    sunday_night = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    early = send_digests(store, datetime(2026, 12, 7, 6, 0, tzinfo=UTC), sleep=NO_WAIT)
    assert all(o.status == "skipped" for o in early) and "due Mondays at 07:00 UTC" in {
        o.detail for o in early}  # fmt: skip
    wednesday = send_digests(store, datetime(2026, 12, 9, 8, 0, tzinfo=UTC), sleep=NO_WAIT)
    assert "me@example.com" in {o.email for o in wednesday if o.status == "sent"}
    assert sunday_night.isocalendar().week != MONDAY_MORNING.isocalendar().week


def test_dry_run_writes_the_messages_and_sends_and_keeps_nothing(org, smtp, tmp_path, demo_db):
    db = tmp_path / "org.duckdb"
    org["store"].close()
    shutil.copy(org["store"].path, db)
    out = tmp_path / "out"
    done = cli("digest", "send", "--to", "boss@example.com", "--dry-run", "--out", str(out),
               db=db)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "boss_at_example.com.eml", "boss_at_example.com_team_review_2026-11-20.pdf"]  # fmt: skip
    written = Store(db)
    assert smtp.mails == [] and written.rows("deliveries_list", {"limit": 10}) == []
    assert written.rows("unsubscribe_tokens") == []  # a dry run writes nothing at all
    mail = (out / "boss_at_example.com.eml").read_text()
    assert "unsubscribe?token=made-when-sent" in mail
    assert "1 written" in done.stdout


def test_a_failed_delivery_is_kept_audited_without_secrets_and_sent_again(org, monkeypatch):
    store = org["store"]
    dead = free_port()  # nothing listens there
    monkeypatch.setenv("SSI_SMTP_URL", f"smtp://mailer:hunter2secret@127.0.0.1:{dead}")
    failed = send_digests(store, MONDAY_MORNING, to="boss@example.com", sleep=NO_WAIT)
    assert [o.status for o in failed] == ["failed"]
    assert "hunter2secret" not in failed[0].detail and "mailer" not in failed[0].detail
    log = audit_log(store)
    said = log[log["action"] == "digest failed"]["detail"].tolist()
    assert said and "kept; sent again next run" in said[0] and "hunter2" not in said[0]
    inbox = Inbox()
    live = Controller(inbox, hostname="127.0.0.1", port=free_port())
    live.start()
    try:
        monkeypatch.setenv("SSI_SMTP_URL", f"smtp://127.0.0.1:{live.port}")
        again = send_digests(store, MONDAY_MORNING + timedelta(hours=1), to="boss@example.com",
                             sleep=NO_WAIT)  # fmt: skip
    finally:
        live.stop()
    assert [o.status for o in again] == ["sent", "skipped"]
    assert len(inbox.mails) == 1 and inbox.mails[0][0] == ["boss@example.com"]


def test_a_webhook_channel_gets_the_digest_as_text(org, smtp, webhook):
    address, posts = webhook
    store = org["store"]
    ns.save(store, OWNER, ns.Notifications("boss@example.com", True, 0, 7, "slack", address,
                                           ("ssi_drop",)))  # fmt: skip
    sent = send_digests(store, MONDAY_MORNING, to="boss@example.com", sleep=NO_WAIT)
    assert [o.status for o in sent] == ["sent"] and len(posts) == 1
    assert "Team: Mid-Market" in posts[0]["text"] and smtp.mails == []
    assert "secret" not in ns.describe(ns.settings_of(store, "boss@example.com"))


def test_settings_are_checked_and_only_changed_by_their_user_or_an_admin(org):
    store = org["store"]
    boss = Viewer("boss@example.com", "manager", teams=("Mid-Market",))
    with pytest.raises(NotFoundError):
        ns.save(store, boss, ns.defaults("me@example.com"))
    with pytest.raises(DashboardError, match="not a slack incoming webhook"):
        ns.save(store, boss, ns.Notifications("boss@example.com", True, 0, 7, "slack",
                                              "https://evil.example.com/hook", ()))  # fmt: skip
    with pytest.raises(DashboardError, match="expected 0 to 23"):
        ns.save(store, boss, ns.Notifications("boss@example.com", True, 0, 24, "email", None, ()))
    saved = ns.save(store, boss, ns.Notifications("boss@example.com", True, 4, 16, "email",
                                                  None, ("goal_behind",)))  # fmt: skip
    assert ns.settings_of(store, "boss@example.com") == saved
    assert "notifications changed" in audit_log(store)["action"].tolist()


def test_the_unsubscribe_link_turns_everything_off(org, smtp):
    store = org["store"]
    send_digests(store, MONDAY_MORNING, to="me@example.com", sleep=NO_WAIT)
    link = smtp.parsed()[0][1]["List-Unsubscribe"].strip().strip("<>")
    token = link.split("token=")[1]
    assert ns.unsubscribe(store, "not-a-token") is None
    assert ns.unsubscribe(store, token) == "me@example.com"
    now = ns.settings_of(store, "me@example.com")
    assert not now.digest and now.alerts == ()
    later = send_digests(store, MONDAY_MORNING + timedelta(days=7), sleep=NO_WAIT)
    assert "me@example.com" not in {o.email for o in later if o.status == "sent"}


HELD_OUT_DROP = "Name,Email,Team,Date,SSI,Brand,People,Insights,Relationships\n{name},{email},Mid-Market,2026-11-21,{ssi},{b},{p},{i},{r}\n"


def test_an_alert_fires_once_for_a_held_out_drop_and_reaches_the_right_people(org, smtp, tmp_path):
    store, mid = org["store"], org["mid"]
    before = {a.key for a in find_alerts(store, date(2026, 11, 21))}
    # A new reading 12 points under the rep's last one, imported as a file would be.
    ssi = float(mid["ssi"]) - 12
    pillars = [round(ssi / 4, 2)] * 4
    upload = tmp_path / "ssi_2026-11-21.csv"
    upload.write_text(HELD_OUT_DROP.format(name=mid["rep"], email=mid.get("email", ""), ssi=ssi,
                                           b=pillars[0], p=pillars[1], i=pillars[2], r=pillars[3]))  # fmt: skip
    import_upload(store, OWNER, upload, ImportOptions())
    found = [a for a in find_alerts(store, date(2026, 11, 21)) if a.key not in before]
    drops = [a for a in found if a.kind == "ssi_drop"]
    assert len(drops) == 1 and mid["rep"] in drops[0].words
    # Against the rep's newest reading at least 7 days older (scoring.toml [alerts]).
    history = rep_history(store, int(mid["rep_id"]), date(2026, 11, 14), 30).dropna(subset=["ssi"])
    then = history.iloc[-1]
    expected = (f"SSI fell {display.change(ssi - then['ssi'])} to {display.score(ssi)} on "
                f"2026-11-21 (from {display.score(then['ssi'])} on {then['day']:%Y-%m-%d})")  # fmt: skip
    assert expected in drops[0].words
    for user in ("look@example.com", "them@example.com"):  # out of scope: never told
        ns.save(
            store, OWNER, ns.Notifications(user, True, 0, 7, "email", None, tuple(ns.ALERT_KINDS))
        )
    outcomes = check_alerts(store, date(2026, 11, 21), sleep=NO_WAIT)
    told = {to[0]: m for to, m in smtp.parsed()}
    assert {"admin@example.com", "boss@example.com", "me@example.com"} <= set(told)
    assert "look@example.com" not in told  # a viewer is told of no person
    if "them@example.com" in told:  # another team's rep hears of their own alerts only
        theirs = every_word(told["them@example.com"])
        assert mid["rep"] not in theirs and org["other"]["rep"] in theirs
    for who in ("boss@example.com", "me@example.com"):
        words = every_word(told[who])
        assert drops[0].words in words
    # The rep's own message names nobody else.
    others = set(org["board"]["rep"]) - {mid["rep"]}
    assert not [n for n in others if n in every_word(told["me@example.com"])]
    assert {o.status for o in outcomes} == {"sent"}
    sent = len(smtp.mails)
    assert check_alerts(store, date(2026, 11, 21), sleep=NO_WAIT) == [] and len(smtp.mails) == sent


def test_a_refused_upload_alerts_the_admins(org, smtp, tmp_path):
    store = org["store"]
    bad = tmp_path / "broken.csv"
    bad.write_text("Name,Team,Date,SSI\nAnn,East,2026-11-21,150\n")
    with pytest.raises(ImportRejectedError):
        import_upload(store, OWNER, bad, ImportOptions())
    alerts = [a for a in find_alerts(store, date(2026, 11, 21)) if a.kind == "import_problem"]
    assert any("broken.csv" in a.words and "refused" in a.words for a in alerts)
    check_alerts(store, date(2026, 11, 21), sleep=NO_WAIT)
    told = {to[0]: every_word(m) for to, m in smtp.parsed()}
    assert "broken.csv" in told["admin@example.com"]
    assert all(
        "broken.csv" not in words for who, words in told.items() if who != "admin@example.com"
    )


SMALL = """name,email,team,date,ssi,brand,people,insights,relationships
Ann Lee,ann@example.com,East,2026-01-20,52,13,13,13,13
Ann Lee,ann@example.com,East,2026-02-05,40,10,10,10,10
Bob Ray,bob@example.com,East,2026-02-05,62,15,15,16,16
Cid Poe,cid@example.com,West,2026-02-05,30,8,8,7,7
"""


def test_digests_and_alerts_on_either_backend(store, load, smtp):
    """The same round on a file store and a PostgreSQL one: one digest each, none again,
    and Ann's 12-point drop told to her manager and not to West's."""
    load("readings.csv", SMALL)
    add_user(store, "admin@example.com", "admin", by=OWNER)
    add_user(store, "east@example.com", "manager", by=OWNER, teams=["East"])
    add_user(store, "west@example.com", "manager", by=OWNER, teams=["West"])
    monday = datetime(2026, 2, 9, 8, 0, tzinfo=UTC)
    sent = send_digests(store, monday, sleep=NO_WAIT)
    assert sorted(o.email for o in sent if o.status == "sent") == [
        "admin@example.com", "east@example.com", "west@example.com"]  # fmt: skip
    mails = {to[0]: every_word(m) for to, m in smtp.parsed()}
    assert "Ann Lee" in mails["east@example.com"] and "Ann Lee" not in mails["west@example.com"]
    assert {o.status for o in send_digests(store, monday, sleep=NO_WAIT)} == {"skipped"}
    check_alerts(store, date(2026, 2, 6), sleep=NO_WAIT)
    alerts = {to[0]: every_word(m) for to, m in smtp.parsed()[3:]}
    assert "Ann Lee (East): SSI fell -12.0 to 40.0 on 2026-02-05" in alerts["east@example.com"]
    assert "Ann Lee" not in alerts.get("west@example.com", "")


def test_an_import_from_the_command_line_ends_with_the_alerts_it_triggered(org, smtp, tmp_path):
    store, mid = org["store"], org["mid"]
    check_alerts(store, sleep=NO_WAIT)  # what the demo holds already, told once
    before = len(smtp.mails)
    store.close()
    ssi = float(mid["ssi"]) - 15
    upload = tmp_path / "ssi_2026-11-21.csv"
    upload.write_text(HELD_OUT_DROP.format(name=mid["rep"], email=mid.get("email", ""), ssi=ssi,
                                           b=ssi / 4, p=ssi / 4, i=ssi / 4, r=ssi / 4))  # fmt: skip
    done = cli("import", str(upload), db=org["store"].path)
    assert done.returncode == 0, done.stderr
    assert "alerts: 3 message(s) sent, 0 failed" in done.stdout
    told = {to[0] for to, _ in smtp.parsed()[before:]}
    assert told == {"admin@example.com", "boss@example.com", "me@example.com"}


def test_the_weekly_import_is_late_two_days_past_its_usual_weekday(org):
    """Four files imported on Mondays, none since: on the Wednesday after the next Monday
    the admins are told, once; on the Tuesday nothing is late yet."""
    store = org["store"]
    with store.transaction() as cur:
        cur.wrote("imports")
        for day in ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"):
            cur.execute(
                "insert into imports (import_id, file_name, content_hash, format, imported_at) "
                "select max(import_id) + 1, $name, $hash, 'csv', "
                "cast($day as timestamp) + interval 8 hour from imports",
                {"name": f"ssi_{day}.csv", "hash": day, "day": day},
            )
    late = [a for a in find_alerts(store, date(2026, 12, 2)) if a.key.startswith("import_late")]
    assert [a.words for a in late] == [
        "no file imported since 2026-11-23: imports usually come on Mondays, and none came "
        "on 2026-11-30"]  # fmt: skip
    assert not [a for a in find_alerts(store, date(2026, 12, 1)) if a.kind == "import_problem"
                and a.key.startswith("import_late")]  # fmt: skip


def self_signed(folder) -> tuple[str, str]:
    """A certificate for localhost and its key, as PEM files: the client trusts it through
    SSL_CERT_FILE, as a company's own CA would be trusted."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return str(cert_file), str(key_file)


@pytest.mark.parametrize("how", ["starttls", "tls"])
def test_a_digest_goes_over_starttls_or_tls_with_a_login(org, tmp_path, monkeypatch, how):
    import ssl

    from aiosmtpd.smtp import AuthResult

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    inbox = Inbox()
    logins = []

    def check(server, session, envelope, mechanism, auth):
        logins.append((auth.login, auth.password))
        return AuthResult(success=(auth.login, auth.password) == (b"mailer", b"s3cret p@ss"))

    port = free_port()
    # Over implicit TLS aiosmtpd does not see the session as TLS and would hide AUTH.
    tls = {"tls_context": context, "require_starttls": True} if how == "starttls" else {
        "ssl_context": context, "auth_require_tls": False}  # fmt: skip
    server = Controller(inbox, hostname="localhost", port=port, auth_required=True,
                        authenticator=check, **tls)  # fmt: skip
    server.start()
    try:
        scheme, query = ("smtp", "?starttls=required") if how == "starttls" else ("smtps", "")
        monkeypatch.setenv(
            "SSI_SMTP_URL", f"{scheme}://mailer:s3cret%20p%40ss@localhost:{port}{query}"
        )
        sent = send_digests(org["store"], MONDAY_MORNING, to="boss@example.com", sleep=NO_WAIT)
        assert [o.status for o in sent] == ["sent"] and len(inbox.mails) == 1, sent
        assert logins == [(b"mailer", b"s3cret p@ss")]
    finally:
        server.stop()
    said = " ".join(audit_log(org["store"])["detail"].astype(str))
    assert "digest #1 to boss@example.com by email" in said and "s3cret" not in said
