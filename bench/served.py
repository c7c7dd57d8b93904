"""A dashboard server for a benchmark: `python -m dashboard.web.serve` on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.reaper import kill_when_gone, stopped

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def served(
    store: Path, preload: bool = True, script: Path | None = None
) -> Iterator[tuple[str, float]]:
    """The server's address and the seconds from its start to its health check answering.
    ``script``: serve that Streamlit script instead (`streamlit run`), for a baseline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if script is None:
        argv = [sys.executable, "-m", "dashboard.web.serve", "--db", str(store), "--port", str(port),
                "--address", "127.0.0.1", *([] if preload else ["--no-preload"])]  # fmt: skip
    else:
        argv = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher = kill_when_gone(proc)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, "the server stopped"
                assert time.perf_counter() - start < 120, "the server did not answer in 120 s"
                time.sleep(0.02)
        yield url, time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        stopped(watcher)
