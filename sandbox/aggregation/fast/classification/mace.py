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

from foundation.errors import SandboxError
from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator, worker_series
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray, IntArray
from sandbox.aggregation.fast.rows import softmax_rows
from sandbox.aggregation.hyperparameters import (
    Iterations,
    NonNegative,
    Positive,
    Probability,
    Seed,
    Tolerance,
)

_TINY = 1e-300


def _first_appearance_rank(codes: IntArray, size: int) -> IntArray:
    """``rank[c]`` = position of code ``c`` in order of first appearance (pd.factorize order)."""
    seen = pd.unique(codes)  # hash-based, in order of first appearance
    rank = np.empty(size, dtype=np.intp)
    rank[seen] = np.arange(seen.size)
    rank[np.setdiff1d(np.arange(size), seen)] = np.arange(seen.size, size)  # codes nobody used go last
    return rank


def _e_step(
    incidence: Incidence, spam: FloatArray, theta: FloatArray
) -> tuple[FloatArray, float, FloatArray, FloatArray]:
    """Posteriors, log marginal likelihood, strategy counts (W × K), knowing counts (W × 2).

    Every answer in cell ``(w, y)`` has the same likelihoods, so the sums over answers are sums over
    cells weighted by the incidence: ``P(y | spam) = spam_w theta_wy`` and ``P(y | truth y) =
    spam_w theta_wy + know_w``; per cell, the expected number of answers given while knowing is
    ``(1 - share) * sum of P(truth = y)`` over the cell's answers, ``share`` being the spamming share.
    """
    k = incidence.n_labels
    by_strategy = np.maximum(spam[:, :1] * theta, _TINY).ravel()  # cell order: worker·K + label
    either = by_strategy + np.repeat(spam[:, 1], k)
    log_strategy = np.log(by_strategy)
    cell_logits = np.repeat(log_strategy[:, None], k, axis=1)
    cell_logits.ravel()[incidence.cell_label_flat] = np.log(either)
    logits = incidence.task_sums(cell_logits)
    logits -= np.log(k)
    post, log_norm = softmax_rows(logits)
    right = incidence.cell_sums(post).ravel()[incidence.cell_label_flat]
    knew = right * (1.0 - by_strategy / either)
    strategy = (incidence.answers_per_cell - knew).reshape(-1, k)
    knowing = np.stack([strategy.sum(axis=1), knew.reshape(-1, k).sum(axis=1)], axis=1)
    return post, float(log_norm.sum()), strategy, knowing


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
        n_iter: Iterations = 50,
        method: Literal["vb", "em"] = "vb",
        smoothing: NonNegative = 0.1,
        default_noise: Probability = 0.5,
        alpha: Positive = 0.5,
        beta: Positive = 0.5,
        random_state: Seed = 0,
        tol: Tolerance = 1e-5,
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
        incidence = Incidence(coded)
        post, loglik, strategy, knowing = _e_step(incidence, spam, theta)
        history: list[float] = []
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
            del post  # the E-step makes new posteriors: free the old ones first (memory)
            post, loglik, strategy, knowing = _e_step(incidence, spam, theta)
            history.append(loglik)
        self.loss_history_ = history
        self.n_iter_ = self.n_iter
        self.converged_ = abs(loglik - previous) / coded.n_answers < self.tol
        self.loglikelihood_ = loglik
        self.spamming_ = spam
        self.thetas_ = theta
        self.competence_ = worker_series(spam[:, 1], coded, "competence")
        return post
