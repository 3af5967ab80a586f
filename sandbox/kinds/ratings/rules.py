"""What a campaign asks of ratings: a gold answer is right within a tolerance of the true score, and a
task's answers agree as much as their spread is small next to the scale.

A campaign holds each task's truth as its grid code (the nearest point of the scale; see
:class:`~annotators.archetypes.ratings.Scale`) and answers as ratings on the scale (floats).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.ratings import Scale


def default_tolerance(scale: Scale) -> float:
    """How far from the true score a gold answer may be and still count as right, by default: half a
    point on an integer scale (the answer is the true score's nearest point), a tenth of the range on a
    continuous one."""
    return 0.5 if scale.integer else 0.1 * scale.span


class RatingRules:
    """The answer rules of ratings on ``scale`` (``tolerance``: in the scale's units)."""

    answer_dtype: np.dtype[Any] = np.dtype(np.float64)

    def __init__(self, scale: Scale, tolerance: float) -> None:
        self.scale = scale
        self.tolerance = float(tolerance)
        self._grid = scale.grid()

    def correct(self, answers: NDArray[Any], truth: NDArray[Any]) -> NDArray[np.bool_]:
        """``|answer − true score| <= tolerance``, the true score being the truth's grid value."""
        true = self._grid[np.asarray(truth, dtype=np.int64)]
        return np.asarray(
            np.abs(np.asarray(answers, dtype=float) - true) <= self.tolerance + 1e-9, dtype=bool
        )

    def agreement(
        self, task: NDArray[Any], answers: NDArray[Any], n_tasks: int, n_classes: int
    ) -> NDArray[np.float64]:
        """``1 − sd / (range / 2)`` of each task's answers (the largest possible sd is half the range),
        clipped to [0, 1]; 0 for a task with fewer than two answers (nothing to agree yet)."""
        task = np.asarray(task, dtype=np.int64)
        values = self.scale.to_unit(answers)
        count = np.bincount(task, minlength=n_tasks).astype(float)
        total = np.bincount(task, weights=values, minlength=n_tasks)
        mean = np.divide(total, count, out=np.zeros(n_tasks), where=count > 0)
        squares = np.bincount(task, weights=(values - mean[task]) ** 2, minlength=n_tasks)
        sd = np.sqrt(np.divide(squares, count, out=np.zeros(n_tasks), where=count > 0))
        agreement: NDArray[np.float64] = np.where(count >= 2, np.clip(1.0 - 2.0 * sd, 0.0, 1.0), 0.0)
        return agreement
