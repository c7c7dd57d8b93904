"""The web app: the Streamlit entry point (``app.py``) and its page scripts (``app_pages/``),
the glue they share (``ui.py``), the plotly figures (``charts.py``), and the server command
(``python -m dashboard.web.serve``) with what it hands to Streamlit (``served.py``)."""
