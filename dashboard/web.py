"""What ``python -m dashboard.serve`` hands to Streamlit: the app (app.py) and, beside it, the
web server's own routes (the sign-in form that sets the session cookie)."""

import streamlit as st

from dashboard import PACKAGE_DIR
from dashboard.sign_in_form import ROUTES

app = st.App(str(PACKAGE_DIR / "app.py"), routes=ROUTES)
