"""Scores of an aggregation against the truth: label quality, cost, worker-skill recovery."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from crowdkit.metrics.data import alpha_krippendorff
from numpy.typing import NDArray
from scipy.stats import spearmanr
from sklearn.metrics import f1_score, roc_auc_score

from sandbox.aggregation.crowdkit_adapter import quiet_crowdkit


def scored_pairs(labels: pd.Series, truth: pd.Series) -> tuple[NDArray[Any], NDArray[Any]]:
    """(predicted, true) arrays over the tasks that have both a label and a truth."""
    common = labels.index.intersection(truth.index)
    return labels.loc[common].to_numpy(), truth.loc[common].to_numpy()


def accuracy(labels: pd.Series, truth: pd.Series) -> float:
    """Share of correct labels among tasks with truth (NaN when none is scored)."""
    predicted, true = scored_pairs(labels, truth)
    return float(np.mean(predicted == true)) if len(true) else math.nan


def f1_macro(labels: pd.Series, truth: pd.Series) -> float:
    """Macro-averaged F1 over the classes present in truth or predictions (tasks with truth)."""
    predicted, true = scored_pairs(labels, truth)
    if not len(true):
        return math.nan
    return float(f1_score(true, predicted, average="macro", zero_division=0))


def n_correct(labels: pd.Series, truth: pd.Series) -> int:
    """Number of correct labels among tasks with truth."""
    predicted, true = scored_pairs(labels, truth)
    return int(np.sum(predicted == true))


def cost_per_correct_label(cost: float, correct: int) -> float:
    """Money spent per correct label (inf when nothing is correct)."""
    return cost / correct if correct else math.inf


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


def coverage(labels: pd.Series, n_tasks: int) -> float:
    """Share of the tasks that received a label."""
    return len(labels) / n_tasks if n_tasks else math.nan


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


def krippendorff_alpha(answers: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) of the answers — agreement beyond chance, crowd-kit's implementation.

    NaN when undefined: no task has two answers, or every answer is the same class.
    """
    if not (answers["task"].value_counts() >= 2).any() or answers["label"].nunique() < 2:
        return math.nan
    with quiet_crowdkit():
        return float(alpha_krippendorff(answers[["task", "worker", "label"]]))
