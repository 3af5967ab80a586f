"""Classification: each task has one true class; an answer is a class label.

Answers table ``task, worker, label`` (see :mod:`sandbox.kinds.classification.answers`). Scores: accuracy and
macro-F1 over the tasks with truth, coverage, money per correct label; in simulations the Spearman correlation
of estimated vs true worker skill and the ROC AUC of the skills for telling honest workers from the
rest, and — when items mislead — accuracy on the misleading and on the ordinary tasks
(``accuracy_misleading``, ``accuracy_ordinary``); for datasets with features, a downstream classifier
trained on the aggregated labels (and on the posteriors) tested on a clean split, with the one
trained on the truth as the ceiling; when the campaign had a reference model (a stand-in language
model), how often that downstream model agrees with it on the test split
(``downstream_reference_agreement``) and how many of its mistakes it repeats
(``downstream_reference_mistakes``): a model trained on labels pasted from it learns its mistakes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sandbox.aggregation.aggregate import Aggregation
from sandbox.dataset_cache import per_dataset
from sandbox.datasets.dataset import Dataset
from sandbox.kinds.base import ScoringInputs
from sandbox.kinds.classification.downstream import (
    Split,
    clean_accuracy,
    label_accuracy,
    label_predictions,
    posterior_accuracy,
    split_tasks,
)
from sandbox.metrics.labels import accuracy, cost_per_correct_label, coverage, f1_macro, n_correct
from sandbox.metrics.outcome import AggregatorScore
from sandbox.metrics.workers import cheater_detection_auc, skill_rank_correlation


class ClassificationScorer:
    """Scores aggregations of one answers table (the downstream split is drawn once)."""

    def __init__(self, inputs: ScoringInputs) -> None:
        self.inputs = inputs
        dataset = inputs.dataset
        self.split = self.downstream_accuracy_clean = None
        if dataset is not None and dataset.features is not None:
            # the split and the model trained on the truth depend on the dataset alone
            self.split, self.downstream_accuracy_clean = per_dataset(
                dataset, "downstream", lambda: _clean_model(dataset)
            )
        self.n_total = dataset.n_tasks if dataset is not None else int(inputs.answers["task"].nunique())

    def score(self, result: Aggregation) -> AggregatorScore:
        """How ``result`` did against the truth (see the module docstring)."""
        truth, workers, dataset, split = (
            self.inputs.truth,
            self.inputs.workers,
            self.inputs.dataset,
            self.split,
        )
        skill_correlation = cheater_auc = downstream = weighted = None
        if workers is not None and result.skills is not None:
            skill_correlation = skill_rank_correlation(result.skills, workers["skill"])
            cheater_auc = cheater_detection_auc(result.skills, workers["honest"])
        extra: dict[str, float] = {}
        if dataset is not None and split is not None:
            reference = self.inputs.reference
            if reference is None:
                downstream = label_accuracy(dataset, result.labels, split)
            else:  # what the model learnt of the reference model's mistakes
                predicted = label_predictions(dataset, result.labels, split)
                test_truth = dataset.truth.to_numpy()[split.test]
                downstream = math.nan if predicted is None else float(np.mean(predicted == test_truth))
                extra |= reference_agreement(predicted, reference[split.test], test_truth)
            if result.probas is not None:
                weighted = posterior_accuracy(dataset, result.probas, split)
        if self.inputs.misleading is not None:
            misleading = self.inputs.misleading
            extra |= {
                "accuracy_misleading": accuracy(
                    result.labels, truth[misleading.reindex(truth.index, fill_value=False)]
                ),
                "accuracy_ordinary": accuracy(
                    result.labels, truth[~misleading.reindex(truth.index, fill_value=True)]
                ),
            }
        return AggregatorScore(
            aggregator=result.aggregator,
            accuracy=accuracy(result.labels, truth),
            f1_macro=f1_macro(result.labels, truth),
            coverage=coverage(result.labels, self.n_total),
            cost_per_correct_label=cost_per_correct_label(self.inputs.cost, n_correct(result.labels, truth)),
            seconds=result.seconds,
            skill_correlation=skill_correlation,
            cheater_auc=cheater_auc,
            downstream_accuracy=downstream,
            downstream_accuracy_weighted=weighted,
            extra=extra,
            tied_tasks=result.n_tied if result.probas is not None else None,
        )


def reference_agreement(
    predicted: NDArray[Any] | None, reference: NDArray[Any], truth: NDArray[Any]
) -> dict[str, float]:
    """How much the downstream model (its ``predicted`` test classes) follows the reference model:
    ``downstream_reference_agreement`` (share of test tasks where both say the same) and
    ``downstream_reference_mistakes`` (share of the reference model's wrong test answers that the
    downstream model repeats). NaN without predictions or without a mistake to repeat."""
    if predicted is None:
        return {"downstream_reference_agreement": math.nan, "downstream_reference_mistakes": math.nan}
    wrong = reference != truth
    return {
        "downstream_reference_agreement": float(np.mean(predicted == reference)),
        "downstream_reference_mistakes": float(np.mean(predicted[wrong] == reference[wrong]))
        if wrong.any()
        else math.nan,
    }


def _clean_model(dataset: Dataset) -> tuple[Split, float]:
    """The dataset's downstream split and the accuracy of the model trained on its true labels."""
    split = split_tasks(dataset)
    return split, clean_accuracy(dataset, split)
