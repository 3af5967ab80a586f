"""Your export: upload real answers; who to trust, the consensus, and your crowd against paid curation
at your prices (the ``verdict``). Preference exports (pairs compared): the tie-aware report, the fitted
crowd, and its replica against the real answers."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from foundation.errors import SandboxError
from sandbox.aggregation.registry import aggregator_names
from sandbox.aggregation.ties import TIE_RULES, TieBreak, TieRule
from sandbox.fitting.report import AnnotatorReport
from sandbox.io.files.outputs import spreadsheet_csv
from sandbox.kinds.classification.export_view import (
    Upload,
    VerdictView,
    alpha_table,
    analyse,
    annotator_table,
    consensus_accuracy,
    curation_inputs,
    page_prices,
    predictions_json,
    read_upload,
    removal_effects,
    removal_table,
    verdict_view,
)
from sandbox.kinds.classification.kind import KIND
from sandbox.kinds.pairwise.export_view import (
    PairwiseUpload,
    fit_upload,
    rater_report,
    read_pairwise_upload,
    replica_check,
    replica_table,
)
from sandbox.reporting.export_charts import export_figures

UploadBytes = tuple[bytes, str]

st.header("Your export")
st.caption(
    "Upload a Label Studio export (JSON, JSON_MIN or CSV), an MTurk batch, or a table with columns "
    "`task, worker, label` (CSV or Parquet); gold as `task, label` is optional (a Label Studio export's "
    "ground-truth annotations count as gold). Nothing leaves this machine."
)
PREFERENCES = "preferences (pairs compared)"
holds = st.radio("the export holds", ("labels", PREFERENCES), horizontal=True, key="export_kind")


@st.cache_data(show_spinner="Reading the upload…", max_entries=4)
def load_pairs(answers: UploadBytes, items: UploadBytes | None) -> PairwiseUpload:
    """Read the uploaded preference export (and items file) through the kind's importers."""
    with tempfile.TemporaryDirectory(prefix="crowd-sandbox-upload-") as folder:
        return read_pairwise_upload(answers, items, Path(folder))


@st.cache_data(show_spinner="Judging the raters, fitting a crowd, replaying half the pairs…", max_entries=4)
def analyse_pairs(
    answers: UploadBytes, items: UploadBytes | None
) -> tuple[pd.DataFrame, str, pd.DataFrame, bool]:
    """(rater table, fitted population TOML, replica table, all within tolerance) of the upload."""
    upload = load_pairs(answers, items)
    raters = rater_report(upload).annotators.reset_index()
    first = [c for c in ("worker", "archetype", "reason", "answers") if c in raters.columns]
    raters = raters[first + [c for c in raters.columns if c not in first]]
    _, toml = fit_upload(upload)
    check = replica_check(upload)
    return raters, toml, replica_table(check), bool(check.within_tolerance["all"])


