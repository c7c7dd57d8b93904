"""Time and peak memory of the largest hostile files, each in a fresh `import` process,
against a baseline of reading the same bytes with no checks, measured in the same run.

Run with `make bench` (or `pytest -m bench bench/test_hostile_files.py -s`). The figures go
in docs/RELIABILITY.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
HEAD = "Name,Team,Date,SSI,Brand,People,Insights,Relationships\n"
TIME = "/usr/bin/time"


def write_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, baseline code reading it without checks)."""
    plain_csv = "import duckdb,sys; duckdb.read_csv(sys.argv[1], all_varchar=True).fetchall()"
    cases: dict[str, tuple[Path, str]] = {}

    path = folder / "repeats_2026-11-20.csv"
    path.write_text(HEAD + "Ann,East,2026-11-20,40,10,10,10,10\n" * 10_000)
    cases["10,000 identical rows"] = (path, plain_csv)

    path = folder / "conflicts_2026-11-20.csv"
    path.write_text(HEAD + "".join(f"Ann,East,2026-11-20,{i % 90 + 1},10,10,10,10\n"
                                   for i in range(3_000)))  # fmt: skip
    cases["3,000 different rows, one person and day"] = (path, plain_csv)

    path = folder / "bad_ssi_2026-11-20.csv"
    path.write_text(HEAD + "".join(f"Rep {i},East,2026-11-20,{200 + i % 50},10,10,10,10\n"
                                   for i in range(1_000_000)))  # fmt: skip
    cases["1,000,000 rows, every SSI out of range"] = (path, plain_csv)

    sys.path.insert(0, str(Path(__file__).parent))
    from xlsx_readers import make_workbook

    path = folder / "big_2026-11-20.xlsx"
    make_workbook(path, 100_000)
    cases["XLSX, 100,000 rows x 11 cells"] = (
        path,
        "import python_calamine as c,sys; "
        "list(c.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows())",
    )

    path = folder / "huge_value.json"
    page = {"memberScore": {"overall": "9" * 50_000_000, "subScores": []}}
    path.write_text(json.dumps(page))
    cases["JSON with a 50 MB value"] = (path, "import json,sys; json.load(open(sys.argv[1]))")

    cases["/dev/zero (endless)"] = (
        Path("/dev/zero"),
        "import sys; open(sys.argv[1], 'rb').read(200 * 1024 * 1024)",
    )
    return cases


def measure(args: list[str]) -> tuple[float, float, int]:
    """Seconds, peak MB and exit code of one fresh process."""
    out = subprocess.run([TIME, "-f", "%e %M", *args], capture_output=True, text=True)
    seconds, kb = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kb) / 1024, out.returncode


def test_hostile_files_in_bounded_time_and_memory():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (path, baseline) in write_cases(folder).items():
            db = folder / f"{abs(hash(name))}.duckdb"
            extra = ["--rep", "Ann", "--date", "2026-11-20"] if path.suffix == ".json" else []
            s, mb, code = measure([sys.executable, "-m", "dashboard", "import", str(path),
                                   "--db", str(db), *extra])  # fmt: skip
            bs, bmb, _ = measure([sys.executable, "-c", baseline, str(path)])
            rows.append((name, code, s, mb, bs, bmb))
            assert code in (0, 2), name
    print("\n| file | exit | import s | import peak MB | baseline s | baseline peak MB |")
    print("|---|---|---|---|---|---|")
    for name, code, s, mb, bs, bmb in rows:
        print(f"| {name} | {code} | {s:.2f} | {mb:,.0f} | {bs:.2f} | {bmb:,.0f} |")
