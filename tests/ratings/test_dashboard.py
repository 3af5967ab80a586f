"""The dashboard's Ratings page runs (Streamlit's AppTest) and compares every ratings aggregator."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "app_pages" / "ratings.py"


def test_ratings_page_runs_and_ranks_the_aggregators() -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=600).run()
    assert not app.exception
    assert "paid curation" in " ".join(c.value for c in app.caption)
    table = app.dataframe[0].value
    assert list(table.columns[:2]) == ["mae", "rmse"]
    assert table["mae"].is_monotonic_increasing
    assert set(table.index) == {"ds", "mean", "median", "trimmed_mean", "offset", "offset_scale"}
    assert (table["mae"] > 0).all() and (table["mae"] < 1.0).all()  # points on a 1-5 scale
