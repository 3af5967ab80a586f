"""Wawa (worker agreement with aggregate): majority vote weighted by agreement with the vote."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator, worker_series
from sandbox.aggregation.fast.classification.mv import vote_shares
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray


class Wawa(FastAggregator):
    """Wawa as in crowd-kit: skill = agreement with plain majority vote; labels = vote weighted by
    skill (ties of the plain vote under ``tie_break``). ``skills_``: Series by worker."""

    iterations: ClassVar[str | None] = None
    fixed_passes: ClassVar[int] = 2  # majority vote, then the weighted vote

    skills_: pd.Series

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        incidence = Incidence(coded)
        skills = incidence.agreement(self._vote(vote_shares(incidence.votes()), coded))
        self.skills_ = worker_series(skills, coded, "skill")
        self.n_iter_ = 1
        self.converged_ = True
        return vote_shares(incidence.votes(skills))
