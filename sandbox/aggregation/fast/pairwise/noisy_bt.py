"""Noisy Bradley–Terry (crowd-kit 1.4.2's ``NoisyBradleyTerry``), vectorized, in two modes: by default
fitted to the model's maximum with the exact gradient; in the parity mode crowd-kit's objective,
gradient, start and L-BFGS-B run, so both engines give the same scores.

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
optimiser therefore follows a direction that is not the objective's gradient and stops early (6
iterations on 10 million comparisons); the scores still rank items well on honest data (see
``tests/fast``) but are not the model's maximum. crowd-kit's regularisation term also has the
opposite sign in its objective to its gradient: the objective adds ``λ Σ log σ(±(s_i − x_0))``, which
rewards scores far from ``x_0``, the gradient penalises them.

The default mode (``mode="fast"``) minimises the negative log-likelihood with the penalty the
gradient implies, ``- λ Σ_i [log σ(x_0 − s_i) + log σ(s_i − x_0)]`` (scores tied to ``x_0``), with its
exact gradient computed in the same pass (L-BFGS-B, ``jac=True``), from crowd-kit's start, until
L-BFGS-B's own tests pass: a relative decrease below ``tol`` or a projected gradient below ``gtol``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit

from foundation.errors import SandboxError
from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import LEFT, CodedPairs
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Seed, Tolerance

FloatArray = NDArray[np.float64]
MODES = ("fast", "parity")


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


def objective_and_gradient(
    x: FloatArray,
    left: NDArray[Any],
    right: NDArray[Any],
    y: FloatArray,
    workers: NDArray[Any],
    labels: int,
    n_workers: int,
    regularization: float,
) -> tuple[float, FloatArray]:
    """The negative log-likelihood plus the penalty ``- λ Σ log σ(±(s_i − x_0))``, and its exact
    gradient, in one pass over the comparisons.

    Per comparison ``P = a b + (1 − a) c`` with ``a = σ(γ_w)``, ``b = σ(y (s_i − s_j))`` and
    ``c = σ(y q_w)``; ``∂ log P`` is ``a b (1 − b) y / P`` in ``s_i`` (minus that in ``s_j``),
    ``(1 − a) c (1 − c) y / P`` in ``q_w`` and ``a (1 − a) (b − c) / P`` in ``γ_w``.
    """
    size = x.size
    a = 1.0 / (1.0 + np.exp(-x[1 + labels + n_workers + workers]))
    b = 1.0 / (1.0 + np.exp(-y * (x[left] - x[right])))
    c = 1.0 / (1.0 + np.exp(-y * x[1 + labels + workers]))
    honest = a * b
    chance = (1.0 - a) * c
    total = honest + chance
    value = -float(np.sum(np.log(total)))
    honest /= total
    chance /= total
    gradient = np.zeros(size)
    by_score = honest * (1.0 - b) * y  # ∂ log P / ∂(s_i − s_j)
    gradient -= np.bincount(left, by_score, size)
    gradient += np.bincount(right, by_score, size)
    gradient[1 + labels : 1 + labels + n_workers] -= np.bincount(workers, chance * (1.0 - c) * y, n_workers)
    gradient[1 + labels + n_workers :] -= np.bincount(workers, (1.0 - a) * honest - a * chance, n_workers)
    offset = x[1 : labels + 1] - x[0]
    value -= regularization * float(np.sum(-np.logaddexp(0.0, offset) - np.logaddexp(0.0, -offset)))
    pull = regularization * np.tanh(offset / 2.0)
    gradient[1 : labels + 1] += pull
    gradient[0] -= float(pull.sum())
    return value, gradient


class NoisyBradleyTerry(FastPairwise):
    """crowd-kit's ``NoisyBradleyTerry(n_iter, tol, regularization_ratio, random_state)``, converged
    (``mode="fast"``, default: the exact gradient; at most ``n_iter`` L-BFGS-B iterations, stopping on
    a relative decrease below ``tol`` or a projected gradient below ``gtol``) or as crowd-kit runs it
    (``mode="parity"``: its gradient and its L-BFGS-B settings).

    ``scores_`` (σ of the item parameters; NaN for items met only in ties), ``skills_`` and
    ``biases_`` (per worker code, σ of γ and q), ``n_iter_``, ``converged_`` and ``stop_reason_``
    (L-BFGS-B's message) from L-BFGS-B; ``objective_``: the fast mode's objective (negative
    log-likelihood plus penalty) at the fitted parameters, in either mode.
    """

    stop_reason_: str
    objective_: float

    skills_: FloatArray
    biases_: FloatArray

    def __init__(
        self,
        n_iter: Iterations = 100,
        tol: Tolerance = 1e-5,
        regularization_ratio: NonNegative = 1e-5,
        random_state: Seed = 0,
        mode: Literal["fast", "parity"] = "fast",
        gtol: Tolerance = 1e-6,
    ) -> None:
        if mode not in MODES:
            raise SandboxError(f"noisy Bradley–Terry mode {mode!r} is not one of {', '.join(MODES)}")
        self.n_iter = n_iter
        self.tol = tol
        self.regularization_ratio = regularization_ratio
        self.random_state = random_state
        self.mode = mode
        self.gtol = gtol

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
        n_iter, tol = self.n_iter, self.tol
        if self.mode == "parity":
            with np.errstate(all="ignore"):
                result = minimize(
                    lambda x, *a: log_likelihood(x, *a[:-1]),
                    start,
                    jac=crowdkit_gradient,
                    args=(*arguments, last_rows),
                    method="L-BFGS-B",
                    options={"maxiter": n_iter, "ftol": np.float32(tol)},
                )
        else:
            result = minimize(
                objective_and_gradient,
                start,
                jac=True,
                args=arguments,
                method="L-BFGS-B",
                options={"maxiter": n_iter, "ftol": tol, "gtol": self.gtol},
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
        self.stop_reason_ = str(result.message)
        self.objective_ = objective_and_gradient(x, *arguments)[0]
        return self
