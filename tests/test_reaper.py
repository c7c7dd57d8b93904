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
kill_when_gone(child)
print(child.pid, flush=True)
time.sleep(600)
"""
WITH_POSTGRES = """
import time
from tests.pg_server import PostgresServer
server = PostgresServer().start()
print(server.data, flush=True)
time.sleep(600)
"""


def killed_after_start(code: str) -> str:
    """Start ``code`` as a test process, read what it prints, then kill it outright."""
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    said = proc.stdout.readline().strip()
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


def test_a_server_process_ends_when_its_test_run_is_killed():
    pid = int(killed_after_start(WITH_A_CHILD))

    def ended() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # a zombie has ended

    assert gone_within(ended), f"the server (pid {pid}) outlived the killed test run"


def test_postgresql_stops_when_its_test_run_is_killed():
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed")
    data = Path(killed_after_start(WITH_POSTGRES))
    assert gone_within(lambda: not (data / "postmaster.pid").exists() and not data.exists()), (
        f"PostgreSQL ({data}) outlived the killed test run"
    )
