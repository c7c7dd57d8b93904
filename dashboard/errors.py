"""The app's own exceptions. Every message is written for a person, not a developer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class DashboardError(Exception):
    """Base class: anything the app can explain to a user."""


class StoreError(DashboardError):
    """The store could not do what was asked (locked, corrupt, bad query)."""


class StoreLockedError(StoreError):
    """Another process holds the store file open for writing."""


class NotFoundError(DashboardError):
    """A rep, team or import that the caller named does not exist."""


MAX_SHOWN_VALUE = 80
# Characters a screen does not show as written: control characters, and the marks that
# turn text around (U+200E/F, U+202A-E, U+2066-9). Names holding them are refused
# (ingest/checks.py, in RE2 for DuckDB); messages show them as their codes.
UNSHOWN_RANGES = ((0x00, 0x1F), (0x7F, 0x7F), (0x200E, 0x200F), (0x202A, 0x202E),
                  (0x2066, 0x2069))  # fmt: skip
_CONTROL = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in UNSHOWN_RANGES) + "]")


@dataclass
class Problem:
    """One error or warning about an input file, with everything needed to fix it."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    stands_for: int = 1  # rows this line describes: more than one for "N more like these"

    def __post_init__(self) -> None:
        # A 50 MB cell is named, not echoed: the start of it and its length are enough.
        if self.value is not None and len(self.value) > MAX_SHOWN_VALUE:
            self.value = f"{self.value[:MAX_SHOWN_VALUE]}... ({len(self.value):,} characters)"
        if self.value is not None:
            # A control character is shown as its code, so the person can see what to fix.
            self.value = _CONTROL.sub(_code_of, self.value)

    def __str__(self) -> str:
        where = _CONTROL.sub(_code_of, self.file)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{_CONTROL.sub(_code_of, self.column[:MAX_SHOWN_VALUE])}'"
        shown = "" if self.value is None else f": value '{self.value}'"
        return f"{where}{shown}: {self.message}"


def shows_as_written(text: str) -> bool:
    """Whether ``text`` holds no character a screen does not show as written."""
    return _CONTROL.search(text) is None


def _code_of(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


MAX_LISTED_ERRORS = 50


def unlisted_count(problems: list[Problem], total: int) -> int:
    """How many of ``total`` the listed problems do not speak for."""
    return max(0, total - sum(p.stands_for for p in problems))


@dataclass
class ImportRejectedError(DashboardError):
    """A file had errors; nothing was written."""

    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.problems))
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [str(p) for p in self.problems]
        rest = unlisted_count(self.problems, self.total)
        if rest > 0:
            lines.append(f"... and {rest} more error(s)")
        return "\n".join(lines)
