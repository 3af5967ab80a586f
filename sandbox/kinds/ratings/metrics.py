"""Ratings against the truth: error (MAE, RMSE, in the scale's units), rank agreement of the items
(Spearman, Kendall's tau-b: scipy), agreement on the scale's points (quadratic-weighted kappa:
scikit-learn), exact points (accuracy, macro-F1 over the points)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotators.archetypes.ratings import Scale
from sandbox.metrics.labels import macro_f1, scored_pairs

FloatArray = NDArray[np.float64]


def paired(scores: pd.Series, truth: pd.Series) -> tuple[FloatArray, FloatArray]:
    """(estimated, true) over the items that have both (finite)."""
    estimated, true = scored_pairs(scores, truth)
    estimated, true = np.asarray(estimated, dtype=float), np.asarray(true, dtype=float)
    finite = np.isfinite(estimated) & np.isfinite(true)
    return estimated[finite], true[finite]


def errors(estimated: FloatArray, true: FloatArray) -> dict[str, float]:
    """``mae`` and ``rmse`` (NaN without items)."""
    if not len(true):
        return {"mae": math.nan, "rmse": math.nan}
    difference = estimated - true
    return {"mae": float(np.mean(np.abs(difference))), "rmse": float(np.sqrt(np.mean(difference**2)))}


def rank_agreement(estimated: FloatArray, true: FloatArray) -> dict[str, float]:
    """``spearman`` and ``kendall_tau`` (tau-b) of the items' order (NaN when either does not vary)."""
    from scipy.stats import kendalltau, spearmanr

    if len(true) < 3 or np.ptp(estimated) == 0 or np.ptp(true) == 0:
        return {"spearman": math.nan, "kendall_tau": math.nan}
    return {
        "spearman": float(spearmanr(estimated, true).statistic),
        "kendall_tau": float(kendalltau(estimated, true).statistic),
    }


def quadratic_kappa(estimated: FloatArray, true: FloatArray, scale: Scale) -> float:
    """Cohen's kappa with quadratic weights between the estimated and true scores' grid points (every
    point of the scale a category): ``1 − Σ w O / Σ w E`` with ``w = (i − j)²``, O the table of the
    pairs and E the one its margins expect; NaN when undefined. Held to scikit-learn's
    ``cohen_kappa_score(weights="quadratic")`` in ``tests/ratings/test_agreement.py``."""
    if not len(true):
        return math.nan
    a, b = scale.grid_code(estimated), scale.grid_code(true)
    k = scale.n_grid
    observed = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(float)
    return _weighted_kappa(observed)


def _weighted_kappa(observed: NDArray[np.float64]) -> float:
    """Quadratic-weighted kappa of a K × K table of counts (rows: one rating, columns: the other)."""
    total = observed.sum()
    if total <= 0:
        return math.nan
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / total
    grid = np.arange(len(observed), dtype=float)
    weights = (grid[:, None] - grid[None, :]) ** 2
    denominator = float((weights * expected).sum())
    return 1.0 - float((weights * observed).sum()) / denominator if denominator > 0 else math.nan


def exact(
    estimated: FloatArray, true: FloatArray, scale: Scale, tolerance: float
) -> tuple[NDArray[np.bool_], float]:
    """Which items are right — on an integer scale the estimate's nearest point is the true score's;
    on a continuous one it lies within ``tolerance`` of it — and the macro-F1 over the grid points."""
    a, b = scale.grid_code(estimated), scale.grid_code(true)
    right = a == b if scale.integer else np.abs(estimated - true) <= tolerance + 1e-9
    return right, macro_f1(b, a) if len(true) else math.nan


def pearson(x: Any, y: Any) -> float:
    """Pearson's correlation over finite pairs (NaN when fewer than 3 or either does not vary)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def pooled_qwk(answers: pd.DataFrame, scale: Scale) -> float:
    """Quadratic-weighted kappa between raters of the same item, pooled over every ordered pair of two
    ratings of one item (the agreement figure HelpSteer2 reports between its annotators): the pair
    table ``O = Σ_i c_i c_iᵀ − diag(c_i)`` of each item's counts ``c_i`` over the grid points, against
    the table its margins expect. With exactly two ratings per item it is scikit-learn's
    ``cohen_kappa_score`` of the pairs taken both ways round. NaN when no item has two ratings."""
    from scipy import sparse

    from sandbox.aggregation.fast.coding import code_column

    task, names = code_column(answers["task"], "task")
    points = scale.grid_code(pd.to_numeric(answers["label"], errors="coerce").to_numpy(dtype=float))
    k = scale.n_grid
    counts = sparse.csr_matrix((np.ones(len(task)), (task, points)), shape=(len(names), k))
    observed = np.asarray((counts.T @ counts).todense(), dtype=float) - np.diag(
        np.asarray(counts.sum(axis=0)).ravel()
    )
    return _weighted_kappa(observed)
