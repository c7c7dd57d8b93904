"""The Streamlit entry point: page setup, who is signed in, and navigation only. The package
is installed in editable mode (`make run` does it), so `dashboard` imports without path
edits.

The page scripts live in app_pages/, not pages/: Streamlit would otherwise also serve a
pages/ folder beside this script as old-style pages, bypassing this navigation.
"""

import streamlit as st

from dashboard.web import ui

st.set_page_config(
    page_title="Social Selling Index", page_icon=":material/insights:", layout="wide"
)

# name: (script, title, icon, url path)
PAGES = {
    "team_review": ("app_pages/team_review.py", "Team review", ":material/groups:", "review"),
    "activity": ("app_pages/activity.py", "Activity", ":material/monitoring:", "activity"),
    "outcomes": ("app_pages/outcomes.py", "Outcomes", ":material/paid:", "outcomes"),
    "self_check": ("app_pages/self_check.py", "Rep self-check", ":material/person:", "me"),
    "goals": ("app_pages/goals.py", "Goals and events", ":material/flag:", "goals"),
    "upload": ("app_pages/upload.py", "Upload", ":material/upload:", "upload"),
    "users": ("app_pages/users.py", "Users and audit", ":material/shield_person:", "users"),
    "notifications": (
        "app_pages/notifications.py",
        "My notifications",
        ":material/notifications:",
        "notifications",
    ),
    "about": ("app_pages/about.py", "About the scores", ":material/help:", "about"),
}
SIGN_IN = ("app_pages/sign_in.py", "Sign in", ":material/login:", "sign-in")
# The link in every message: answered whether the reader is signed in or not, never listed.
UNSUBSCRIBE = st.Page("app_pages/unsubscribe.py", title="Unsubscribe", url_path="unsubscribe",
                      visibility="hidden")  # fmt: skip


def page(spec: tuple[str, str, str, str], default: bool = False) -> st.Page:
    script, title, icon, url = spec
    return st.Page(script, title=title, icon=icon, url_path=url, default=default)


def pages_for(viewer) -> list[st.Page]:
    """The pages a role may open; the first is the default. A page the role may not see is
    not in the menu, and each page checks the role again itself."""
    names = [n for n in ("team_review", "activity", "outcomes", "self_check", "goals", "upload",
                         "users")
             if viewer.may(n) or n == "goals"]  # fmt: skip
    listed = [*names, "notifications", "about"] if not viewer.demo else [*names, "about"]
    return [page(PAGES[n], default=i == 0) for i, n in enumerate(listed)] + [UNSUBSCRIBE]


with ui.store_session():  # the store is open for this rerun only: the CLI can write between
    with ui.friendly_errors():
        state = ui.resolve_viewer(ui.get_store())
        ui.set_viewer(state.viewer)
        st.session_state["sign_in_state"] = state
        if state.viewer is None:
            # Every page's address answers with the sign-in page, so a link to /upload or
            # /activity?team=... is not "Page not found" and is where signing in leads.
            stand_ins = [st.Page(SIGN_IN[0], title=title, url_path=url)
                         for _, title, _, url in PAGES.values()]  # fmt: skip
            st.navigation([page(SIGN_IN, default=True), *stand_ins, UNSUBSCRIBE],
                          position="hidden").run()  # fmt: skip
        else:
            ui.sidebar_identity(state.viewer)
            st.navigation(pages_for(state.viewer)).run()
