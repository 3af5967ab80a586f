"""How well an aggregator knows the workers (simulations, where true skills and kinds are known), and
how well quality control caught the dishonest ones."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score


def skill_rank_correlation(estimated: pd.Series, true_skill: pd.Series) -> float:
    """Spearman correlation of estimated vs true worker skill, over workers in both (NaN if undefined)."""
    common = estimated.index.intersection(true_skill.index)
    x, y = estimated.loc[common].to_numpy(float), true_skill.loc[common].to_numpy(float)
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if len(x) < 3:
        return math.nan
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(spearmanr(x, y).statistic)


def cheater_detection_auc(scores: pd.Series, honest: pd.Series) -> float:
    """ROC AUC of worker scores (higher = more trusted) for telling honest workers from the others,
    over workers in both; NaN when only one kind is present."""
    common = scores.index.intersection(honest.index)
    flags = honest.loc[common].to_numpy(bool)
    values = scores.loc[common].to_numpy(float)
    finite = np.isfinite(values)
    flags, values = flags[finite], values[finite]
    if flags.all() or not flags.any():
        return math.nan
    return float(roc_auc_score(flags, values))


def ban_precision_recall(workers: pd.DataFrame) -> tuple[float, float]:
    """Quality control of bans: precision = share of banned workers who are not honest; recall = share
    of the dishonest workers who answered gold questions that got banned (NaN when undefined)."""
    banned, dishonest = workers["banned"].to_numpy(bool), ~workers["honest"].to_numpy(bool)
    exposed = dishonest & (workers["gold_answers"].to_numpy() > 0)
    precision = float((banned & dishonest).sum() / banned.sum()) if banned.any() else math.nan
    recall = float((banned & exposed).sum() / exposed.sum()) if exposed.any() else math.nan
    return precision, recall
