"""The base of the fast pairwise aggregators (crowd-kit's ``worker, left, right, label`` convention)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.fast.base import FastModel
from sandbox.aggregation.fast.pairwise.coding import CodedPairs, from_crowdkit_frame


class FastPairwise(FastModel):
    """Base of the fast pairwise aggregators: ``fit_coded(codes)`` sets ``scores_`` (one float per
    item code, higher = better; NaN for an item the method could not score), ``n_iter_`` and
    ``converged_``. ``fit``/``fit_predict`` take crowd-kit's DataFrame (``worker, left, right,
    label``) and give scores as a Series by item, as crowd-kit does."""

    scores_: NDArray[np.float64]
    item_names_: pd.Index

    def fit_coded(self, coded: CodedPairs) -> FastPairwise:
        raise NotImplementedError

    def fit(self, data: pd.DataFrame) -> FastPairwise:
        """Fit on crowd-kit's pairwise DataFrame."""
        return self.fit_coded(from_crowdkit_frame(data))

    def fit_predict(self, data: pd.DataFrame) -> pd.Series:
        """Fit and return the scores: a Series indexed by item (items that got a score)."""
        self.fit(data)
        scores = pd.Series(self.scores_, index=self.item_names_, name="score")
        return scores.dropna()
