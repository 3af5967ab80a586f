"""Scoring answers: every aggregator's labels against the truth, with cost, agreement, worker and
downstream scores. Pure: data in, data out. Simulated and real answers are scored the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from annotators.errors import describe_error
from sandbox.aggregation.aggregate import Aggregation, aggregate
from sandbox.datasets import Dataset
from sandbox.metrics.agreement import krippendorff_alpha
from sandbox.metrics.downstream import Split, clean_accuracy, label_accuracy, posterior_accuracy, split_tasks
from sandbox.metrics.labels import accuracy, cost_per_correct_label, coverage, f1_macro, n_correct
from sandbox.metrics.workers import cheater_detection_auc, skill_rank_correlation
from sandbox.simulation.campaign import Campaign


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
    ``errors``: aggregator → why it failed, when scored with ``isolate_errors`` (it has no score).
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
    errors: dict[str, str] = field(default_factory=dict)

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
    isolate_errors: bool = False,
) -> Outcome:
    """Aggregate ``answers`` with each aggregator (``engine``) and score against ``truth``.

    ``workers`` (hidden traits, simulations) enables skill and cheater-detection scores; ``dataset``
    with features enables downstream scores and sets the task count for coverage. With
    ``isolate_errors`` an aggregator that raises is recorded in ``Outcome.errors`` and the others
    are still scored; without it the error propagates.
    """
    split = split_tasks(dataset) if dataset is not None and dataset.features is not None else None
    n_total = dataset.n_tasks if dataset is not None else int(answers["task"].nunique())
    scores, aggregations, errors = [], {}, {}
    for name in aggregators:
        try:
            result = aggregate(name, answers, engine)
            score = _score(result, truth, cost, n_total, workers, dataset, split)
        except Exception as error:
            if not isolate_errors:
                raise
            errors[name] = describe_error(error)
            continue
        aggregations[name] = result
        scores.append(score)
    return Outcome(
        n_tasks=int(answers["task"].nunique()),
        n_workers=int(answers["worker"].nunique()),
        n_labels=len(answers),
        cost=cost,
        krippendorff_alpha=krippendorff_alpha(answers) if len(answers) else float("nan"),
        scores=scores,
        aggregations=aggregations,
        downstream_accuracy_clean=clean_accuracy(dataset, split) if dataset and split else None,
        errors=errors,
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
