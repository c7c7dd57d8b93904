"""The big store the benchmarks share: $SSI_BENCH_BIG, else the demo of
$SSI_BENCH_BIG_SIZE (REPSxDAYS, default 10000x730) built once into bench/.cache/ and kept."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

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
