"""Users of the dashboard: built-in accounts, roles, the teams a manager manages, settings,
and the audit of who did what.

Passwords are hashed with argon2id (argon2-cffi); a hash is never shown or exported.
After ``LOCK_AFTER`` failed sign-ins in a row from one source, that e-mail is locked from
that source for ``LOCK_MINUTES``; an admin unlocks it or sets a new password.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.access import ROLES, Viewer
from dashboard.errors import DashboardError, NotFoundError
from dashboard.store import Cursor, Store

LOCK_AFTER = 5
LOCK_MINUTES = 15
LOCK_WINDOW = timedelta(minutes=LOCK_MINUTES)
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
SETTINGS = {
    "rep_leaderboard": ("names", "anonymised"),
    "managers_upload": ("yes", "no"),
}


class SignInError(DashboardError):
    """Wrong e-mail or password, or a locked account. Says which without leaking hashes."""


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    rep_id: int | None
    teams: tuple[str, ...]
    has_password: bool


def user_count(store: Store) -> int:
    return int(store.scalar("count_users"))


def _check_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise DashboardError(f"'{email}' is not an e-mail address; expected name@company.com")
    return email


def _check_password(password: str | None) -> str | None:
    if password is not None and len(password) < MIN_PASSWORD:
        raise DashboardError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password) if password else None


def _rep_for(store: Store, role: str, email: str, person: str | None) -> int | None:
    """A rep user's person: the one with ``person`` (an e-mail, or the exact name of one
    person, for someone known from a tracker by name only), else with the user's e-mail."""
    if role != "rep":
        return None
    wanted = (person or email).strip()
    rep_id = store.scalar("rep_by_email", {"email": wanted})
    if rep_id is None and "@" not in wanted:
        named = store.rows("reps_named", {"name": wanted})
        if len(named) > 1:
            raise DashboardError(f"{len(named)} people are called {wanted}; give the e-mail "
                                 "of the one this user is")  # fmt: skip
        rep_id = named[0].rep_id if named else None
    if rep_id is None:
        raise NotFoundError(f"no person in the store has the e-mail or name {wanted}; a rep "
                            "user must be a person with readings (give --rep)")  # fmt: skip
    return int(rep_id)


def add_user(
    store: Store, email: str, role: str, *, by: Viewer, teams: list[str] | None = None,
    password: str | None = None, rep_email: str | None = None,
) -> Account:  # fmt: skip
    """A new user, added by an admin (``by``). A rep is tied to the person with their e-mail
    (or ``rep_email``); a manager to the teams named."""
    by.require("users")
    return _add(store, email, role, by.email, teams, password, rep_email, first_only=False)


def add_first_admin(store: Store, email: str, password: str | None) -> Account:
    """The store's first user, an admin, from the first-run form: only while the store has
    no user, decided in the transaction that writes it (nobody signed in can ask yet)."""
    return _add(store, email, "admin", email or "first run", None, password, None, first_only=True)


def _add(
    store: Store, email: str, role: str, actor: str, teams: list[str] | None,
    password: str | None, rep_email: str | None, first_only: bool,
) -> Account:  # fmt: skip
    email = _check_email(email)
    if role not in ROLES:
        raise DashboardError(f"unknown role '{role}'; expected one of {', '.join(ROLES)}")
    if get_account(store, email):
        raise DashboardError(f"{email} is a user already; change the role with `users role`")
    if role != "admin" and user_count(store) == 0:  # else nobody could ever add an admin
        raise DashboardError("the first user must be an admin; add an admin first")
    rep_id = _rep_for(store, role, email, rep_email)
    hashed = _check_password(password)
    known = set(store.df("teams_with_data")["name"]) if teams else set()
    unknown = [t for t in teams or [] if t not in known]
    if unknown:
        raise NotFoundError(f"unknown team(s): {', '.join(unknown)}")
    with store.transaction() as cur:
        # Checked again where it is written: two visitors of a new store could both have
        # seen "no users yet" on the first-admin form, and both become admins.
        if first_only and cur.run("count_users").fetchone()[0]:
            raise DashboardError("an admin exists already; sign in instead")
        cur.run("add_user", {"email": email, "role": role, "rep_id": rep_id,
                             "password_hash": hashed})  # fmt: skip
        cur.run("set_user_teams", {"email": email, "teams": list(teams or [])})
        cur.run("record_audit", {"actor": actor, "action": "user added",
                                 "detail": f"{email} as {role}"})  # fmt: skip
    return _existing(store, email)


