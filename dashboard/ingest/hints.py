"""How each door into the importer lets a person supply what a file lacks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hints:
    """How the door a file came through lets a person give what a file lacks; messages
    name these, so a page never tells its users to type a command-line flag."""

    person: str
    day: str
    mapping: str
    owner: str = "--owner 'OWNER=rep e-mail'"
    rate: str = "--rate CODE=RATE"


CLI_HINTS = Hints(person="--rep NAME", day="--date YYYY-MM-DD", mapping="--map 'HEADER=field'")
PAGE_HINTS = Hints(
    person="the Person field under 'For files that do not say who, which team or which day'",
    day="the Date field under 'For files that do not say who, which team or which day'",
    mapping="the 'Read as' column of the mapping table",
    owner="the Deal owners table below",
    rate="the exchange rates field ('EUR=1.08': store currency per unit)",
)
