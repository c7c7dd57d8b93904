"""Streamlit glue shared by the pages: the store of this rerun, URL state, who is looking,
errors.

The store is opened when a rerun first needs it and closed when the rerun ends
(``store_session``, around the navigation in app.py): between reruns the dashboard holds no
connection, so `python -m dashboard import` can write to the file it serves. Results are
remembered by the views themselves (dashboard/scoring/memo.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.io as pio
import streamlit as st

from dashboard import display, sessions, users
from dashboard.access import AccessDeniedError, Viewer
from dashboard.errors import DashboardError, StoreLockedError
from dashboard.scoring import default_as_of
from dashboard.scoring.leaderboard import team_names as leaderboard_team_names
from dashboard.scoring.memo import remembered
from dashboard.store import Store, resolve_db_path
from dashboard.web import charts

# Importing Streamlit sets plotly's default template to its own; the charts are drawn on
# theirs whichever was imported first (web/charts.py).
pio.templates.default = charts.TEMPLATE

_this_run = threading.local()  # Streamlit runs each session's reruns in its own thread


@contextmanager
def store_session() -> Iterator[None]:
    """One rerun's use of the store: opened on first use, closed at the end of the rerun
    (also when the rerun is cut short by st.rerun or st.stop)."""
    _this_run.store = None
    try:
        yield
    except StoreLockedError as exc:
        st.error(md_text(str(exc)))
    finally:
        store, _this_run.store = getattr(_this_run, "store", None), None
        if store is not None:
            store.close()


def get_store() -> Store:
    """The store of this rerun (outside a rerun, as in tests of ui helpers, a new one)."""
    store = getattr(_this_run, "store", None)
    if store is None:
        store = Store(resolve_db_path())
        _this_run.store = store
    return store


def made_on_click(make: Callable[[Store], bytes]) -> Callable[[], bytes]:
    """A download made when its button is clicked (a PDF takes seconds a rerun should not
    pay), with a store of its own: the rerun's is closed by then."""
    location = resolve_db_path()  # as get_store opens it (an address for PostgreSQL)

    def made() -> bytes:
        with Store(location) as store:
            return make(store)

    return made


def alerts_after_import() -> None:
    """The alerts an upload may have triggered, checked and sent beside the page (a check
    and its mail take seconds the person uploading should not wait), with a store of its own."""
    from dashboard.notify.alerts import after_import

    location = resolve_db_path()

    def check() -> None:
        with Store(location) as store:
            after_import(store)

    threading.Thread(target=check, name="alerts after an upload", daemon=True).start()


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show the app's own errors as a message, never as a traceback."""
    try:
        yield
    except DashboardError as exc:
        st.error(md_text(str(exc)))


# -- the store facts pages need --------------------------------------------
@remembered
def team_names(store: Store) -> list[str]:
    return leaderboard_team_names(store)


@remembered
def date_range(store: Store) -> tuple[date | None, date | None]:
    span = store.rows("date_range")[0]
    return span.first_day, span.last_day


@remembered
def rep_names(store: Store) -> pd.DataFrame:
    return store.df("rep_names")


# -- URL state ---------------------------------------------------------------
def param_date(name: str, first: date, last: date, default: date | None = None) -> date:
    """The date in the URL, kept within [first, last]; ``default`` (else ``last``) when the
    URL has none or an unreadable one."""
    try:
        wanted = date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        wanted = default or last
    return min(max(wanted, first), last)


def param_int(name: str) -> int | None:
    try:
        return int(st.query_params.get(name, ""))
    except ValueError:
        return None


