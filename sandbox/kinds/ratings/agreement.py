"""Agreement among ratings before any aggregation: Krippendorff's alpha with the interval and the
ordinal metric, and the intraclass correlation (one-way random effects, for crowds where each item
has raters of its own).

Alpha, vectorised (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): only items with
at least two ratings count (n pairable values). With the interval metric δ² = (v − v′)²,

    D_o = (1/n) Σ_u 2 Σ_{v∈u} (v − v̄_u)² · m_u / (m_u − 1),     D_e = 2 Σ_v (v − v̄)² / (n − 1),

and alpha = 1 − D_o / D_e. The ordinal metric δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² is the
interval metric on each value's mid-rank among the pairable values (``r_v = Σ_{g<v} n_g + n_v / 2``),
so the same two sums give it. Every answer of an item is one of its values (a rater who rated an
item twice counts twice). Validated against the ``krippendorff`` package in
``tests/ratings/test_agreement.py``.

ICC(1) = (MSB − MSW) / (MSB + (n₀ − 1) MSW) and ICC(1,k) = (MSB − MSW) / MSB from the one-way
analysis of variance of ratings by item (items with two ratings or more), with n₀ = (N − Σ n_i² / N)
/ (g − 1) the mean ratings per item of an unbalanced design (n₀ = k when balanced; Shrout & Fleiss
1979, McGraw & Wong 1996). Validated against pingouin's ``intraclass_corr``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.fast.coding import code_column


def _pairable(answers: pd.DataFrame) -> tuple[NDArray[np.intp], NDArray[np.float64], int]:
    """Item codes and values of the answers of items with at least two ratings, and the item count."""
    task, names = code_column(answers["task"], "task")
    values = pd.to_numeric(answers["label"], errors="coerce").to_numpy(dtype=float)
    counts = np.bincount(task, minlength=len(names))
    keep = counts[task] >= 2
    return task[keep], values[keep], len(names)


def _interval_alpha(task: NDArray[np.intp], values: NDArray[np.float64], n_tasks: int) -> float:
    n = len(values)
    if n < 2:
        return math.nan
    counts = np.bincount(task, minlength=n_tasks).astype(float)
    means = np.divide(
        np.bincount(task, weights=values, minlength=n_tasks), counts, out=np.zeros(n_tasks), where=counts > 0
    )
    within = np.bincount(task, weights=(values - means[task]) ** 2, minlength=n_tasks)
    rated = counts >= 2
    observed = float(np.sum(2.0 * within[rated] * counts[rated] / (counts[rated] - 1.0))) / n
    expected = 2.0 * float(np.sum((values - values.mean()) ** 2)) / (n - 1.0)
    if expected <= 0:
        return math.nan
    return 1.0 - observed / expected


def alpha_interval(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha with the interval metric (NaN when fewer than two pairable values, or they
    are all alike)."""
    if len(answers) == 0:
        return math.nan
    return _interval_alpha(*_pairable(answers))


def mid_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each value's ``Σ_{g<v} n_g + n_v / 2`` over ``values`` (its ordinal position)."""
    distinct, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    below = np.cumsum(counts) - counts
    result: NDArray[np.float64] = (below + counts / 2.0)[inverse]
    del distinct
    return result


def alpha_ordinal(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha with the ordinal metric (NaN when undefined)."""
    if len(answers) == 0:
        return math.nan
    task, values, n_tasks = _pairable(answers)
    return _interval_alpha(task, mid_ranks(values), n_tasks)


def icc(answers: pd.DataFrame) -> dict[str, float]:
    """``icc1`` (one rating's reliability) and ``icc1k`` (the mean of n₀ ratings'), one-way random
    effects (module docstring); NaN when fewer than two items have two ratings."""
    task, values, n_tasks = _pairable(answers)
    counts = np.bincount(task, minlength=n_tasks).astype(float)
    rated = counts >= 2
    groups, total = int(rated.sum()), float(len(values))
    if groups < 2:
        return {"icc1": math.nan, "icc1k": math.nan}
    sums = np.bincount(task, weights=values, minlength=n_tasks)
    means = np.divide(sums, counts, out=np.zeros(n_tasks), where=counts > 0)
    grand = float(values.mean())
    between = float(np.sum(counts[rated] * (means[rated] - grand) ** 2))
    within = float(np.sum((values - means[task]) ** 2))
    ms_between = between / (groups - 1)
    ms_within = within / (total - groups) if total > groups else math.nan
    n0 = (total - float(np.sum(counts[rated] ** 2)) / total) / (groups - 1)
    if not math.isfinite(ms_within) or ms_between <= 0:
        return {"icc1": math.nan, "icc1k": math.nan}
    return {
        "icc1": (ms_between - ms_within) / (ms_between + (n0 - 1.0) * ms_within),
        "icc1k": (ms_between - ms_within) / ms_between,
    }


def agreement_summary(answers: pd.DataFrame) -> dict[str, Any]:
    """Every agreement figure of the answers, by name."""
    return {
        "krippendorff_alpha_interval": alpha_interval(answers),
        "krippendorff_alpha_ordinal": alpha_ordinal(answers),
        **icc(answers),
    }
