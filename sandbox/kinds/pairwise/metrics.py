"""Scores of an aggregated ranking against the truth: preference accuracy on gold pairs, rank
correlations with the true quality, top-k precision, the rank an item gained, and a downstream
reward model.

- Gold pairs are pairs with a known better side, or a known tie. A pair's aggregated preference is
  the side whose item scores higher. A gold *tie* cannot be matched by a ranking (it never predicts a
  tie), so gold ties are left out of ``accuracy`` and counted apart; so are gold pairs with an unscored
  item. Gold ties are scored by ``accuracy_with_ties``: the three-way accuracy over every gold pair
  (ties included), the predicted outcome being the most probable of left, right and tie for a method
  that models ties (Davidson's), and the better-scored side for the others (which therefore get every
  gold tie wrong).
- Rank correlations (scipy's Kendall tau-b and Spearman) are over the items that have both a score
  and a true quality.
- The reward model is a logistic regression without intercept on the feature difference
  (right − left, scaled), trained on preferences of the answered pairs and tested on the clean
  held-out pairs: what a reward model learns from these labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import kendalltau, spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TOP_K = 10


@dataclass(frozen=True)
class GoldScore:
    """Accuracy and macro-F1 (left/right) of preferences on gold pairs; pairs scored and ties left out."""

    accuracy: float
    f1_macro: float
    scored: int
    ties: int


def gold_accuracy(scores: pd.Series, gold: pd.DataFrame) -> GoldScore:
    """``scores`` (by item) against ``gold`` (``left, right, label``; label ``left``/``right``/``tie``)."""
    decided = gold[gold["label"] != "tie"]
    left = scores.reindex(pd.Index(decided["left"])).to_numpy(dtype=float)
    right = scores.reindex(pd.Index(decided["right"])).to_numpy(dtype=float)
    known = np.isfinite(left) & np.isfinite(right)
    predicted = np.where(
        right[known] > left[known], "right", np.where(left[known] > right[known], "left", "tie")
    )
    truth = decided["label"].to_numpy()[known]
    ties = int((gold["label"] == "tie").sum())
    if not known.any():
        return GoldScore(math.nan, math.nan, 0, ties)
    f1 = float(f1_score(truth, predicted, labels=["left", "right"], average="macro", zero_division=0))
    return GoldScore(float(np.mean(predicted == truth)), f1, int(known.sum()), ties)


def accuracy_with_ties(predicted: pd.Series, gold: pd.DataFrame) -> float:
    """Three-way accuracy of ``predicted`` outcomes (``left``/``right``/``tie`` per gold row, None
    where unknown) on every gold pair, ties included; NaN when no gold pair has a prediction."""
    known = predicted.notna().to_numpy()
    if not known.any():
        return math.nan
    return float(np.mean(predicted.to_numpy()[known] == gold["label"].to_numpy()[known]))


def rank_correlations(scores: pd.Series, truth: pd.Series) -> tuple[float, float]:
    """(Kendall tau-b, Spearman) of ``scores`` and the true quality ``truth`` on the items they share;
    NaN when fewer than two items are shared or either side is constant."""
    shared = scores.index.intersection(truth.dropna().index)
    if len(shared) < 2:
        return math.nan, math.nan
    estimated = scores.loc[shared].to_numpy(dtype=float)
    true = truth.loc[shared].to_numpy(dtype=float)
    if np.ptp(estimated) == 0 or np.ptp(true) == 0:
        return math.nan, math.nan
    return float(kendalltau(estimated, true).statistic), float(spearmanr(estimated, true).statistic)


def top_k_precision(scores: pd.Series, truth: pd.Series, k: int = TOP_K) -> float:
    """Share of the true top-k items (among those scored) found in the estimated top-k."""
    shared = scores.index.intersection(truth.dropna().index)
    k = min(k, len(shared))
    if k == 0:
        return math.nan
    estimated = set(scores.loc[shared].sort_values(ascending=False, kind="stable").index[:k])
    true = set(truth.loc[shared].sort_values(ascending=False, kind="stable").index[:k])
    return len(estimated & true) / k


def rank_of(scores: pd.Series, item: Any) -> float:
    """The rank of ``item`` among the scored items (1 = best; NaN when it has no score)."""
    if item not in scores.index or not np.isfinite(scores.loc[item]):
        return math.nan
    return float((scores > scores.loc[item]).sum() + 1)


@dataclass(frozen=True)
class RewardData:
    """What a reward model needs: item features (rows in ``items`` order), positions of the train pairs'
    items, and the clean test pairs (positions and truth: 1 when the right item is better)."""

    features: NDArray[Any]
    items: pd.Index
    test_left: NDArray[Any]
    test_right: NDArray[Any]
    test_right_better: NDArray[Any]


def reward_model_accuracy(data: RewardData, left: pd.Series, right: pd.Series, preferred: pd.Series) -> float:
    """Accuracy on the clean test pairs of a reward model trained on ``preferred`` sides
    (``left``/``right``; ties left out) of the pairs ``left``/``right`` (item ids)."""
    keep = preferred.isin(["left", "right"]).to_numpy()
    if not keep.any() or len(data.test_left) == 0:
        return math.nan
    rows_left = data.items.get_indexer(pd.Index(left[keep]))
    rows_right = data.items.get_indexer(pd.Index(right[keep]))
    targets = (preferred[keep] == "right").to_numpy().astype(np.int64)
    difference = data.features[rows_right] - data.features[rows_left]
    test = data.features[data.test_right] - data.features[data.test_left]
    if len(np.unique(targets)) < 2:  # one class: the model can only predict it
        return float(np.mean(data.test_right_better == targets[0]))
    model = make_pipeline(
        StandardScaler(with_mean=False), LogisticRegression(fit_intercept=False, max_iter=2000)
    )
    model.fit(difference, targets)
    return float(np.mean(model.predict(test) == data.test_right_better))
