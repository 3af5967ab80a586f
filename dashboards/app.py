"""Crowd Sandbox dashboard (placeholder page until the multipage app lands): the demo table, live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sandbox.demo import DEMO_DATASET, run_demo


@st.cache_data(show_spinner="Simulating the crowds…")
def demo_table(seed: int) -> pd.DataFrame:
    """The demo's rows as a DataFrame (cached per seed)."""
    return pd.DataFrame(
        [
            {
                "population": side.population,
                "answers per task": side.redundancy,
                "aggregator": score.aggregator,
                "accuracy": score.accuracy,
                "cost": side.outcome.cost,
                "cost per correct label": score.cost_per_correct_label,
            }
            for side in run_demo(seed=seed)
            for score in side.outcome.scores
        ]
    )


st.set_page_config(page_title="Crowd Sandbox", layout="wide")
st.title("Crowd Sandbox")
st.caption(f"Crowd vs paid curation on {DEMO_DATASET}, real expert gold as truth.")
seed = st.number_input("seed", min_value=0, value=0, step=1, key="seed")
st.dataframe(demo_table(int(seed)), hide_index=True)
