"""The Crowd Sandbox Streamlit dashboard."""
