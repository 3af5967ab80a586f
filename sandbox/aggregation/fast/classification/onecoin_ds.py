"""One-coin Dawid–Skene: each worker has one accuracy ``s_w``; errors spread evenly.

As crowd-kit's ``OneCoinDawidSkene``: ``s_w`` is the mean posterior of the label the worker gave;
the confusion matrix is ``s_w`` on the diagonal and ``(1 - s_w) / (K - 1)`` elsewhere, clipped to
``[1e-10, 1 - 1e-10]``; E-step, priors and stopping rule are Dawid–Skene's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandbox.aggregation.fast.classification.base import worker_series
from sandbox.aggregation.fast.classification.ds import EPS, DawidSkene, EMProblem
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray


def one_coin_skills(problem: EMProblem, counts: FloatArray) -> FloatArray:
    """Per worker: expected share of its answers that equal the true class."""
    k = problem.n_labels
    cube = counts.reshape(problem.n_workers, k, k)
    hits = np.einsum("wkk->w", cube)
    answered = problem.answers_per_cell.reshape(problem.n_workers, k).sum(axis=1)
    skills: FloatArray = hits / np.maximum(answered, 1.0)
    return skills


class OneCoinDawidSkene(DawidSkene):
    """One-coin Dawid–Skene, crowd-kit defaults. Adds ``skills_`` (Series by worker)."""

    skills_: pd.Series

    def _errors(self, problem: EMProblem, counts: FloatArray) -> FloatArray:
        k = problem.n_labels
        skills = one_coin_skills(problem, counts)
        off = (1.0 - skills) / max(k - 1, 1)
        errors = np.broadcast_to(off[:, None, None], (problem.n_workers, k, k)).copy()
        diagonal = np.arange(k)
        errors[:, diagonal, diagonal] = skills[:, None]
        return np.clip(errors.reshape(-1, k), EPS, 1.0 - EPS)

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        problem = EMProblem(coded)
        fit = self._em(problem)
        self._store_parameters(coded, problem, fit)
        self.skills_ = worker_series(one_coin_skills(problem, fit.counts), coded, "skill")
        return fit.post
