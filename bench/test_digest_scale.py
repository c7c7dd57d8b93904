"""Digests and PDFs at scale (issue 41): at 10,000 reps over two years, one manager's PDF
(target: under 10 s) and `digest send` for 500 recipients (target: under 15 minutes), each
in bounded memory.

A copy of the big store (bench/stores.py) with 500 users: a manager of each of its 5 teams,
2 admins, 3 viewers and 490 reps. The manager's PDF is timed cold (nothing remembered, as
after an import) beside the page's own computation for the same manager in the same run
(the view and its figures: what the PDF adds is the drawing and the writing). `digest send`
runs as the command it is, in its own process, against a real SMTP server on loopback; its
peak memory is that process's. Run with `make bench`.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bench.record import record
from bench.stores import END, big_store, summed
from dashboard.access import OWNER, Viewer
from dashboard.reports.team_review import team_review_pdf
from dashboard.scoring.leaderboard import team_names
from dashboard.scoring.memo import forget_all
from dashboard.store import Store
from dashboard.users import add_user
from dashboard.views import figures
from dashboard.views import team_review as tr

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[1]
REPS, ADMINS, VIEWERS = 490, 2, 3


class Inbox:
    def __init__(self) -> None:
        self.count = 0
        self.digests = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        self.digests += b"Content-Type: application/pdf" in envelope.content  # alerts carry none
        self.bytes += len(envelope.content)
        return "250 OK"


def _with_users(folder: Path) -> tuple[Path, list[str]]:
    source = big_store()
    summed(source)
    copy = folder / "digests.duckdb"
    shutil.copy(source, copy)
    with Store(copy) as store:
        teams = team_names(store)
        add_user(store, "admin0@example.com", "admin", by=OWNER)
        for i in range(1, ADMINS):
            add_user(store, f"admin{i}@example.com", "admin", by=OWNER)
        for i, team in enumerate(teams):
            add_user(store, f"manager{i}@example.com", "manager", by=OWNER, teams=[team])
        for i in range(VIEWERS):
            add_user(store, f"viewer{i}@example.com", "viewer", by=OWNER)
        people = store.df("rep_names").dropna(subset=["email"]).head(REPS)
        for email in people["email"]:
            add_user(store, f"u.{email}", "rep", by=OWNER, rep_email=email)
    return copy, teams


def _seconds(values: list[float]) -> str:
    return (f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f} s "
            "(min / median / max)")  # fmt: skip


def _peak_mb(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak memory (MB) of ``code`` run in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, timeout=3600,
                   capture_output=True)  # fmt: skip
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def test_a_managers_pdf_and_a_weeks_digests_at_scale(tmp_path):
    path, teams = _with_users(tmp_path)
    manager = Viewer("manager0@example.com", "manager", teams=(teams[0],))
    store = Store(path)
    page, pdf = [], []
    for _ in range(3):  # in turn: the page's computation, then the PDF, each cold
        forget_all()
        start = time.perf_counter()
        view = tr.team_review(store, [teams[0]], END, 90, manager)
        figures.review_trends(store, manager, view, 90)
        figures.review_balance(view)
        figures.review_per_rep(view, 1)
        page.append(time.perf_counter() - start)
        forget_all()
        start = time.perf_counter()
        made = team_review_pdf(store, manager, [], END)
        pdf.append(time.perf_counter() - start)
    reps = len(tr.team_review(store, [teams[0]], END, 90, manager).board)
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = ("from dashboard.store import Store; from dashboard.access import Viewer; "
            "from dashboard.reports.team_review import team_review_pdf; "
            f"team_review_pdf(Store({str(path)!r}), Viewer('m', 'manager', teams=({teams[0]!r},)), [])")  # fmt: skip
    _, pdf_peak = _peak_mb(code, env)

    inbox = Inbox()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        env = {**env, "SSI_SMTP_URL": f"smtp://127.0.0.1:{port}"}
        at = "2026-12-07T09:00"
        send = ("from dashboard.cli import main; import sys; "
                f"sys.exit(main(['digest', 'send', '--db', {str(path)!r}, '--at', {at!r}]))")  # fmt: skip
        seconds, peak = _peak_mb(send, env)
        sent, digests, volume = inbox.count, inbox.digests, inbox.bytes
        again, _ = _peak_mb(send, env)
    finally:
        smtp.stop()
    recipients = REPS + ADMINS + VIEWERS + len(teams)
    lines = [
        f"store: 10,000 reps x 730 days; {recipients} users: {len(teams)} managers (one team "
        f"each), {ADMINS} admins, {VIEWERS} viewers, {REPS} reps",
        f"one manager's team review ({reps:,} reps), cold: page computed (view and figures) "
        f"{_seconds(page)}; PDF {_seconds(pdf)} ({len(made) / 2**20:.1f} MB), "
        f"peak memory of a process making it {pdf_peak:,.0f} MB  (target: under 10 s)",
        f"digest send, {recipients} recipients: {seconds / 60:.1f} min "
        f"({seconds / recipients:.2f} s a recipient): {digests} digests, then the alerts check "
        f"of digest time: {sent - digests} alert mails (the first check of a store: every "
        f"alert it holds); {volume / 2**20:,.0f} MB handed to SMTP, peak memory "
        f"{peak:,.0f} MB  (target: under 15 min)",
        f"digest send again in the same week: {again:.1f} s, {inbox.count - sent} mails",
    ]
    print("\n" + "\n".join(lines))
    record("digests_at_scale", lines)
    assert digests == recipients and inbox.count == sent
