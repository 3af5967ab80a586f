"""The downstream question for ratings: a regressor trained on aggregated scores instead of the true
ones — how much worse does it predict the truth?

A ridge regression on the standardised item features is trained on a fixed 70 % of the items (the
split depends on the dataset alone: seed 0) and tested on the other 30 %'s true scores: its R² (the
coefficient of determination) and MAE there. Trained on the aggregated scores of the training items
that got one, or on their true scores (the ceiling). Fits run with one BLAS thread, as every small
model of the project does. At most ``MAX_TRAIN_ITEMS`` training items (a seeded sample).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.resources import one_blas_thread

TEST_SHARE = 0.3
SPLIT_SEED = 0
MAX_TRAIN_ITEMS = 200_000
RIDGE_ALPHA = 1.0


@dataclass(frozen=True)
class DownstreamSplit:
    """Item features (rows as ``tasks``), the training rows and the test rows with their true scores."""

    features: NDArray[np.float64]
    tasks: pd.Index
    train: NDArray[np.intp]
    test: NDArray[np.intp]
    test_truth: NDArray[np.float64]


def downstream_split(features: NDArray[Any], tasks: pd.Index, truth: pd.Series) -> DownstreamSplit | None:
    """The fixed split of the items with a true score; None with fewer than 10 such items."""
    known = np.flatnonzero(np.isfinite(truth.reindex(tasks).to_numpy(dtype=float)))
    if len(known) < 10:
        return None
    rng = np.random.default_rng(SPLIT_SEED)
    order = rng.permutation(known)
    n_test = max(2, round(TEST_SHARE * len(order)))
    train, test = np.sort(order[n_test:]), np.sort(order[:n_test])
    if len(train) > MAX_TRAIN_ITEMS:
        train = np.sort(rng.choice(train, MAX_TRAIN_ITEMS, replace=False))
    return DownstreamSplit(
        features=np.asarray(features, dtype=float),
        tasks=tasks,
        train=train,
        test=test,
        test_truth=truth.reindex(tasks[test]).to_numpy(dtype=float),
    )


def regressor_scores(split: DownstreamSplit, targets: pd.Series) -> tuple[float, float]:
    """(R², MAE) on the clean test items of a ridge regression trained on ``targets`` (scores by task)
    of the training items that have one; NaN when fewer than 3 do."""
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = targets.reindex(split.tasks[split.train]).to_numpy(dtype=float)
    keep = np.isfinite(y)
    if keep.sum() < 3:
        return math.nan, math.nan
    model = make_pipeline(StandardScaler(), Ridge(alpha=RIDGE_ALPHA))
    with one_blas_thread():
        model.fit(split.features[split.train[keep]], y[keep])
        predicted = model.predict(split.features[split.test])
    truth = split.test_truth
    residual = float(np.sum((truth - predicted) ** 2))
    total = float(np.sum((truth - truth.mean()) ** 2))
    r2 = 1.0 - residual / total if total > 0 else math.nan
    return r2, float(np.mean(np.abs(truth - predicted)))
