"""Zero-based skill: weighted majority vote whose worker weights chase agreement with the vote.

As crowd-kit's ``ZeroBasedSkill``: skills start at ``1/K + eps``; for ``n_iter`` rounds the vote is
taken with the current skills and each skill moves ``lr`` of the way towards the worker's
agreement with it; ``lr`` is halved every ``lr_steps_to_reduce`` rounds. Ties of each round's vote:
``tie_break`` (crowd-kit's smallest label when None).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator, worker_series
from sandbox.aggregation.fast.classification.mv import vote_shares
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray
from sandbox.aggregation.hyperparameters import Iterations, Positive, Probability, Steps, Tolerance


class ZeroBasedSkill(FastAggregator):
    """ZBS with crowd-kit's defaults. Learned: ``skills_`` (Series by worker)."""

    skills_: pd.Series

    def __init__(
        self,
        n_iter: Iterations = 100,
        lr_init: Positive = 1.0,
        lr_steps_to_reduce: Steps = 20,
        lr_reduce_factor: Probability = 0.5,
        eps: Probability = 1e-5,
        tol: Tolerance = 1e-8,
    ) -> None:
        self.n_iter = n_iter
        self.lr_init = lr_init
        self.lr_steps_to_reduce = lr_steps_to_reduce
        self.lr_reduce_factor = lr_reduce_factor
        self.eps = eps
        self.tol = tol

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        skills = np.full(coded.n_workers, 1.0 / coded.n_labels + self.eps)
        rate = self.lr_init
        incidence = Incidence(coded)
        distinct = incidence.distinct()
        step = np.inf
        for iteration in range(1, self.n_iter + 1):
            if iteration % self.lr_steps_to_reduce == 0:
                rate *= self.lr_reduce_factor
            votes = self._vote(vote_shares(incidence.votes(skills)), coded)
            move = rate * (incidence.agreement(votes, distinct) - skills)
            skills = skills + move
            step = float(np.abs(move).max())
        self.n_iter_ = self.n_iter
        self.converged_ = step < self.tol
        self.skills_ = worker_series(skills, coded, "skill")
        return vote_shares(incidence.votes(skills))
