"""The link in every digest and alert: one click turns off that person's digest and alerts,
signed in or not. The same words answer a token that is no one's."""

import streamlit as st

from dashboard.notify.settings import unsubscribe
from dashboard.web import ui

st.title("Unsubscribe")
with ui.friendly_errors():
    token = st.query_params.get("token", "")
    email = unsubscribe(ui.get_store(), token) if token else None
    if email:
        st.success(ui.md_text(f"{email} will get no more digests or alerts."))
        st.caption("To get them again, sign in and open My notifications.")
    else:
        st.info("This link is not one we know: nothing was changed. Sign in and open My "
                "notifications to change what you get.")  # fmt: skip
