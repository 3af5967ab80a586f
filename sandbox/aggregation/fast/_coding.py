"""Integer coding of an answers table, done once and shared by every fast aggregator.

``encode(data)`` turns the ``task, worker, label`` DataFrame into dense integer codes;
``from_codes(...)`` wraps arrays that are already coded (the entry for huge inputs, which never
builds a DataFrame). Labels are coded in sorted order, so "first maximum" means "smallest label".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from annotators.errors import SandboxError

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

REQUIRED_COLUMNS = ("task", "worker", "label")


@dataclass(frozen=True)
class CodedAnswers:
    """Answers as integer codes plus the original names of tasks, workers and labels.

    ``task[i]``, ``worker[i]``, ``label[i]`` describe answer ``i``; codes are dense
    (``0 .. n_tasks - 1`` etc.). ``label_names`` is sorted ascending.
    """

    task: IntArray
    worker: IntArray
    label: IntArray
    task_names: pd.Index
    worker_names: pd.Index
    label_names: pd.Index

    @property
    def n_answers(self) -> int:
        return int(self.task.shape[0])

    @property
    def n_tasks(self) -> int:
        return len(self.task_names)

    @property
    def n_workers(self) -> int:
        return len(self.worker_names)

    @property
    def n_labels(self) -> int:
        return len(self.label_names)

    def task_label_counts(self) -> FloatArray:
        """Number of answers per (task, label): a ``n_tasks × n_labels`` float array."""
        flat = np.bincount(self.task * self.n_labels + self.label, minlength=self.n_tasks * self.n_labels)
        return flat.reshape(self.n_tasks, self.n_labels).astype(np.float64)


def _factorize(values: pd.Series, column: str) -> tuple[IntArray, pd.Index]:
    if values.isna().any():
        raise SandboxError(
            f"answers column {column!r} has {int(values.isna().sum())} missing values; "
            "every answer needs a task, a worker and a label"
        )
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError as exc:
        raise SandboxError(
            f"answers column {column!r} mixes values that cannot be ordered ({exc}); use one type per column"
        ) from exc
    index = pd.Index(uniques, name=column)
    return codes.astype(np.intp, copy=False), index


def encode(data: pd.DataFrame) -> CodedAnswers:
    """Code a ``task, worker, label`` DataFrame. Raises ``SandboxError`` if it is unusable."""
    if not isinstance(data, pd.DataFrame):
        raise SandboxError(
            f"answers must be a pandas DataFrame with columns task, worker, label; got {type(data).__name__}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise SandboxError(
            f"answers table lacks column(s) {missing}; required: {list(REQUIRED_COLUMNS)}, "
            f"found: {list(data.columns)}"
        )
    if len(data) == 0:
        raise SandboxError("answers table is empty; aggregation needs at least one answer")
    task, task_names = _factorize(data["task"], "task")
    worker, worker_names = _factorize(data["worker"], "worker")
    label, label_names = _factorize(data["label"], "label")
    return CodedAnswers(task, worker, label, task_names, worker_names, label_names)


def _codes(values: ArrayLike, column: str, size: int | None) -> tuple[IntArray, int]:
    array = np.asarray(values)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise SandboxError(
            f"{column} codes must be a 1-d integer array; got dtype {array.dtype}, shape {array.shape}"
        )
    if array.size and int(array.min()) < 0:
        raise SandboxError(f"{column} codes must be >= 0; found {int(array.min())}")
    top = int(array.max()) + 1 if array.size else 0
    if size is None:
        size = top
    elif top > size:
        raise SandboxError(f"{column} code {top - 1} is out of range for n_{column}s={size}")
    return array.astype(np.intp, copy=False), size


def from_codes(
    task: ArrayLike,
    worker: ArrayLike,
    label: ArrayLike,
    *,
    n_tasks: int | None = None,
    n_workers: int | None = None,
    n_labels: int | None = None,
) -> CodedAnswers:
    """Wrap integer-coded answer arrays (no DataFrame built); names are ``0 .. n - 1``.

    Codes are used as given, so every task/worker/label code below ``n_*`` is expected to occur;
    a label code nobody used is allowed (it gets probability ~0).
    """
    t, n_t = _codes(task, "task", n_tasks)
    w, n_w = _codes(worker, "worker", n_workers)
    y, n_y = _codes(label, "label", n_labels)
    if not (t.shape == w.shape == y.shape):
        raise SandboxError(f"task, worker and label arrays differ in length: {t.size}, {w.size}, {y.size}")
    if t.size == 0:
        raise SandboxError("answers are empty; aggregation needs at least one answer")
    return CodedAnswers(
        t,
        w,
        y,
        pd.RangeIndex(n_t, name="task"),
        pd.RangeIndex(n_w, name="worker"),
        pd.RangeIndex(n_y, name="label"),
    )


# numpy reduces an (n, K) array along a short axis slowly (~25x slower than below for K = 2):
# these helpers reduce column by column or through BLAS instead.


def row_max(values: FloatArray) -> FloatArray:
    """Maximum of each row of an ``n × K`` array."""
    top = values[:, 0].copy()
    for column in range(1, values.shape[1]):
        np.maximum(top, values[:, column], out=top)
    return top


def row_argmax(values: FloatArray) -> IntArray:
    """Column of each row's first maximum (so ties go to the smallest label code)."""
    top = values[:, 0].copy()
    best = np.zeros(values.shape[0], dtype=np.intp)
    for column in range(1, values.shape[1]):
        higher = values[:, column] > top
        best[higher] = column
        np.maximum(top, values[:, column], out=top)
    return best


def row_sums(values: FloatArray) -> FloatArray:
    """Sum of each row of an ``n × K`` array."""
    sums: FloatArray = values @ np.ones(values.shape[1])
    return sums


def column_sums(values: FloatArray) -> FloatArray:
    """Sum of each column of an ``n × K`` array."""
    sums: FloatArray = np.ones(values.shape[0]) @ values
    return sums


def softmax_rows(logits: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Row-wise softmax in log space. Returns ``(probabilities, log_sum_exp per row)``."""
    top = row_max(logits)
    shifted = np.exp(logits - top[:, None])
    total = row_sums(shifted)
    shifted /= total[:, None]
    return shifted, np.log(total) + top
