"""Turning outcomes into what the CLI prints: JSON-ready dicts (NaN/inf → null) and aligned tables."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox.experiment import Outcome


def finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN or infinity: they become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def outcome_json(outcome: Outcome, header: Mapping[str, Any]) -> dict[str, Any]:
    """The documented JSON object: ``header`` keys, sizes, cost and one result per aggregator."""
    return {
        **header,
        "n_tasks": outcome.n_tasks,
        "n_workers": outcome.n_workers,
        "n_labels": outcome.n_labels,
        "cost": finite_or_none(outcome.cost),
        "results": [
            {
                "aggregator": s.aggregator,
                "accuracy": finite_or_none(s.accuracy),
                "f1_macro": finite_or_none(s.f1_macro),
                "cost_per_correct_label": finite_or_none(s.cost_per_correct_label),
                "seconds": round(s.seconds, 4),
                **(
                    {"skill_correlation": finite_or_none(s.skill_correlation)}
                    if s.skill_correlation is not None
                    else {}
                ),
            }
            for s in outcome.scores
        ],
    }


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
    """A readable summary: a title line, sizes and cost, then one row per aggregator."""
    rows = [
        {
            "aggregator": s.aggregator,
            "accuracy": s.accuracy,
            "f1_macro": s.f1_macro,
            "cost/correct": s.cost_per_correct_label,
            "skill_corr": s.skill_correlation,
            "seconds": s.seconds,
        }
        for s in outcome.scores
    ]
    columns = ["aggregator", "accuracy", "f1_macro", "cost/correct", "seconds"]
    if any(s.skill_correlation is not None for s in outcome.scores):
        columns.insert(4, "skill_corr")
    summary = (
        f"{outcome.n_tasks} tasks, {outcome.n_workers} workers, {outcome.n_labels} labels, "
        f"cost {format_cell(outcome.cost, 2)}"
    )
    return f"{title}\n{summary}\n\n{table(rows, columns)}"
