"""Majority vote over integer codes (the vote shares; the aggregation entry breaks ties of the
label, ``tie_break`` those of the vote the skills are measured against)."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator, worker_series
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray
from sandbox.aggregation.fast.rows import divide_per_row, row_sums


def vote_shares(votes: FloatArray) -> FloatArray:
    """Each task's (weighted) votes divided by their total, ``n_tasks × n_labels``, in place.

    Duplicate answers count as separate votes. A task whose votes all weigh 0 gets a uniform row.
    """
    total = row_sums(votes)
    empty = total <= 0
    if empty.any():
        votes[empty] = 1.0
        total[empty] = votes.shape[1]
    divide_per_row(votes, total)
    return votes


class MajorityVote(FastAggregator):
    """Majority vote. ``skills_``: each worker's agreement with the vote (Series by worker)."""

    iterations: ClassVar[str | None] = None

    skills_: pd.Series

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        incidence = Incidence(coded)
        post = vote_shares(incidence.votes())
        self.skills_ = worker_series(incidence.agreement(self._vote(post, coded)), coded, "skill")
        self.n_iter_ = 1
        self.converged_ = True
        return post
