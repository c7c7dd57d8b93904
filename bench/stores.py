"""The big store the benchmarks share: $SSI_BENCH_BIG, else the demo of
$SSI_BENCH_BIG_SIZE (REPSxDAYS, default 10000x730) built once into bench/.cache/ and kept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from dashboard.scoring.team_days import keep_current
from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]
END = date(2026, 11, 20)


def big_store() -> Path:
    given = os.environ.get("SSI_BENCH_BIG")
    if given:
        return Path(given)
    reps, days = os.environ.get("SSI_BENCH_BIG_SIZE", "10000x730").split("x")
    path = ROOT / "bench" / ".cache" / f"demo-{reps}x{days}.duckdb"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "dashboard", "demo", "--reps", reps, "--days",
                        days, "--end", END.isoformat(), "--db", str(building)],
                       cwd=ROOT, check=True, timeout=3600)  # fmt: skip
        building.rename(path)
    return path


def summed(path: Path) -> list[str]:
    """The team-day summary summed when the store predates it (migration 008 leaves it
    empty, and the pages then compute the averages from the readings)."""
    with Store(path) as store:
        start = time.perf_counter()
        if not keep_current(store):
            return []
        return [f"team-day summary summed first (a store from before it): "
                f"{time.perf_counter() - start:.1f} s"]  # fmt: skip
