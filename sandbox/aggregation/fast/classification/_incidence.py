"""The answers as a sparse task × (worker, label) count matrix, shared by the vote and EM methods.

``Incidence(coded)`` holds ``matrix``: CSR, ``n_tasks × n_workers·K``, entry ``(t, w·K + l)`` = how
many times worker ``w`` answered label ``l`` on task ``t`` (repeated answers add up). scipy builds it
with a counting sort by task and a sort of each task's few entries (no sort over all answers); the
products every method needs are then one pass over the distinct answers in task order:

* ``task_sums(cell_values)``  = ``matrix @ cell_values``: per task, a sum over its answers' cells;
* ``cell_sums(task_values)``  = ``matrix.T @ task_values``: per cell, a sum over its tasks;
* ``votes(worker_weights)``: per task and label, the (weighted) number of answers;
* ``agreement(task_labels)``: per worker, the share of distinct answers equal to the task's label.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray, IntArray


class Incidence:
    """Task × (worker, label) answer counts of coded answers, and the products built on them."""

    def __init__(self, coded: CodedAnswers) -> None:
        self.n_tasks, self.n_workers, self.n_labels = coded.n_tasks, coded.n_workers, coded.n_labels
        self.n_answers = coded.n_answers
        self.n_cells = self.n_workers * self.n_labels
        small = max(self.n_tasks, self.n_cells, self.n_answers) < 2**31 - 1
        index: type[np.signedinteger[Any]] = np.int32 if small else np.int64
        column: NDArray[np.signedinteger[Any]] = coded.worker.astype(index)
        np.multiply(column, self.n_labels, out=column)
        np.add(column, coded.label, out=column, casting="unsafe")  # fits: checked above
        ones = np.ones(self.n_answers, dtype=index)
        counted = sp.coo_array(
            (ones, (coded.task.astype(index), column)), shape=(self.n_tasks, self.n_cells)
        ).tocsr()  # counting sort by task, then repeated answers summed
        del column, ones
        self.matrix = sp.csr_array(
            (counted.data.astype(np.float64), counted.indices, counted.indptr),
            shape=(self.n_tasks, self.n_cells),
        )
        del counted
        self.transposed = self.matrix.T  # a CSC view of the same arrays, made once (not per product)
        self.n_distinct = int(self.matrix.nnz)
        every_task = np.ones(self.n_tasks)
        self.answers_per_cell = self.cell_sums(every_task)
        distinct_per_cell = (
            self.answers_per_cell if self.n_distinct == self.n_answers else self.distinct().T @ every_task
        )
        self.distinct_per_worker = distinct_per_cell.reshape(self.n_workers, self.n_labels).sum(axis=1)
        # Cell c holds label c % K: the flat positions of (c, c % K) in an n_cells × K array.
        self.cell_label_flat = np.arange(self.n_cells) * self.n_labels + np.tile(
            np.arange(self.n_labels), self.n_workers
        )

    def task_sums(self, cell_values: FloatArray) -> FloatArray:
        """``n_tasks × m``: per task, the sum of ``cell_values`` (``n_cells × m``) over its answers."""
        return np.asarray(self.matrix @ cell_values)

    def cell_sums(self, task_values: FloatArray) -> FloatArray:
        """``n_cells × m``: per cell, the sum of ``task_values`` (``n_tasks × m``) over its answers."""
        return np.asarray(self.transposed @ task_values)

    def by_label(self, cell_values: FloatArray) -> FloatArray:
        """``n_cells × K`` array holding ``cell_values[c]`` in the column of cell ``c``'s label."""
        spread = np.zeros((self.n_cells, self.n_labels))
        spread.ravel()[self.cell_label_flat] = cell_values
        return spread

    def votes(self, worker_weights: FloatArray | None = None) -> FloatArray:
        """``n_tasks × K``: number of answers per task and label, each weighted by its worker's weight."""
        cell_weights: FloatArray = (
            np.ones(self.n_cells) if worker_weights is None else np.repeat(worker_weights, self.n_labels)
        )
        return self.task_sums(self.by_label(cell_weights))

    def distinct(self) -> sp.csr_array:
        """The matrix with every entry 1: each distinct ``(task, worker, label)`` once."""
        if self.n_distinct == self.n_answers:  # no repeated answer: every entry is already 1
            return self.matrix
        ones = np.ones(self.n_distinct)
        return sp.csr_array((ones, self.matrix.indices, self.matrix.indptr), shape=self.matrix.shape)

    def agreement(self, task_labels: IntArray, distinct: sp.csr_array | None = None) -> FloatArray:
        """Per worker, the share of its distinct answers equal to ``task_labels`` (a label code per
        task): crowd-kit's ``get_accuracy`` counts a repeated identical answer once."""
        matrix = (
            self.transposed
            if distinct is None and self.n_distinct == self.n_answers
            else (self.distinct() if distinct is None else distinct).T
        )
        chosen = np.empty(self.n_tasks)
        hits = np.zeros(self.n_cells)
        for label in range(self.n_labels):  # one label at a time: no n_tasks × K one-hot array
            np.equal(task_labels, label, out=chosen, casting="unsafe")
            hits[label :: self.n_labels] = np.asarray(matrix @ chosen)[label :: self.n_labels]
        per_worker = hits.reshape(self.n_workers, self.n_labels).sum(axis=1)
        shares: FloatArray = per_worker / np.maximum(self.distinct_per_worker, 1)
        return shares
