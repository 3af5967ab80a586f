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
evaluations) in scratch arrays reused by every block, and no per-answer float array outlives a
block. What stays constant through the fit is computed once: the blocks, and each answer's
(task, label) slot within its block, from which its task's easiness and posterior are gathered.
A block whose tasks all have the same few answers (fixed overlap, the usual design) is a
tasks × answers matrix: easiness is repeated rather than gathered and per-task sums add columns.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from foundation.errors import SandboxError
from sandbox.aggregation.fast.classification._incidence import Incidence
from sandbox.aggregation.fast.classification.base import FastAggregator, worker_series
from sandbox.aggregation.fast.coding import CodedAnswers, FloatArray
from sandbox.aggregation.fast.rows import add_per_column, add_per_row, softmax_rows
from sandbox.aggregation.hyperparameters import Iterations, Tolerance

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_BLOCK = 1 << 16
_COLUMNS = 16  # at most this many answers per task for a block's columns to be added one by one
GLAD_MODES = ("fast", "parity")


@dataclass(frozen=True)
class Responsibilities:
    """From the E-step: the posteriors (``n_tasks × K``) and, summed over answers, weight × the
    posterior that the answer is wrong."""

    post: FloatArray
    wrong_total: float


@dataclass(frozen=True)
class Block:
    """Tasks ``first .. stop - 1`` and their answers ``begin .. end - 1``; ``per_task``: every task
    of the block has that many answers (0: not all the same)."""

    first: int
    stop: int
    begin: int
    end: int
    per_task: int


class Work:
    """Scratch arrays sized for the largest block (``answers``, ``slots`` = tasks × K), reused by every
    block and evaluation."""

    def __init__(self, answers: int, slots: int) -> None:
        self.worker = np.empty(answers, dtype=np.intp)
        self.slot = np.empty(answers, dtype=np.intp)
        self.task = np.empty(answers, dtype=np.intp)
        self.z = np.empty(answers)
        self.easy = np.empty(answers)
        self.soft = np.empty(answers)
        self.log_right = np.empty(answers)
        self.right = np.empty(answers)
        self.slot_easy = np.empty(slots)
        # the fast mode's terms (see GladProblem.task_pass)
        self.log_wrong = np.empty(answers)
        self.shifted = np.empty(answers)
        self.terms = np.empty(answers)
        self.sigma = np.empty(answers)
        self.spread = np.empty(answers)


