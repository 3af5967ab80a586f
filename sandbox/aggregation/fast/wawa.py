"""Wawa (worker agreement with aggregate): majority vote weighted by agreement with the vote."""

from __future__ import annotations

import pandas as pd

from sandbox.aggregation.fast._base import FastAggregator, worker_series
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray
from sandbox.aggregation.fast._rows import row_argmax
from sandbox.aggregation.fast.mv import agreement_with, vote_posteriors


class Wawa(FastAggregator):
    """Wawa as in crowd-kit: skill = agreement with plain majority vote; labels = vote weighted by
    skill (ties towards the smallest label). ``skills_``: Series by worker."""

    skills_: pd.Series

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        skills = agreement_with(coded, row_argmax(vote_posteriors(coded)))
        self.skills_ = worker_series(skills, coded, "skill")
        self.n_iter_ = 1
        self.converged_ = True
        return vote_posteriors(coded, weights=skills[coded.worker])
