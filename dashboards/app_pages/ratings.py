"""Ratings: how far the item scores fall from the truth as raters who use the scale their own way
(lenient, harsh, central tendency) or do not look at all (straight-liners, random raters) join an
honest crowd, against paid curation; and every ratings aggregator on one such crowd."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import charts, loaders
from sandbox.aggregation.registry import aggregator_names
from sandbox.kinds.ratings import views
from sandbox.kinds.ratings.kind import KIND

DATASET = "synthetic-ratings:n_items=300,scale=1-5"
SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


@st.cache_data(show_spinner="Simulating crowds rating items…", max_entries=16)
def curves(aggregator: str, redundancy: int, seeds: int) -> pd.DataFrame:
    """:func:`sandbox.kinds.ratings.views.cheating_curves`, cached."""
    return views.cheating_curves(loaders.dataset(DATASET), SHARES, aggregator, redundancy, seeds)


@st.cache_data(show_spinner=False, max_entries=16)
def curation(aggregator: str, seeds: int) -> float:
    """:func:`sandbox.kinds.ratings.views.curation_reference`, cached."""
    return views.curation_reference(loaders.dataset(DATASET), aggregator, seeds)


@st.cache_data(show_spinner="Running every aggregator…", max_entries=16)
def comparison(
    cheater: str, share: float, methods: Sequence[str], redundancy: int, seeds: int
) -> pd.DataFrame:
    """:func:`sandbox.kinds.ratings.views.aggregator_table`, cached."""
    return views.aggregator_table(loaders.dataset(DATASET), cheater, share, methods, redundancy, seeds)


st.header("Ratings: crowds rating items on a scale")
st.caption(
    "100 raters rate 300 items on a 1-5 scale (synthetic-ratings). The rest of the crowd is honest (noise "
    "Beta(7.2, 52.8) of the range, the paid crowd's). MAE of the aggregated item scores against the true "
    "scores, in points, 95% bands across seeds; dashed line: paid curation (ratings_curation, one rating "
    "per item)."
)
names = aggregator_names(KIND)
with st.sidebar:
    aggregator = st.selectbox("aggregator", names, index=names.index("offset_scale"), key="rt_aggregator")
    redundancy = st.slider("ratings per item", 1, 9, 5, key="rt_redundancy")
    seeds = st.slider("seeds", 2, 5, 2, key="rt_seeds")
    cheater = st.selectbox("who joins (right)", list(views.CHEATERS), index=0, key="rt_cheater")
    share = st.slider("their share (right)", 0.0, 0.5, 0.3, 0.1, key="rt_share")

left, right = st.columns(2)
with left:
    st.markdown(f"**Error of the item scores as they join** ({aggregator}, {redundancy} ratings per item)")
    chart = charts.archetype_bands(
        curves(aggregator, redundancy, seeds), x="share", x_title="share of the crowd", y_title="MAE (points)"
    )
    st.altair_chart(
        alt.layer(chart, charts.reference_rule(curation(aggregator, seeds), "paid curation")).properties(
            height=charts.HEIGHT
        ),
        width="stretch",
    )
with right:
    st.markdown(
        f"**Every aggregator with {share:.0%} {cheater.replace('_', ' ')} raters** (means over seeds)"
    )
    st.dataframe(comparison(cheater, share, tuple(names), redundancy, seeds).round(3), width="stretch")
