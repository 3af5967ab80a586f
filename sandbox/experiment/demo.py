"""The demo: on a real dataset, volunteers, a paid crowd and paid curation side by side."""

from __future__ import annotations

from dataclasses import dataclass

from annotators.population import load_population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.metrics.outcome import Outcome
from sandbox.simulation.policy import CampaignPolicy

DEMO_DATASET = "snow_rte"
#: (population preset, redundancy): crowds buy several answers per task, experts label once.
DEMO_SIDES = (("volunteers", 5), ("paid_crowd", 5), ("paid_curation", 1))
DEMO_AGGREGATORS = ("mv", "ds")


@dataclass(frozen=True)
class DemoRow:
    """One side of the demo: who labelled, how many answers per task, and the outcome."""

    population: str
    redundancy: int
    outcome: Outcome


def run_demo(seed: int = 0) -> list[DemoRow]:
    """Simulate each side on the bundled dataset's gold; the same seed gives the same table."""
    dataset = load_dataset(DEMO_DATASET)
    return [
        DemoRow(
            name,
            k,
            Experiment(
                dataset, load_population(name), CampaignPolicy(redundancy=k), DEMO_AGGREGATORS, seed=seed
            ).run(),
        )
        for name, k in DEMO_SIDES
    ]
