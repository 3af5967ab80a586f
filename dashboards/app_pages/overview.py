"""Overview: crowd accuracy as cheating rises, per aggregator, against paid curation; cost to a target."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, loaders, paths
from sandbox.reporting.sweep_views import (
    accuracy_by_items,
    bands,
    cost_to_target,
    reference,
    with_cheating_rate,
)

HONEST_SHARE = "population.archetypes.honest.share"

st.header("Can a crowd replace paid curation?")
sweep = loaders.sweep(str(paths.OVERVIEW_SWEEP))
results = with_cheating_rate(sweep.results, HONEST_SHARE)
scenario = sweep.spec.get("scenario", {})
st.caption(
    f"{scenario.get('population', 'crowd')} labelling {scenario.get('dataset', '?')} (real expert gold as "
    f"truth) as the share of cheaters grows; {sweep.spec.get('seeds', '?')} seeds per point, "
    "95% bands; dashed line: paid curation (vetted experts, one label per item)."
)

redundancies = sorted(int(r) for r in results["redundancy"].dropna().unique())
with st.sidebar:
    redundancy = st.select_slider(
        "answers bought per item",
        options=redundancies,
        value=5 if 5 in redundancies else redundancies[-1],
        key="redundancy",
    )
    target = st.slider("target accuracy", 0.60, 0.99, 0.80, 0.01, key="target")

curve = bands(results, "cheating_rate", "accuracy", fixed={"redundancy": redundancy})
curation = reference(results, "accuracy")
curation_accuracy = float(curation["mean"].max())
curation_cost = float(results.loc[results["role"] == "reference", "cost_per_task"].mean())
worst = curve[curve["cheating_rate"] == curve["cheating_rate"].max()]

a, b, c = st.columns(3)
a.metric("paid curation accuracy", f"{curation_accuracy:.3f}")
b.metric(
    f"best crowd accuracy at {worst['cheating_rate'].max():.0%} cheaters",
    f"{worst['mean'].max():.3f}",
    delta=f"{worst['mean'].max() - curation_accuracy:+.3f} vs curation",
)
c.metric("paid curation cost per item", f"{curation_cost:.2f}")

plot_left, plot_right = st.columns(2)
with plot_left:
    st.markdown(f"**Accuracy as cheaters join** ({redundancy} answers per item, 95% bands)")
    chart = charts.band_lines(
        curve,
        x="cheating_rate",
        x_title="share of cheaters in the crowd",
        y_title="accuracy (share of items right)",
        x_format="%",
    )
    layered = chart + charts.reference_rule(curation_accuracy, "paid curation")
    st.altair_chart(layered.properties(height=charts.HEIGHT), width="stretch")
with plot_right:
    st.markdown(f"**Cost to reach {target:.0%} accuracy** (cheapest redundancy that gets there)")
    costs = cost_to_target(results, sweep.params, "cheating_rate", target)
    st.altair_chart(
        charts.cost_lines(
            costs,
            x="cheating_rate",
            x_title="share of cheaters in the crowd",
            curation_cost=curation_cost,
            x_format="%",
        ),
        width="stretch",
    )
    if (~costs["reached"]).any():
        st.caption("✕ on the axis: that aggregator never reaches the target, whatever the redundancy.")
st.caption(
    "Cheaters: the preset's mix of uniform spammers, fixed-answer spammers and adversaries, scaled "
    "together. Regenerate this sweep with the command in dashboards/data/README.md."
)

st.subheader("More answers cannot fix misleading items")
items_sweep = loaders.sweep(str(paths.MISLEADING_SWEEP))
items_scenario = items_sweep.spec.get("scenario", {})
curves, references = accuracy_by_items(items_sweep.results, "redundancy", "ds")
st.caption(
    f"{items_scenario.get('population', 'crowd')} labelling {items_scenario.get('dataset', '?')}, "
    "Dawid–Skene consensus, 95% bands; dashed lines: paid curation on the same items. On misleading "
    "items (measured on real MTurk crowds) workers are pulled to the same wrong label, so buying more "
    "answers entrenches the wrong majority: accuracy there levels off far below curation's."
)
st.altair_chart(
    charts.item_lines(curves, references, x="redundancy", x_title="answers bought per item"), width="stretch"
)

st.subheader("When the crowd is secretly the model")
LLM_DATASET, LLM_CROWD = "snow_rte", "paid_crowd"
shares = loaders.assisted_share(LLM_DATASET, LLM_CROWD, "paid_curation", "llm_annotator", ("mv", "ds"), 3)
st.caption(
    f"{LLM_CROWD} labelling {LLM_DATASET} with a growing share of workers who paste the campaign's "
    "language model's answer (reliance 0.8; a stand-in model, a confusion profile of about 85 % "
    f"accuracy: {shares.reference_accuracy:.3f} here), 5 answers per item, 3 seeds, 95% bands. Dashed "
    "lines: paid curation, and the model as its own annotator (llm_annotator). The model's mistakes are "
    "everyone's: more pasters, and redundancy stops washing mistakes out."
)
chart = charts.band_lines(
    shares.curve,
    x="share",
    x_title="share of LLM-assisted workers in the crowd",
    y_title="accuracy (share of items right)",
    x_format="%",
)
if shares.curation is not None:
    chart = chart + charts.reference_rule(shares.curation, "paid curation")
if shares.llm is not None:
    chart = chart + charts.reference_rule(shares.llm, "LLM annotator", charts.MODEL_COLOUR)
st.altair_chart(chart.properties(height=charts.HEIGHT), width="stretch")
