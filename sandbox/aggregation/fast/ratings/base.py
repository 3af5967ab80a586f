"""The base of the fast ratings aggregators: ``fit_coded(codes)`` sets ``scores_`` (one float per task
code, on the scale; NaN for a task the method could not score), ``n_iter_`` and ``converged_``; rater
models also set ``offsets_``, ``slopes_`` and ``noise_`` (one per worker code, in the scale's units).
``fit``/``fit_predict`` take a ``task, worker, label`` DataFrame and give scores as a Series by task."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.fast.base import FastModel
from sandbox.aggregation.fast.ratings.coding import CodedRatings, encode_ratings


class FastRatings(FastModel):
    """Base of the fast ratings aggregators (module docstring)."""

    scores_: NDArray[np.float64]
    task_names_: pd.Index
    offsets_: NDArray[np.float64] | None = None
    slopes_: NDArray[np.float64] | None = None
    noise_: NDArray[np.float64] | None = None

    def fit_coded(self, coded: CodedRatings) -> FastRatings:
        raise NotImplementedError

    def fit(self, data: pd.DataFrame) -> FastRatings:
        """Fit on a ``task, worker, label`` DataFrame of numeric ratings."""
        coded = encode_ratings(data)
        self.fit_coded(coded)
        self.task_names_ = coded.task_names
        return self

    def fit_predict(self, data: pd.DataFrame) -> pd.Series:
        """Fit and return the scores: a Series indexed by task."""
        self.fit(data)
        return pd.Series(self.scores_, index=self.task_names_, name="score")
