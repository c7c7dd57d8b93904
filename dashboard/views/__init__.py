"""What each page shows, computed without Streamlit so it can be tested directly."""
