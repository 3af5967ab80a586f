"""The pictures of a report on a real export, for the HTML report (``report --html``) and the
dashboard's "Your export" page alike: Altair charts of small tables derived from the report.

Each ``*_table`` function shapes what one chart shows (bounded: one row per annotator, per paired
annotators, per bin or per cell, never per answer) and each chart function draws it:

- :func:`accuracy_volume`: each annotator's accuracy (on gold where they answered gold, else their
  agreement with the consensus) against their number of answers, suspects marked;
- :func:`kappa_heatmap`: Cohen's kappa between the most active annotators;
- :func:`task_agreement_histogram`: how many tasks have each share of agreeing answer pairs;
- :func:`consensus_confusion`: tasks by gold label × consensus label;
- :func:`seconds_by_annotator`: time per answer (quartiles, median) of each timed annotator.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from sandbox.fitting.report import AnnotatorReport
from sandbox.io.answer_times import answer_seconds

Figure = alt.Chart | alt.LayerChart | alt.FacetChart
HEIGHT = 320
SUSPECT_COLOURS = alt.Scale(domain=["suspect", "kept"], range=["#e15759", "#4e79a7"])
#: Bins of the per-task agreement histogram (shares 0 to 1).
AGREEMENT_BINS = 20
#: Annotators shown in the time chart (the most active timed ones, suspects always).
TIMED_ANNOTATORS = 60


def _names(annotators: pd.DataFrame) -> list[str]:
    """What a chart calls each annotator: the export's identity where known, else the id."""
    if "identity" in annotators.columns:
        return [str(v) for v in annotators["identity"]]
    return [str(w) for w in annotators.index]


def accuracy_table(report: AnnotatorReport) -> pd.DataFrame:
    """Per annotator: ``annotator, answers, accuracy, measured_on, status, reason``."""
    annotators = report.annotators
    on_gold = (
        annotators["gold_accuracy"].notna()
        if "gold_accuracy" in annotators.columns
        else pd.Series(False, index=annotators.index)
    )
    consensus = annotators["agreement"] if "agreement" in annotators.columns else np.nan
    accuracy = annotators["gold_accuracy"].where(on_gold, consensus) if on_gold.any() else consensus
    return pd.DataFrame(
        {
            "annotator": _names(annotators),
            "answers": annotators["answers"].to_numpy(),
            "accuracy": np.asarray(accuracy, dtype=float),
            "measured_on": np.where(on_gold, "gold", "consensus"),
            "status": np.where(annotators["suspect"].astype(bool), "suspect", "kept"),
            "reason": annotators["reason"].astype(str).to_numpy(),
        }
    )


def accuracy_volume(report: AnnotatorReport) -> Figure:
    """Accuracy against answers (log scale), suspects in red."""
    return (
        alt.Chart(accuracy_table(report), title="Annotator accuracy against volume")
        .mark_point(filled=True, size=60, opacity=0.8)
        .encode(
            x=alt.X("answers:Q", title="answers (log scale)", scale=alt.Scale(type="log")),
            y=alt.Y("accuracy:Q", title="accuracy (on gold, else agreement with the consensus)"),
            color=alt.Color("status:N", title="", scale=SUSPECT_COLOURS),
            shape=alt.Shape("measured_on:N", title="measured on"),
            tooltip=[
                "annotator",
                "answers",
                alt.Tooltip("accuracy:Q", format=".2f"),
                "measured_on",
                "reason",
            ],
        )
        .properties(height=HEIGHT, width=520)
    )


def kappa_table(report: AnnotatorReport) -> pd.DataFrame:
    """Both halves of the pair matrix: ``a, b, kappa, shared`` (the diagonal left out)."""
    if report.agreement is None:
        return pd.DataFrame(columns=["a", "b", "kappa", "shared"])
    pairs = report.agreement.pairs
    names = dict(zip(report.annotators.index, _names(report.annotators), strict=True))
    a = pairs["worker_a"].map(lambda w: names.get(w, str(w)))
    b = pairs["worker_b"].map(lambda w: names.get(w, str(w)))
    half = pd.DataFrame({"a": a, "b": b, "kappa": pairs["kappa"], "shared": pairs["shared"]})
    return pd.concat([half, half.rename(columns={"a": "b", "b": "a"})], ignore_index=True)


def kappa_heatmap(report: AnnotatorReport) -> Figure:
    """Cohen's kappa of every pair of the most active annotators (blank: too few shared tasks)."""
    names = dict(zip(report.annotators.index, _names(report.annotators), strict=True))
    order = [names.get(w, str(w)) for w in (report.agreement.paired if report.agreement is not None else [])]
    return (
        alt.Chart(kappa_table(report), title="Cohen's kappa between annotators (most active first)")
        .mark_rect()
        .encode(
            x=alt.X("a:N", title="", sort=order, axis=alt.Axis(labelAngle=-60, labelLimit=90)),
            y=alt.Y("b:N", title="", sort=order, axis=alt.Axis(labelLimit=90)),
            color=alt.Color("kappa:Q", title="kappa", scale=alt.Scale(scheme="redblue", domain=[-1, 1])),
            tooltip=["a", "b", alt.Tooltip("kappa:Q", format=".2f"), "shared"],
        )
        .properties(width=520, height=520)
    )


def task_agreement_table(report: AnnotatorReport) -> pd.DataFrame:
    """``low, high, tasks``: tasks per bin of pair agreement (tasks with one answer left out)."""
    values = (
        report.agreement.tasks["pair_agreement"].dropna().to_numpy()
        if report.agreement is not None
        else np.array([])
    )
    edges = np.linspace(0.0, 1.0, AGREEMENT_BINS + 1)
    counts, _ = np.histogram(values, bins=edges)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "tasks": counts})


