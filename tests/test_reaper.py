"""A server a test run starts stops when the run ends, even when the run is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pg_server import binaries

ROOT = Path(__file__).resolve().parents[1]
# A test process that starts a server (a long sleep, or PostgreSQL), says its pid and waits.
WITH_A_CHILD = """
import subprocess, sys, time
from tests.reaper import kill_when_gone
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
watcher = kill_when_gone(child)
print(child.pid, watcher.pid, flush=True)
time.sleep(600)
"""
WITH_POSTGRES = """
import time
from tests.pg_server import PostgresServer
server = PostgresServer().start()
print(server.data, flush=True)
time.sleep(600)
"""


def killed_after_start(code: str, before=None) -> str:
    """Start ``code`` as a test process, read what it prints, then kill it outright
    (``before(said)`` first, when given)."""
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    try:
        said = proc.stdout.readline().strip()
        if before is not None:
            before(said)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    return said


def gone_within(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def ended(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # a zombie has ended


def test_a_server_process_ends_when_its_test_run_is_killed():
    pid = int(killed_after_start(WITH_A_CHILD).split()[0])
    assert gone_within(lambda: ended(pid)), f"the server (pid {pid}) outlived the killed test run"


def test_a_signal_to_end_the_run_does_not_end_its_watcher():
    """`pkill -f` of a pattern that matches the run's command lines reaches the watchers too;
    they ignore it, and still stop the servers when the run has gone."""

    def terminate_the_watcher(said: str) -> None:
        watcher = int(said.split()[1])

        def ignoring_sigterm() -> bool:  # set up: past its interpreter's start
            status = Path(f"/proc/{watcher}/status").read_text()
            ignored = int(
                next(ln for ln in status.splitlines() if ln.startswith("SigIgn:")).split()[1], 16
            )
            return bool(ignored & (1 << (signal.SIGTERM - 1)))

        assert gone_within(ignoring_sigterm)
        os.kill(watcher, signal.SIGTERM)
        time.sleep(1.0)
        assert not ended(watcher), "the watcher ended on SIGTERM"

    pid = int(killed_after_start(WITH_A_CHILD, before=terminate_the_watcher).split()[0])
    assert gone_within(lambda: ended(pid)), f"the server (pid {pid}) outlived the killed test run"


def test_postgresql_stops_when_its_test_run_is_killed():
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed")
    data = Path(killed_after_start(WITH_POSTGRES))
    assert gone_within(lambda: not (data / "postmaster.pid").exists() and not data.exists()), (
        f"PostgreSQL ({data}) outlived the killed test run"
    )
