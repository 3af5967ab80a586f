"""MACE (Hovy et al. 2013): each worker either knows the answer or spams from a strategy.

Same model, initialisation and updates as crowd-kit's ``MACE`` (variational Bayes by default,
``n_iter=50`` fixed iterations, Beta(0.5, 0.5) prior on spamming, Dirichlet(10) prior on
strategies, initial parameters drawn from ``uniform(1, 2.5)`` with ``random_state``), written in
log space so tasks with many answers do not underflow. crowd-kit reseeds every restart with the
same ``random_state``, so its restarts coincide; one run gives the same result.

``crowdkit_order=True`` (default) reproduces crowd-kit 1.4.2 exactly, including how it hands
strategies back to workers: its M-step produces strategy rows in sorted worker order and columns
in sorted label order, but reads them by order of first appearance. ``False`` is the textbook model.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import digamma

from annotators.errors import SandboxError
from sandbox.aggregation.fast._base import FastAggregator, worker_series
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray, IntArray
from sandbox.aggregation.fast._rows import softmax_rows

_TINY = 1e-300


def _first_appearance_rank(codes: IntArray, size: int) -> IntArray:
    """``rank[c]`` = position of code ``c`` in order of first appearance (pd.factorize order)."""
    first = np.full(size, codes.size, dtype=np.intp)  # codes nobody used go last
    seen, index = np.unique(codes, return_index=True)
    first[seen] = index
    rank = np.empty(size, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(size)
    return rank


def _variational_normalize(counts: FloatArray, prior: float) -> FloatArray:
    shifted = counts + prior
    result: FloatArray = np.exp(digamma(shifted) - digamma(shifted.sum(axis=1, keepdims=True)))
    return result


def _smooth_normalize(counts: FloatArray, smoothing: float) -> FloatArray:
    shifted = counts + smoothing
    result: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


class MACE(FastAggregator):
    """MACE with crowd-kit's defaults. Learned: ``spamming_`` (W × 2: spam, know),
    ``thetas_`` (W × K strategies, rows in worker order), ``competence_`` (Series by worker:
    probability of knowing), ``loss_history_`` (log marginal likelihood per iteration)."""

    spamming_: FloatArray
    thetas_: FloatArray
    competence_: pd.Series
    loss_history_: list[float]

    def __init__(
        self,
        n_iter: int = 50,
        method: Literal["vb", "em"] = "vb",
        smoothing: float = 0.1,
        default_noise: float = 0.5,
        alpha: float = 0.5,
        beta: float = 0.5,
        random_state: int = 0,
        tol: float = 1e-5,
        crowdkit_order: bool = True,
    ) -> None:
        self.n_iter = n_iter
        self.method = method
        self.smoothing = smoothing
        self.default_noise = default_noise
        self.alpha = alpha
        self.beta = beta
        self.random_state = random_state
        self.tol = tol
        self.crowdkit_order = crowdkit_order

    def _e_step(
        self, coded: CodedAnswers, spam: FloatArray, theta: FloatArray
    ) -> tuple[FloatArray, float, FloatArray, FloatArray]:
        """Posteriors, log marginal likelihood, strategy counts (W × K), knowing counts (W × 2)."""
        w, y, k = coded.worker, coded.label, coded.n_labels
        by_strategy = np.maximum(spam[w, 0] * theta[w, y], _TINY)
        knows = spam[w, 1]
        log_strategy = np.log(by_strategy)
        log_either = np.log(by_strategy + knows)
        base = np.bincount(coded.task, weights=log_strategy, minlength=coded.n_tasks)
        bonus = np.bincount(
            coded.task * k + y, weights=log_either - log_strategy, minlength=coded.n_tasks * k
        ).reshape(coded.n_tasks, k)
        post, log_norm = softmax_rows(bonus + base[:, None] - np.log(k))
        right = post[coded.task, y]
        share = by_strategy / (by_strategy + knows)
        spammed = (1.0 - right) + right * share
        knew = right * (1.0 - share)
        strategy: FloatArray = np.bincount(w * k + y, weights=spammed, minlength=coded.n_workers * k).astype(
            np.float64
        )
        knowing: FloatArray = np.stack(
            [
                np.bincount(w, weights=spammed, minlength=coded.n_workers),
                np.bincount(w, weights=knew, minlength=coded.n_workers),
            ],
            axis=1,
        )
        return post, float(log_norm.sum()), strategy.reshape(coded.n_workers, k), knowing

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        if self.method not in ("vb", "em"):
            raise SandboxError(f"MACE method {self.method!r} is unknown; allowed: 'vb', 'em'")
        n_w, k = coded.n_workers, coded.n_labels
        worker_rank = _first_appearance_rank(coded.worker, n_w)
        label_rank = _first_appearance_rank(coded.label, k)
        rng = np.random.RandomState(self.random_state)  # crowd-kit's scipy draw, seeded locally
        spam_init = 1.0 + (1.0 + self.default_noise) * rng.uniform(size=(n_w, 2))
        rng = np.random.RandomState(self.random_state)
        theta_init = 1.0 + (1.0 + self.default_noise) * rng.uniform(size=(n_w, k))
        spam = (spam_init / spam_init.sum(axis=1, keepdims=True))[worker_rank]
        theta = (theta_init / theta_init.sum(axis=1, keepdims=True))[np.ix_(worker_rank, label_rank)]
        post, loglik, strategy, knowing = self._e_step(coded, spam, theta)
        self.loss_history_ = []
        previous = -np.inf
        for _ in range(self.n_iter):
            if self.method == "vb":
                spam = _variational_normalize(knowing, self.alpha)
                theta = _variational_normalize(strategy, 10.0)
            else:
                spam = _smooth_normalize(knowing, 0.01 / k)
                theta = _smooth_normalize(strategy, 0.01 / k)
            if self.crowdkit_order:
                theta = theta[np.ix_(worker_rank, label_rank)]
            previous = loglik
            post, loglik, strategy, knowing = self._e_step(coded, spam, theta)
            self.loss_history_.append(loglik)
        self.n_iter_ = self.n_iter
        self.converged_ = abs(loglik - previous) / coded.n_answers < self.tol
        self.loglikelihood_ = loglik
        self.spamming_ = spam
        self.thetas_ = theta
        self.competence_ = worker_series(spam[:, 1], coded, "competence")
        return post
