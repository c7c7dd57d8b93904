"""Sign in: the first admin on a new store, built-in accounts, or the company's identity
provider (Streamlit's OIDC sign-in, when .streamlit/secrets.toml has an [auth] section)."""

import os
from datetime import datetime
from urllib.parse import urlparse

import streamlit as st

from dashboard import users
from dashboard.errors import DashboardError
from dashboard.views.sign_in_form import ROUTE_ENV, back_to, form_html
from dashboard.web import ui


def signed_in(email: str) -> None:
    """This session is now signed in as ``email``: drawn again as that user."""
    st.session_state["signed_in"] = email
    st.session_state["signed_in_at"] = datetime.now()
    st.rerun()


state = st.session_state.get("sign_in_state")
store = ui.get_store()
st.title("Social Selling Index")

if state is not None and state.unknown_email:
    st.warning("You are signed in with the e-mail below, but this dashboard has no user with "
               "it. Ask your admin to add you.")  # fmt: skip
    st.text(state.unknown_email)  # plain text: a claim is never markup, not even a mail link
    if st.button("Sign out", key="oidc_out"):
        st.logout()
    st.stop()

if state is not None and state.first_run:
    st.subheader("Create the first admin")
    st.markdown("This store has no users yet. The first account is an admin: it adds the "
                "managers, reps and viewers afterwards (Users and audit).")  # fmt: skip
    with st.form("first_admin"):
        email = st.text_input("Your e-mail", key="first_email")
        password = st.text_input(f"Password (at least {users.MIN_PASSWORD} characters)",
                                 type="password", key="first_password")  # fmt: skip
        again = st.text_input("The password again", type="password", key="first_again")
        if st.form_submit_button("Create the admin", type="primary"):
            try:
                if password != again:
                    raise DashboardError("the two passwords differ")
                account = users.add_first_admin(store, email, password)
            except DashboardError as exc:
                st.error(ui.md_text(str(exc)))
            else:
                signed_in(account.email)
    st.stop()

if ui.oidc_configured():
    st.button("Sign in with your company account", type="primary", on_click=st.login,
              key="oidc_in")  # fmt: skip
    st.caption("Or with an account made for you on this dashboard:")
if os.environ.get(ROUTE_ENV):
    # Served by `python -m dashboard.web.serve`: a plain form posted to the server, which sets a
    # session cookie (a reload or a new tab stays signed in) and comes back to this very
    # page with its filters.
    here = urlparse(st.context.url or "").path or "/"
    st.html(form_html(back_to(here, {k: st.query_params.get_all(k) for k in st.query_params})))
    st.stop()
with st.form("sign_in"):
    email = st.text_input("E-mail", key="sign_in_email")
    password = st.text_input("Password", type="password", key="sign_in_password")
    if st.form_submit_button("Sign in"):
        try:
            found = users.sign_in(store, email, password, source=ui.client_source())
        except DashboardError as exc:
            st.error(ui.md_text(str(exc)))
        else:
            signed_in(found.email)
