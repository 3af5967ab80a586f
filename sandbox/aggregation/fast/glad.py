"""GLAD (Whitehill et al. 2009): worker ability ``alpha`` times task easiness ``exp(beta)``.

Same model, initialisation and optimiser as crowd-kit's ``GLAD``: ``alpha = beta = 1``, uniform
fixed class priors, standard-normal priors centred on 1 for ``alpha`` and ``beta``, M-step by
scipy's conjugate gradient (``maxiter=25, tol=1e-2``), stop when ``Q / (answers · K)`` gains less
than ``tol``. Per answer, ``P(correct) = sigmoid(alpha_w · exp(beta_t))`` and a wrong answer picks
one of the other ``K - 1`` labels evenly; the expected log-likelihood over the K candidate labels
collapses to one term per answer, so each evaluation is O(answers).

The answers are taken in task order from the incidence matrix (identical answers once, with their
count as weight) and processed in blocks of whole tasks holding about ``_BLOCK`` answers, so the
twenty-odd array passes of an evaluation run in cache (a conjugate-gradient M-step makes ~40
evaluations) and no per-answer float array outlives a block.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from sandbox.aggregation.fast._base import FastAggregator, worker_series
from sandbox.aggregation.fast._coding import CodedAnswers, FloatArray, IntArray
from sandbox.aggregation.fast._incidence import Incidence
from sandbox.aggregation.fast._rows import add_per_column, add_per_row, softmax_rows

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_BLOCK = 1 << 16


def _log_sigmoid(z: FloatArray) -> FloatArray:
    """``log sigmoid(z)``, stable for any ``z`` (``log sigmoid(-z)`` is this minus ``z``)."""
    soft = np.abs(z)
    np.negative(soft, out=soft)
    np.exp(soft, out=soft)
    np.log1p(soft, out=soft)
    result = np.minimum(z, 0.0)
    result -= soft
    return result


@dataclass(frozen=True)
class Responsibilities:
    """From the E-step: the posteriors (``n_tasks × K``) and, summed over answers, weight × the
    posterior that the answer is wrong."""

    post: FloatArray
    wrong_total: float


@dataclass(frozen=True)
class Block:
    """Tasks ``first .. stop - 1`` and their answers ``answers``; ``task[i]`` is answer ``i``'s task
    counted from ``first``."""

    first: int
    stop: int
    answers: slice
    task: IntArray


class GladProblem:
    """The distinct answers in task order, with the E-step and M-step objective over them.

    Kept through the fit: each answer's worker and label (narrowest integer types) and where each
    task's answers start; blocks of whole tasks holding about ``_BLOCK`` answers are cut from these.
    """

    def __init__(self, coded: CodedAnswers) -> None:
        matrix = Incidence(coded).matrix
        self.n_tasks, self.n_workers, self.n_labels = coded.n_tasks, coded.n_workers, coded.n_labels
        self.n_answers = coded.n_answers
        worker_type, label_type = (np.min_scalar_type(-max(n, 1)) for n in (self.n_workers, self.n_labels))
        self.worker = (matrix.indices // self.n_labels).astype(worker_type)
        self.label = (matrix.indices % self.n_labels).astype(label_type)
        self.starts = matrix.indptr
        # Repeated identical answers: one entry weighted by its count (None: every weight is 1).
        self.weight: FloatArray | None = None if matrix.nnz == self.n_answers else matrix.data
        self.log_others = math.log(self.n_labels - 1) if self.n_labels > 1 else 0.0
        self.log_priors = np.full(self.n_labels, -math.log(self.n_labels))
        cuts = np.searchsorted(self.starts, np.arange(0, matrix.nnz, _BLOCK), side="right") - 1
        self.cuts = np.append(np.unique(cuts), self.n_tasks)

    def blocks(self) -> Iterator[Block]:
        """Consecutive blocks of whole tasks, about ``_BLOCK`` answers each."""
        for first, stop in zip(self.cuts[:-1].tolist(), self.cuts[1:].tolist(), strict=True):
            begin, end = int(self.starts[first]), int(self.starts[stop])
            if end > begin:
                counts = np.diff(self.starts[first : stop + 1])
                task = np.repeat(np.arange(stop - first), counts)
                yield Block(first, stop, slice(begin, end), task)

    def _z(self, block: Block, alpha: FloatArray, easiness: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(alpha_w · exp(beta_t), exp(beta_t))`` of the answers in ``block``."""
        e_i = easiness[block.first : block.stop].take(block.task)
        z = alpha.take(self.worker[block.answers])
        z *= e_i
        return z, e_i

    def _right(self, block: Block, post: FloatArray) -> FloatArray:
        """Per answer in ``block``: its weight × the posterior of the label it gave."""
        slot = block.task * self.n_labels
        slot += self.label[block.answers]
        right: FloatArray = post[block.first : block.stop].ravel().take(slot)
        if self.weight is not None:
            right *= self.weight[block.answers]
        return right

    def e_step(self, alpha: FloatArray, beta: FloatArray) -> tuple[FloatArray, float]:
        """Posteriors ``n_tasks × K`` and the log-likelihood of the answers."""
        k = self.n_labels
        easiness = np.exp(beta)
        logits = np.zeros((self.n_tasks, k))
        for block in self.blocks():
            z, _ = self._z(block, alpha, easiness)
            log_right = _log_sigmoid(z)
            log_wrong = log_right - z
            log_wrong -= self.log_others
            log_right -= log_wrong
            if self.weight is not None:
                log_wrong *= self.weight[block.answers]
                log_right *= self.weight[block.answers]
            span = block.stop - block.first
            base = np.bincount(block.task, weights=log_wrong, minlength=span).astype(np.float64, copy=False)
            slot = block.task * k
            slot += self.label[block.answers]
            bonus = np.bincount(slot, weights=log_right, minlength=span * k).astype(np.float64, copy=False)
            bonus = bonus.reshape(span, k)
            add_per_row(bonus, base)
            logits[block.first : block.stop] += bonus
        add_per_column(logits, self.log_priors)
        post, log_norm = softmax_rows(logits)
        return post, float(log_norm.sum())

    def responsibilities(self, post: FloatArray) -> Responsibilities:
        """What the M-step needs from the E-step's posteriors."""
        right_total = sum(float(self._right(block, post).sum()) for block in self.blocks())
        total = float(self.n_answers if self.weight is None else self.weight.sum())
        return Responsibilities(post, total - right_total)

    def q_and_gradient(self, x: FloatArray, resp: Responsibilities) -> tuple[float, FloatArray]:
        """Minus crowd-kit's Q (expected complete log-likelihood + Gaussian priors) and gradient.

        Per answer ``w [r log σ(z) + (1 - r)(log σ(-z) - log(K - 1))]`` with ``log σ(-z) = log σ(z) - z``
        is ``w log σ(z) - w (1 - r) (z + log(K - 1))``; its derivative in ``z`` is ``w (r - σ(z))``.
        """
        alpha, beta = x[: self.n_workers], x[self.n_workers :]
        easiness = np.exp(beta)
        gradient = np.zeros(x.size)
        grad_alpha, grad_beta = gradient[: self.n_workers], gradient[self.n_workers :]
        q = -self.log_others * resp.wrong_total
        for block in self.blocks():
            z, e_i = self._z(block, alpha, easiness)
            log_right = _log_sigmoid(z)
            right = self._right(block, resp.post)
            if self.weight is None:
                q += float(log_right.sum()) - float(z.sum())
            else:
                weight = self.weight[block.answers]
                q += float(np.dot(weight, log_right)) - float(np.dot(weight, z))
            q += float(np.dot(right, z))
            residual = np.exp(log_right, out=log_right)  # sigmoid(z)
            if self.weight is not None:
                residual *= self.weight[block.answers]
            np.subtract(right, residual, out=residual)
            z *= residual
            residual *= e_i
            grad_alpha += np.bincount(self.worker[block.answers], weights=residual, minlength=self.n_workers)
            grad_beta[block.first : block.stop] += np.bincount(
                block.task, weights=z, minlength=block.stop - block.first
            )
        np.subtract(beta, 1.0, out=easiness)  # reused for beta - 1 (the Gaussian prior's gradient)
        alpha_off = alpha - 1.0
        q -= 0.5 * (float(np.dot(alpha_off, alpha_off)) + float(np.dot(easiness, easiness)))
        q -= _HALF_LOG_2PI * x.size
        grad_alpha -= alpha_off
        grad_beta -= easiness
        np.negative(gradient, out=gradient)
        return -q, gradient


