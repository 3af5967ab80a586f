"""One experiment: simulate a campaign (or take real answers), aggregate, score. Pure: data in, data out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from annotators.errors import SandboxError
from annotators.population import Population
from sandbox.aggregation.aggregate import Aggregation, aggregate
from sandbox.datasets import Dataset
from sandbox.metrics.downstream import Split, clean_accuracy, label_accuracy, posterior_accuracy, split_tasks
from sandbox.metrics.labels import (
    accuracy,
    cheater_detection_auc,
    cost_per_correct_label,
    coverage,
    f1_macro,
    krippendorff_alpha,
    n_correct,
    skill_rank_correlation,
)
from sandbox.randomness import SeedLike
from sandbox.simulation.campaign import Campaign, run_campaign
from sandbox.simulation.policy import CampaignPolicy


@dataclass(frozen=True)
class AggregatorScore:
    """How one aggregator did.

    ``accuracy``/``f1_macro``: over tasks with truth that got a label; ``coverage``: share of the
    dataset's tasks labelled; ``cost_per_correct_label``: money per correct label. Simulation only:
    ``skill_correlation`` (Spearman, estimated vs true worker skill) and ``cheater_auc`` (ROC AUC of the
    estimated skills for telling honest workers from the rest). Datasets with features only:
    ``downstream_accuracy`` (model trained on these labels, clean test split) and
    ``downstream_accuracy_weighted`` (trained on the posteriors).
    """

    aggregator: str
    accuracy: float
    f1_macro: float
    coverage: float
    cost_per_correct_label: float
    seconds: float
    skill_correlation: float | None = None
    cheater_auc: float | None = None
    downstream_accuracy: float | None = None
    downstream_accuracy_weighted: float | None = None


@dataclass(frozen=True)
class Outcome:
    """Scores of every aggregator on one answers table, with its size, cost and agreement.

    ``downstream_accuracy_clean``: the downstream model trained on true labels (datasets with features).
    ``campaign``: the simulated campaign (answers, workers, QC counts), when simulated.
    """

    n_tasks: int
    n_workers: int
    n_labels: int
    cost: float
    krippendorff_alpha: float
    scores: list[AggregatorScore]
    aggregations: dict[str, Aggregation] = field(repr=False)
    downstream_accuracy_clean: float | None = None
    campaign: Campaign | None = field(default=None, repr=False)

    def score(self, aggregator: str) -> AggregatorScore:
        """The score of one aggregator."""
        return next(s for s in self.scores if s.aggregator == aggregator)


def score_answers(
    answers: pd.DataFrame,
    truth: pd.Series,
    aggregators: Sequence[str],
    cost: float,
    workers: pd.DataFrame | None = None,
    dataset: Dataset | None = None,
    engine: str = "fast",
) -> Outcome:
    """Aggregate ``answers`` with each aggregator and score against ``truth`` (tasks with truth only).

    ``workers`` (hidden traits, simulations) enables skill and cheater-detection scores; ``dataset``
    with features enables downstream scores and sets the task count for coverage. ``engine``: ``fast``
    (default; crowd-kit where no fast implementation exists) or ``crowdkit``.
    """
    split = split_tasks(dataset) if dataset is not None and dataset.features is not None else None
    n_total = dataset.n_tasks if dataset is not None else int(answers["task"].nunique())
    scores, aggregations = [], {}
    for name in aggregators:
        result = aggregate(name, answers, engine)
        aggregations[name] = result
        scores.append(_score(result, truth, cost, n_total, workers, dataset, split))
    return Outcome(
        n_tasks=int(answers["task"].nunique()),
        n_workers=int(answers["worker"].nunique()),
        n_labels=len(answers),
        cost=cost,
        krippendorff_alpha=krippendorff_alpha(answers) if len(answers) else float("nan"),
        scores=scores,
        aggregations=aggregations,
        downstream_accuracy_clean=clean_accuracy(dataset, split) if dataset and split else None,
    )


def _score(
    result: Aggregation,
    truth: pd.Series,
    cost: float,
    n_total: int,
    workers: pd.DataFrame | None,
    dataset: Dataset | None,
    split: Split | None,
) -> AggregatorScore:
    skill_correlation = cheater_auc = downstream = weighted = None
    if workers is not None and result.skills is not None:
        skill_correlation = skill_rank_correlation(result.skills, workers["skill"])
        cheater_auc = cheater_detection_auc(result.skills, workers["honest"])
    if dataset is not None and split is not None:
        downstream = label_accuracy(dataset, result.labels, split)
        if result.probas is not None:
            weighted = posterior_accuracy(dataset, result.probas, split)
    return AggregatorScore(
        aggregator=result.aggregator,
        accuracy=accuracy(result.labels, truth),
        f1_macro=f1_macro(result.labels, truth),
        coverage=coverage(result.labels, n_total),
        cost_per_correct_label=cost_per_correct_label(cost, n_correct(result.labels, truth)),
        seconds=result.seconds,
        skill_correlation=skill_correlation,
        cheater_auc=cheater_auc,
        downstream_accuracy=downstream,
        downstream_accuracy_weighted=weighted,
    )


def run_simulation(
    dataset: Dataset,
    population: Population,
    policy: CampaignPolicy,
    aggregators: Sequence[str],
    seed: SeedLike,
    engine: str = "fast",
) -> Outcome:
    """Simulate ``population`` labelling ``dataset`` under ``policy``, then score every aggregator."""
    campaign = run_campaign(dataset, population, policy, seed)
    if campaign.answers.empty:
        raise SandboxError("the campaign produced no answers (every worker was banned or not admitted)")
    outcome = score_answers(
        campaign.answers, dataset.truth, aggregators, campaign.cost, campaign.workers, dataset, engine
    )
    return replace(outcome, campaign=campaign)
