"""Playground: pick a dataset and a crowd, run, and compare with paid curation on the same items."""

from __future__ import annotations

import time

import streamlit as st

from annotators.archetypes.classification import ARCHETYPES
from annotators.population import preset_names
from dashboards import charts, loaders
from foundation.errors import SandboxError
from sandbox.aggregation.registry import ENGINES, aggregator_names
from sandbox.datasets import dataset_names
from sandbox.kinds.base import task_kind
from sandbox.kinds.classification.kind import KIND
from sandbox.reporting.views import (
    beta_from_mean,
    confusion_table,
    edit_population,
    honest_skill,
    misleading_share,
    per_class_accuracy,
    population_toml,
    score_table,
    skill_points,
    with_misleading_share,
)
from sandbox.simulation.policy import DIFFICULTY_MODES, CampaignPolicy

CURATION = "paid_curation"

st.header("Playground")
st.caption(
    "Simulate a crowd labelling a dataset, aggregate, and compare with paid curation on the same items."
)

with st.sidebar:
    names = dataset_names(KIND)
    dataset_name = st.selectbox("dataset", names, index=names.index("snow_rte"), key="dataset")
    spec = dataset_name
    if dataset_name == "synthetic":
        n_tasks = st.number_input("items (synthetic)", 100, 100_000, 2000, 100, key="n_tasks")
        n_classes = st.number_input("classes (synthetic)", 2, 10, 2, 1, key="n_classes")
        spec = f"synthetic:n_tasks={int(n_tasks)},n_classes={int(n_classes)}"
    classification = [p for p in preset_names() if loaders.preset(p).kind == KIND]
    presets = [p for p in classification if p != CURATION] or classification
    preset_name = st.selectbox(
        "crowd preset",
        presets,
        index=presets.index("volunteers") if "volunteers" in presets else 0,
        key="preset",
    )
    base = loaders.preset(preset_name)
    redundancy = st.slider("answers per item", 1, 15, 5, key="redundancy")
    aggregators = st.multiselect(
        "aggregators",
        aggregator_names(KIND),
        default=list(task_kind(KIND).default_aggregators),
        key="aggregators",
    )
    seed = int(st.number_input("seed", 0, 1_000_000, 0, key="seed"))
    engine = st.radio(
        "aggregation engine",
        ENGINES,
        horizontal=True,
        key="engine",
        help="fast: vectorized implementations validated against crowd-kit; crowdkit: the reference",
    )

shares_now = {m.archetype.name: m.share for m in base.members}
with st.expander("Edit the crowd (shares are normalised to sum to 1)", expanded=False):
    columns = st.columns(4)
    shares = {
        name: columns[index % 4].slider(
            name, 0.0, 1.0, float(shares_now.get(name, 0.0)), 0.01, key=f"share_{preset_name}_{name}"
        )
        for index, name in enumerate(ARCHETYPES)
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

with st.expander("Quality control and task difficulty", expanded=False):
    left, middle, right = st.columns(3)
    gold_rate = left.slider("gold questions (share of items)", 0.0, 0.5, 0.0, 0.01, key="gold_rate")
    ban_threshold = left.slider("ban below gold accuracy", 0.0, 1.0, 0.0, 0.05, key="ban_threshold")
    qualification = middle.number_input("qualification test (gold questions)", 0, 50, 0, key="qualification")
    qualification_threshold = middle.slider("qualification pass mark", 0.0, 1.0, 0.0, 0.05, key="pass_mark")
    max_redundancy = right.number_input(
        "adaptive: up to this many answers (0 = fixed)", 0, 30, 0, key="max_redundancy"
    )
    difficulty = right.selectbox("task difficulty", DIFFICULTY_MODES, key="difficulty")
    misleading = left.slider(
        "misleading items (share; the crowd is pulled to one wrong label)",
        0.0,
        0.5,
        misleading_share(base),
        0.005,
        key=f"misleading_{preset_name}",
    )

try:
    policy = CampaignPolicy.from_dict(
        {
            "redundancy": redundancy,
            "gold_rate": gold_rate,
            "ban_threshold": ban_threshold,
            "qualification": int(qualification),
            "qualification_threshold": qualification_threshold,
            "max_redundancy": int(max_redundancy) or None,
            "difficulty": difficulty,
        },
        source="quality control",
    )
    population = edit_population(
        base,
        shares=shares,
        honest_skill=skill,
        pool_size=int(pool),
        cost_per_label=float(price),
    )
    if misleading != misleading_share(base):
        population = with_misleading_share(population, misleading)
    if not aggregators:
        raise SandboxError(f"choose at least one aggregator; allowed: {', '.join(aggregator_names(KIND))}")
    start = time.perf_counter()
    with st.spinner("Simulating and aggregating…"):
        crowd = loaders.simulate(spec, population, policy, aggregators, seed, engine)
        reference_policy = CampaignPolicy(redundancy=1, difficulty=difficulty)
        experts = loaders.preset(CURATION)
        if misleading != misleading_share(experts):  # the same items, whoever labels them
            experts = with_misleading_share(experts, misleading)
        curation = loaders.simulate(spec, experts, reference_policy, ("mv",), seed)
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
curation_per_correct = curation.scores[0].cost_per_correct_label
d.metric(
    "crowd cost per correct label",
    f"{best['cost_per_correct_label']:.4f}",
    delta=f"{best['cost_per_correct_label'] - curation_per_correct:+.4f} vs curation",
    delta_color="inverse",
)
stats = crowd.campaign.stats if crowd.campaign is not None else None
quality_control = (
    f" Quality control: {stats.gold_answers:,} gold and {stats.qualification_answers:,} qualification "
    f"answers paid, {stats.banned_workers} workers banned, {stats.not_admitted} not admitted."
    if stats is not None and (stats.gold_answers or stats.qualification_answers)
    else ""
)
st.caption(
    f"{crowd.n_tasks:,} items × {redundancy} answers = {crowd.n_labels:,} answers by {crowd.n_workers:,} "
    f"workers; run took {seconds:.2f} s (cached re-runs are instant).{quality_control}"
)
if crowd.downstream_accuracy_clean is not None:
    st.caption(
        f"Downstream model (trained on each side's labels, clean test split): best crowd "
        f"{crowd_scores['downstream_accuracy'].max():.3f}, paid curation "
        f"{curation.scores[0].downstream_accuracy or float('nan'):.3f}, "
        f"true labels {crowd.downstream_accuracy_clean:.3f}."
    )
st.dataframe(
    scores.dropna(axis=1, how="all").style.format(
        {
            "accuracy": "{:.3f}",
            "f1_macro": "{:.3f}",
            "coverage": "{:.1%}",
            "downstream_accuracy": "{:.3f}",
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
        chosen = st.selectbox(
            "aggregator (skills)",
            skilled,
            index=skilled.index("ds") if "ds" in skilled else 0,
            key="skill_aggregator",
        )
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
