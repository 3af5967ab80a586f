"""Preferences: ranking quality as biased raters or a promoting ring join an honest crowd comparing
pairs, against paid curation; and how far a ring lifts a mid-ranked item."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import charts, loaders
from sandbox.aggregation.registry import aggregator_names
from sandbox.kinds.pairwise.kind import KIND

DATASET = "synthetic-pairs:n_items=100,n_pairs=1000,length_corr=0"
SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
RING_ACCOUNTS = (1, 10, 20, 40, 60, 80)
REAL = "sigir2010"

st.header("Preferences: crowds comparing pairs")
st.caption(
    "200 raters compare 1,000 pairs of 100 items (synthetic-pairs, length unrelated to quality). The rest "
    "of the crowd is honest (skill Beta(6, 2)). Kendall tau of the recovered ranking against the true "
    "quality, 95% bands across seeds; dashed line: paid curation (pairwise_curation, one answer per pair)."
)
with st.sidebar:
    names = aggregator_names(KIND)
    aggregator = st.selectbox("aggregator", names, index=names.index("bt_mle"), key="pw_aggregator")
    redundancy = st.slider("answers per pair", 1, 9, 3, key="pw_redundancy")
    seeds = st.slider("seeds", 2, 5, 2, key="pw_seeds")
    target = st.slider("true rank of the promoted item (of 100)", 4, 100, 50, key="pw_target")

curves = loaders.cheating_curves(DATASET, SHARES, aggregator, redundancy, seeds)
curation = loaders.curation_reference(DATASET, aggregator, seeds)
ring = loaders.ring_curve(DATASET, RING_ACCOUNTS, aggregator, redundancy, seeds, target)

left, right = st.columns(2)
with left:
    st.markdown(f"**Ranking quality as cheaters join** ({aggregator}, {redundancy} answers per pair)")
    chart = charts.archetype_bands(curves, x="share", x_title="share of the crowd", y_title="Kendall tau")
    st.altair_chart(
        alt.layer(chart, charts.reference_rule(curation, "paid curation")).properties(height=charts.HEIGHT),
        width="stretch",
    )
with right:
    st.markdown(f"**The promoted item's rank** (true rank {target}; top 3 shaded)")
    st.altair_chart(charts.rank_lift(ring, target), width="stretch")
    reached = ring[ring["mean"] <= 3]
    st.caption(
        f"A ring of {int(reached['ring_accounts'].min())} accounts puts the item in the top 3 on average."
        if len(reached)
        else f"No ring tried (up to {RING_ACCOUNTS[-1]} of 200 accounts) lifts it into the top 3 on average."
    )

st.subheader("A real crowd: ties and speed")
overall, raters = loaders.real_crowd_ties_and_speed(REAL)
st.caption(
    "The sigir2010 Mechanical Turk batch (bundled: 79 workers compare two melodies with a query, or say "
    "'same'), reported on as `crowd-sandbox report --kind pairwise` does: ties are an answer, and a "
    "rater is flagged only where a test on their own answers says so."
)
a, b, c, d = st.columns(4)
a.metric("share of ties", f"{overall['tie_share']:.3f}")
b.metric("implausibly fast answers", f"{overall['fast_answers']:,} of {overall['timed_answers']:,}")
c.metric("flagged raters", f"{overall['suspected_cheaters']} of {overall['workers']}")
d.metric("too few answers to tell", f"{overall['too_few_to_tell']}")
left, right = st.columns(2)
with left:
    st.markdown("**Each rater's ties against the crowd's on the same pairs**")
    st.altair_chart(
        charts.rater_scatter(raters, "crowd_tie_share", "tie_share", "the crowd's", "the rater's"),
        width="stretch",
    )
with right:
    st.markdown("**Each rater's median seconds per answer**")
    st.altair_chart(
        charts.rater_scatter(raters, "answers", "median_seconds", "answers", "median seconds"),
        width="stretch",
    )
st.dataframe(raters.sort_values("answers", ascending=False), hide_index=True, height=260, key="real_raters")
