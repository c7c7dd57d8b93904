"""A throwaway PostgreSQL server for tests: Debian's binaries, a temporary folder, a free
loopback port. ``initdb`` refuses to run as root, so as root it runs as ``postgres``."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.reaper import stop_when_gone, stopped


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, folder: Path | None = None):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        # Its own folder under the temporary root: the postgres user cannot reach into a
        # folder private to root (pytest's are).
        self.folder = Path(folder or tempfile.mkdtemp(prefix="ssi-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0

    def _command(self, *args: object) -> list[str]:
        command = [str(a) for a in args]
        return ["runuser", "-u", "postgres", "--", *command] if self._as_root else command

    def _run(self, *args: object) -> None:
        command = self._command(*args)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")

    def start(self) -> PostgresServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")  # fmt: skip
        # Stopped when this test process ends, even killed: pg_ctl leaves the server running
        # on its own, outside the test run's processes.
        self._watcher = stop_when_gone(
            self._command(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"),
            ["rm", "-rf", str(self.folder)],
        )
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options,
                  "-l", self.folder / "server.log", "-w", "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        except RuntimeError:
            pass
        time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
        stopped(self._watcher)
