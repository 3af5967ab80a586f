"""Crowd Sandbox dashboard: the router. Each page is a file under ``dashboards/app_pages/``
(not ``pages/``: Streamlit would serve that folder by itself to the first visitor of a deep link,
without this router, before the router has ever run).

Start it with ``crowd-sandbox dashboard`` (or ``streamlit run dashboards/app.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from sandbox.kinds.base import KINDS

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Crowd Sandbox", layout="wide")
# Less blank space above the page title, so that a laptop screen shows the charts.
st.markdown(
    '<style>[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}</style>', unsafe_allow_html=True
)
# Each task kind with a page of its own adds it after the shared ones.
kind_pages = [kind.dashboard_page for kind in KINDS.values() if kind.dashboard_page is not None]
st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page(PAGES / "playground.py", title="Playground", icon=":material/tune:"),
        st.Page(PAGES / "sweeps.py", title="Sweeps", icon=":material/stacked_line_chart:"),
        *(st.Page(PAGES / page.file, title=page.title, icon=page.icon) for page in kind_pages),
        st.Page(PAGES / "your_export.py", title="Your export", icon=":material/upload_file:"),
    ]
).run()