def remove_user(store: Store, email: str, *, by: Viewer) -> None:
    by.require("users")
    actor = by.email
    account = get_account(store, email)
    if account is None:
        raise NotFoundError(f"{email} is not a user")
    with store.transaction() as cur:
        _keep_an_admin(cur, account.email, "remove")
        cur.run("remove_user", {"email": account.email})
        cur.run("record_audit", {"actor": actor, "action": "user removed",
                                 "detail": account.email})  # fmt: skip


def set_role(
    store: Store, email: str, role: str, *, by: Viewer, teams: list[str] | None = None,
    rep_email: str | None = None,
) -> Account:  # fmt: skip
    by.require("users")
    actor = by.email
    account = get_account(store, email)
    if account is None:
        raise NotFoundError(f"{email} is not a user")
    if role not in ROLES:
        raise DashboardError(f"unknown role '{role}'; expected one of {', '.join(ROLES)}")
    rep_id = _rep_for(store, role, account.email, rep_email)
    with store.transaction() as cur:
        if role != "admin":
            _keep_an_admin(cur, account.email, "demote")
        cur.run("set_role", {"email": account.email, "role": role, "rep_id": rep_id})
        cur.run("set_user_teams", {"email": account.email,
                                   "teams": list(teams if teams is not None else account.teams)})  # fmt: skip
        cur.run("record_audit", {"actor": actor, "action": "role changed",
                                 "detail": f"{account.email}: {account.role} -> {role}"})  # fmt: skip
    return _existing(store, account.email)


def _keep_an_admin(cur: Cursor, email: str, verb: str) -> None:
    """Inside the write: two admins demoting each other at once cannot both pass the check
    and leave the store with no admin (writes take turns)."""
    is_admin, other_admins = cur.run("admins_besides", {"email": email}).fetchone()
    if is_admin and not other_admins:
        raise DashboardError(f"cannot {verb} the last admin; make another user admin first")


def get_account(store: Store, email: str) -> Account | None:
    rows = store.rows("user_by_email", {"email": email or ""})
    if not rows:
        return None
    r = rows[0]
    return Account(r.email, r.role, r.rep_id, tuple(r.teams or ()), r.password_hash is not None)


def list_users(store: Store) -> pd.DataFrame:
    return store.df("list_users")


def settings(store: Store) -> dict[str, str]:
    return {r.key: r.value for r in store.rows("settings")}


def set_setting(store: Store, key: str, value: str, *, by: Viewer) -> None:
    by.require("users")
    actor = by.email
    if value not in SETTINGS.get(key, ()):
        raise DashboardError(f"unknown setting {key}={value}")
    with store.transaction() as cur:
        cur.run("set_setting", {"key": key, "value": value})
        cur.run("record_audit", {"actor": actor, "action": "setting changed",
                                 "detail": f"{key} = {value}"})  # fmt: skip


def record(store: Store, actor: str, action: str, detail: str) -> None:
    """One line of the audit: who did what, when."""
    with store.transaction() as cur:
        audit(cur, actor, action, detail)


def audit(cur: Cursor, actor: str, action: str, detail: str) -> None:
    """One line of the audit, in the transaction of the write it describes."""
    cur.run("record_audit", {"actor": actor, "action": action, "detail": detail})


