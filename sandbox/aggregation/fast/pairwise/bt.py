"""Bradley–Terry on the comparisons themselves: crowd-kit's two-step estimate and the converged fit.

Both work on the decided comparisons (winner, loser) and never build the dense items × items matrix
crowd-kit builds, so 10 million comparisons over 100,000 items fit in seconds. Ties are not a
Bradley–Terry outcome: they are left out (the aggregation layer counts them).

- :class:`BradleyTerry` reproduces crowd-kit 1.4.2's ``BradleyTerry``: Hunter's MM step
  ``p_i ← w_i / Σ_j n_ij / (p_i + p_j)`` from ``p = 1``, normalised to sum 1. crowd-kit's loop
  compares the new vector with an alias of itself (``p_old = p_new``, then ``p_new[:] = ...``), so it
  stops after its second step whatever ``n_iter`` and ``tol`` say; this class takes the same two
  steps, so both engines give the same scores. The first step is each item's win rate; the second
  corrects for the strength of the opponents met.
- :class:`BradleyTerryMLE` runs to the maximum of the likelihood by Newton's method on the
  log-strengths, with one pseudo-win and one pseudo-loss of every item against a reference item of
  log-strength 0 (``prior`` of each) so that the maximum exists and is finite even for items that
  never lost or never won, and the comparison graph is connected. The log-likelihood is concave;
  its Hessian is minus a weighted graph Laplacian (weight ``σ(1 − σ)`` per comparison) plus the
  pseudo-comparisons' diagonal, so each Newton step is a sparse positive-definite system, solved by
  scipy's conjugate gradient with the diagonal as preconditioner (loosely while the gradient is
  large, to ``cg_rtol`` near the maximum), a matrix-vector product being two products with the
  winner × loser count matrix. It starts from each item's log odds of winning; a step that would
  lower the likelihood is halved. It stops when a step moves no log-strength by more than ``tol``
  (1e-8 by default: the scores are then the maximum to about that precision). ``scores_`` are log-strengths
  centred at 0: P(i beats j) = σ(s_i − s_j).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import LinearOperator, cg

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import CodedPairs
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Tolerance

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def _outcomes(decided: CodedPairs) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Winner and loser item codes of every decided comparison, and which items were met."""
    winner = decided.winners()
    loser: IntArray = decided.left + decided.right - winner
    present = np.zeros(decided.n_items, dtype=bool)
    present[decided.left] = present[decided.right] = True
    return winner, loser, present


class BradleyTerry(FastPairwise):
    """crowd-kit's ``BradleyTerry(n_iter, tol)``: its two MM steps (see the module docstring).
    ``scores_``: strengths summing to 1 over the items met in decided comparisons (NaN for the others)."""

    def __init__(self, n_iter: Iterations = 100, tol: Tolerance = 1e-5) -> None:
        self.n_iter = n_iter
        self.tol = tol

    def fit_coded(self, coded: CodedPairs) -> BradleyTerry:
        decided = coded.decided()
        self.item_names_ = coded.item_names
        n = coded.n_items
        scores = np.full(n, np.nan)
        self.n_iter_, self.converged_ = 0, True
        if len(decided.label) == 0:
            self.scores_ = scores
            return self
        winner, loser, present = _outcomes(decided)
        wins = np.bincount(winner, minlength=n).astype(np.float64)
        p = np.where(present, 1.0, 0.0)
        for _ in range(min(self.n_iter, 2)):  # crowd-kit stops after its second step
            share = 1.0 / (p[winner] + p[loser])
            denominator = np.bincount(winner, share, n) + np.bincount(loser, share, n)
            p = np.divide(wins, denominator, out=np.zeros_like(wins), where=present)
            p /= p.sum()
            self.n_iter_ += 1
        scores[present] = p[present]
        self.scores_ = scores
        return self


