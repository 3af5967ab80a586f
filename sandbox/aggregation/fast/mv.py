"""Majority vote over integer codes; ties break towards the smallest label (project rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandbox.aggregation.fast._base import FastAggregator, worker_series
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray, IntArray, row_argmax, row_sums


def vote_posteriors(coded: CodedAnswers, weights: FloatArray | None = None) -> FloatArray:
    """Share of (weighted) votes per task and label, ``n_tasks × n_labels``.

    Duplicate answers count as separate votes. A task whose votes all weigh 0 gets a uniform row.
    """
    k = coded.n_labels
    flat = np.bincount(coded.task * k + coded.label, weights=weights, minlength=coded.n_tasks * k)
    return vote_shares(flat.reshape(coded.n_tasks, k).astype(np.float64))


def vote_shares(scores: FloatArray) -> FloatArray:
    """Rows of (weighted) vote counts ``n_tasks × n_labels`` as shares; an all-zero row becomes
    uniform. ``scores`` is overwritten."""
    k = scores.shape[1]
    total = row_sums(scores)
    empty = total <= 0
    scores[empty] = 1.0
    total[empty] = k
    shares: FloatArray = scores / total[:, None]
    return shares


class DistinctAnswers:
    """The distinct ``(task, worker, label)`` triples: crowd-kit's ``get_accuracy`` counts a
    repeated identical answer once when it scores workers against aggregated labels."""

    def __init__(self, coded: CodedAnswers) -> None:
        key = (coded.task * coded.n_workers + coded.worker) * coded.n_labels + coded.label
        unique_key = np.unique(key)
        self.label = unique_key % coded.n_labels
        rest = unique_key // coded.n_labels
        self.worker = rest % coded.n_workers
        self.task = rest // coded.n_workers
        self.n_workers = coded.n_workers
        self.answered = np.maximum(np.bincount(self.worker, minlength=coded.n_workers), 1)

    def agreement(self, task_labels: IntArray) -> FloatArray:
        """Per-worker share of distinct answers equal to ``task_labels`` (label codes by task)."""
        hits = np.bincount(
            self.worker,
            weights=(self.label == task_labels[self.task]).astype(np.float64),
            minlength=self.n_workers,
        )
        shares: FloatArray = hits / self.answered
        return shares


def agreement_with(coded: CodedAnswers, task_labels: IntArray) -> FloatArray:
    """Per-worker share of answers equal to ``task_labels`` (coded), as crowd-kit scores it."""
    return DistinctAnswers(coded).agreement(task_labels)


class MajorityVote(FastAggregator):
    """Majority vote. ``skills_``: each worker's agreement with the vote (Series by worker)."""

    skills_: pd.Series

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        post = vote_posteriors(coded)
        self.skills_ = worker_series(agreement_with(coded, row_argmax(post)), coded, "skill")
        self.n_iter_ = 1
        self.converged_ = True
        return post
