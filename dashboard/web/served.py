"""What ``python -m dashboard.web.serve`` hands to Streamlit: the app (app.py) and, beside it, the
web server's own routes (the sign-in form that sets the session cookie)."""

from pathlib import Path

import streamlit as st

from dashboard.views.sign_in_form import ROUTES

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=ROUTES)
