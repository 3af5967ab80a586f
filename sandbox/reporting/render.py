"""Turning outcomes into what the CLI prints: JSON-ready dicts (NaN/inf → null) and aligned tables."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox.experiment.compare import Comparison
from sandbox.experiment.experiment import AggregatorScore, Outcome
from sandbox.metrics.labels import ban_precision_recall


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
    return row


def dumps(document: Mapping[str, Any]) -> str:
    """Pretty, strict JSON (no NaN)."""
    return json.dumps(document, indent=2, allow_nan=False)


def format_cell(value: Any, digits: int = 4) -> str:
    """One table cell: floats to ``digits`` decimals, missing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "inf"
        return f"{value:.{digits}f}"
    return str(value)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """An aligned plain-text table (text left-aligned, numbers right-aligned)."""
    cells = [[format_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row.get(c), int | float) for row in rows) for c in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def outcome_table(outcome: Outcome, title: str) -> str:
    """A readable summary: a title line, sizes, cost and QC counts, then one row per aggregator."""
    optional = ("skill_correlation", "cheater_auc", "downstream_accuracy")
    rows = [
        {
            "aggregator": s.aggregator,
            "accuracy": s.accuracy,
            "f1_macro": s.f1_macro,
            "coverage": s.coverage,
            "cost/correct": s.cost_per_correct_label,
            **{name: getattr(s, name) for name in optional},
            "seconds": s.seconds,
        }
        for s in outcome.scores
    ]
    columns = ["aggregator", "accuracy", "f1_macro", "coverage", "cost/correct"]
    columns += [n for n in optional if any(getattr(s, n) is not None for s in outcome.scores)]
    columns.append("seconds")
    lines = [
        title,
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
    for key, side in (("crowd", comparison.crowd), ("curation", comparison.curation)):
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
    """The ``compare`` answer as a two-row table under a one-line question."""
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
    rows = [{"side": key, **document[key]} for key in ("crowd", "curation")]
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
