"""Secrets never leave the process: a PostgreSQL address's password is masked wherever the
address is shown (pages, command-line messages, `make run`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store.postgres import mask_secrets, safe_url

ROOT = Path(__file__).resolve().parents[1]
# Nothing listens on port 1: the store cannot be reached, and says so.
UNREACHABLE = "postgresql://ssi:s3cret-pw@127.0.0.1:1/ssi?password=q-s3cret&sslpassword=k-s3cret&connect_timeout=2"
SECRETS = ("s3cret-pw", "q-s3cret", "k-s3cret")


@pytest.mark.parametrize(("url", "shown", "secret"), [
    ("postgresql://ssi:pw1@db:5432/ssi", "postgresql://ssi:***@db:5432/ssi", "pw1"),
    ("postgresql://ssi@db/ssi?password=pw2", "postgresql://ssi@db/ssi?password=***", "pw2"),
    ("postgres://db/ssi?user=ssi&sslpassword=xk9&sslmode=require",
     "postgres://db/ssi?user=ssi&sslpassword=***&sslmode=require", "xk9"),
    ("postgresql://a:b:c@d@host/ssi", "postgresql://a:***@host/ssi", "b:c@d"),
    ("postgresql://host/ssi", "postgresql://host/ssi", None),
])  # fmt: skip
def test_an_address_is_shown_with_its_secrets_masked(url, shown, secret):
    assert safe_url(url) == shown
    said = mask_secrets(f"failed for {url} (password {secret})", url)
    assert secret is None or secret not in said
    assert shown in said


def test_the_command_line_never_prints_the_password(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SSI_REPLICA_DIR": str(tmp_path)}
    for args in (["init", "--db", UNREACHABLE], ["leaderboard", "--db", UNREACHABLE],
                 ["init"]):  # fmt: skip
        run = subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True,
                             text=True, timeout=60, cwd=ROOT,
                             env=env | {"SSI_DASHBOARD_DB": UNREACHABLE})  # fmt: skip
        assert run.returncode != 0
        assert (
            "Could not reach the PostgreSQL store postgresql://ssi:***@127.0.0.1:1/ssi"
            in run.stderr
        )
        assert not any(s in run.stdout + run.stderr for s in SECRETS), run.stderr


def test_a_visitor_sees_no_password_when_the_store_is_down(tmp_path, monkeypatch):
    monkeypatch.setenv("SSI_DASHBOARD_DB", UNREACHABLE)
    monkeypatch.setenv("SSI_REPLICA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "dashboard" / "web" / "app.py"), default_timeout=60).run()
    shown = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.warning, *at.info])
    assert "could not reach" in shown.lower(), shown
    assert not any(s in shown for s in SECRETS), shown


def test_make_run_echoes_no_password(tmp_path):
    if not (ROOT / ".venv" / "bin" / ".runtime").exists():
        pytest.skip("make run needs the runtime venv")
    run = subprocess.run(["make", "run", f"DB={UNREACHABLE}", "PORT=1"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                              "SSI_REPLICA_DIR": str(tmp_path)})  # fmt: skip
    assert run.returncode != 0  # nothing listens there
    assert "Could not reach" in run.stderr
    assert not any(s in run.stdout + run.stderr for s in SECRETS), run.stdout + run.stderr