def md_text(text: object) -> str:
    """User text made inert inside st.markdown: no links, images, HTML or emphasis."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        out = out.replace(ch, "\\" + ch)
    return out


fmt = display.fmt  # the pages' short name for it


def goals_table(table: pd.DataFrame, key: str) -> None:
    """A table of goals (views.goals.goals_table), as every page shows it."""
    st.dataframe(table, hide_index=True, key=key, column_config={
        "id": st.column_config.TextColumn("Id", width="small"),
        "goal": st.column_config.TextColumn("Goal", width="medium"),
        "scope": "For", "target": st.column_config.NumberColumn("Target", format="%g"),
        "from": st.column_config.DateColumn("From"), "by": st.column_config.DateColumn("By"),
        "start": st.column_config.NumberColumn("At start", format="%.1f"),
        "start_day": st.column_config.DateColumn("Start read on"),
        "now": st.column_config.NumberColumn("Now", format="%.1f"),
        "now_day": st.column_config.DateColumn("Read on", help="The day the value now is of"),
        "done_pct": st.column_config.NumberColumn("Done", format="%d%%",
                                                  help="Share of the way from the start to the target"),
        "verdict": st.column_config.TextColumn("Pace", help="Against the straight line from the "
                                               "start to the target"),
        "per_week": st.column_config.NumberColumn("Needed a week", format="%+.1f",
                                                  help="The change per week still needed to reach the target"),
    }, column_order=["goal", "scope", "now", "target", "by", "verdict", "done_pct", "per_week",
                     "start", "from", "now_day", "start_day", "id"])  # fmt: skip


def notifications_form(store: Store, viewer: Viewer, email: str, key: str) -> None:
    """One user's notification settings as a form; saved (checked, audited) on submit."""
    from dashboard.notify import settings as ns

    now = ns.settings_of(store, email)
    with st.form(f"{key}_form"):
        digest = st.toggle("Weekly digest", value=now.digest, key=f"{key}_digest")
        c = st.columns(3)
        weekday = c[0].selectbox("Day", range(7), index=now.weekday, key=f"{key}_weekday",
                                 format_func=lambda d: ns.WEEKDAYS[d])  # fmt: skip
        hour = c[1].selectbox("Hour (UTC)", range(24), index=now.hour, key=f"{key}_hour",
                              format_func=lambda h: f"{h:02d}:00")  # fmt: skip
        channel = c[2].selectbox("By", ns.CHANNELS, index=ns.CHANNELS.index(now.channel),
                                 key=f"{key}_channel",
                                 format_func={"email": "e-mail", "slack": "Slack",
                                              "teams": "Microsoft Teams"}.get)  # fmt: skip
        webhook = st.text_input(
            "Incoming webhook address (Slack or Teams)", type="password", key=f"{key}_webhook",
            help="Kept as a secret: never shown back. Empty keeps the one set"
            + (f" ({now.webhook_shown})." if now.webhook else "."),
        )  # fmt: skip
        alerts = st.multiselect("Alerts", list(ns.ALERT_KINDS), default=list(now.alerts),
                                format_func=ns.ALERT_KINDS.get, key=f"{key}_alerts",
                                placeholder="No alerts")  # fmt: skip
        if st.form_submit_button("Save", type="primary"):
            chosen = ns.Notifications(email, digest, weekday, hour, channel,
                                      webhook or now.webhook, tuple(alerts))  # fmt: skip
            try:
                saved = ns.save(store, viewer, chosen)
            except DashboardError as exc:
                st.error(md_text(str(exc)))
            else:
                st.success(md_text(f"Saved. {ns.describe(saved)}."))


def empty_store_message() -> None:
    st.info(
        "The store has no SSI readings yet. Upload a team export, a tracker history or the "
        "SSI page JSON on the Upload page, or run `python -m dashboard demo` for demo data."
    )
    st.page_link("app_pages/upload.py", label="Go to Upload", icon=":material/upload:")


# -- who is looking ------------------------------------------------------------
AUTH_ENV = "SSI_AUTH"  # "none": one person on one machine, no sign-in, an admin
DEMO_ROLES = ("admin", "manager", "rep")


def viewer() -> Viewer:
    """The viewer of this rerun, set by app.py before any page runs."""
    found = getattr(_this_run, "viewer", None)
    if found is None:  # a page run without app.py's sign-in: nothing is in scope
        raise AccessDeniedError("nobody is signed in")
    return found


def set_viewer(found: Viewer | None) -> None:
    _this_run.viewer = found


