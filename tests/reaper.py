"""Servers a test run starts stop when the run ends, even when it is killed.

Each server gets a watcher: a small process in a session of its own (a signal to the
test run's process group does not reach it, and it ignores the signals that end a run) that
waits for the test process to end, however it ended, then runs the server's stop commands. A server stopped by its fixture
stops its watcher too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

WATCH = """
import json, os, signal, subprocess, sys, time
# Only the run's end stops a watcher: a signal sent to the run (a pkill of a pattern that also
# matches the watcher's command line) is not its cue.
for cue in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(cue, signal.SIG_IGN)
parent, commands = int(sys.argv[1]), json.loads(sys.argv[2])
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
for command in commands:
    try:
        subprocess.run(command, timeout=60, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception:
        pass
"""


def stop_when_gone(*commands: list[str]) -> subprocess.Popen:
    """A watcher that runs ``commands`` once this process has ended."""
    return subprocess.Popen(
        [sys.executable, "-c", WATCH, str(os.getpid()), json.dumps([list(map(str, c)) for c in commands])],
        start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def kill_when_gone(proc: subprocess.Popen) -> subprocess.Popen:
    """A watcher that ends ``proc`` (a server this process started) once this process has
    ended."""
    return stop_when_gone(["kill", "-TERM", str(proc.pid)])


def stopped(watcher: subprocess.Popen) -> None:
    """The watcher of a server its fixture stopped itself: not needed any more (killed: it
    takes no other signal)."""
    watcher.kill()
    watcher.wait(timeout=10)
