"""One experiment: simulate a campaign (or take real answers), aggregate, score. Pure: data in, data out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from annotators.population import Population
from sandbox.aggregation import Aggregation, aggregate
from sandbox.datasets import Dataset
from sandbox.metrics import (
    accuracy,
    cost_per_correct_label,
    f1_macro,
    n_correct,
    skill_rank_correlation,
)
from sandbox.randomness import SeedLike
from sandbox.simulate import Campaign, simulate


@dataclass(frozen=True)
class AggregatorScore:
    """How one aggregator did: accuracy and macro-F1 on tasks with truth, money per correct label,
    and (simulation only) the rank correlation of estimated vs true worker skill."""

    aggregator: str
    accuracy: float
    f1_macro: float
    cost_per_correct_label: float
    seconds: float
    skill_correlation: float | None = None


@dataclass(frozen=True)
class Outcome:
    """Scores of every aggregator on one answers table, with its size and cost."""

    n_tasks: int
    n_workers: int
    n_labels: int
    cost: float
    scores: list[AggregatorScore]
    aggregations: dict[str, Aggregation] = field(repr=False)
    campaign: Campaign | None = field(default=None, repr=False)


def score_answers(
    answers: pd.DataFrame,
    truth: pd.Series,
    aggregators: Sequence[str],
    cost: float,
    true_skill: pd.Series | None = None,
) -> Outcome:
    """Aggregate ``answers`` with each aggregator and score against ``truth`` (tasks with truth only)."""
    scores, aggregations = [], {}
    for name in aggregators:
        result = aggregate(name, answers)
        aggregations[name] = result
        correlation = None
        if true_skill is not None and result.skills is not None:
            correlation = skill_rank_correlation(result.skills, true_skill)
        scores.append(
            AggregatorScore(
                aggregator=name,
                accuracy=accuracy(result.labels, truth),
                f1_macro=f1_macro(result.labels, truth),
                cost_per_correct_label=cost_per_correct_label(cost, n_correct(result.labels, truth)),
                seconds=result.seconds,
                skill_correlation=correlation,
            )
        )
    return Outcome(
        n_tasks=int(answers["task"].nunique()),
        n_workers=int(answers["worker"].nunique()),
        n_labels=len(answers),
        cost=cost,
        scores=scores,
        aggregations=aggregations,
    )


def run_simulation(
    dataset: Dataset,
    population: Population,
    redundancy: int,
    aggregators: Sequence[str],
    seed: SeedLike,
) -> Outcome:
    """Simulate ``population`` labelling ``dataset`` with ``redundancy`` answers per task, then score."""
    campaign = simulate(dataset, population, redundancy, seed)
    outcome = score_answers(
        campaign.answers, dataset.truth, aggregators, campaign.cost, campaign.workers["skill"]
    )
    return replace(outcome, campaign=campaign)