def audit_log(store: Store, limit: int = 200) -> pd.DataFrame:
    return store.df("audit_log", {"limit": limit})


def viewer_for(store: Store, email: str, demo: bool = False) -> Viewer | None:
    """The Viewer of a signed-in e-mail, with the settings that shape what it sees; None
    for an e-mail that is not a user (the page says to ask an admin)."""
    account = get_account(store, email)
    if account is None:
        return None
    s = settings(store)
    return Viewer(account.email, account.role, account.rep_id, account.teams,
                  managers_upload=s.get("managers_upload") == "yes",
                  rep_leaderboard=s.get("rep_leaderboard", "anonymised"), demo=demo)  # fmt: skip


@functools.cache
def _no_account_hash() -> str:
    """A hash no password matches, checked for an unknown e-mail so that it answers in the
    time a known one takes (a fast "no" told which accounts exist)."""
    return _HASHER.hash(secrets.token_hex(16))


LONGEST_EMAIL = 254


def sign_in(
    store: Store, email: str, password: str, source: str = "unknown", now: datetime | None = None
) -> Viewer:
    """A built-in account's sign-in. An unknown e-mail, a wrong password and an account
    without one take the same time and get the same words. Failures are counted per e-mail
    and ``source`` (where the sign-in comes from), known or not: the ``LOCK_AFTER``-th in a
    row locks that e-mail from that source for ``LOCK_MINUTES``, so a stranger's guesses
    lock the stranger out, not the account's owner, and the lock says nothing of whether
    the account exists."""
    now = now or datetime.now()
    typed = (email or "").strip().lower()[:LONGEST_EMAIL]
    where = {"email": typed, "source": source[:200], "now": now}
    locked = store.scalar("sign_in_lock", where)
    if locked is not None:
        raise SignInError(f"this e-mail is locked here after {LOCK_AFTER} failed sign-ins; "
                          f"try again after {locked:%H:%M}, or ask an admin to unlock it")  # fmt: skip
    rows = store.rows("user_by_email", {"email": typed})
    stored = rows[0].password_hash if rows else None
    try:
        good = _HASHER.verify(stored or _no_account_hash(), password or "") and stored is not None
    except (VerificationError, InvalidHashError):
        good = False
    if not good:
        with store.transaction() as cur:
            cur.run("failed_sign_in", where | {"limit": LOCK_AFTER, "window": LOCK_WINDOW,
                                               "until": now + LOCK_WINDOW})  # fmt: skip
        raise SignInError("wrong e-mail or password")
    with store.transaction() as cur:
        cur.run("good_sign_in", where)
    found = viewer_for(store, typed)
    assert found is not None  # the account was just read
    return found


def unlock(store: Store, email: str, *, by: Viewer) -> None:
    """An admin lifts every lock of an account, from every source."""
    by.require("users")
    actor = by.email
    account = _existing(store, email)
    with store.transaction() as cur:
        cur.run("unlock_user", {"email": account.email})
        cur.run("record_audit", {"actor": actor, "action": "account unlocked",
                                 "detail": account.email})  # fmt: skip


def set_password(store: Store, email: str, password: str, *, by: Viewer) -> None:
    """An admin gives an account a new password: its locks are lifted and every session
    started before it ends. The password is never logged."""
    by.require("users")
    actor = by.email
    account = _existing(store, email)
    hashed = _check_password(password)
    if hashed is None:
        raise DashboardError(f"a password needs at least {MIN_PASSWORD} characters")
    with store.transaction() as cur:
        cur.run("set_password", {"email": account.email, "password_hash": hashed,
                                 "now": datetime.now()})  # fmt: skip
        cur.run("record_audit", {"actor": actor, "action": "password reset",
                                 "detail": account.email})  # fmt: skip


def _existing(store: Store, email: str) -> Account:
    account = get_account(store, email)
    if account is None:
        raise NotFoundError(f"{email} is not a user")
    return account
