"""Agreement among the answers themselves, before any aggregation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.fast.coding import code_column

#: (task, label) cells are counted in a dense table when there are at most this many per answer
#: (plus a little); otherwise by a sort.
DENSE_PER_ANSWER = 4


def krippendorff_alpha(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) of the answers — agreement beyond chance.

    Vectorized; the same arithmetic, in the same order, as crowd-kit's ``alpha_krippendorff`` (NLTK's
    ``AnnotationTask.alpha``: tasks in sorted order, disagreement summed task by task), so the result
    is bit-identical to it. NaN when undefined: no task has two answers, or every answer is the same class.
    """
    if len(answers) == 0:
        return math.nan
    # codes in the sorted order of the ids (integers of a narrow range through a lookup table)
    task_codes, task_names = code_column(answers["task"], "task")
    label_codes, label_names = code_column(answers["label"], "label")
    n_tasks, n_labels = len(task_names), len(label_names)
    if n_labels < 2:
        return math.nan
    cells = task_codes * n_labels
    cells += label_codes
    pairs, counts = _cell_counts(cells, n_tasks * n_labels, len(answers))
    task_of_pair, label_of_pair = np.divmod(pairs, n_labels)
    # counts are integers: their float sums are exact, whatever the order
    per_task = np.bincount(task_of_pair, weights=counts, minlength=n_tasks)
    answered = per_task >= 2  # tasks with one answer are left out
    if not answered.any():
        return math.nan
    squares = np.bincount(task_of_pair, weights=counts.astype(np.float64) ** 2, minlength=n_tasks)
    n = per_task[answered]
    same = squares[answered]
    disagreement = (n * n - same) / (n * (n - 1.0)) * n
    observed_total = float(np.cumsum(disagreement)[-1])  # sequential, as NLTK adds them
    kept = answered[task_of_pair]
    label_totals = np.bincount(label_of_pair[kept], weights=counts[kept], minlength=n_labels)
    if np.count_nonzero(label_totals) == 1:
        return 1.0
    total = float(label_totals.sum())
    expected = (total * total - float(np.sum(label_totals**2))) / (total * (total - 1.0))
    return 1.0 - (observed_total / total) / expected


def _cell_counts(cells: NDArray[Any], n_cells: int, n_answers: int) -> tuple[NDArray[Any], NDArray[Any]]:
    """The distinct values of ``cells`` (codes below ``n_cells``) in ascending order, and how often
    each occurs: by a dense count when the table is small next to the answers, else by a sort."""
    if n_cells < DENSE_PER_ANSWER * n_answers + 1024:
        table = np.bincount(cells, minlength=n_cells)
        present = np.flatnonzero(table)
        return present, table[present]
    return np.unique(cells, return_counts=True)
