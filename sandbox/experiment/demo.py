"""The demo: volunteers, a paid crowd and paid curation side by side — choosing labels on a real
dataset, then comparing pairs (preference data)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from annotators.population import load_population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.kinds.base import KINDS, Demo, default_kind
from sandbox.metrics.outcome import Outcome
from sandbox.simulation.policy import CampaignPolicy


def demos() -> list[Demo]:
    """The demo's tables: one per task kind that has one, in the kinds' order."""
    return [kind.demo for kind in KINDS.values() if kind.demo is not None]


@dataclass(frozen=True)
class DemoRow:
    """One side of the demo: who labelled, how many answers per task, and the outcome."""

    population: str
    redundancy: int
    outcome: Outcome


def run_demo(demo: Demo | None = None, seed: int = 0) -> list[DemoRow]:
    """Simulate each side of ``demo`` (the default kind's); the same seed gives the same table."""
    demo = demo or default_demo()
    dataset = load_dataset(demo.dataset)
    return [
        DemoRow(
            name,
            k,
            Experiment(
                dataset, load_population(name), CampaignPolicy(redundancy=k), demo.aggregators, seed=seed
            ).run(),
        )
        for name, k in demo.sides
    ]


def default_demo() -> Demo:
    """The default kind's demo (the dashboard's and the first table of ``crowd-sandbox demo``)."""
    demo = default_kind().demo
    if demo is None:
        raise ValueError("the default task kind has no demo")
    return demo


def alike(side: DemoRow) -> bool:
    """Whether every aggregator scored ``side`` the same (e.g. one answer per class task: nothing to
    aggregate), so that its table shows it once."""
    keys = {(s.accuracy, tuple(sorted(s.extra.items()))) for s in side.outcome.scores}
    return len(keys) == 1 and len(side.outcome.scores) > 1


def conclusion(sides: Sequence[DemoRow]) -> str:
    """One line: which side labels best, and which costs least per correct label (both with their
    accuracy and cost)."""
    scored = [
        (side, score) for side in sides for score in side.outcome.scores if math.isfinite(score.accuracy)
    ]
    if not scored:
        return "Conclusion: no side labelled any task."
    best_side, best = max(scored, key=lambda pair: (pair[1].accuracy, -pair[0].outcome.cost))
    cheap_side, cheap = min(scored, key=lambda pair: (pair[1].cost_per_correct_label, -pair[1].accuracy))
    head = (
        f"Conclusion: best labels from {best_side.population} ({best.accuracy:.4f} right for "
        f"{best_side.outcome.cost:.4g})"
    )
    if cheap_side.population == best_side.population:
        return f"{head}, also the cheapest per correct label ({cheap.cost_per_correct_label:.3g})."
    return (
        f"{head}; cheapest per correct label: {cheap_side.population} "
        f"({cheap.cost_per_correct_label:.3g}), right only {cheap.accuracy:.4f} of the time."
    )
