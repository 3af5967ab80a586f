"""What the CLI prints: JSON-ready dicts (NaN/inf → null) and tables of outcomes, comparisons and
annotator reports."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from foundation.errors import printable
from sandbox.experiment.compare import Comparison
from sandbox.fitting.report import AnnotatorReport
from sandbox.metrics.agreement_report import AgreementReport
from sandbox.metrics.outcome import AggregatorScore, Outcome
from sandbox.metrics.pair_kappa import MIN_SHARED
from sandbox.metrics.workers import ban_precision_recall
from sandbox.reporting.tables import format_cell, frame_table, table


def finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN or infinity: they become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def outcome_json(outcome: Outcome, header: Mapping[str, Any]) -> dict[str, Any]:
    """The documented JSON object: ``header`` keys, sizes, cost, agreement, campaign counts (when
    simulated), downstream ceiling (datasets with features) and one result per aggregator."""
    document: dict[str, Any] = {
        **header,
        "n_tasks": outcome.n_tasks,
        "n_workers": outcome.n_workers,
        "n_labels": outcome.n_labels,
        "cost": finite_or_none(outcome.cost),
        "krippendorff_alpha": finite_or_none(outcome.krippendorff_alpha),
    }
    campaign = outcome.campaign
    if campaign is not None:
        precision, recall = ban_precision_recall(campaign.workers)
        document.update(
            labels_bought=campaign.stats.labels_bought,
            gold_answers=campaign.stats.gold_answers,
            qualification_answers=campaign.stats.qualification_answers,
            banned_workers=campaign.stats.banned_workers,
            not_admitted=campaign.stats.not_admitted,
            ban_precision=finite_or_none(precision),
            ban_recall=finite_or_none(recall),
        )
    if outcome.downstream_accuracy_clean is not None:
        document["downstream_accuracy_clean"] = finite_or_none(outcome.downstream_accuracy_clean)
    if outcome.reference is not None:
        document["reference_model"] = {
            "description": outcome.reference["description"],
            "accuracy": finite_or_none(outcome.reference["accuracy"]),
        }
    document["results"] = [_score_json(s) for s in outcome.scores]
    return document


def _score_json(score: AggregatorScore) -> dict[str, Any]:
    row: dict[str, Any] = {
        "aggregator": score.aggregator,
        "accuracy": finite_or_none(score.accuracy),
        "f1_macro": finite_or_none(score.f1_macro),
        "coverage": finite_or_none(score.coverage),
        "cost_per_correct_label": finite_or_none(score.cost_per_correct_label),
        "seconds": round(score.seconds, 4),
    }
    for name in ("skill_correlation", "cheater_auc", "downstream_accuracy", "downstream_accuracy_weighted"):
        value = getattr(score, name)
        if value is not None:
            row[name] = finite_or_none(value)
    for name, value in score.extra.items():
        row[name] = finite_or_none(value)
    if score.tied_tasks is not None:
        row["tied_tasks"] = score.tied_tasks
    return row


def dumps(document: Mapping[str, Any]) -> str:
    """Pretty, strict JSON (no NaN)."""
    return json.dumps(document, indent=2, allow_nan=False)


def gold_line(gold_size: int, unit: str) -> str:
    """What the scores of real answers rest on: ``scored on N gold <unit>``, or that there is no gold."""
    if gold_size:
        return f"scored on {gold_size} gold {unit}"
    return "no gold: consensus only, no accuracy (give --gold FILE to score it)"


def outcome_table(outcome: Outcome, title: str) -> str:
    """A readable summary: a title line, sizes, cost and QC counts, then one row per aggregator."""
    optional = ("skill_correlation", "cheater_auc", "downstream_accuracy")
    rows = [
        {
            "aggregator": s.aggregator,
            "accuracy": s.accuracy,
            "f1_macro": s.f1_macro,
            "coverage": s.coverage,
            # Without an accuracy there is no count of correct labels to divide the cost by.
            "cost/correct": s.cost_per_correct_label if math.isfinite(s.accuracy) else None,
            **{name: getattr(s, name) for name in optional},
            **{name: s.extra.get(name) for name in outcome.table_extras},
            "tied": s.tied_tasks,
            "seconds": s.seconds,
        }
        for s in outcome.scores
    ]
    columns = ["aggregator", "accuracy", "f1_macro", "coverage", "cost/correct"]
    columns += [n for n in optional if any(getattr(s, n) is not None for s in outcome.scores)]
    columns += [n for n in outcome.table_extras if any(s.extra.get(n) is not None for s in outcome.scores)]
    if any(s.tied_tasks is not None for s in outcome.scores):
        columns.append("tied")
    columns.append("seconds")
    lines = [
        printable(title),
        f"{outcome.n_tasks} tasks, {outcome.n_workers} workers, {outcome.n_labels} labels kept, "
        f"cost {format_cell(outcome.cost, 2)}, "
        f"Krippendorff's alpha {format_cell(outcome.krippendorff_alpha, 3)}",
    ]
    if outcome.campaign is not None:
        stats = outcome.campaign.stats
        lines.append(
            f"bought {stats.labels_bought} labels + {stats.gold_answers} gold + "
            f"{stats.qualification_answers} qualification answers; {stats.banned_workers} workers banned, "
            f"{stats.not_admitted} not admitted"
        )
    if outcome.downstream_accuracy_clean is not None:
        lines.append(
            f"downstream model trained on true labels: {format_cell(outcome.downstream_accuracy_clean)}"
        )
    return "\n".join(lines) + "\n\n" + table(rows, columns)


def comparison_json(comparison: Comparison, header: Mapping[str, Any]) -> dict[str, Any]:
    """The documented ``compare`` JSON: ``header``, one object per side, the clean downstream ceiling."""
    sides = {}
    named = [("crowd", comparison.crowd), ("curation", comparison.curation)]
    if comparison.llm is not None:
        named.append(("llm", comparison.llm))
    for key, side in named:
        sides[key] = {
            "population": side.population,
            "accuracy": finite_or_none(side.accuracy),
            "cost": finite_or_none(side.cost),
            "n_labels": side.n_labels,
            "redundancy": side.redundancy,
            "gold_rate": side.gold_rate,
            "coverage": finite_or_none(side.coverage),
            "downstream_accuracy": finite_or_none(side.downstream_accuracy),
            "reached": side.reached,
        }
    return {
        **header,
        **sides,
        "downstream_accuracy_clean": finite_or_none(comparison.downstream_accuracy_clean),
    }


def comparison_table(document: Mapping[str, Any]) -> str:
    """The ``compare`` answer as a table (one row per side) under a one-line question."""
    if "budget" in document:
        question = f"Same budget ({format_cell(float(document['budget']), 2)}): which side labels better?"
    else:
        question = f"What does each side pay to reach accuracy {document['target_accuracy']}?"
    columns = [
        "side",
        "population",
        "accuracy",
        "cost",
        "n_labels",
        "redundancy",
        "gold_rate",
        "coverage",
        "downstream_accuracy",
        "reached",
    ]
    rows = [{"side": key, **document[key]} for key in ("crowd", "curation", "llm") if key in document]
    for row in rows:
        row["reached"] = "yes" if row["reached"] else "no"
    lines = [
        f"{question} ({document['dataset']}, aggregator {document['aggregator']})",
        "",
        table(rows, columns),
    ]
    if document.get("downstream_accuracy_clean") is not None:
        lines.append(
            f"\ndownstream model trained on true labels: {format_cell(document['downstream_accuracy_clean'])}"
        )
    return "\n".join(lines)


def plain(value: Any) -> Any:
    """JSON-friendly scalar: numpy → Python, NaN → None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame (index included) as JSON-friendly rows."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.reset_index().to_dict("records")]


