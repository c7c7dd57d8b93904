"""The page scripts Streamlit runs (``app.py`` lists them): read widgets, call a view,
draw. A package only so the import contracts see them."""
