"""The scoring method, readable in the app (docs/SCORING.md)."""

import streamlit as st

from dashboard import PROJECT_DIR

st.title("About the scores")
st.markdown((PROJECT_DIR / "docs" / "SCORING.md").read_text(encoding="utf-8").split("\n", 1)[1])