def report_json(report: AnnotatorReport, header: Mapping[str, Any]) -> dict[str, Any]:
    """The whole annotator report as one JSON document; ``header`` joins the ``overall`` part."""
    confusions: dict[str, dict[str, dict[str, float]]] = {}
    for worker, matrix in report.confusions.items():  # one small frame per worker: read as arrays
        rows = [str(plain(t)) for t in matrix.index]
        columns = [str(plain(a)) for a in matrix.columns]
        confusions[str(plain(worker))] = {
            row: dict(zip(columns, values, strict=True))
            for row, values in zip(rows, matrix.to_numpy(dtype=float).tolist(), strict=True)
        }
    document: dict[str, Any] = {
        "overall": {**{k: plain(v) for k, v in report.overall.items()}, **header},
        "annotators": records(report.annotators),
        "tasks": records(report.tasks),
        "confusions": confusions,
    }
    if report.evidence:
        document["evidence"] = {
            str(plain(worker)): [{k: plain(v) for k, v in item.items()} for item in items]
            for worker, items in report.evidence.items()
        }
    if report.agreement is not None:
        document["agreement"] = {
            "alpha": records(report.agreement.alpha),
            "pairs": records(report.agreement.pairs.set_index(["worker_a", "worker_b"])),
            "least_agreed_tasks": records(report.agreement.least_agreed),
        }
    if report.removal is not None:
        document["removal"] = {
            "removed": [plain(w) for w in report.removal.removed],
            **{k: plain(v) for k, v in report.removal.effects.items()},
            "changed_tasks": records(report.removal.changed),
        }
    return document


