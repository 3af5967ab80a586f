"""The ``verdict`` as a JSON document and as text: the verdict, the assumptions, both questions' lines."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sandbox.experiment.compare import partial_coverage_warnings
from sandbox.experiment.verdict import Verdict
from sandbox.reporting.render import comparison_json, comparison_table


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """Everything of the verdict (non-finite numbers as None): the winner and the text, the
    assumptions about curation (and the model), both questions as ``compare`` documents, what each
    side is made of (``llm``: None without a model's side)."""
    header = {"dataset": verdict.dataset, "aggregator": verdict.aggregator, "seed": verdict.seed}
    return {
        **header,
        "tasks": verdict.n_tasks,
        "winner": verdict.winner,
        "verdict": verdict.text,
        "assumptions": list(verdict.assumptions),
        "warnings": partial_coverage_warnings(verdict.at_budget, verdict.n_tasks),
        "budget": verdict.budget,
        "budget_given": verdict.budget_given,
        "target_accuracy": verdict.target_accuracy,
        "target_given": verdict.target_given,
        "at_budget": comparison_json(verdict.at_budget, {**header, "budget": verdict.budget}),
        "at_target": comparison_json(
            verdict.at_target, {**header, "target_accuracy": verdict.target_accuracy}
        ),
        "crowd": asdict(verdict.crowd),
        "curation": asdict(verdict.curation),
        "llm": None if verdict.llm is None else asdict(verdict.llm),
    }


def verdict_report(document: dict[str, Any]) -> str:
    """The verdict text, the assumptions, then the two ``compare`` tables."""
    assumed = "\n".join(f"- {line}" for line in document["assumptions"])
    warned = "".join(f"\nWarning: {line}." for line in document["warnings"])
    return "\n\n".join(
        [
            document["verdict"] + warned,
            f"Assumed, not measured on your data:\n{assumed}",
            comparison_table(document["at_budget"]),
            comparison_table(document["at_target"]),
        ]
    )
