"""Fleiss' kappa: agreement among many annotators beyond chance (Fleiss 1971).

From the task × label count table (:mod:`sandbox.metrics.label_counts`): per task with n_t ≥ 2
answers, the share of agreeing pairs P_t = (Σ_c n_tc² − n_t) / (n_t (n_t − 1)); their mean P̄ over
those tasks; the chance agreement P_e = Σ_c p_c² from the classes' shares p_c of all their answers;
kappa = (P̄ − P_e) / (1 − P_e). With the same number of answers on every task this is Fleiss'
statistic exactly (statsmodels' ``fleiss_kappa``); with varying numbers it is the usual
generalisation that averages each task's own pair agreement (each task weighs the same).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from sandbox.metrics.label_counts import LabelCounts, squared_sums


def pair_agreement(table: LabelCounts) -> NDArray[np.float64]:
    """Per task of ``table``, the share of its answer pairs that agree (NaN below two answers)."""
    n = table.per_task
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = (squared_sums(table.counts) - n) / (n * (n - 1.0))
    return np.where(n >= 2, shares, np.nan)


def fleiss_kappa(table: LabelCounts) -> float:
    """Fleiss' kappa of ``table`` (see the module docstring); NaN when no task has two answers or
    chance agreement is 1 (a single class)."""
    pairable = table.pairable()
    if pairable.counts.shape[0] == 0:
        return math.nan
    observed = float(np.mean(pair_agreement(pairable)))
    totals = np.asarray(pairable.counts.sum(axis=0), dtype=np.float64).ravel()
    shares = totals / totals.sum()
    chance = float(np.sum(shares * shares))
    if chance >= 1.0:
        return math.nan
    return (observed - chance) / (1.0 - chance)
