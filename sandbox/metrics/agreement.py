"""Agreement among the answers themselves, before any aggregation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def krippendorff_alpha(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) of the answers — agreement beyond chance.

    Vectorized; the same arithmetic, in the same order, as crowd-kit's ``alpha_krippendorff`` (NLTK's
    ``AnnotationTask.alpha``: tasks in sorted order, disagreement summed task by task), so the result
    is bit-identical to it. NaN when undefined: no task has two answers, or every answer is the same class.
    """
    task_codes, _ = pd.factorize(answers["task"], sort=True)
    label_codes, labels = pd.factorize(answers["label"])
    if len(labels) < 2:
        return math.nan
    per_task = np.bincount(task_codes)
    if not (per_task >= 2).any():
        return math.nan
    valid = per_task[task_codes] >= 2  # tasks with one answer are left out
    pairs, counts = np.unique(task_codes[valid] * len(labels) + label_codes[valid], return_counts=True)
    task_of_pair = pairs // len(labels)
    squares = np.bincount(task_of_pair, weights=counts.astype(np.float64) ** 2, minlength=len(per_task))
    answered = per_task >= 2
    n = per_task[answered].astype(np.float64)
    same = squares[answered]
    disagreement = (n * n - same) / (n * (n - 1.0)) * n
    observed_total = float(np.cumsum(disagreement)[-1])  # sequential, as NLTK adds them
    label_totals = np.bincount(label_codes[valid], minlength=len(labels))
    if np.count_nonzero(label_totals) == 1:
        return 1.0
    total = float(label_totals.sum())
    expected = (total * total - float(np.sum(label_totals.astype(np.float64) ** 2))) / (total * (total - 1.0))
    return 1.0 - (observed_total / total) / expected
