"""Ratings as codes: tasks and workers coded densely (sorted order of their ids, as every fast method
codes them), the ratings themselves kept as floats, with the scale's ends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from foundation.errors import SandboxError
from sandbox.aggregation.fast.coding import FloatArray, IntArray, code_column


@dataclass(frozen=True)
class CodedRatings:
    """Answer ``i``: task code ``task[i]``, worker code ``worker[i]``, rating ``value[i]``.

    ``task_names``/``worker_names``: the ids of the codes (sorted). ``low``/``high``: the scale's ends
    (the models' priors are in shares of the range, so that a 1–5 scale and a 0–100 slider mean the
    same); ``step``: the distance between the points of an integer scale (0 on a continuous one): a
    rating at an end stands for every value beyond half a step short of it."""

    task: IntArray
    worker: IntArray
    value: FloatArray
    task_names: pd.Index
    worker_names: pd.Index
    low: float
    high: float
    step: float = 0.0

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
    def span(self) -> float:
        """``high - low`` (1 when the scale is a single value)."""
        return (self.high - self.low) or 1.0

    def unit(self) -> FloatArray:
        """The ratings as positions on the range (0 = low, 1 = high)."""
        result: FloatArray = (self.value - self.low) / self.span
        return result


def encode_ratings(
    answers: pd.DataFrame, low: float | None = None, high: float | None = None, step: float = 0.0
) -> CodedRatings:
    """Code a ``task, worker, label`` table of numeric ratings; the scale is ``low .. high`` (default:
    the lowest and highest rating) with points ``step`` apart (0: continuous). SandboxError for an
    empty table or a rating that is not a number."""
    missing = [c for c in ("task", "worker", "label") if c not in answers.columns]
    if missing:
        raise SandboxError(f"ratings lack column(s) {missing}; required: task, worker, label")
    if len(answers) == 0:
        raise SandboxError("ratings are empty; aggregation needs at least one answer")
    value = pd.to_numeric(answers["label"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(value).all():
        raise SandboxError("every rating must be a finite number")
    task, task_names = code_column(answers["task"], "task")
    worker, worker_names = code_column(answers["worker"], "worker")
    return CodedRatings(
        task,
        worker,
        value,
        task_names,
        worker_names,
        float(value.min()) if low is None else float(low),
        float(value.max()) if high is None else float(high),
        float(step),
    )


def ratings_from_codes(
    task: IntArray,
    worker: IntArray,
    value: FloatArray,
    low: float | None = None,
    high: float | None = None,
    step: float = 0.0,
) -> CodedRatings:
    """Wrap coded arrays (codes ``0 .. n - 1`` used as given; names are the codes)."""
    n_tasks = int(task.max()) + 1 if len(task) else 0
    n_workers = int(worker.max()) + 1 if len(worker) else 0
    value = np.asarray(value, dtype=float)
    return CodedRatings(
        np.asarray(task, dtype=np.intp),
        np.asarray(worker, dtype=np.intp),
        value,
        pd.RangeIndex(n_tasks, name="task"),
        pd.RangeIndex(n_workers, name="worker"),
        float(value.min()) if low is None else float(low),
        float(value.max()) if high is None else float(high),
        float(step),
    )
