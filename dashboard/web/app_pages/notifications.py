"""My notifications: the weekly digest's day, hour and channel, and which alerts, for the
person signed in; and a preview of their next digest."""

from datetime import UTC, datetime

import streamlit as st

from dashboard.notify.digest import digest_for
from dashboard.notify.message import digest_text
from dashboard.notify.send import public_url
from dashboard.scoring.leaderboard import default_as_of
from dashboard.web import ui

st.title("My notifications")
with ui.friendly_errors():
    viewer = ui.viewer()
    store = ui.get_store()
    if viewer.demo:
        st.info("The demo has no users to send to: add users on the Users page first.")
        st.stop()
    st.markdown(
        "A digest of what changed since the last one comes each week, scoped as your pages "
        "are, with the PDF of your page attached; alerts come when something needs you now. "
        "Every message has a link to stop them."
    )
    ui.notifications_form(store, viewer, viewer.email, key="mine")
    # Made when opened: it computes the digest and its PDF.
    preview = st.expander("Preview my next digest", key="digest_preview", on_change="rerun")
    if preview.open:
        as_of = default_as_of(store)
        if as_of is None:
            preview.info("The store has no readings yet.")
        else:
            digest = digest_for(store, viewer, as_of, None, public_url(), datetime.now(UTC))
            preview.code(digest_text(digest), language=None, wrap_lines=True)