def show_preferences() -> None:
    """The preference side of the page: upload, report, fitted crowd, replica."""
    st.caption(
        "Preferences: a table `task, worker, left, right, label` (label the chosen item or `tie`; optional "
        "`seconds`), a Label Studio pairwise export or an MTurk batch; items as `item` plus numeric "
        "features such as `length` and `score` when the truth is known (optional)."
    )
    left, right = st.columns(2)
    answers_file = left.file_uploader("preference export", type=["json", "csv", "parquet"], key="pairs")
    items_file = right.file_uploader(
        "items, optional (item, features, score)", type=["csv", "parquet"], key="items"
    )
    if answers_file is None:
        st.info("Upload a preference export to start; datasets/pairwise/sigir2010/answers.csv is an example.")
        return
    try:
        upload_key = (answers_file.getvalue(), answers_file.name)
        items_key = (items_file.getvalue(), items_file.name) if items_file is not None else None
        upload = load_pairs(upload_key, items_key)
        raters, toml, replica, within = analyse_pairs(upload_key, items_key)
    except SandboxError as error:
        st.error(f"This file cannot be used: {error}")
        return
    labels = upload.answers["label"].astype(str)
    a, b, c, d = st.columns(4)
    a.metric("answers", f"{len(upload.answers):,}")
    b.metric("raters", f"{len(raters):,}")
    c.metric("flagged raters", f"{int(raters['suspect'].sum()):,}")
    d.metric("share of ties", f"{(labels == 'tie').mean():.3f}")
    st.subheader("Raters")
    st.caption(
        "A rater is flagged only where a test on their own answers says so (adjusted p-values); "
        "'too few answers to tell' otherwise."
    )
    st.dataframe(
        raters.sort_values(["suspect", "answers"], ascending=[False, False]),
        hide_index=True,
        height=300,
        key="raters_table",
    )
    st.download_button(
        "Download the rater table (CSV)",
        spreadsheet_csv(raters),
        file_name="raters.csv",
        mime="text/csv",
        key="download_raters",
    )
    st.subheader("The fitted crowd's replica")
    st.caption(
        "Fitted on half the pairs; twins of the fitted raters answer the other half's exact (pair, rater) "
        "structure, compared with the real answers: "
        + ("every measure within tolerance." if within else "not every measure within tolerance.")
    )
    st.dataframe(replica, hide_index=True, key="replica_table")
    st.download_button(
        "Save the fitted crowd as TOML",
        toml,
        file_name="fitted.toml",
        mime="application/toml",
        key="save_fitted_pairs",
    )


if holds == PREFERENCES:
    show_preferences()
    st.stop()


@st.cache_data(show_spinner="Reading the upload…", max_entries=4)
def load(answers: UploadBytes, gold: UploadBytes | None) -> Upload:
    """Read the uploaded bytes through the project's importers."""
    with tempfile.TemporaryDirectory(prefix="crowd-sandbox-upload-") as folder:
        return read_upload(answers, gold, Path(folder))


@st.cache_data(show_spinner="Judging the annotators, measuring agreement…", max_entries=8)
def report(
    answers: UploadBytes, gold: UploadBytes | None, aggregator: str, ties: TieRule
) -> tuple[AnnotatorReport, pd.DataFrame]:
    """(annotator report, consensus table) of the upload for one aggregator and tie rule."""
    return analyse(load(answers, gold), aggregator, TieBreak(ties))


def table_height(rows: int) -> int:
    """Pixels for a table showing up to 20 rows at once (the rest scroll)."""
    return 38 + 35 * min(max(rows, 1), 20)


def csv_button(label: str, frame: pd.DataFrame, name: str) -> None:
    """A download button of ``frame`` as spreadsheet-safe CSV."""
    st.download_button(
        label, spreadsheet_csv(frame), file_name=f"{name}.csv", mime="text/csv", key=f"download_{name}"
    )


left, right = st.columns(2)
answers_file = left.file_uploader("export or answers table", type=["json", "csv", "parquet"], key="answers")
gold_file = right.file_uploader("gold, optional (task, label)", type=["csv", "parquet"], key="gold")
if answers_file is None:
    st.info("Upload an export to start; a bundled dataset's labels.csv (and gold.csv) works as an example.")
    st.stop()

try:
    upload_key = (answers_file.getvalue(), answers_file.name)
    gold_key = (gold_file.getvalue(), gold_file.name) if gold_file is not None else None
    upload = load(upload_key, gold_key)
    names = aggregator_names(KIND)
    left, right = st.columns(2)
    aggregator = left.selectbox("consensus by", names, index=names.index("ds"), key="aggregator")
    ties = right.selectbox(
        "ties between labels",
        TIE_RULES,
        key="ties",
        help="random among the tied labels, seeded (independent of how labels are spelled), or the "
        "smallest label (crowd-kit's rule); as `report --ties`",
    )
    result, consensus = report(upload_key, gold_key, aggregator, ties)
    annotators = annotator_table(result)
except SandboxError as error:
    st.error(f"This file cannot be used: {error}")
    st.stop()

