"""Who is looking, and what they may see: roles, rights and the scope of people.

Every view-model that returns people takes a ``Viewer`` and keeps only the rows in its
scope, so a page, a download or a command run ``--as`` someone can never show more than
that person may see. The scope is part of every cache key (it is an argument).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.errors import DashboardError

ROLES = ("admin", "manager", "rep", "viewer")
ROLE_HELP = {
    "admin": "uploads, undo, people and teams, users and roles, settings; sees everyone",
    "manager": "the team review, activity and self-checks of the teams they manage",
    "rep": "their own self-check, and the team leaderboard (named or anonymised)",
    "viewer": "company figures without personal detail (read only)",
}
# What each role may do. A manager's upload right also needs the admin's setting.
RIGHTS = {
    "admin": {
        "team_review",
        "activity",
        "people",
        "self_check",
        "upload",
        "undo",
        "users",
        "goals",
        "outcomes",
    },
    "manager": {"team_review", "activity", "people", "self_check", "upload", "goals", "outcomes"},
    "rep": {"self_check"},
    "viewer": {"team_review", "activity", "outcomes"},
}


class AccessDeniedError(DashboardError):
    """The viewer asked for something outside their role or scope."""


@dataclass(frozen=True)
class Viewer:
    """The person a page or command runs for. Frozen and hashable: it keys the cache."""

    email: str
    role: str
    rep_id: int | None = None  # a rep's own person
    teams: tuple[str, ...] = ()  # the teams a manager manages, by name
    managers_upload: bool = False  # the admin lets managers upload (a setting)
    rep_leaderboard: str = "anonymised"  # how a rep sees the team ranking: names | anonymised
    demo: bool = False  # the demo of `make run`: no sign-in, the role switched at will

    def may(self, right: str) -> bool:
        if right == "upload" and self.role == "manager":
            return self.managers_upload
        return right in RIGHTS.get(self.role, set())

    def require(self, right: str) -> None:
        if not self.may(right):
            raise AccessDeniedError(f"{self.email} ({self.role}) may not {RIGHT_WORDS[right]}")

    @property
    def sees_people(self) -> bool:
        """Whether any personal detail (names, a person's figures) is in this scope."""
        return self.may("people")

    def team_scope(self, chosen: list[str], all_teams: list[str]) -> list[str]:
        """The teams a page shows: the chosen ones within scope; a manager with none chosen
        gets their own teams, everyone else with none chosen gets all (``[]``)."""
        if self.role == "manager":
            mine = [t for t in all_teams if t in self.teams]
            return [t for t in chosen if t in mine] or mine
        return [t for t in chosen if t in all_teams]

    def visible_teams(self, all_teams: list[str]) -> list[str]:
        """Teams offered in a team filter."""
        if self.role == "manager":
            return [t for t in all_teams if t in self.teams]
        return list(all_teams) if self.role in ("admin", "viewer") else []

    def may_see_person(self, rep_id: int, team: str | None) -> bool:
        """Whether this person's own detail (a self-check) is in scope."""
        if self.role == "admin":
            return True
        if self.role == "manager":
            return team in self.teams
        if self.role == "rep":
            return rep_id == self.rep_id
        return False

    def sees_goal(
        self, team: str | None, rep_id: int | None, rep_team: str | None,
        own_team: str | None = None,
    ) -> bool:  # fmt: skip
        """Whether a goal or an event is in scope: the company's, everyone's; a team's, the
        admin's, a viewer's, the team's managers' and its reps' (``own_team``: a rep's current
        team); a rep's, the admin's, the managers of the rep's team (``rep_team``) and the
        rep's own. Never another rep's."""
        if (team is None and rep_id is None) or self.role == "admin":
            return True
        if rep_id is not None:
            if self.role == "manager":
                return rep_team in self.teams
            return self.role == "rep" and rep_id == self.rep_id
        if self.role == "manager":
            return team in self.teams
        if self.role == "rep":
            return team == own_team
        return self.role == "viewer"

    def may_set_goal(self, team: str | None, rep_team: str | None, company: bool) -> bool:
        """Whether this viewer may set (or remove) a goal or an event of that scope: admins
        any; managers their teams' and their teams' reps', never the company's."""
        if self.role == "admin":
            return True
        if not self.may("goals") or company:
            return False
        return (team if team is not None else rep_team) in self.teams

    def people_in_scope(self, frame: pd.DataFrame, team_column: str = "team") -> pd.DataFrame:
        """The rows of people this viewer may see by name; none for a viewer or a rep."""
        if frame.empty or self.role == "admin":
            return frame
        if self.role == "manager":
            return frame[frame[team_column].isin(self.teams)].reset_index(drop=True)
        return frame.iloc[0:0]


RIGHT_WORDS = {
    "team_review": "open the team review",
    "activity": "open the activity report",
    "people": "see other people's detail",
    "self_check": "open a self-check",
    "upload": "upload files",
    "undo": "undo imports",
    "users": "manage users and settings",
    "goals": "set goals and events",
    "outcomes": "open the outcomes of deals",
}

# The machine's owner running the command line without --as: an admin, as before roles.
OWNER = Viewer("owner of this machine", "admin")
