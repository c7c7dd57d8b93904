"""Users and audit, for admins: who may sign in with which role, the teams a manager has,
settings, and who uploaded, undid or changed what."""

import pandas as pd
import streamlit as st

from dashboard import users
from dashboard.access import ROLE_HELP, ROLES
from dashboard.errors import DashboardError
from dashboard.notify import settings as ns
from dashboard.notify.send import recent_deliveries
from dashboard.web import ui


def change(action, done: str) -> None:
    """Run one change to users or roles: its error as a message, or a flash and a rerun."""
    try:
        action()
    except DashboardError as exc:
        st.error(ui.md_text(str(exc)))
    else:
        st.session_state["users_flash"] = [done]
        st.rerun()


st.title("Users and audit")
with ui.friendly_errors():
    viewer = ui.viewer()
    viewer.require("users")
    store = ui.get_store()
    if viewer.demo:
        st.caption("In the demo nobody signs in; users added here switch the demo off.")
    for message in st.session_state.pop("users_flash", []):
        st.success(ui.md_text(message))

    st.dataframe(users.list_users(store), hide_index=True, key="users", column_config={
        "email": "E-mail", "role": "Role", "rep": "Person", "teams": "Teams managed",
        "has_password": st.column_config.CheckboxColumn("Built-in password"),
        "locked_until": st.column_config.DatetimeColumn("Locked until"),
        "created_at": st.column_config.DatetimeColumn("Added", format="YYYY-MM-DD"),
    })  # fmt: skip
    st.caption(" · ".join(f"**{r}**: {ui.md_text(h)}" for r, h in ROLE_HELP.items()))

    teams_all = ui.team_names(store)
    st.subheader("Add a user")
    with st.form("add_user", clear_on_submit=True):
        a = st.columns([2, 1, 2])
        email = a[0].text_input("E-mail", key="new_email")
        role = a[1].selectbox("Role", ROLES, index=2, key="new_role")
        teams = a[2].multiselect("Teams (managers)", teams_all, key="new_teams")
        b = st.columns(2)
        password = b[0].text_input(f"Password (at least {users.MIN_PASSWORD} characters; empty: "
                                   "signs in with the company account only)", type="password",
                                   key="new_password")  # fmt: skip
        rep_email = b[1].text_input("Their person in the exports: e-mail or exact name (reps, if "
                                    "different)",
                                    key="new_rep_email")  # fmt: skip
        if st.form_submit_button("Add", type="primary"):
            change(lambda: users.add_user(store, email, role, by=viewer, teams=teams,
                                          password=password or None,
                                          rep_email=rep_email or None),
                   f"{email} added as {role}")  # fmt: skip

    st.subheader("Change or remove a user")
    emails = users.list_users(store)["email"].tolist()
    c = st.columns([2, 1, 2, 1], vertical_alignment="bottom")
    who = c[0].selectbox("User", emails, index=None, key="edit_email")
    new_role = c[1].selectbox("New role", ROLES, key="edit_role")
    new_teams = c[2].multiselect("Teams (managers)", teams_all, key="edit_teams")
    if c[3].button("Change role", disabled=who is None, key="edit_go"):
        change(
            lambda: users.set_role(store, who, new_role, by=viewer, teams=new_teams),
            f"{who} is now {new_role}",
        )
    d = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    new_password = d[0].text_input(f"New password (at least {users.MIN_PASSWORD} characters)",
                                   type="password", key="edit_password")  # fmt: skip
    if d[1].button("Set password", disabled=who is None or not new_password, key="password_go"):
        change(lambda: users.set_password(store, who, new_password, by=viewer),
               f"{who} has a new password; their sessions have ended")  # fmt: skip
    if d[2].button("Unlock", disabled=who is None, key="unlock_go",
                   help="Lift every sign-in lock of this user, from every address"):  # fmt: skip
        change(lambda: users.unlock(store, who, by=viewer), f"{who} unlocked")
    if d[3].button("Remove this user", disabled=who is None, key="remove_go"):
        change(lambda: users.remove_user(store, who, by=viewer), f"{who} removed")

    st.subheader("Settings")
    current = users.settings(store)
    s = st.columns(2)
    board = s[0].radio("Reps see their team's ranking", ["anonymised", "names"], horizontal=True,
                       index=0 if current.get("rep_leaderboard") != "names" else 1,
                       key="set_board")  # fmt: skip
    upload = s[1].radio("Managers may upload", ["no", "yes"], horizontal=True,
                        index=1 if current.get("managers_upload") == "yes" else 0,
                        key="set_upload")  # fmt: skip
    for key, value in (("rep_leaderboard", board), ("managers_upload", upload)):
        if current.get(key) != value:
            users.set_setting(store, key, value, by=viewer)
            st.rerun()

    st.subheader("Notifications")
    st.dataframe(pd.DataFrame({"settings": [ns.describe(n) for n in ns.every_user(store)]}),
                 hide_index=True, key="notification_settings",
                 column_config={"settings": "Each user's digest and alerts"})  # fmt: skip
    whose = st.selectbox("Change a user's notifications", emails, index=None,
                         key="notify_email", placeholder="Choose a user")  # fmt: skip
    if whose:
        ui.notifications_form(store, viewer, whose, key="admin_notify")
    sent = recent_deliveries(store)
    if not sent.empty:
        st.markdown("**Messages sent or tried** (a failed one is sent again by the next run)")
        st.dataframe(sent, hide_index=True, key="deliveries", column_config={
            "delivery_id": "#", "email": "To", "kind": "What", "period": "For",
            "as_of": st.column_config.DateColumn("Figures of"), "channel": "By",
            "subject": "Subject", "status": "Status", "attempts": "Attempts",
            "last_error": "Last error",
            "made_at": st.column_config.DatetimeColumn("Made", format="YYYY-MM-DD HH:mm"),
            "sent_at": st.column_config.DatetimeColumn("Sent", format="YYYY-MM-DD HH:mm"),
        })  # fmt: skip

    st.subheader("Audit")
    st.dataframe(users.audit_log(store), hide_index=True, key="audit", column_config={
        "happened_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
        "actor": "Who", "action": "What", "detail": "Detail",
    })  # fmt: skip
