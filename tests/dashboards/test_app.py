"""The dashboard page renders the demo without errors (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def test_placeholder_page_shows_the_demo_table() -> None:
    app = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert {"volunteers", "paid_curation"} <= set(table["population"])
    app.number_input(key="seed").set_value(1).run()
    assert not app.exception