def oidc_configured() -> bool:
    """Streamlit's own sign-in ([auth] in .streamlit/secrets.toml) is set up."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all  # noqa: BLE001
        return False


def demo_viewer() -> Viewer:
    """The demo's visitor, as the role chosen in the sidebar: a manager of the first team,
    a rep of that team."""
    role = st.session_state.get("demo_role", "admin")
    people = rep_names(get_store())  # every rerun of the demo asks: read it once per store change
    team = sorted(people["team"].dropna().unique())[0] if not people.empty else None
    if role == "manager":
        return Viewer("demo manager", "manager", teams=(team,) if team else (), demo=True)
    if role == "rep":
        mine = people[people["team"] == team] if team else people
        rep_id = int(mine["rep_id"].iloc[0]) if not mine.empty else None
        return Viewer("demo rep", "rep", rep_id=rep_id, demo=True,
                      rep_leaderboard="names")  # fmt: skip
    return Viewer("demo admin", "admin", demo=True)


@dataclass(frozen=True)
class SignInState:
    viewer: Viewer | None
    first_run: bool = False  # no user yet: the first admin is to be created
    unknown_email: str | None = None  # signed in through OIDC but not a user here


def client_source() -> str:
    """Where this browser's requests come from, as failed sign-ins are counted: its address
    (behind a proxy, the proxy's: see SECURITY.md)."""
    return str(st.context.ip_address or "unknown")


def resolve_viewer(store: Store) -> SignInState:
    """Who this rerun is for: the demo visitor, the signed-in user, or nobody yet."""
    if os.environ.get(AUTH_ENV, "").lower() == "none":
        return SignInState(Viewer("you (no sign-in on this machine)", "admin"))
    if users.user_count(store) == 0:
        if store.scalar("is_demo_store"):
            return SignInState(demo_viewer())
        return SignInState(None, first_run=True)
    if oidc_configured() and st.user.get("is_logged_in"):
        email = str(st.user.get("email") or "")
        found = users.viewer_for(store, email)
        return SignInState(found, unknown_email=None if found else email)
    email = st.session_state.get("signed_in")
    started = st.session_state.get("signed_in_at")
    if email and started and not sessions.still_valid(store, email, started):
        email = None  # signed out everywhere, removed, or given a new password since
        st.session_state.pop("signed_in", None)
    if not email:  # a new tab or a reload: the session cookie the sign-in form set
        held = sessions.signed_in(store, st.context.cookies.get(sessions.SESSION_COOKIE))
        if held:
            email, started = held
            st.session_state["signed_in"], st.session_state["signed_in_at"] = held
    found = users.viewer_for(store, email) if email else None
    if email and found is None:  # removed while signed in
        st.session_state.pop("signed_in", None)
    return SignInState(found)


def sidebar_identity(found: Viewer) -> None:
    """Who is signed in and a way out; in the demo, a banner and the role switcher."""
    if found.demo:
        st.info("**Demo**: made-up people and figures, no sign-in. Switch the view in the "
                "sidebar to see what an admin, a manager or a rep sees.", icon=":material/science:")  # fmt: skip
        st.sidebar.radio("View the demo as", DEMO_ROLES, key="demo_role", horizontal=True,
                         format_func=str.title)  # fmt: skip
        return
    st.sidebar.text(f"Signed in as {found.email} ({found.role})")  # plain: no mail link
    if os.environ.get(AUTH_ENV, "").lower() == "none":
        return
    if st.sidebar.button("Sign out", key="sign_out",
                         help="Signs you out in every tab and browser"):  # fmt: skip
        sessions.end_sessions(get_store(), found.email)
        st.session_state.pop("signed_in", None)
        if oidc_configured() and st.user.get("is_logged_in"):
            st.logout()
        st.rerun()


@dataclass(frozen=True)
class Filters:
    teams: list[str]  # as chosen (kept in the URL)
    scope: list[str]  # what the view shows: the chosen teams within the viewer's scope
    as_of: date
    period: str


def team_filters(found: Viewer, periods: dict[str, int]) -> Filters:
    """The teams, as-of and period filters of the team review and the Activity page, read
    from the URL (a view can be shared as a link). Stops the page on a store without data."""
    teams_all = found.visible_teams(team_names(get_store()))
    first, last = date_range(get_store())
    if last is None:
        empty_store_message()
        st.stop()
    f1, f2, f3 = st.columns([3, 1, 1])
    url_teams = [t for t in st.query_params.get_all("team") if t in teams_all]
    teams = f1.multiselect("Teams", teams_all, default=url_teams, key="teams",
                           placeholder="All your teams" if found.role == "manager" else "All teams")  # fmt: skip
    as_of = f2.date_input("As of", value=param_date("as_of", first, last, default_as_of(get_store())),
                          min_value=first, max_value=last, key="as_of")  # fmt: skip
    names = list(periods)
    url_period = st.query_params.get("period", "90 days")
    period = f3.selectbox("Period", names, key="period",
                          index=names.index(url_period) if url_period in names else 1)  # fmt: skip
    return Filters(teams, found.team_scope(teams, teams_all), as_of, period)
