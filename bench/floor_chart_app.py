"""Streamlit's one-line page with one small plotly chart: what Streamlit itself takes to show
any plotly chart to a new visitor, beside the floor (bench/test_browser_page.py)."""

import plotly.graph_objects as go
import streamlit as st

st.title("Streamlit's floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), key="chart")
