"""The browser benchmark's baseline: what Streamlit's own page costs on this machine with
one plotly chart and nearly no data (bench/test_browser_page.py)."""

import plotly.graph_objects as go
import streamlit as st

st.title("Streamlit's floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), key="chart")
