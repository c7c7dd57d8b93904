"""The Streamlit entry point: page setup and navigation only. The package is installed in
editable mode (`make run` does it), so `dashboard` imports without path edits.

The page scripts live in app_pages/, not pages/: Streamlit would otherwise also serve a
pages/ folder beside this script as old-style pages, bypassing this navigation.
"""

import streamlit as st

from dashboard import ui

st.set_page_config(
    page_title="Social Selling Index", page_icon=":material/insights:", layout="wide"
)

pages = [
    st.Page("app_pages/team_review.py", title="Team review", icon=":material/groups:", default=True),
    st.Page("app_pages/activity.py", title="Activity", icon=":material/monitoring:",
            url_path="activity"),
    st.Page("app_pages/self_check.py", title="Rep self-check", icon=":material/person:",
            url_path="me"),
    st.Page("app_pages/upload.py", title="Upload", icon=":material/upload:", url_path="upload"),
    st.Page("app_pages/about.py", title="About the scores", icon=":material/help:", url_path="about"),
]  # fmt: skip
with ui.store_session():  # the store is open for this rerun only: the CLI can write between
    st.navigation(pages).run()