class GladProblem:
    """The distinct answers in task order, with the E-step and M-step objective over them.

    Kept through the fit: each answer's worker and its ``slot``, ``task · K + label`` with the task
    counted from its block's first (narrowest integer types), and the blocks (whole tasks, about
    ``_BLOCK`` answers each). The sums run in the same order as the
    ``np.bincount`` passes over task indices they replace, so results are the same to the bit.
    """

    def __init__(self, coded: CodedAnswers) -> None:
        matrix = Incidence(coded).matrix
        self.n_tasks, self.n_workers, self.n_labels = coded.n_tasks, coded.n_workers, coded.n_labels
        self.n_answers = coded.n_answers
        k = self.n_labels
        self.worker = (matrix.indices // k).astype(np.min_scalar_type(-max(self.n_workers, 1)))
        starts = matrix.indptr
        # Repeated identical answers: one entry weighted by its count (None: every weight is 1).
        self.weight: FloatArray | None = None if matrix.nnz == self.n_answers else matrix.data
        self.log_others = math.log(k - 1) if k > 1 else 0.0
        self.log_priors = np.full(k, -math.log(k))
        cuts = np.searchsorted(starts, np.arange(0, matrix.nnz, _BLOCK), side="right") - 1
        self.blocks: list[Block] = []
        for first, stop in itertools.pairwise(np.append(np.unique(cuts), self.n_tasks).tolist()):
            begin, end = int(starts[first]), int(starts[stop])
            if end > begin:
                counts = np.diff(starts[first : stop + 1])
                same = int(counts[0]) if (counts == counts[0]).all() and counts[0] <= _COLUMNS else 0
                self.blocks.append(Block(first, stop, begin, end, same))
        widest = max((block.stop - block.first for block in self.blocks), default=1)
        self.slot = np.empty(matrix.nnz, dtype=np.min_scalar_type(widest * k - 1))
        for block in self.blocks:
            counts = np.diff(starts[block.first : block.stop + 1])
            slot = np.repeat(np.arange(0, (block.stop - block.first) * k, k), counts)
            slot += matrix.indices[block.begin : block.end] % k
            self.slot[block.begin : block.end] = slot
        most = max((block.end - block.begin for block in self.blocks), default=0)
        self.work = Work(most, widest * k)

    def _load(self, block: Block, alpha: FloatArray, beta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Fill the scratch arrays for ``block``; return its answers' ``z = alpha_w · exp(beta_t)``
        and ``exp(beta_t)``."""
        work, n, k, span = self.work, block.end - block.begin, self.n_labels, block.stop - block.first
        worker, slot = work.worker[:n], work.slot[:n]
        np.copyto(worker, self.worker[block.begin : block.end], casting="unsafe")
        np.copyto(slot, self.slot[block.begin : block.end], casting="unsafe")
        if block.per_task:  # each task's easiness repeated: faster than a gather
            easy: FloatArray = np.repeat(np.exp(beta[block.first : block.stop]), block.per_task)
        else:
            per_slot = work.slot_easy[: span * k].reshape(span, k)
            np.exp(beta[block.first : block.stop], out=per_slot[:, 0])
            for column in range(1, k):
                per_slot[:, column] = per_slot[:, 0]
            easy = per_slot.ravel().take(slot, out=work.easy[:n])
        z = alpha.take(worker, out=work.z[:n])
        z *= easy
        return z, easy

    def _log_sigmoid(self, z: FloatArray) -> FloatArray:
        """``log sigmoid(z)`` (stable for any ``z``) in a scratch array; ``log sigmoid(-z)`` is this
        minus ``z``."""
        n = z.size
        soft = np.abs(z, out=self.work.soft[:n])
        np.negative(soft, out=soft)
        np.exp(soft, out=soft)
        np.log1p(soft, out=soft)
        result = np.minimum(z, 0.0, out=self.work.log_right[:n])
        result -= soft
        return result

    def _right(self, block: Block, post: FloatArray) -> FloatArray:
        """Per answer in ``block`` (after ``_load``): its weight × the posterior of the label it gave."""
        n = block.end - block.begin
        right = post[block.first : block.stop].ravel().take(self.work.slot[:n], out=self.work.right[:n])
        if self.weight is not None:
            right *= self.weight[block.begin : block.end]
        return right

    def _task_sums(self, block: Block, values: FloatArray, out: FloatArray) -> None:
        """``out[t]`` = sum of ``values`` (per answer of ``block``, after ``_load``) over task ``t``'s
        answers, added in answer order (as ``np.bincount`` adds)."""
        if block.per_task:  # a tasks × answers matrix: add its columns
            columns = values.reshape(-1, block.per_task)
            np.copyto(out, columns[:, 0])
            for column in range(1, block.per_task):
                out += columns[:, column]
            return
        n = block.end - block.begin
        task = np.floor_divide(self.work.slot[:n], self.n_labels, out=self.work.task[:n])
        out[:] = np.bincount(task, weights=values, minlength=block.stop - block.first)

    def e_step(self, alpha: FloatArray, beta: FloatArray) -> tuple[FloatArray, float]:
        """Posteriors ``n_tasks × K`` and the log-likelihood of the answers."""
        k = self.n_labels
        logits = np.zeros((self.n_tasks, k))
        for block in self.blocks:
            z, _ = self._load(block, alpha, beta)
            log_right = self._log_sigmoid(z)
            log_wrong = np.subtract(log_right, z, out=z)
            log_wrong -= self.log_others
            log_right -= log_wrong
            if self.weight is not None:
                log_wrong *= self.weight[block.begin : block.end]
                log_right *= self.weight[block.begin : block.end]
            span = block.stop - block.first
            base = np.empty(span)
            self._task_sums(block, log_wrong, base)
            n = block.end - block.begin
            sums = np.bincount(self.work.slot[:n], weights=log_right, minlength=span * k)
            bonus: FloatArray = sums.astype(np.float64, copy=False).reshape(span, k)
            add_per_row(bonus, base)
            logits[block.first : block.stop] += bonus
        add_per_column(logits, self.log_priors)
        post, log_norm = softmax_rows(logits)
        return post, float(log_norm.sum())

    def responsibilities(self, post: FloatArray) -> Responsibilities:
        """What the M-step needs from the E-step's posteriors."""
        right_total = 0.0
        for block in self.blocks:
            n = block.end - block.begin
            np.copyto(self.work.slot[:n], self.slot[block.begin : block.end], casting="unsafe")
            right_total += float(self._right(block, post).sum())
        total = float(self.n_answers if self.weight is None else self.weight.sum())
        return Responsibilities(post, total - right_total)

    def q_and_gradient(self, x: FloatArray, resp: Responsibilities) -> tuple[float, FloatArray]:
        """Minus crowd-kit's Q (expected complete log-likelihood + Gaussian priors) and gradient.

        Per answer ``w [r log σ(z) + (1 - r)(log σ(-z) - log(K - 1))]`` with ``log σ(-z) = log σ(z) - z``
        is ``w log σ(z) - w (1 - r) (z + log(K - 1))``; its derivative in ``z`` is ``w (r - σ(z))``.
        """
        alpha, beta = x[: self.n_workers], x[self.n_workers :]
        gradient = np.zeros(x.size)
        grad_alpha, grad_beta = gradient[: self.n_workers], gradient[self.n_workers :]
        q = -self.log_others * resp.wrong_total
        for block in self.blocks:
            z, easy = self._load(block, alpha, beta)
            log_right = self._log_sigmoid(z)
            right = self._right(block, resp.post)
            if self.weight is None:
                q += float(log_right.sum()) - float(z.sum())
            else:
                weight = self.weight[block.begin : block.end]
                q += float(np.dot(weight, log_right)) - float(np.dot(weight, z))
            q += float(np.dot(right, z))
            residual = np.exp(log_right, out=log_right)  # sigmoid(z)
            if self.weight is not None:
                residual *= self.weight[block.begin : block.end]
            np.subtract(right, residual, out=residual)
            z *= residual
            residual *= easy
            n = block.end - block.begin
            grad_alpha += np.bincount(self.work.worker[:n], weights=residual, minlength=self.n_workers)
            self._task_sums(block, z, grad_beta[block.first : block.stop])
        alpha_off, beta_off = alpha - 1.0, beta - 1.0
        q -= 0.5 * (float(np.dot(alpha_off, alpha_off)) + float(np.dot(beta_off, beta_off)))
        q -= _HALF_LOG_2PI * x.size
        grad_alpha -= alpha_off
        grad_beta -= beta_off
        np.negative(gradient, out=gradient)
        return -q, gradient

    # The fast mode's M-step: a Newton step per task on beta, then one per worker on alpha.

    def _gradient_terms(
        self, block: Block, log_right: FloatArray, right: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Per answer of ``block``, from ``log σ(z)`` and ``right`` (``w r``): the derivative of the
        objective in ``z``, ``w (r - σ(z))``, and minus its second derivative, ``w σ(z) (1 - σ(z))``
        (scratch arrays)."""
        work, n = self.work, log_right.size
        sigma = np.exp(log_right, out=work.sigma[:n])
        spread = np.multiply(sigma, sigma, out=work.spread[:n])
        np.subtract(sigma, spread, out=spread)
        if self.weight is not None:
            weight = self.weight[block.begin : block.end]
            sigma *= weight
            spread *= weight
        residual = np.subtract(right, sigma, out=sigma)
        return residual, spread

    def _objective_terms(
        self, block: Block, z: FloatArray, log_right: FloatArray, right: FloatArray
    ) -> FloatArray:
        """Per answer, its term of the M-step objective, ``w (log σ(z) - z - log(K-1)) + w r (z + log(K-1))``
        (``right`` is ``w r``), in a scratch array."""
        n = z.size
        shifted = np.add(z, self.log_others, out=self.work.shifted[:n])
        terms = np.subtract(log_right, shifted, out=self.work.terms[:n])
        if self.weight is not None:
            terms *= self.weight[block.begin : block.end]
        shifted *= right
        terms += shifted
        return terms

    def task_pass(
        self, alpha: FloatArray, beta: FloatArray, post: FloatArray, new_beta: FloatArray, task_q: FloatArray
    ) -> float:
        """One pass over the answers at ``(alpha, beta)``: the E-step into ``post`` (returns the
        log-likelihood of the answers), each task's M-step objective under these posteriors into
        ``task_q``, and one safeguarded Newton step per task on ``beta`` into ``new_beta``.

        The objective is separable over tasks when ``alpha`` is fixed. With ``G`` the task's sum of
        ``w (r - σ) z`` and ``C`` of ``w σ (1 - σ) z²``, its gradient in ``beta`` is ``G - (beta - 1)``
        and minus its second derivative ``C - G + 1``; the step divides by ``C + 1 + max(-G, 0)``,
        never less than that curvature nor than 1, and moves at most 1.
        """
        k, work = self.n_labels, self.work
        loglikelihood = 0.0
        for block in self.blocks:
            z, _ = self._load(block, alpha, beta)
            n, span = z.size, block.stop - block.first
            first, stop = block.first, block.stop
            log_right = self._log_sigmoid(z)
            # E-step: log P(answer | true label) is log_wrong for every label, plus z + log(K - 1)
            # for the label given
            log_wrong = np.subtract(log_right, z, out=work.log_wrong[:n])
            log_wrong -= self.log_others
            bonus = np.add(z, self.log_others, out=work.terms[:n])
            if self.weight is not None:
                log_wrong *= self.weight[block.begin : block.end]
                bonus *= self.weight[block.begin : block.end]
            base = np.empty(span)
            self._task_sums(block, log_wrong, base)
            sums = np.bincount(work.slot[:n], weights=bonus, minlength=span * k)
            logits: FloatArray = sums.astype(np.float64, copy=False).reshape(span, k)
            add_per_row(logits, base)
            add_per_column(logits, self.log_priors)
            block_post, log_norm = softmax_rows(logits)
            post[first:stop] = block_post
            loglikelihood += float(log_norm.sum())
            right = self._right(block, post)
            self._task_sums(block, self._objective_terms(block, z, log_right, right), task_q[first:stop])
            offset = beta[first:stop] - 1.0
            task_q[first:stop] -= 0.5 * offset * offset
            residual, spread = self._gradient_terms(block, log_right, right)
            residual *= z
            gradient = np.empty(span)
            self._task_sums(block, residual, gradient)
            spread *= z
            spread *= z
            curvature = np.empty(span)
            self._task_sums(block, spread, curvature)
            curvature += 1.0 + np.maximum(-gradient, 0.0)
            gradient -= offset
            step = np.divide(gradient, curvature, out=gradient)
            np.clip(step, -1.0, 1.0, out=step)
            np.add(beta[first:stop], step, out=new_beta[first:stop])
        return loglikelihood

    def worker_pass(
        self, alpha: FloatArray, beta: FloatArray, new_beta: FloatArray, post: FloatArray, task_q: FloatArray
    ) -> FloatArray:
        """At ``(alpha, new_beta)`` under the posteriors ``post``: every task whose objective fell
        below ``task_q`` (its value at ``beta``) goes back to ``beta``, in ``new_beta``, so the task
        steps never lower the objective; then returns ``alpha`` after one Newton step per worker (the
        objective is concave in ``alpha``: gradient ``Σ w (r - σ) e^beta - (alpha - 1)``, minus the
        second derivative ``Σ w σ (1 - σ) e^{2 beta} + 1``; moves at most 1)."""
        work = self.work
        gradient = np.zeros(self.n_workers)
        curvature = np.zeros(self.n_workers)
        for block in self.blocks:
            first, stop = block.first, block.stop
            z, easy = self._load(block, alpha, new_beta)
            n = z.size
            log_right = self._log_sigmoid(z)
            right = self._right(block, post)
            moved = np.empty(stop - first)
            self._task_sums(block, self._objective_terms(block, z, log_right, right), moved)
            offset = new_beta[first:stop] - 1.0
            moved -= 0.5 * offset * offset
            worse = moved < task_q[first:stop]
            if worse.any():
                new_beta[first:stop][worse] = beta[first:stop][worse]
                z, easy = self._load(block, alpha, new_beta)
                log_right = self._log_sigmoid(z)
            residual, spread = self._gradient_terms(block, log_right, right)
            residual *= easy
            spread *= easy
            spread *= easy
            worker = work.worker[:n]
            gradient += np.bincount(worker, weights=residual, minlength=self.n_workers)
            curvature += np.bincount(worker, weights=spread, minlength=self.n_workers)
        gradient -= alpha - 1.0
        curvature += 1.0
        step = np.divide(gradient, curvature, out=gradient)
        np.clip(step, -1.0, 1.0, out=step)
        return alpha + step

    def log_prior(self, x: FloatArray) -> float:
        """The Gaussian priors' log-density at ``x`` (every parameter ~ N(1, 1))."""
        offset = x - 1.0
        return -0.5 * float(np.dot(offset, offset)) - _HALF_LOG_2PI * x.size


class Objective:
    """``GladProblem.q_and_gradient`` as scipy's separate ``fun`` and ``jac``: each evaluation keeps
    its gradient for the ``jac`` call at the same point (``jac=True`` would compare and copy ``x``
    twice more per evaluation; scipy passes each call a fresh copy of ``x``). The value at ``start``
    is kept too: CG evaluates there first."""

    def __init__(self, problem: GladProblem, resp: Responsibilities, start: FloatArray) -> None:
        self.problem, self.resp = problem, resp
        self.start: FloatArray | None = start
        self.at_start: float | None = None
        self.x: FloatArray | None = None
        self.last_gradient: FloatArray | None = None

    def value(self, x: FloatArray) -> float:
        """Minus Q at ``x``; the gradient is kept for ``gradient(x)``."""
        q, self.last_gradient = self.problem.q_and_gradient(x, self.resp)
        self.x = x
        if self.start is not None and np.array_equal(x, self.start):
            self.start, self.at_start = None, q
        return q

    def gradient(self, x: FloatArray) -> FloatArray:
        """The gradient of minus Q at ``x`` (evaluated again unless ``x`` was the last point)."""
        if self.x is None or not np.array_equal(x, self.x):
            self.value(x)
        assert self.last_gradient is not None
        return self.last_gradient

    def start_value(self) -> float:
        """Minus Q at ``start``."""
        if self.at_start is None:
            assert self.start is not None
            self.value(self.start)
        assert self.at_start is not None
        return self.at_start


class GLAD(FastAggregator):
    """GLAD. Learned: ``alphas_`` (Series by worker), ``betas_`` (Series by task, log-easiness),
    ``priors_``, ``loss_history_`` (per EM iteration, divided by answers × K: crowd-kit's Q in the
    parity mode, the log posterior in the fast mode), ``n_iter_`` (M-steps made) and
    ``stop_reason_`` (``"converged"``, ``"objective_fell"`` — crowd-kit's rule stops on any drop of
    Q, parity mode only — or ``"max_iter"``).

    ``mode="fast"`` (default): EM whose M-step is one safeguarded Newton step per task on
    ``beta``, then one per worker on ``alpha`` (a generalized EM: every M-step raises the
    objective it is given instead of maximising it), two passes over the answers per iteration,
    the second starting from where the last left off. It stops when the log posterior of the
    parameters (log-likelihood of the answers plus the priors: what EM raises at every iteration)
    changes by less than ``relative_tol`` of itself between consecutive iterations.
    ``mode="parity"``: crowd-kit's fit step for step (scipy's conjugate gradient, ``m_step_max_iter``
    and ``m_step_tol``), stopping like crowd-kit when crowd-kit's Q per row gains less than ``tol``
    — which includes any drop, even far from convergence.
    """

    alphas_: pd.Series
    betas_: pd.Series
    priors_: pd.Series
    loss_history_: list[float]
    stop_reason_: str

    def __init__(
        self,
        n_iter: Iterations = 100,
        tol: Tolerance = 1e-5,
        m_step_max_iter: Iterations = 25,
        m_step_tol: Tolerance = 1e-2,
        mode: Literal["fast", "parity"] = "fast",
        relative_tol: Tolerance = 1e-7,
    ) -> None:
        if mode not in GLAD_MODES:
            raise SandboxError(f"GLAD mode {mode!r} is not one of {', '.join(GLAD_MODES)}")
        self.n_iter = n_iter
        self.tol = tol
        self.m_step_max_iter = m_step_max_iter
        self.m_step_tol = m_step_tol
        self.mode = mode
        self.relative_tol = relative_tol

    def _fit(self, coded: CodedAnswers) -> FloatArray:
        problem = GladProblem(coded)
        n_w = coded.n_workers
        x: FloatArray = np.ones(n_w + coded.n_tasks)
        if self.mode == "parity":
            post, x = self._fit_parity(problem, coded, x)
        else:
            post, x = self._fit_fast(problem, coded, x)
        self.alphas_ = worker_series(x[:n_w], coded, "alpha")
        self.betas_ = pd.Series(x[n_w:], index=coded.task_names, name="beta")
        self.priors_ = pd.Series(np.exp(problem.log_priors), index=coded.label_names, name="prior")
        return post

    def _fit_fast(
        self, problem: GladProblem, coded: CodedAnswers, x: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        n_w = coded.n_workers
        rows = coded.n_answers * coded.n_labels
        alpha, beta = x[:n_w].copy(), x[n_w:].copy()
        post = np.empty((coded.n_tasks, coded.n_labels))
        new_beta, task_q = np.empty_like(beta), np.empty_like(beta)
        loglikelihood = problem.task_pass(alpha, beta, post, new_beta, task_q)
        objective = loglikelihood + problem.log_prior(np.concatenate([alpha, beta]))
        history: list[float] = []
        reason = "max_iter"
        for _ in range(self.n_iter):
            alpha = problem.worker_pass(alpha, beta, new_beta, post, task_q)
            beta, new_beta = new_beta, beta
            loglikelihood = problem.task_pass(alpha, beta, post, new_beta, task_q)
            last, objective = objective, loglikelihood + problem.log_prior(np.concatenate([alpha, beta]))
            history.append(objective / rows)
            if abs(objective - last) <= self.relative_tol * abs(last):
                reason = "converged"
                break
        self.loss_history_ = history
        self.n_iter_ = len(history)
        self.converged_ = reason == "converged"
        self.stop_reason_ = reason
        self.loglikelihood_ = loglikelihood
        return post, np.concatenate([alpha, beta])

    def _fit_parity(
        self, problem: GladProblem, coded: CodedAnswers, x: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        n_w = coded.n_workers
        post, start_loglikelihood = problem.e_step(x[:n_w], x[n_w:])
        rows = coded.n_answers * coded.n_labels
        history: list[float] = []
        reason = "max_iter"
        loglikelihood = None
        q = math.nan
        for iteration in range(self.n_iter):
            if iteration == 0:  # x has not moved since the E-step above
                loglikelihood = start_loglikelihood
            else:
                del post  # the E-step makes new posteriors: free the old ones first (memory)
                post, loglikelihood = problem.e_step(x[:n_w], x[n_w:])
            resp = problem.responsibilities(post)
            objective = Objective(problem, resp, x)
            result = minimize(
                objective.value,
                x,
                method="CG",
                jac=objective.gradient,
                tol=self.m_step_tol,
                options={"disp": False, "maxiter": self.m_step_max_iter},
            )
            # The first gain is measured from the unscaled Q at the start (as crowd-kit does).
            last_q = -objective.start_value() if iteration == 0 else q
            x = np.asarray(result.x, dtype=np.float64)
            q = -float(result.fun) / rows  # CG's value at its last point, which is result.x
            del result, objective, resp  # gradients and posteriors: not kept through the next E-step
            history.append(q)
            if not q - last_q >= self.tol:
                reason = "objective_fell" if q < last_q else "converged"
                break
        self.loss_history_ = history
        self.n_iter_ = len(history)
        self.converged_ = reason != "max_iter"
        self.stop_reason_ = reason
        self.loglikelihood_ = loglikelihood
        return post, x