a, b, c, d = st.columns(4)
a.metric("answers", f"{len(upload.answers):,}")
b.metric("annotators", f"{len(annotators):,}")
c.metric("suspected spammers", f"{int(annotators['suspect'].sum()):,}")
if upload.gold is not None:
    accuracy, n_gold = consensus_accuracy(consensus, upload.gold)
    d.metric(f"consensus accuracy on {n_gold:,} gold tasks", f"{accuracy:.3f}")
else:
    d.metric("tasks", f"{len(consensus):,}")
if upload.imported.skipped:
    st.caption(
        "Left out: " + ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in upload.imported.skipped.items())
    )

overall = result.overall
a, b, c, d = st.columns(4)
a.metric(
    "Krippendorff's alpha",
    f"{overall['krippendorff_alpha']:.3f}",
    help=f"95 % interval {overall.get('krippendorff_alpha_low', float('nan')):.3f} to "
    f"{overall.get('krippendorff_alpha_high', float('nan')):.3f} (bootstrap over tasks)",
)
b.metric("Fleiss' kappa", f"{overall.get('fleiss_kappa', float('nan')):.3f}")
c.metric(
    "median Cohen's kappa of pairs",
    f"{overall.get('cohen_kappa_median', float('nan')):.3f}",
    help=f"{overall.get('cohen_kappa_pairs', 0)} pairs of the {overall.get('cohen_kappa_annotators', 0)} "
    f"most active annotators sharing at least {overall.get('cohen_kappa_min_shared')} tasks",
)
d.metric("mean per-task agreement", f"{overall.get('mean_task_agreement', float('nan')):.3f}")

st.subheader("Pictures")
figures = export_figures(result, upload.answers)
for left_name, right_name in (
    ("accuracy_volume", "task_agreement"),
    ("kappa_heatmap", "consensus_confusion"),
):
    left, right = st.columns(2)
    for column, name in ((left, left_name), (right, right_name)):
        if name in figures:
            column.altair_chart(figures[name], width="stretch", key=f"chart_{name}")
if "seconds" in figures:
    st.altair_chart(figures["seconds"], width="stretch", key="chart_seconds")

st.subheader("Who to remove")
removal = removal_table(result)
st.caption(
    f"{len(removal)} suspected annotators, with the evidence; the consensus re-aggregated without them:"
)
left, right = st.columns([3, 2])
left.dataframe(removal, hide_index=True, height=table_height(len(removal)), key="removal_table")
right.dataframe(removal_effects(result), hide_index=True, key="removal_effects")
csv_button("Download the removal list (CSV)", removal, "removal_list")

st.subheader("Annotators")
st.dataframe(annotators, hide_index=True, height=table_height(len(annotators)), key="annotators_table")
csv_button("Download the annotator table (CSV)", annotators, "annotators")
if result.agreement is not None:
    st.subheader("Agreement")
    left, right = st.columns(2)
    left.caption("Krippendorff's alpha, overall and per class (95 % bootstrap interval over tasks)")
    left.dataframe(alpha_table(result), hide_index=True, key="alpha_table")
    right.caption("Least agreed tasks (share of agreeing answer pairs)")
    right.dataframe(result.agreement.least_agreed.reset_index(), hide_index=True, key="least_agreed_table")
    pairs = result.agreement.pairs
    st.caption("Cohen's kappa of every pair of the most active annotators")
    st.dataframe(pairs, hide_index=True, height=table_height(len(pairs)), key="pairs_table")
    csv_button("Download the pair kappas (CSV)", pairs, "pair_kappas")
st.subheader("Consensus")
st.dataframe(consensus, hide_index=True, height=300, key="consensus")
left, right = st.columns(2)
left.download_button(
    "Download the consensus (CSV)",
    spreadsheet_csv(consensus),
    file_name="consensus.csv",
    mime="text/csv",
    key="download_consensus",
)
try:
    predictions = predictions_json(upload, consensus, aggregator)
except SandboxError as error:
    predictions = None
    right.caption(f"No Label Studio predictions: {error}")
