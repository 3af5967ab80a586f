"""Shared estimator plumbing of the fast aggregators (crowd-kit's convention).

Hyperparameters live in ``__init__``; ``fit(data)`` returns ``self`` and sets, for every method:
``labels_`` (Series by task), ``probas_`` (DataFrame task × label), ``n_iter_``, ``converged_`` and
``loglikelihood_`` (final objective of probabilistic methods, ``None`` for vote counting).
``fit_arrays`` is the entry for integer-coded arrays that never builds an answers DataFrame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

import pandas as pd
from numpy.typing import ArrayLike

from sandbox.aggregation.fast.base import FastModel
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray, IntArray, encode, from_codes
from sandbox.aggregation.fast.rows import row_argmax
from sandbox.resources import one_blas_thread

if TYPE_CHECKING:
    from sandbox.aggregation.ties import TieBreak


class FastAggregator(FastModel):
    """Base class: subclasses implement ``_fit(coded) -> posteriors`` (n_tasks × n_labels).

    ``tie_break``: the rule of the votes a method takes on its way (Wawa's and ZBS's weighting
    votes, majority vote's skills; :mod:`sandbox.aggregation.ties`). None, the default of a model
    used on its own, keeps crowd-kit's smallest label; the aggregation entry sets the run's rule."""

    tie_break: TieBreak | None = None
    labels_: pd.Series
    probas_: pd.DataFrame
    posteriors_: FloatArray
    loglikelihood_: float | None

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        raise NotImplementedError

    def fit(self, data: pd.DataFrame) -> Self:
        """Fit on a ``task, worker, label`` DataFrame."""
        return self.fit_coded(encode(data))

    def fit_arrays(
        self,
        task: ArrayLike,
        worker: ArrayLike,
        label: ArrayLike,
        *,
        n_tasks: int | None = None,
        n_workers: int | None = None,
        n_labels: int | None = None,
    ) -> Self:
        """Fit on integer codes (tasks, workers and labels are named ``0 .. n - 1``)."""
        coded = from_codes(task, worker, label, n_tasks=n_tasks, n_workers=n_workers, n_labels=n_labels)
        return self.fit_coded(coded)

    def fit_coded(self, coded: CodedAnswers) -> Self:
        """Fit on already coded answers; sets ``posteriors_``, ``probas_`` and ``labels_``."""
        self.loglikelihood_ = None
        with one_blas_thread():  # also keeps dot products (hence GLAD's CG path) bit-for-bit stable
            post = self._fit(coded)
        self.posteriors_ = post
        self.probas_ = pd.DataFrame(post, index=coded.task_names, columns=coded.label_names)
        best = self._vote(post, coded)
        self.labels_ = pd.Series(coded.label_names.take(best), index=coded.task_names, name="agg_label")
        return self

    def _vote(self, posteriors: FloatArray, coded: CodedAnswers) -> IntArray:
        """Each task's chosen label code under ``tie_break`` (the smallest when None)."""
        if self.tie_break is None:
            return row_argmax(posteriors)
        from sandbox.aggregation.ties import break_ties

        return break_ties(posteriors, self.tie_break, coded.task, coded.label)[0]

    def fit_predict(self, data: pd.DataFrame) -> pd.Series:
        """Fit and return the labels: a Series indexed by task."""
        return self.fit(data).labels_

    def fit_predict_proba(self, data: pd.DataFrame) -> pd.DataFrame:
        """Fit and return the posteriors: a DataFrame indexed by task, one column per label."""
        return self.fit(data).probas_


def worker_series(values: FloatArray, coded: CodedAnswers, name: str) -> pd.Series:
    """A per-worker array as a Series indexed by worker name."""
    return pd.Series(values, index=coded.worker_names, name=name)
