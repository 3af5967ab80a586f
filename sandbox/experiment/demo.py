"""The demo: volunteers, a paid crowd and paid curation side by side — choosing labels on a real
dataset, then comparing pairs (preference data)."""

from __future__ import annotations

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