def task_agreement_histogram(report: AnnotatorReport) -> Figure:
    """How many tasks have each share of agreeing answer pairs."""
    return (
        alt.Chart(task_agreement_table(report), title="Per-task agreement")
        .mark_bar()
        .encode(
            x=alt.X("low:Q", bin="binned", title="share of the task's answer pairs that agree"),
            x2="high:Q",
            y=alt.Y("tasks:Q", title="tasks"),
            tooltip=[alt.Tooltip("low:Q", format=".2f"), alt.Tooltip("high:Q", format=".2f"), "tasks"],
        )
        .properties(height=HEIGHT, width=520)
    )


def confusion_table(report: AnnotatorReport) -> pd.DataFrame | None:
    """``gold, consensus, tasks, share`` (share of the gold class), or None without gold."""
    if "gold" not in report.tasks.columns or "consensus" not in report.tasks.columns:
        return None
    scored = report.tasks.dropna(subset=["gold"])
    if scored.empty:
        return None
    cells = scored.groupby(["gold", "consensus"]).size().rename("tasks").reset_index()
    cells["share"] = cells["tasks"] / cells.groupby("gold")["tasks"].transform("sum")
    cells["gold"] = cells["gold"].astype(str)
    cells["consensus"] = cells["consensus"].astype(str)
    return cells


def consensus_confusion(report: AnnotatorReport) -> Figure | None:
    """Tasks by gold label (rows) × consensus label, colour the share of the gold class; None
    without gold."""
    cells = confusion_table(report)
    if cells is None:
        return None
    base = alt.Chart(cells, title="Consensus against gold").encode(
        x=alt.X("consensus:N", title="consensus label"), y=alt.Y("gold:N", title="gold label")
    )
    rects = base.mark_rect().encode(
        color=alt.Color("share:Q", title="share of the gold class", scale=alt.Scale(domain=[0, 1])),
        tooltip=["gold", "consensus", "tasks", alt.Tooltip("share:Q", format=".1%")],
    )
    text = base.mark_text().encode(
        text="tasks:Q", color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("black"))
    )
    return alt.layer(rects, text).properties(height=HEIGHT, width=420)


def seconds_table(report: AnnotatorReport, answers: pd.DataFrame) -> pd.DataFrame | None:
    """Per timed annotator (suspects and the most active, at most :data:`TIMED_ANNOTATORS`):
    ``annotator, status, answers, q1, median, q3, low, high`` (low/high: the 5th and 95th
    percentiles of seconds); None when the answers have no times."""
    seconds = answer_seconds(answers)
    if seconds is None or not seconds.notna().any():
        return None
    timed = pd.DataFrame({"worker": answers["worker"].to_numpy(), "seconds": seconds.to_numpy(dtype=float)})
    timed = timed.dropna()
    quantiles = timed.groupby("worker")["seconds"].quantile(np.array([0.05, 0.25, 0.5, 0.75, 0.95])).unstack()
    quantiles.columns = ["low", "q1", "median", "q3", "high"]
    quantiles["answers"] = timed.groupby("worker").size()
    annotators = report.annotators.reindex(quantiles.index)
    suspect = annotators["suspect"].fillna(False).astype(bool)
    order = np.lexsort((-quantiles["answers"].to_numpy(), ~suspect.to_numpy()))
    shown = quantiles.iloc[order[:TIMED_ANNOTATORS]]
    names = dict(zip(report.annotators.index, _names(report.annotators), strict=True))
    return shown.assign(
        annotator=[names.get(w, str(w)) for w in shown.index],
        status=np.where(suspect.reindex(shown.index).to_numpy(), "suspect", "kept"),
    ).reset_index(drop=True)


def seconds_by_annotator(report: AnnotatorReport, answers: pd.DataFrame) -> Figure | None:
    """Time per answer by annotator: 5–95 % line, quartile bar, median tick; None without times."""
    table = seconds_table(report, answers)
    if table is None:
        return None
    order = table.sort_values("median")["annotator"].tolist()
    y = alt.Y("annotator:N", sort=order, title="", axis=alt.Axis(labelLimit=140))
    base = alt.Chart(table, title="Seconds per answer (5–95 %, quartiles, median)")
    colour = alt.Color("status:N", title="", scale=SUSPECT_COLOURS)
    tooltip: list[Any] = [
        "annotator",
        "answers",
        alt.Tooltip("median:Q", format=".1f"),
        alt.Tooltip("q1:Q", format=".1f"),
        alt.Tooltip("q3:Q", format=".1f"),
    ]
    x = alt.X("low:Q", title="seconds (log scale)", scale=alt.Scale(type="log"))
    whiskers = base.mark_rule().encode(x=x, x2="high:Q", y=y, color=colour, tooltip=tooltip)
    boxes = base.mark_bar(size=8).encode(x="q1:Q", x2="q3:Q", y=y, color=colour, tooltip=tooltip)
    medians = base.mark_tick(color="black", size=10).encode(x="median:Q", y=y, tooltip=tooltip)
    return alt.layer(whiskers, boxes, medians).properties(width=520, height=max(HEIGHT, 14 * len(table)))


def export_figures(report: AnnotatorReport, answers: pd.DataFrame) -> dict[str, Figure]:
    """Every chart that applies to this report, by title (no confusion without gold, no times
    chart without times)."""
    figures: dict[str, Figure | None] = {
        "accuracy_volume": accuracy_volume(report),
        "kappa_heatmap": kappa_heatmap(report) if report.agreement is not None else None,
        "task_agreement": task_agreement_histogram(report) if report.agreement is not None else None,
        "consensus_confusion": consensus_confusion(report),
        "seconds": seconds_by_annotator(report, answers),
    }
    return {name: figure for name, figure in figures.items() if figure is not None}
