"""Dawid–Skene EM over a sparse task × (worker, label) incidence matrix.

Same model, initialisation and stopping rule as crowd-kit's ``DawidSkene``: start from majority-vote
posteriors, M-step counts ``A.T @ posteriors`` clipped at 1e-10 and normalised per worker and true
class over the labels the worker used, E-step ``log prior + A @ log errors`` with log-sum-exp,
stop when the per-answer evidence lower bound gains less than ``tol``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from sandbox.aggregation.fast._base import FastAggregator
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray, column_sums, softmax_rows
from sandbox.aggregation.fast.mv import vote_posteriors

EPS = 1e-10


class EMProblem:
    """Arrays shared by the E- and M-steps: ``A`` is tasks × (worker·K + label) answer counts."""

    def __init__(self, coded: CodedAnswers) -> None:
        self.n_tasks, self.n_workers, self.n_labels = (
            coded.n_tasks,
            coded.n_workers,
            coded.n_labels,
        )
        self.n_answers = coded.n_answers
        cells = self.n_workers * self.n_labels
        column = coded.worker * self.n_labels + coded.label
        ones = np.ones(coded.n_answers, dtype=np.float64)
        self.matrix = sp.csr_matrix((ones, (coded.task, column)), shape=(self.n_tasks, cells))
        self.matrix.sum_duplicates()
        self.matrix_t = self.matrix.T.tocsr()
        self.answers_per_cell = np.bincount(column, minlength=cells).astype(np.float64)
        self.observed = self.answers_per_cell > 0
        self.answers_per_task = np.bincount(coded.task, minlength=self.n_tasks).astype(np.float64)

    def cell_counts(self, post: FloatArray) -> FloatArray:
        """Expected counts ``(worker·K + label) × true class`` under the posteriors."""
        return np.asarray(self.matrix_t @ post)

    def e_step(self, priors: FloatArray, log_errors: FloatArray) -> tuple[FloatArray, float]:
        """Posteriors and the log-likelihood ``sum_t log sum_c p(c) p(answers_t | c)``."""
        logits = np.asarray(self.matrix @ log_errors) + np.log(np.maximum(priors, EPS))
        post, log_norm = softmax_rows(logits)
        return post, float(log_norm.sum())

    def elbo(self, counts: FloatArray, log_errors: FloatArray, post: FloatArray) -> float:
        """crowd-kit's evidence lower bound (see :func:`evidence_lower_bound`)."""
        return evidence_lower_bound(counts, log_errors, post, self.answers_per_task)


def evidence_lower_bound(
    counts: FloatArray, log_errors: FloatArray, post: FloatArray, answers_per_task: FloatArray
) -> float:
    """crowd-kit's evidence lower bound (posteriors clipped at 1e-10 in the entropy)."""
    priors = np.maximum(column_sums(post) / post.shape[0], EPS)
    joint = float((counts * log_errors).sum())
    joint += float((answers_per_task @ post) @ np.log(priors))
    clipped = np.maximum(post, EPS).ravel()
    return joint - float(np.dot(clipped, np.log(clipped)))


def confusion_errors(
    counts: FloatArray, observed: NDArray[np.bool_], n_workers: int, n_labels: int
) -> FloatArray:
    """M-step: per-worker confusion ``P(label | true class)`` as a (W·K) × K array from the expected
    counts; ``observed`` marks the (worker·K + label) cells some answer uses."""
    k = n_labels
    errors = np.where(observed[:, None], np.maximum(counts, EPS), 0.0)
    cube = errors.reshape(n_workers, k, k)
    cube /= np.maximum(cube.sum(axis=1, keepdims=True), EPS)  # 0 only for a worker with no answer
    errors[~observed] = 1.0  # never read: no answer uses these cells
    return errors


class DawidSkene(FastAggregator):
    """Dawid–Skene (full confusion matrix per worker), crowd-kit defaults ``n_iter=100, tol=1e-5``.

    Learned: ``priors_`` (Series by label), ``errors_`` (DataFrame (worker, observed label) × true
    label), ``loss_history_`` (per-answer ELBO per iteration, as crowd-kit), ``loglikelihood_`` (log
    P(answers) under the parameters of the last E-step), ``n_iter_``, ``converged_`` (ELBO gain
    below ``tol`` before ``n_iter`` iterations ran out).
    """

    priors_: pd.Series
    errors_: pd.DataFrame
    loss_history_: list[float]

    def __init__(self, n_iter: int = 100, tol: float = 1e-5) -> None:
        self.n_iter = n_iter
        self.tol = tol

    def _errors(self, problem: EMProblem, counts: FloatArray) -> FloatArray:
        """M-step: per-worker confusion ``P(label | true class)`` as a (W·K) × K array."""
        return confusion_errors(counts, problem.observed, problem.n_workers, problem.n_labels)

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        problem = EMProblem(coded)
        post = vote_posteriors(coded)
        counts = problem.cell_counts(post)
        log_errors = np.log(self._errors(problem, counts))
        priors = column_sums(post) / post.shape[0]
        loss = -np.inf
        self.loss_history_ = []
        self.converged_ = False
        self.n_iter_ = 0
        for _ in range(self.n_iter):
            post, self.loglikelihood_ = problem.e_step(priors, log_errors)
            priors = column_sums(post) / post.shape[0]
            counts = problem.cell_counts(post)
            log_errors = np.log(self._errors(problem, counts))
            new_loss = problem.elbo(counts, log_errors, post) / problem.n_answers
            self.loss_history_.append(new_loss)
            self.n_iter_ += 1
            if new_loss - loss < self.tol:
                self.converged_ = True
                break
            loss = new_loss
        self._store_parameters(coded, problem, priors, log_errors)
        return post

    def _store_parameters(
        self, coded: CodedAnswers, problem: EMProblem, priors: FloatArray, log_errors: FloatArray
    ) -> None:
        self.priors_ = pd.Series(priors, index=coded.label_names, name="prior")
        cells = np.flatnonzero(problem.observed)
        index = pd.MultiIndex.from_arrays(
            [
                coded.worker_names.take(cells // problem.n_labels),
                coded.label_names.take(cells % problem.n_labels),
            ],
            names=["worker", "label"],
        )
        self.errors_ = pd.DataFrame(np.exp(log_errors[cells]), index=index, columns=coded.label_names)
