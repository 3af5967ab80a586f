"""How well an aggregator knows the workers (simulations, where true skills and kinds are known), and
how well quality control caught the dishonest ones.

Rank statistics in numpy from one sort (a sweep scores every aggregator of every cell; ``spearmanr``
and ``roc_auc_score`` spent 2-3 ms per call on input checks).
``tests/sandbox/test_worker_metrics.py`` holds both to scipy's and scikit-learn's on generated data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.metrics.labels import scored_pairs


def skill_rank_correlation(estimated: pd.Series, true_skill: pd.Series) -> float:
    """Spearman correlation of estimated vs true worker skill, over workers in both (NaN if undefined)."""
    x, y = (values.astype(float) for values in scored_pairs(estimated, true_skill))
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if len(x) < 3:
        return math.nan
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return spearman(x, y)


def average_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """1-based ranks of ``values``; tied values share the mean of their ranks (``rankdata``'s
    "average")."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], values.size]
    ranks = np.empty(values.size)
    ranks[order] = np.repeat((starts + 1 + ends) / 2.0, ends - starts)
    return ranks


def spearman(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks (ties share their mean rank)."""
    rank_x, rank_y = average_ranks(x), average_ranks(y)
    rank_x -= rank_x.mean()
    rank_y -= rank_y.mean()
    return float(np.dot(rank_x, rank_y) / math.sqrt(np.dot(rank_x, rank_x) * np.dot(rank_y, rank_y)))


def cheater_detection_auc(scores: pd.Series, honest: pd.Series) -> float:
    """ROC AUC of worker scores (higher = more trusted) for telling honest workers from the others,
    over workers in both; NaN when only one kind is present."""
    values, flags = scored_pairs(scores, honest)
    values, flags = values.astype(float), flags.astype(bool)
    finite = np.isfinite(values)
    flags, values = flags[finite], values[finite]
    if flags.all() or not flags.any():
        return math.nan
    return roc_auc(flags, values)


def roc_auc(positive: NDArray[np.bool_], scores: NDArray[np.float64]) -> float:
    """Area under the ROC curve = P(a positive outscores a negative), ties counted half (Mann-Whitney
    U over the average ranks)."""
    n_positive = int(positive.sum())
    n_negative = positive.size - n_positive
    rank_sum = float(average_ranks(scores)[positive].sum())
    return (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)


def ban_precision_recall(workers: pd.DataFrame) -> tuple[float, float]:
    """Quality control of bans: precision = share of banned workers who are not honest; recall = share
    of the dishonest workers who answered gold questions that got banned (NaN when undefined)."""
    banned, dishonest = workers["banned"].to_numpy(bool), ~workers["honest"].to_numpy(bool)
    exposed = dishonest & (workers["gold_answers"].to_numpy() > 0)
    precision = float((banned & dishonest).sum() / banned.sum()) if banned.any() else math.nan
    recall = float((banned & exposed).sum() / exposed.sum()) if exposed.any() else math.nan
    return precision, recall