#: The most annotators the terminal report lists (suspected spammers and the least accurate first).
TABLE_ANNOTATORS = 100


def report_table(report: AnnotatorReport, title: str) -> str:
    """The annotator report for a terminal: overall figures, suspected spammers first, least confident
    tasks."""
    lines = [printable(title)]
    for key, value in report.overall.items():
        lines.append(f"  {key}: {f'{value:.4f}' if isinstance(value, float) else value}")
    quality = "ds_accuracy" if "ds_accuracy" in report.annotators.columns else "agreement"
    annotators = report.annotators.sort_values(["suspect", quality], ascending=[False, True])
    lines += ["", "annotators (suspected spammers first):", frame_table(annotators.head(TABLE_ANNOTATORS))]
    if len(annotators) > TABLE_ANNOTATORS:
        lines.append(
            f"  … the first {TABLE_ANNOTATORS} of {len(annotators)} annotators; "
            "--format csv or json lists them all"
        )
    lines += ["", "least confident tasks:", frame_table(report.tasks.sort_values("confidence").head(10))]
    if report.agreement is not None:
        lines += agreement_lines(report.agreement)
    if report.removal is not None:
        lines += ["", "without the suspects:"]
        lines += [f"  {key}: {format_cell(value)}" for key, value in report.removal.effects.items()]
    return "\n".join(lines)


#: Annotator pairs the terminal report lists (the least agreeing first).
TABLE_PAIRS = 10


def agreement_lines(statistics: AgreementReport) -> list[str]:
    """The agreement statistics for a terminal: alpha per class with its interval, the least
    agreeing annotator pairs, the least agreed tasks."""
    pairs = statistics.pairs.dropna(subset=["kappa"]).sort_values(
        ["kappa", "shared"], ascending=[True, False]
    )
    return [
        "",
        "Krippendorff's alpha (95 % bootstrap interval over tasks), overall and per class (one vs rest):",
        frame_table(statistics.alpha),
        "",
        f"Cohen's kappa, least agreeing pairs of the {len(statistics.paired)} most active annotators "
        f"(pairs sharing at least {MIN_SHARED} tasks; "
        "--format json lists every pair):",
        frame_table(pairs.head(TABLE_PAIRS).set_index(["worker_a", "worker_b"]))
        if len(pairs)
        else f"  no pair shares {MIN_SHARED} tasks",
        "",
        "least agreed tasks (share of agreeing answer pairs):",
        frame_table(statistics.least_agreed.head(10)),
    ]


def sweep_summary_table(summary: pd.DataFrame, params: list[str], metrics: list[str]) -> str:
    """A sweep's summary (:func:`sandbox.sweep.summary.summarize`) with ``mean ± half-width`` per metric."""
    rows = []
    for record in summary.to_dict("records"):
        row = {key: record[key] for key in ("role", *params, "aggregator", "seeds", "errors")}
        for metric in metrics:
            mean, half = record[f"{metric}_mean"], record[f"{metric}_ci95"]
            row[metric] = (
                "n/a"
                if math.isnan(mean)
                else f"{mean:.4g}"
                if math.isnan(half)
                else f"{mean:.4g} ± {half:.2g}"
            )
        rows.append(row)
    return table(rows, ["role", *params, "aggregator", "seeds", "errors", *metrics])