class _Likelihood:
    """The Bradley–Terry log-likelihood of log-strengths ``s`` over the comparisons, with ``prior``
    pseudo-wins and pseudo-losses of every item against log-strength 0.

    The comparisons are held as a sparse winner × loser count matrix (scipy's counting sort by
    winner; repeated outcomes add up), so that every sum over them is a sparse product over the
    distinct (winner, loser) outcomes in row order.
    """

    def __init__(self, winner: IntArray, loser: IntArray, n_items: int, prior: float) -> None:
        index = np.int32 if n_items < 2**31 and winner.size < 2**31 else np.int64
        counts = sp.coo_array(
            (np.ones(winner.size), (winner.astype(index), loser.astype(index))), shape=(n_items, n_items)
        ).tocsr()
        self.counts, self.indices, self.indptr = counts.data, counts.indices, counts.indptr
        self.rows = np.repeat(np.arange(n_items, dtype=index), np.diff(self.indptr))
        self.n, self.prior = n_items, prior

    def matrix(self, values: FloatArray) -> sp.csr_array:
        """The winner × loser matrix holding ``values`` (one per distinct outcome)."""
        return sp.csr_array((values, self.indices, self.indptr), shape=(self.n, self.n))

    def at(self, s: FloatArray) -> tuple[float, FloatArray, sp.csr_array, FloatArray]:
        """``(log-likelihood, gradient, off-diagonal weights, diagonal)`` of the Hessian at ``s``:
        minus the Hessian is ``diag(diagonal) - weights - weights.T``."""
        n, prior = self.n, self.prior
        margin = s[self.rows]
        margin -= s[self.indices]
        decay = np.exp(-np.abs(margin))
        # log σ(m) = min(m, 0) - log1p(e^{-|m|}); the chance of the other outcome, 1 - σ(m)
        value = float(np.dot(self.counts, np.minimum(margin, 0.0)) - np.dot(self.counts, np.log1p(decay)))
        miss = np.where(margin >= 0.0, decay, 1.0)
        miss /= 1.0 + decay
        weight = miss * (1.0 - miss)
        weight *= self.counts
        miss *= self.counts
        missed = self.matrix(miss)
        ones = np.ones(n)
        reference = 1.0 / (1.0 + np.exp(-s))  # σ(s_i): the chance of beating the reference item
        value += prior * float(np.sum(s - 2.0 * np.logaddexp(0.0, s)))
        gradient = missed @ ones - missed.T @ ones + prior * (1.0 - 2.0 * reference)
        weights = self.matrix(weight)
        diagonal = weights @ ones + weights.T @ ones + 2.0 * prior * reference * (1.0 - reference)
        return value, gradient, weights, diagonal


def _curvature(weights: sp.csr_array, diagonal: FloatArray) -> LinearOperator:
    """Minus the Hessian as an operator: ``x ↦ diagonal·x - weights x - weights.T x``."""
    transposed = weights.T

    def product(x: FloatArray) -> FloatArray:
        x = np.ravel(x)
        result: FloatArray = diagonal * x
        result -= weights @ x
        result -= transposed @ x
        return result

    return LinearOperator(weights.shape, matvec=product, dtype=np.float64)


class BradleyTerryMLE(FastPairwise):
    """Maximum-likelihood Bradley–Terry by Newton's method (see the module docstring). At most
    ``max_iter`` Newton steps, each solved to a relative residual ``cg_rtol``; stops when no
    log-strength moves by more than ``tol``. ``strengths_``: the strengths on the reference item's
    scale (1); ``scores_``: their logs, centred; ``cg_iterations_``: conjugate-gradient steps made."""

    iterations: ClassVar[str | None] = "max_iter"

    strengths_: FloatArray
    cg_iterations_: int

    def __init__(
        self,
        max_iter: Iterations = 100,
        tol: Tolerance = 1e-8,
        prior: NonNegative = 1.0,
        cg_rtol: Tolerance = 1e-6,
    ) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.prior = prior
        self.cg_rtol = cg_rtol

    def fit_coded(self, coded: CodedPairs) -> BradleyTerryMLE:
        decided = coded.decided()
        self.item_names_ = coded.item_names
        n = coded.n_items
        winner, loser, present = _outcomes(decided)
        likelihood = _Likelihood(winner, loser, n, self.prior)
        # start from each item's log odds of winning (with the pseudo-comparisons): near the maximum
        # when opponents are drawn alike, and 0 for items never met
        wins = np.bincount(winner, minlength=n) + self.prior
        s: FloatArray = np.log(wins / (np.bincount(loser, minlength=n) + self.prior))
        value, gradient, weight, diagonal = likelihood.at(s)
        first_norm = float(np.linalg.norm(gradient)) or 1.0
        self.converged_, self.n_iter_, self.cg_iterations_ = False, 0, 0
        counter = _Counter()
        for step in range(1, self.max_iter + 1):
            preconditioner = LinearOperator((n, n), matvec=lambda x, d=diagonal: np.ravel(x) / d)
            direction, _ = cg(
                _curvature(weight, diagonal),
                gradient,
                # inexact Newton: a loose solve while far from the maximum, ``cg_rtol`` near it
                rtol=max(self.cg_rtol, min(0.1, float(np.linalg.norm(gradient)) / first_norm)),
                atol=0.0,
                M=preconditioner,
                callback=counter,
            )
            self.n_iter_ = step
            scale = 1.0
            while True:  # concave: a short enough step raises the likelihood
                trial = s + scale * direction
                trial_value, trial_gradient, trial_weight, trial_diagonal = likelihood.at(trial)
                if trial_value >= value or scale < 1e-6:
                    break
                scale /= 2.0
            change = scale * float(np.max(np.abs(direction)))
            s, value, gradient, weight, diagonal = (
                trial,
                trial_value,
                trial_gradient,
                trial_weight,
                trial_diagonal,
            )
            if change < self.tol:
                self.converged_ = True
                break
        self.cg_iterations_ = counter.count
        self.strengths_ = np.exp(s)
        scores = np.full(n, np.nan)
        scores[present] = s[present] - s[present].mean()
        self.scores_ = scores
        return self


class _Counter:
    """A callback counting conjugate-gradient iterations."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _: FloatArray) -> None:
        self.count += 1
