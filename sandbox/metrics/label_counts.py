"""The task × label count table every agreement statistic starts from.

:func:`label_counts` takes the answers (``task, label``; a worker's repeated answers each count, as
a vote) and gives the tasks and labels in sorted order and a sparse table of how many answers each
task has of each label (``scipy.sparse`` CSR, one entry per (task, label) that occurs: memory in
proportion to the answers, never tasks × labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse

from sandbox.aggregation.fast.coding import code_column


@dataclass(frozen=True)
class LabelCounts:
    """``counts[t, c]``: answers of label ``labels[c]`` on task ``tasks[t]`` (CSR, float)."""

    tasks: pd.Index
    labels: pd.Index
    counts: sparse.csr_matrix

    @property
    def per_task(self) -> NDArray[np.float64]:
        """Answers per task."""
        return np.asarray(self.counts.sum(axis=1), dtype=np.float64).ravel()

    def pairable(self) -> LabelCounts:
        """The tasks with at least two answers (the only ones agreement can be measured on)."""
        keep = np.flatnonzero(self.per_task >= 2)
        return LabelCounts(self.tasks[keep], self.labels, self.counts[keep])


def label_counts(answers: pd.DataFrame, task: str = "task", label: str = "label") -> LabelCounts:
    """The count table of ``answers`` (see the module docstring)."""
    task_codes, task_names = code_column(answers[task], task)
    label_codes, label_names = code_column(answers[label], label)
    shape = (len(task_names), len(label_names))
    ones = np.ones(len(answers), dtype=np.float64)
    counts = sparse.csr_matrix((ones, (task_codes, label_codes)), shape=shape)
    counts.sum_duplicates()
    return LabelCounts(pd.Index(task_names, name=task), pd.Index(label_names, name=label), counts)


def squared_sums(counts: sparse.csr_matrix) -> NDArray[np.float64]:
    """Per row, the sum of the squared counts (Σ_c n_tc²)."""
    squared: Any = counts.multiply(counts)
    return np.asarray(squared.sum(axis=1), dtype=np.float64).ravel()


#: Rows are padded to their longest for the canonical order while that costs at most this many
#: cells per table entry (plus a constant); beyond, rows are ordered by their text keys.
PADDING_PER_ENTRY = 4


def canonical_order(table: LabelCounts) -> NDArray[np.intp]:
    """An order of the tasks that depends on their answers alone, not on how tasks or workers are
    named: by the count row, labels taken from the most to the least answered (ties by label order).
    Tasks with identical rows are interchangeable for every statistic here, so a bootstrap that
    draws in this order gives the same numbers whatever the ids."""
    counts = table.counts
    totals = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
    rank = np.empty(len(totals), dtype=np.int64)
    rank[np.lexsort((np.arange(len(totals)), -totals))] = np.arange(len(totals))
    n_rows = counts.shape[0]
    lengths = np.diff(counts.indptr)
    width = int(lengths.max()) if n_rows else 0
    rows = np.repeat(np.arange(n_rows), lengths)
    entry_rank = rank[counts.indices]
    order = np.lexsort((entry_rank, rows))  # each row's entries by label rank
    position = np.arange(len(order)) - np.repeat(counts.indptr[:-1], lengths)
    if n_rows * width > PADDING_PER_ENTRY * counts.nnz + 1_000_000:
        keys = (
            pd.Series([f"{r}:{c:g}" for r, c in zip(entry_rank[order], counts.data[order], strict=True)])
            .groupby(rows[order])
            .agg(",".join)
        )
        full = pd.Series("", index=np.arange(n_rows), dtype=object)
        full[keys.index] = keys.to_numpy()
        return np.argsort(full.to_numpy().astype(str), kind="stable")
    label_grid = np.full((n_rows, width), -1, dtype=np.int64)
    count_grid = np.zeros((n_rows, width))
    label_grid[rows[order], position] = entry_rank[order]
    count_grid[rows[order], position] = counts.data[order]
    grid_keys = [column for p in range(width - 1, -1, -1) for column in (count_grid[:, p], label_grid[:, p])]
    return np.lexsort(grid_keys) if grid_keys else np.arange(n_rows)
