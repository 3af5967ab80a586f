"""crowd-kit 1.4.2's ``NoisyBradleyTerry``, vectorized: the same objective, the same gradient, the
same start and the same L-BFGS-B run, so both engines give the same scores.

The model (Bugakova et al., 2019, without task features): worker ``w`` answers by the Bradley–Terry
comparison with probability σ(γ_w) (its skill), and otherwise by its bias towards the left item,
σ(q_w). Parameters ``x = [x_0, s_1..s_L, q_1..q_W, γ_1..γ_W]`` start at ``RandomState(0).rand`` and
are fitted by ``scipy.optimize.minimize(..., method="L-BFGS-B")`` on the negative log-likelihood
plus a small regularisation tying the scores to ``x_0``.

crowd-kit computes the gradient in a Python loop (minutes for 100,000 comparisons). That loop has
two quirks this class reproduces rather than fixes, so that the engines agree: the per-worker
entries are *assigned* (``=``), not accumulated, so only each worker's last comparison counts, and
they are written one position too early (``labels + w`` instead of ``1 + labels + w``), so the
bias gradient of worker ``w`` lands on the bias of worker ``w - 1`` (worker 0's on the last item's
score) and the skill gradient on the previous skill (worker 0's on the last worker's bias). The
optimiser therefore follows a direction that is not the objective's gradient and stops early; the
scores still rank items well on honest data (see ``tests/fast``) but are not the model's maximum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import LEFT, CodedPairs
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Seed, Tolerance

FloatArray = NDArray[np.float64]


def log_likelihood(
    x: FloatArray,
    left: NDArray[Any],
    right: NDArray[Any],
    y: FloatArray,
    workers: NDArray[Any],
    labels: int,
    n_workers: int,
    regularization: float,
) -> float:
    """crowd-kit's ``_compute_log_likelihood`` (negative log-likelihood + regularisation)."""
    s_i, s_j = x[left], x[right]
    q = x[1 + workers + labels]
    gamma = x[1 + workers + labels + n_workers]
    total = np.sum(np.log(expit(gamma) * expit(y * (s_i - s_j)) + (1 - expit(gamma)) * expit(y * q)))
    reg = np.sum(np.log(expit(x[0] - x[1 : labels + 1]))) + np.sum(np.log(expit(x[1 : labels + 1] - x[0])))
    return float(-total + regularization * reg)


def crowdkit_gradient(
    x: FloatArray,
    left: NDArray[Any],
    right: NDArray[Any],
    y: FloatArray,
    workers: NDArray[Any],
    labels: int,
    n_workers: int,
    regularization: float,
    last_rows: NDArray[Any],
) -> FloatArray:
    """crowd-kit's ``_compute_gradient``, its loop replaced by array operations that add in the
    loop's order (see the module docstring for what the loop does)."""
    s_i, s_j = x[left], x[right]
    q = x[1 + labels + workers]
    gamma = x[1 + labels + n_workers + workers]
    d = s_i - s_j
    e = np.exp
    g_left = (y * e(y * (-d))) / (
        (e(-gamma) + 1)
        * (e(y * (-d)) + 1) ** 2
        * (1 / ((e(-gamma) + 1) * (e(y * (-d)) + 1)) + (1 - 1 / (e(-gamma) + 1)) / (e(-q * y) + 1))
    )
    g_right = -(y * (e(q * y) + 1) * e(y * d + gamma)) / (
        (e(y * d) + 1) * (e(y * d + gamma + q * y) + e(y * d + gamma) + e(y * d + q * y) + e(q * y))
    )
    common = e(y * (s_i + q) + gamma) + e(s_i * y + gamma) + e(y * (s_i + q)) + e(y * (s_j + q))
    g_q = (y * e(q * y) * (e(s_i * y) + e(s_j * y))) / ((e(q * y) + 1) * common)
    g_gamma = (e(gamma) * (e(s_i * y) - e(y * (s_j + q)))) / ((e(gamma) + 1) * common)

    gradient = np.zeros_like(x)
    # item entries: += in row order, left before right within a row
    index = np.column_stack([left, right]).ravel()
    values = np.column_stack([g_left, g_right]).ravel()
    gradient += np.bincount(index, values, len(x))
    # per-worker entries: assigned at each worker's last row, one position early
    present = np.flatnonzero(last_rows >= 0)
    gradient[labels + present] = g_q[last_rows[present]]
    gradient[labels + n_workers + present] = g_gamma[last_rows[present]]
    if last_rows[0] >= 0:  # worker 0's assignment overwrote the last item's sum so far
        later = np.flatnonzero(index == labels)
        later = later[later > 2 * last_rows[0] + 1]
        gradient[labels] = np.cumsum(np.concatenate([[g_q[last_rows[0]]], values[later]]))[-1]
    scores = x[1 : labels + 1]
    gradient[1 : labels + 1] -= regularization * np.tanh((scores - x[0]) / 2.0)
    gradient[0] += regularization * np.sum(np.tanh((scores - x[0]) / 2.0))
    negated: FloatArray = -gradient
    return negated


class NoisyBradleyTerry(FastPairwise):
    """crowd-kit's ``NoisyBradleyTerry(n_iter, tol, regularization_ratio, random_state)``.

    ``scores_`` (σ of the item parameters; NaN for items met only in ties), ``skills_`` and
    ``biases_`` (per worker code, σ of γ and q), ``n_iter_`` and ``converged_`` from L-BFGS-B.
    """

    skills_: FloatArray
    biases_: FloatArray

    def __init__(
        self,
        n_iter: Iterations = 100,
        tol: Tolerance = 1e-5,
        regularization_ratio: NonNegative = 1e-5,
        random_state: Seed = 0,
    ) -> None:
        self.n_iter = n_iter
        self.tol = tol
        self.regularization_ratio = regularization_ratio
        self.random_state = random_state

    def fit_coded(self, coded: CodedPairs) -> NoisyBradleyTerry:
        decided = coded.decided()
        self.item_names_ = coded.item_names
        # crowd-kit codes the items met in its input and the workers in sorted order
        items, codes = np.unique(np.concatenate([decided.left, decided.right]), return_inverse=True)
        workers, worker_codes = np.unique(decided.worker, return_inverse=True)
        n = len(decided.label)
        left, right = codes[:n] + 1, codes[n:] + 1
        y = np.where(decided.label == LEFT, 1, -1)
        labels, n_workers = len(items), len(workers)
        last_rows = np.full(n_workers, -1, dtype=np.int64)
        last_rows[worker_codes] = np.arange(n)  # fancy assignment keeps the last write
        start = np.random.RandomState(self.random_state).rand(1 + labels + 2 * n_workers)
        arguments = (left, right, y, worker_codes, labels, n_workers, self.regularization_ratio)
        with np.errstate(all="ignore"):
            result = minimize(
                lambda x, *a: log_likelihood(x, *a[:-1]),
                start,
                jac=crowdkit_gradient,
                args=(*arguments, last_rows),
                method="L-BFGS-B",
                options={"maxiter": self.n_iter, "ftol": np.float32(self.tol)},
            )
        x = result.x
        self.scores_ = np.full(coded.n_items, np.nan)
        self.scores_[items] = expit(x[1 : labels + 1])
        self.biases_ = np.full(coded.n_workers, np.nan)
        self.skills_ = np.full(coded.n_workers, np.nan)
        self.biases_[workers] = expit(x[labels + 1 : labels + 1 + n_workers])
        self.skills_[workers] = expit(x[labels + 1 + n_workers :])
        self.n_iter_ = int(result.nit)
        self.converged_ = bool(result.success)
        return self
