"""A file read as text cells: what every reader (``sources.py``, ``long_format.py``) makes
and what staging and the importer take."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Source:
    """A file turned into text cells: headers, and where DuckDB can read the rows."""

    kind: str  # delimited | xlsx | json
    headers: list[str]
    header_line: int  # 1-based line (or sheet row) of the header
    encoding: str = "utf-8"
    delimiter: str = ","
    csv_path: Path | None = None  # a UTF-8 file DuckDB reads (delimited only)
    # Whether the file has a double quote anywhere: without one, no cell can hold a line
    # break, and staging need not look for any (bench/test_import_speed.py).
    has_quotes: bool = True
    # The bytes of a plain UTF-8 delimited file without quotes (no cell holds a line
    # break), whose rows can be counted from them (``rows``); None for any other file.
    countable: bytes | None = field(default=None, repr=False)
    frame: pd.DataFrame | None = None  # text cells (xlsx and json)
    notes: list[str] = field(default_factory=list)
    cleanup: list[Path] = field(default_factory=list)

    @functools.cached_property
    def rows(self) -> int | None:
        """The rows the CSV reader gives when it drops none, where the bytes alone tell.
        Counted when asked (when the file is staged), not when it is opened: a file
        imported before is recognised without it."""
        return None if self.countable is None else rows_after(self.countable, self.header_line)

    def close(self) -> None:
        for path in self.cleanup:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)


def rows_after(data: bytes, header_line: int) -> int | None:
    """The lines after the first ``header_line``: the rows the CSV reader gives when it
    drops none (a blank line it skips only makes the counts differ, and the file is read
    as text). None where a lone carriage return, which the reader may take for a line's
    end, makes the count unreliable. One count over the bytes (bench/test_import_speed.py)."""
    start = 0
    for _ in range(header_line):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    if b"\r" in data and data.count(b"\r", start) != data.count(b"\r\n", start):
        return None
    return data.count(b"\n", start) + (0 if data.endswith(b"\n") or start == len(data) else 1)
