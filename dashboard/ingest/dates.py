"""Choosing one date format per file, so 03/04/2026 means the same thing on every line."""

from __future__ import annotations

from dataclasses import dataclass

ISO = [("%Y-%m-%d", "YYYY-MM-DD"), ("%Y/%m/%d", "YYYY/MM/DD"), ("%Y.%m.%d", "YYYY.MM.DD")]
US = [
    ("%m/%d/%Y", "MM/DD/YYYY (US)"),
    ("%m/%d/%y", "MM/DD/YY (US)"),
    ("%m-%d-%Y", "MM-DD-YYYY (US)"),
]
EUROPEAN = [
    ("%d/%m/%Y", "DD/MM/YYYY (European)"),
    ("%d/%m/%y", "DD/MM/YY (European)"),
    ("%d.%m.%Y", "DD.MM.YYYY"),
    ("%d.%m.%y", "DD.MM.YY"),
    ("%d-%m-%Y", "DD-MM-YYYY (European)"),
]
WORDS = [
    ("%d %b %Y", "08 Feb 2026"),
    ("%d %B %Y", "08 February 2026"),
    ("%b %d, %Y", "Feb 08, 2026"),
    ("%B %d, %Y", "February 08, 2026"),
    ("%d-%b-%Y", "08-Feb-2026"),
    ("%d-%b-%y", "08-Feb-26"),
]
LABELS = dict(ISO + US + EUROPEAN + WORDS)
SAMPLE_LIMIT = 5000


@dataclass
class DateChoice:
    fmt: str
    label: str
    note: str


def candidate_formats(prefer_european: bool) -> list[str]:
    """Candidates in order of preference; day-first wins ties only with a European hint."""
    ordered = ISO + (EUROPEAN + US if prefer_european else US + EUROPEAN) + WORDS
    return [f for f, _ in ordered]


def checked_format(fmt: str) -> str:
    """``fmt``, refused unless it is one of our own formats (never text from a file)."""
    if fmt not in LABELS:
        raise ValueError(f"not a known date format: {fmt!r}")
    return fmt


def choose_format(votes: list[tuple[str, int, int, int]], prefer_european: bool) -> DateChoice:
    """Pick the format that reads the most distinct dates; explain an ambiguous choice.

    ``votes`` rows are (format, priority, parsed, total), best first.
    """
    if not votes or votes[0][2] == 0:
        return DateChoice("%Y-%m-%d", LABELS["%Y-%m-%d"], "no date format read these values")
    fmt, _, parsed, total = votes[0]
    label = LABELS[fmt]
    rivals = [v for v in votes[1:] if v[2] == parsed and _swapped(v[0], fmt)]
    if rivals:
        why = (
            "decimal commas or semicolons suggest a European file"
            if prefer_european
            else ("no day above 12 decides it, so month-first was taken")
        )
        note = f"dates read as {label}: every date fits day-first and month-first; {why}"
    else:
        note = f"dates read as {label} ({parsed} of {total} distinct values)"
    return DateChoice(fmt, label, note)


def _swapped(a: str, b: str) -> bool:
    return a.replace("%d", "X").replace("%m", "%d").replace("X", "%m") == b
