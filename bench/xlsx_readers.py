"""openpyxl's read-only mode against python-calamine on one large workbook, same run.

Run: .venv/bin/python bench/xlsx_readers.py [ROWS]  (needs python-calamine installed;
it is not a dependency, this script is how the choice was made)."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READERS = {
    "openpyxl read-only": (
        "import openpyxl,sys; b=openpyxl.load_workbook(sys.argv[1], read_only=True, "
        "data_only=True); n=sum(1 for _ in b.worksheets[0].iter_rows(values_only=True))"
    ),
    "python-calamine": (
        "import python_calamine,sys; w=python_calamine.CalamineWorkbook.from_path(sys.argv[1]);"
        " n=sum(1 for _ in w.get_sheet_by_index(0).iter_rows())"
    ),
}


def make_workbook(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Name", "Email", "Team", "Date", "SSI", "Brand", "People", "Insights",
                  "Relationships", "Industry rank", "Network rank"])  # fmt: skip
    for i in range(rows):
        sheet.append([f"Rep {i}", f"rep{i}@example.com", f"Team {i % 40}", "2026-11-20",
                      50.5, 12.5, 12.5, 12.5, 13.0, 10, 12])  # fmt: skip
    book.save(path)


def measure(code: str, path: Path) -> tuple[float, float]:
    """Seconds and peak MB of a fresh interpreter reading every row."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xlsx"
        make_workbook(path, rows)
        print(f"{rows:,} rows x 11 cells, {path.stat().st_size / 1e6:.1f} MB")
        # ru_maxrss of children is the largest so far: measure the lighter reader first.
        for name in ("python-calamine", "openpyxl read-only"):
            seconds, peak = measure(READERS[name], path)
            print(f"{name:20s} {seconds:6.2f} s  peak so far {peak:6.0f} MB")


if __name__ == "__main__":
    main()
