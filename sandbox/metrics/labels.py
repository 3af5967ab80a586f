"""Label quality against the truth: accuracy, macro-F1, coverage, correct labels and their cost."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.metrics import f1_score


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


def coverage(labels: pd.Series, n_tasks: int) -> float:
    """Share of the tasks that received a label."""
    return len(labels) / n_tasks if n_tasks else math.nan
