"""A task's ratings summarised without a model of the raters: their mean, median and trimmed mean.

Vectorised over every task at once: the ratings are sorted by (task, rating) once, and each task's
median or trimmed mean is read from its run of sorted values. Validated against pandas' group median
and scipy's ``trim_mean`` in ``tests/fast/test_ratings_location.py``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from sandbox.aggregation.fast.ratings.base import FastRatings
from sandbox.aggregation.fast.ratings.coding import CodedRatings

#: A share cut from each end: in [0, 0.5).
TrimShare = Annotated[float, Field(ge=0.0, lt=0.5)]


def _sorted_runs(coded: CodedRatings) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]]:
    """The ratings sorted by task then value, each task's first position in that order and its count."""
    order = np.lexsort((coded.value, coded.task))
    counts = np.bincount(coded.task, minlength=coded.n_tasks)
    starts = np.cumsum(counts) - counts
    return coded.value[order], starts, counts


class Mean(FastRatings):
    """Each task's mean rating."""

    iterations: ClassVar[str | None] = None

    def fit_coded(self, coded: CodedRatings) -> Mean:
        counts = np.bincount(coded.task, minlength=coded.n_tasks).astype(float)
        totals = np.bincount(coded.task, weights=coded.value, minlength=coded.n_tasks)
        self.scores_ = np.divide(totals, counts, out=np.full(coded.n_tasks, np.nan), where=counts > 0)
        self.n_iter_, self.converged_ = 1, True
        return self


class Median(FastRatings):
    """Each task's median rating (the mean of the two middle ones for an even count)."""

    iterations: ClassVar[str | None] = None

    def fit_coded(self, coded: CodedRatings) -> Median:
        values, starts, counts = _sorted_runs(coded)
        scores = np.full(coded.n_tasks, np.nan)
        rated = counts > 0
        low = starts[rated] + (counts[rated] - 1) // 2
        high = starts[rated] + counts[rated] // 2
        scores[rated] = (values[low] + values[high]) / 2
        self.scores_ = scores
        self.n_iter_, self.converged_ = 1, True
        return self


class TrimmedMean(FastRatings):
    """Each task's mean after cutting ``proportiontocut`` of its ratings from each end (scipy's
    ``trim_mean``: ``int(proportiontocut · n)`` ratings from each end)."""

    iterations: ClassVar[str | None] = None

    def __init__(self, proportiontocut: TrimShare = 0.1) -> None:
        self.proportiontocut = proportiontocut

    def fit_coded(self, coded: CodedRatings) -> TrimmedMean:
        values, starts, counts = _sorted_runs(coded)
        cut = np.floor(self.proportiontocut * counts).astype(np.intp)
        position = np.arange(len(values)) - np.repeat(starts, counts)
        task = np.repeat(np.arange(coded.n_tasks), counts)
        kept = (position >= cut[task]) & (position < (counts - cut)[task])
        totals = np.bincount(task[kept], weights=values[kept], minlength=coded.n_tasks)
        sizes = np.bincount(task[kept], minlength=coded.n_tasks).astype(float)
        self.scores_ = np.divide(totals, sizes, out=np.full(coded.n_tasks, np.nan), where=sizes > 0)
        self.n_iter_, self.converged_ = 1, True
        return self
