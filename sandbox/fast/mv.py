"""Majority vote over integer codes; ties break towards the smallest label (project rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandbox.fast._base import FastAggregator, worker_series
from sandbox.fast._coding import CodedAnswers, FloatArray, IntArray


def vote_posteriors(coded: CodedAnswers, weights: FloatArray | None = None) -> FloatArray:
    """Share of (weighted) votes per task and label, ``n_tasks × n_labels``.

    Duplicate answers count as separate votes. A task whose votes all weigh 0 gets a uniform row.
    """
    k = coded.n_labels
    flat = np.bincount(coded.task * k + coded.label, weights=weights, minlength=coded.n_tasks * k)
    scores = flat.reshape(coded.n_tasks, k).astype(np.float64)
    total = scores.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    scores[empty] = 1.0
    total[empty] = k
    shares: FloatArray = scores / total
    return shares


def agreement_with(coded: CodedAnswers, task_labels: IntArray) -> FloatArray:
    """Per-worker share of answers equal to ``task_labels`` (coded), as crowd-kit scores it.

    crowd-kit's ``get_accuracy`` counts a repeated identical ``(task, worker, label)`` row once.
    """
    key = (coded.task * coded.n_workers + coded.worker) * coded.n_labels + coded.label
    unique_key = np.unique(key)
    label = unique_key % coded.n_labels
    rest = unique_key // coded.n_labels
    worker = rest % coded.n_workers
    task = rest // coded.n_workers
    hits = np.bincount(
        worker, weights=(label == task_labels[task]).astype(np.float64), minlength=coded.n_workers
    )
    answered = np.bincount(worker, minlength=coded.n_workers)
    shares: FloatArray = hits / np.maximum(answered, 1)
    return shares


class MajorityVote(FastAggregator):
    """Majority vote. ``skills_``: each worker's agreement with the vote (Series by worker)."""

    skills_: pd.Series

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        post = vote_posteriors(coded)
        self.skills_ = worker_series(agreement_with(coded, post.argmax(axis=1)), coded, "skill")
        self.n_iter_ = 1
        self.converged_ = True
        return post
