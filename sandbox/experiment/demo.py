"""The demo: volunteers, a paid crowd and paid curation side by side — choosing labels on a real
dataset, then comparing pairs (preference data)."""

from __future__ import annotations

from dataclasses import dataclass

from annotators.population import load_population
from sandbox.datasets import load_dataset
from sandbox.experiment.experiment import Experiment
from sandbox.metrics.outcome import Outcome
from sandbox.simulation.policy import CampaignPolicy


@dataclass(frozen=True)
class Demo:
    """One demo table: a dataset, the sides (population preset, answers per task: crowds buy several,
    experts answer once), the aggregators, and extra score columns of the kind."""

    title: str
    dataset: str
    sides: tuple[tuple[str, int], ...]
    aggregators: tuple[str, ...]
    extra_columns: tuple[str, ...] = ()


CLASSIFICATION_DEMO = Demo(
    title="Crowd vs paid curation on snow_rte (real expert gold as truth)",
    dataset="snow_rte",
    sides=(("volunteers", 5), ("paid_crowd", 5), ("paid_curation", 1)),
    aggregators=("mv", "ds"),
)
PREFERENCE_DEMO = Demo(
    title=(
        "Preferences: who compares 2,000 pairs of 200 answers (synthetic-pairs, length correlated 0.3 "
        "with quality; accuracy on 1,000 held-out pairs)"
    ),
    dataset="synthetic-pairs:length_corr=0.3",
    sides=(("pairwise_volunteers", 5), ("pairwise_paid_crowd", 5), ("pairwise_curation", 1)),
    aggregators=("bt", "noisy_bt"),
    extra_columns=("kendall_tau",),
)
DEMOS = (CLASSIFICATION_DEMO, PREFERENCE_DEMO)
#: The classification demo's dataset and aggregators (the dashboard and tests name them).
DEMO_DATASET = CLASSIFICATION_DEMO.dataset
DEMO_AGGREGATORS = CLASSIFICATION_DEMO.aggregators


@dataclass(frozen=True)
class DemoRow:
    """One side of the demo: who labelled, how many answers per task, and the outcome."""

    population: str
    redundancy: int
    outcome: Outcome


def run_demo(demo: Demo = CLASSIFICATION_DEMO, seed: int = 0) -> list[DemoRow]:
    """Simulate each side of ``demo``; the same seed gives the same table."""
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
