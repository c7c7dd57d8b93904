"""Benchmarks write their figures into docs/PERFORMANCE.md themselves, between markers.

Each benchmark owns one block, ``<!-- bench:NAME -->`` ... ``<!-- /bench:NAME -->``; a run
replaces the block with what it printed, the date and the machine, so the document shows
the last measured figures, not ones copied by hand. The text around the blocks (what the
figures mean, what changed and why) stays written by people.
"""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

DOC = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}")  # fmt: skip


def record(name: str, lines: list[str], doc: Path = DOC) -> None:
    """Replace block ``name`` of ``doc`` (appended at the end when it is not there yet)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([f"Measured {stamp} on {machine()} by `make bench`:", "", "```",
                      *lines, "```"])  # fmt: skip
    block = f"<!-- bench:{name} -->\n{body}\n<!-- /bench:{name} -->"
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->",
                         re.S)  # fmt: skip
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
