"""Your export: upload real answers; who to trust, the consensus, and this crowd at scale."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from annotators.population import Population
from dashboards import loaders
from sandbox.aggregation import AGGREGATORS, aggregate
from sandbox.errors import SandboxError
from sandbox.export_view import annotator_table, consensus_table, fitted_population, read_upload
from sandbox.policy import CampaignPolicy
from sandbox.real_answers import RealAnswers
from sandbox.views import DEFAULT_AGGREGATORS, population_toml, score_table

st.header("Your export")
st.caption(
    "Upload answers as CSV or Parquet with columns `task, worker, label` (one row per answer) and, "
    "optionally, gold as `task, label`. Nothing leaves this machine."
)


@st.cache_data(show_spinner="Reading the upload…", max_entries=4)
def load(answers: tuple[bytes, str], gold: tuple[bytes, str] | None) -> RealAnswers:
    """Read the uploaded bytes through the project's readers."""
    with tempfile.TemporaryDirectory(prefix="crowd-sandbox-upload-") as folder:
        return read_upload(answers, gold, Path(folder))


@st.cache_data(show_spinner="Aggregating…", max_entries=8)
def analyse(
    answers: tuple[bytes, str], gold: tuple[bytes, str] | None, aggregator: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(annotator table, consensus table) of the upload for one aggregator."""
    real = load(answers, gold)
    result = aggregate(aggregator, real.answers)
    truth = real.gold if len(real.gold) else None
    return annotator_table(real.answers, result, truth), consensus_table(result)


left, right = st.columns(2)
answers_file = left.file_uploader("answers (task, worker, label)", type=["csv", "parquet"], key="answers")
gold_file = right.file_uploader("gold, optional (task, label)", type=["csv", "parquet"], key="gold")
if answers_file is None:
    st.info("Upload an answers file to start; a bundled dataset's labels.csv works as an example.")
    st.stop()

try:
    upload = (answers_file.getvalue(), answers_file.name)
    gold_upload = (gold_file.getvalue(), gold_file.name) if gold_file is not None else None
    real = load(upload, gold_upload)
    aggregator = st.selectbox(
        "consensus by", list(AGGREGATORS), index=list(AGGREGATORS).index("ds"), key="aggregator"
    )
    annotators, consensus = analyse(upload, gold_upload, aggregator)
except SandboxError as error:
    st.error(f"This file cannot be used: {error}")
    st.stop()

a, b, c, d = st.columns(4)
a.metric("answers", f"{len(real.answers):,}")
b.metric("annotators", f"{len(annotators):,}")
c.metric("suspected spammers", f"{int(annotators['suspected'].sum()):,}")
if len(real.gold):
    scored = consensus[consensus["task"].isin(real.gold.index)]
    right_share = (scored["label"].to_numpy() == real.gold.reindex(scored["task"]).to_numpy()).mean()
    d.metric(f"consensus accuracy on {len(scored):,} gold tasks", f"{right_share:.3f}")
else:
    d.metric("tasks", f"{len(consensus):,}")

st.subheader("Annotators")
st.dataframe(
    annotators.sort_values(["suspected", "agreement"], ascending=[False, True]),
    hide_index=True,
    height=300,
    key="annotators",
)
st.download_button(
    "Download the annotator table (CSV)",
    annotators.to_csv(index=False),
    file_name="annotators.csv",
    mime="text/csv",
    key="download_annotators",
)
st.subheader("Consensus")
st.dataframe(consensus, hide_index=True, height=300, key="consensus")
st.download_button(
    "Download the consensus (CSV)",
    consensus.to_csv(index=False),
    file_name="consensus.csv",
    mime="text/csv",
    key="download_consensus",
)

st.subheader("Simulate this crowd at scale")
fitted = Population.from_dict(fitted_population(annotators, name=real.source), source="fitted crowd")
left, middle, right = st.columns(3)
n_tasks = int(left.number_input("items", 100, 200_000, 2000, 100, key="scale_tasks"))
per_task = max(1, round(len(real.answers) / max(len(consensus), 1)))
redundancy = int(
    middle.number_input(
        "answers per item",
        1,
        min(50, fitted.pool_size),
        min(per_task, fitted.pool_size),
        key="scale_redundancy",
    )
)
n_classes = max(2, real.answers["label"].nunique())
try:
    outcome = loaders.simulate(
        f"synthetic:n_tasks={n_tasks},n_classes={n_classes}",
        fitted,
        CampaignPolicy(redundancy=redundancy),
        DEFAULT_AGGREGATORS,
        0,
    )
except SandboxError as error:
    st.error(str(error))
    st.stop()
st.dataframe(score_table({"fitted crowd": outcome}), hide_index=True, key="scale_scores")
right.download_button(
    "Save the fitted crowd as TOML",
    population_toml(fitted),
    file_name=f"{fitted.name}.toml",
    mime="application/toml",
    key="save_fitted",
)
