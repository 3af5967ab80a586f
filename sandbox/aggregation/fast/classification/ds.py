"""Dawid–Skene EM over the sparse task × (worker, label) incidence matrix.

Same model, initialisation and stopping rule as crowd-kit's ``DawidSkene``: start from majority-vote
posteriors, M-step counts ``A.T @ posteriors`` clipped at 1e-10 and normalised per worker and true
class over the labels the worker used, E-step ``log prior + A @ log errors`` with log-sum-exp,
stop when the per-answer evidence lower bound gains less than ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator
from sandbox.aggregation.fast.classification.mv import vote_shares
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray
from sandbox.aggregation.fast.rows import add_per_column, column_sums, softmax_rows
from sandbox.aggregation.hyperparameters import Iterations, Tolerance

EPS = 1e-10
_CHUNK = 1 << 16  # elements per block where a reduction needs temporaries (they stay in cache)


def clipped_entropy_sum(post: FloatArray) -> float:
    """``sum p log p`` over all entries, each ``p`` clipped below at 1e-10 (as crowd-kit does)."""
    flat = post.ravel()
    total = 0.0
    for start in range(0, flat.size, _CHUNK):
        clipped = np.maximum(flat[start : start + _CHUNK], EPS)
        total += float(np.dot(clipped, np.log(clipped)))
    return total


class EMProblem:
    """What the E- and M-steps share: the incidence ``A`` (tasks × worker·K + label) and counts."""

    def __init__(self, coded: CodedAnswers) -> None:
        self.incidence = Incidence(coded)
        self.n_tasks, self.n_workers, self.n_labels = coded.n_tasks, coded.n_workers, coded.n_labels
        self.n_answers = coded.n_answers
        self.answers_per_cell = self.incidence.answers_per_cell
        self.observed = self.answers_per_cell > 0
        self.answers_per_task = self.incidence.task_sums(np.ones(self.incidence.n_cells))

    def cell_counts(self, post: FloatArray) -> FloatArray:
        """Expected counts ``(worker·K + label) × true class`` under the posteriors."""
        return self.incidence.cell_sums(post)

    def e_step(self, priors: FloatArray, log_errors: FloatArray) -> tuple[FloatArray, float]:
        """Posteriors and the log-likelihood ``sum_t log sum_c p(c) p(answers_t | c)``."""
        logits = self.incidence.task_sums(log_errors)
        add_per_column(logits, np.log(np.maximum(priors, EPS)))
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
    return joint - clipped_entropy_sum(post)


def confusion_errors(
    counts: FloatArray, observed: NDArray[np.bool_], n_workers: int, n_labels: int
) -> FloatArray:
    """M-step: per-worker confusion ``P(label | true class)`` as a (W·K) × K array from the expected
    counts; ``observed`` marks the (worker·K + label) cells some answer uses."""
    k = n_labels
    unobserved = np.flatnonzero(~observed)
    errors = np.maximum(counts, EPS)
    errors[unobserved] = 0.0
    cube = errors.reshape(n_workers, k, k)
    totals = cube[:, 0, :].copy()  # per worker and true class, the sum over labels (short axis: by hand)
    for label in range(1, k):
        totals += cube[:, label, :]
    np.maximum(totals, EPS, out=totals)  # 0 only for a worker with no answer
    cube /= totals[:, None, :]
    errors[unobserved] = 1.0  # never read: no answer uses these cells
    return errors


@dataclass(frozen=True)
class EMFit:
    """Where EM stopped: posteriors, class priors, expected cell counts and log confusion matrices."""

    post: FloatArray
    priors: FloatArray
    counts: FloatArray
    log_errors: FloatArray


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

    def __init__(self, n_iter: Iterations = 100, tol: Tolerance = 1e-5) -> None:
        self.n_iter = n_iter
        self.tol = tol

    def _errors(self, problem: EMProblem, counts: FloatArray) -> FloatArray:
        """M-step: per-worker confusion ``P(label | true class)`` as a (W·K) × K array."""
        return confusion_errors(counts, problem.observed, problem.n_workers, problem.n_labels)

    def _em(self, problem: EMProblem) -> EMFit:
        """EM from majority-vote posteriors; sets the convergence report (``n_iter_`` etc.)."""
        post = vote_shares(problem.incidence.votes())
        counts = problem.cell_counts(post)
        log_errors = np.log(self._errors(problem, counts))
        priors = column_sums(post) / post.shape[0]
        loss = -np.inf
        history: list[float] = []
        converged = False
        loglikelihood = None
        for _ in range(self.n_iter):
            del post  # the E-step makes new posteriors: free the old ones first (memory)
            post, loglikelihood = problem.e_step(priors, log_errors)
            priors = column_sums(post) / post.shape[0]
            counts = problem.cell_counts(post)
            log_errors = np.log(self._errors(problem, counts))
            new_loss = problem.elbo(counts, log_errors, post) / problem.n_answers
            history.append(new_loss)
            if new_loss - loss < self.tol:
                converged = True
                break
            loss = new_loss
        self.loss_history_ = history
        self.n_iter_ = len(history)
        self.converged_ = converged
        self.loglikelihood_ = loglikelihood
        return EMFit(post, priors, counts, log_errors)

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        problem = EMProblem(coded)
        fit = self._em(problem)
        self._store_parameters(coded, problem, fit)
        return fit.post

    def _store_parameters(self, coded: CodedAnswers, problem: EMProblem, fit: EMFit) -> None:
        self.priors_ = pd.Series(fit.priors, index=coded.label_names, name="prior")
        cells = np.flatnonzero(problem.observed)
        # from the (unique, sorted) names and the cells' codes: no factorization of the pairs
        # (pandas-stubs types levels and codes as plain sequences; Index and arrays are what pandas takes)
        index = pd.MultiIndex(
            levels=[coded.worker_names, coded.label_names],  # type: ignore[list-item]
            codes=[cells // problem.n_labels, cells % problem.n_labels],  # type: ignore[list-item]
            names=["worker", "label"],
            verify_integrity=False,
        )
        self.errors_ = pd.DataFrame(np.exp(fit.log_errors[cells]), index=index, columns=coded.label_names)
