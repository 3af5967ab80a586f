"""Playground: pick a dataset and a crowd, run, and compare with paid curation on the same items."""

from __future__ import annotations

import time

import streamlit as st

from annotators.archetypes import ARCHETYPES
from annotators.population import preset_names
from dashboards import charts, loaders
from sandbox.aggregation import AGGREGATORS
from sandbox.datasets import dataset_names
from sandbox.errors import SandboxError
from sandbox.views import (
    DEFAULT_AGGREGATORS,
    beta_from_mean,
    confusion_table,
    edit_population,
    honest_skill,
    per_class_accuracy,
    population_toml,
    score_table,
    skill_points,
)

CURATION = "paid_curation"

st.header("Playground")
st.caption(
    "Simulate a crowd labelling a dataset, aggregate, and compare with paid curation on the same items."
)

with st.sidebar:
    names = dataset_names()
    dataset_name = st.selectbox("dataset", names, index=names.index("snow_rte"), key="dataset")
    spec = dataset_name
    if dataset_name == "synthetic":
        n_tasks = st.number_input("items (synthetic)", 100, 100_000, 2000, 100, key="n_tasks")
        n_classes = st.number_input("classes (synthetic)", 2, 10, 2, 1, key="n_classes")
        spec = f"synthetic:n_tasks={int(n_tasks)},n_classes={int(n_classes)}"
    presets = [p for p in preset_names() if p != CURATION] or preset_names()
    preset_name = st.selectbox(
        "crowd preset",
        presets,
        index=presets.index("volunteers") if "volunteers" in presets else 0,
        key="preset",
    )
    base = loaders.preset(preset_name)
    redundancy = st.slider("answers per item", 1, 15, 5, key="redundancy")
    aggregators = st.multiselect(
        "aggregators", list(AGGREGATORS), default=list(DEFAULT_AGGREGATORS), key="aggregators"
    )
    seed = int(st.number_input("seed", 0, 1_000_000, 0, key="seed"))

shares_now = {m.archetype.name: m.share for m in base.members}
with st.expander("Edit the crowd (shares are normalised to sum to 1)", expanded=False):
    columns = st.columns(len(ARCHETYPES))
    shares = {
        name: column.slider(
            name, 0.0, 1.0, float(shares_now.get(name, 0.0)), 0.01, key=f"share_{preset_name}_{name}"
        )
        for column, name in zip(columns, ARCHETYPES, strict=True)
    }
    alpha_beta = honest_skill(base) or (8.0, 2.0)
    default_skill = (round(alpha_beta[0] / sum(alpha_beta), 2), float(round(sum(alpha_beta), 1)))
    left, middle, right = st.columns(3)
    mean = left.slider(
        "honest skill: mean P(correct)", 0.5, 0.99, default_skill[0], 0.01, key=f"skill_mean_{preset_name}"
    )
    strength = middle.slider(
        "honest skill: consistency (alpha + beta)",
        2.0,
        60.0,
        default_skill[1],
        0.5,
        key=f"skill_strength_{preset_name}",
    )
    # Untouched sliders keep the preset's exact Beta (the sliders show it rounded).
    skill = None if (mean, strength) == default_skill else beta_from_mean(mean, strength)
    pool = right.number_input(
        "pool size (workers)", 2, 100_000, base.pool_size, key=f"pool_size_{preset_name}"
    )
    price = right.number_input(
        "price per answer", 0.0, 100.0, base.cost_per_label, 0.01, format="%.3f", key=f"price_{preset_name}"
    )

try:
    population = edit_population(
        base,
        shares=shares,
        honest_skill=skill,
        pool_size=int(pool),
        cost_per_label=float(price),
    )
    if not aggregators:
        raise SandboxError(f"choose at least one aggregator; allowed: {', '.join(AGGREGATORS)}")
    start = time.perf_counter()
    with st.spinner("Simulating and aggregating…"):
        crowd = loaders.simulation(
            spec, population, population_toml(population), redundancy, tuple(aggregators), seed
        )
        curation_population = loaders.preset(CURATION)
        curation = loaders.simulation(
            spec, curation_population, population_toml(curation_population), 1, ("mv",), seed
        )
    seconds = time.perf_counter() - start
except SandboxError as error:
    st.error(str(error))
    st.stop()

data = loaders.dataset(spec)
scores = score_table({"crowd": crowd, "paid curation": curation})
crowd_scores = scores[scores["side"] == "crowd"]
best = crowd_scores.sort_values("accuracy", ascending=False, kind="stable").iloc[0]
curation_accuracy = float(curation.scores[0].accuracy)

a, b, c, d = st.columns(4)
a.metric(
    f"crowd accuracy ({best['aggregator']})",
    f"{best['accuracy']:.3f}",
    delta=f"{best['accuracy'] - curation_accuracy:+.3f} vs curation",
)
b.metric("paid curation accuracy", f"{curation_accuracy:.3f}")
c.metric(
    "crowd cost",
    f"{crowd.cost:,.2f}",
    delta=f"{crowd.cost - curation.cost:+,.2f} vs curation",
    delta_color="inverse",
)
d.metric(
    "crowd cost per correct label",
    f"{best['cost_per_correct_label']:.4f}",
    delta=f"curation {curation.scores[0].cost_per_correct_label:.4f}",
    delta_color="off",
)
st.caption(
    f"{crowd.n_tasks:,} items × {redundancy} answers = {crowd.n_labels:,} answers by {crowd.n_workers:,} "
    f"workers; run took {seconds:.2f} s (cached re-runs are instant)."
)
st.dataframe(
    scores.style.format(
        {
            "accuracy": "{:.3f}",
            "f1_macro": "{:.3f}",
            "cost": "{:,.2f}",
            "cost_per_correct_label": "{:.4f}",
            "seconds": "{:.2f}",
        }
    ),
    hide_index=True,
    key="scores",
)

left, right = st.columns(2)
with left:
    st.subheader("Accuracy per aggregator")
    st.altair_chart(charts.accuracy_bars(crowd_scores, curation_accuracy), width="stretch")
with right:
    skilled = [n for n in aggregators if crowd.aggregations[n].skills is not None]
    st.subheader("Estimated vs true worker skill")
    if skilled:
        chosen = st.selectbox("aggregator (skills)", skilled, key="skill_aggregator")
        st.altair_chart(charts.skill_scatter(skill_points(crowd, chosen), chosen), width="stretch")
    else:
        st.info("None of the chosen aggregators estimates worker skill.")

inspected = st.selectbox("aggregator (consensus)", aggregators, key="consensus_aggregator")
labels = crowd.aggregations[inspected].labels
left, right = st.columns(2)
with left:
    st.subheader(f"Consensus confusion ({inspected})")
    st.altair_chart(
        charts.confusion_heatmap(confusion_table(labels, data.truth, data.classes)), width="stretch"
    )
with right:
    st.subheader(f"Accuracy per class ({inspected})")
    st.altair_chart(
        charts.class_accuracy_bars(per_class_accuracy(labels, data.truth, data.classes)),
        width="stretch",
    )

st.download_button(
    "Save this crowd as TOML",
    population_toml(population),
    file_name=f"{population.name}.toml",
    mime="application/toml",
    key="save_toml",
)