if predictions is not None:
    right.download_button(
        "Download as Label Studio predictions (JSON)",
        predictions,
        file_name="predictions.json",
        mime="application/json",
        key="download_predictions",
    )

# --- Your crowd or paid curation: the verdict (the ``verdict`` command's path) ------------------------


@st.cache_data(show_spinner="Fitting your crowd and comparing it with paid curation…", max_entries=8)
def verdict(
    answers: UploadBytes,
    gold: UploadBytes | None,
    cost: float,
    curation_cost: float,
    curation_accuracy: float,
    llm_accuracy: float | None,
) -> VerdictView:
    """The verdict of the upload at the prices given (what ``crowd-sandbox verdict`` prints)."""
    prices = page_prices(cost, curation_cost, curation_accuracy, llm_accuracy)
    return verdict_view(load(answers, gold), prices)


def show_verdict(answers: UploadBytes, gold: UploadBytes | None) -> None:
    """Prices in, the verdict out: which side wins and why, both sides' lines, the assumptions."""
    with st.container(key="verdict"):
        verdict_section(answers, gold)


def verdict_section(answers: UploadBytes, gold: UploadBytes | None) -> None:
    """The verdict's widgets and results (in the ``verdict`` container)."""
    st.subheader("Your crowd or paid curation?")
    st.caption(
        "Your crowd is fitted to this export and simulated on its own gold tasks against paid curation, at "
        "the same budget and at a target accuracy. Prices are money units per answer. Curation's price and "
        "accuracy are **assumptions** (the paid_curation preset's unless you change them), not measured on "
        "your data."
    )
    default_price, default_accuracy = curation_inputs()
    left, middle, right = st.columns(3)
    cost = left.number_input(
        "your crowd: price per answer", 0.0, 1000.0, 0.02, 0.01, format="%.4f", key="verdict_cost"
    )
    curation_cost = middle.number_input(
        "curation: price per answer (assumption)",
        0.0,
        1000.0,
        default_price,
        0.05,
        format="%.4f",
        key="verdict_curation_cost",
    )
    curation_accuracy = right.number_input(
        "curation: accuracy on ordinary items (assumption)",
        0.5,
        0.999,
        round(default_accuracy, 3),
        0.005,
        format="%.3f",
        key="verdict_curation_accuracy",
    )
    with_model = st.checkbox(
        "also a language model (llm_annotator, its price; a stand-in, not a real model)", key="verdict_llm"
    )
    llm_accuracy = None
    if with_model:
        llm_accuracy = float(
            st.number_input(
                "the model: accuracy on your tasks (assumption)",
                0.5,
                0.999,
                0.85,
                0.01,
                format="%.3f",
                key="verdict_llm_accuracy",
            )
        )
    try:
        view = verdict(
            answers, gold, float(cost), float(curation_cost), float(curation_accuracy), llm_accuracy
        )
    except SandboxError as error:
        st.info(f"No verdict: {error}")
        return
    st.markdown(f"**{view.headline}**", help="built from the numbers below")
    st.markdown("\n".join(f"- {reason}" for reason in view.reasons))
    for warning in view.warnings:
        st.warning(warning)
    st.caption("Assumed, not measured on your data: " + "; ".join(view.assumptions) + ".")
    st.markdown(f"Same budget ({view.budget:,.4g} money units): which side labels better?")
    st.dataframe(view.at_budget, hide_index=True, key="verdict_at_budget")
    st.markdown(f"What does each side pay to reach accuracy {view.target_accuracy:.3f}?")
    st.dataframe(view.at_target, hide_index=True, key="verdict_at_target")
    left, right = st.columns(2)
    left.download_button(
        "Download the verdict (JSON)",
        json.dumps(view.document, indent=2),
        file_name="verdict.json",
        mime="application/json",
        key="download_verdict",
    )
    right.download_button(
        "Save the fitted crowd as TOML",
        view.crowd_toml,
        file_name="fitted.toml",
        mime="application/toml",
        key="save_fitted",
    )


show_verdict(upload_key, gold_key)