class GLAD(FastAggregator):
    """GLAD with crowd-kit's defaults. Learned: ``alphas_`` (Series by worker), ``betas_``
    (Series by task, log-easiness), ``priors_``, ``loss_history_`` (crowd-kit's Q per row)."""

    alphas_: pd.Series
    betas_: pd.Series
    priors_: pd.Series
    loss_history_: list[float]

    def __init__(
        self,
        n_iter: int = 100,
        tol: float = 1e-5,
        m_step_max_iter: int = 25,
        m_step_tol: float = 1e-2,
    ) -> None:
        self.n_iter = n_iter
        self.tol = tol
        self.m_step_max_iter = m_step_max_iter
        self.m_step_tol = m_step_tol

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        problem = GladProblem(coded)
        n_w = coded.n_workers
        x: FloatArray = np.ones(n_w + coded.n_tasks)
        post, _ = problem.e_step(x[:n_w], x[n_w:])
        rows = coded.n_answers * coded.n_labels
        q = -problem.q_and_gradient(x, problem.responsibilities(post))[0]
        history: list[float] = []
        converged = False
        loglikelihood = None
        for _ in range(self.n_iter):
            last_q = q
            del post  # the E-step makes new posteriors: free the old ones first (memory)
            post, loglikelihood = problem.e_step(x[:n_w], x[n_w:])
            resp = problem.responsibilities(post)
            result = minimize(
                problem.q_and_gradient,
                x,
                args=(resp,),
                method="CG",
                jac=True,
                tol=self.m_step_tol,
                options={"disp": False, "maxiter": self.m_step_max_iter},
            )
            x = np.asarray(result.x, dtype=np.float64)
            del result  # its gradient copy would otherwise live through the next M-step
            q = -problem.q_and_gradient(x, resp)[0] / rows
            del resp  # it holds the posteriors too
            history.append(q)
            if not q - last_q >= self.tol:
                converged = True
                break
        self.loss_history_ = history
        self.n_iter_ = len(history)
        self.converged_ = converged
        self.loglikelihood_ = loglikelihood
        self.alphas_ = worker_series(x[:n_w], coded, "alpha")
        self.betas_ = pd.Series(x[n_w:], index=coded.task_names, name="beta")
        self.priors_ = pd.Series(np.exp(problem.log_priors), index=coded.label_names, name="prior")
        return post
