"""Crowd Sandbox dashboard: the router. Each page is a file under ``dashboards/pages/``.

Start it with ``crowd-sandbox dashboard`` (or ``streamlit run dashboards/app.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="Crowd Sandbox", layout="wide")
st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page(PAGES / "playground.py", title="Playground", icon=":material/tune:"),
        st.Page(PAGES / "sweeps.py", title="Sweeps", icon=":material/stacked_line_chart:"),
        st.Page(PAGES / "your_export.py", title="Your export", icon=":material/upload_file:"),
    ]
).run()
