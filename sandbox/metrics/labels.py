"""Label quality against the truth: accuracy, macro-F1, coverage, correct labels and their cost.

Scored in numpy (a sweep scores every aggregator of every cell; scikit-learn's ``f1_score`` spent
3 ms per call validating its input). ``tests/sandbox/test_label_metrics.py`` holds macro-F1 to
scikit-learn's on generated labels.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def scored_pairs(labels: pd.Series, truth: pd.Series) -> tuple[NDArray[Any], NDArray[Any]]:
    """(predicted, true) arrays over the tasks that have both a label and a truth (any two Series:
    their values over the index entries both have)."""
    if not (labels.index.is_unique and truth.index.is_unique):
        common = labels.index.intersection(truth.index)
        return labels.loc[common].to_numpy(), truth.loc[common].to_numpy()
    positions = truth.index.get_indexer(labels.index)
    found = positions >= 0
    return labels.to_numpy()[found], truth.to_numpy()[positions[found]]


def accuracy(labels: pd.Series, truth: pd.Series) -> float:
    """Share of correct labels among tasks with truth (NaN when none is scored)."""
    predicted, true = scored_pairs(labels, truth)
    return float(np.mean(predicted == true)) if len(true) else math.nan


def f1_macro(labels: pd.Series, truth: pd.Series) -> float:
    """Macro-averaged F1 over the classes present in truth or predictions (tasks with truth)."""
    predicted, true = scored_pairs(labels, truth)
    if not len(true):
        return math.nan
    return macro_f1(true, predicted)


def macro_f1(true: NDArray[Any], predicted: NDArray[Any]) -> float:
    """Mean over the classes in ``true`` or ``predicted`` of ``2 TP / (2 TP + FP + FN)`` (a class never
    predicted or never true scores 0: scikit-learn's ``f1_score(average="macro", zero_division=0)``)."""
    codes, classes = pd.factorize(np.concatenate([true, predicted]), use_na_sentinel=False)
    k = len(classes)
    true_codes, predicted_codes = codes[: len(true)], codes[len(true) :]
    hits = np.bincount(true_codes[true_codes == predicted_codes], minlength=k)
    # 2 TP + FP + FN is the class's support plus the times it was predicted
    either = np.bincount(true_codes, minlength=k) + np.bincount(predicted_codes, minlength=k)
    return float(np.mean(2.0 * hits / either))


def n_correct(labels: pd.Series, truth: pd.Series) -> int:
    """Number of correct labels among tasks with truth."""
    predicted, true = scored_pairs(labels, truth)
    return int(np.sum(predicted == true))


def cost_per_correct_label(cost: float, correct: int) -> float:
    """Money spent per correct label (inf when nothing is correct)."""
    return cost / correct if correct else math.inf


def coverage(labels: pd.Series, n_tasks: int) -> float:
    """Share of the tasks that received a label."""
    return len(labels) / n_tasks if n_tasks else math.nan
