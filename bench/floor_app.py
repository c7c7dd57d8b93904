"""The browser benchmark's baseline: Streamlit's own one-line page (bench/test_browser_page.py)."""

import streamlit as st

st.title("Streamlit's floor")
