"""Bradley–Terry on sparse comparison counts: crowd-kit's two-step estimate and the converged fit.

Both work on the distinct compared pairs (``n_ij`` comparisons, ``w_i`` wins) and never build the
dense items × items matrix crowd-kit builds, so 10 million comparisons over 100,000 items fit in a
few seconds. Ties are not a Bradley–Terry outcome: they are left out (the aggregation layer counts
them).

- :class:`BradleyTerry` reproduces crowd-kit 1.4.2's ``BradleyTerry``: Hunter's MM step
  ``p_i ← w_i / Σ_j n_ij / (p_i + p_j)`` from ``p = 1``, normalised to sum 1. crowd-kit's loop
  compares the new vector with an alias of itself (``p_old = p_new``, then ``p_new[:] = ...``), so it
  stops after its second step whatever ``n_iter`` and ``tol`` say; this class takes the same two
  steps, so both engines give the same scores. The first step is each item's win rate; the second
  corrects for the strength of the opponents met.
- :class:`BradleyTerryMLE` runs to the maximum of the likelihood (Newman's 2023 fixed-point
  iteration, which reaches the same maximum as MM in far fewer steps), with one pseudo-win and one
  pseudo-loss of every item against a reference item of strength 1 so that the maximum exists and
  is finite even for items that never lost or never won, and the comparison graph is connected.
  ``scores_`` are log-strengths centred at 0: P(i beats j) = σ(s_i − s_j).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import CodedPairs
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Tolerance

FloatArray = NDArray[np.float64]


def pair_counts(coded: CodedPairs) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray, FloatArray]:
    """Distinct unordered pairs ``(i, j)`` (i < j) of the decided comparisons, with the number of
    comparisons ``n_ij`` and the wins of ``i`` over ``j`` (``w_ij``)."""
    winners = coded.winners()
    low, high = np.minimum(coded.left, coded.right), np.maximum(coded.left, coded.right)
    key = low.astype(np.int64) * coded.n_items + high
    unique, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(unique)).astype(np.float64)
    low_wins = np.bincount(inverse, weights=(winners == low).astype(np.float64), minlength=len(unique))
    low_items: NDArray[np.intp] = (unique // coded.n_items).astype(np.intp)
    high_items: NDArray[np.intp] = (unique % coded.n_items).astype(np.intp)
    return low_items, high_items, counts, np.asarray(low_wins, dtype=np.float64)


class BradleyTerry(FastPairwise):
    """crowd-kit's ``BradleyTerry(n_iter, tol)``: its two MM steps (see the module docstring).
    ``scores_``: strengths summing to 1 over the items met in decided comparisons (NaN for the others)."""

    def __init__(self, n_iter: Iterations = 100, tol: Tolerance = 1e-5) -> None:
        self.n_iter = n_iter
        self.tol = tol

    def fit_coded(self, coded: CodedPairs) -> BradleyTerry:
        decided = coded.decided()
        self.item_names_ = coded.item_names
        scores = np.full(coded.n_items, np.nan)
        self.n_iter_, self.converged_ = 0, True
        if len(decided.label) == 0:
            self.scores_ = scores
            return self
        present = np.zeros(coded.n_items, dtype=bool)
        present[decided.left] = present[decided.right] = True
        low, high, counts, _ = pair_counts(decided)
        wins = np.bincount(decided.winners(), minlength=coded.n_items).astype(np.float64)
        p = np.where(present, 1.0, 0.0)
        for _ in range(min(self.n_iter, 2)):  # crowd-kit stops after its second step
            share = counts / (p[low] + p[high])
            denominator = np.bincount(low, share, coded.n_items) + np.bincount(high, share, coded.n_items)
            p = np.divide(wins, denominator, out=np.zeros_like(wins), where=present)
            p /= p.sum()
            self.n_iter_ += 1
        scores[present] = p[present]
        self.scores_ = scores
        return self


class BradleyTerryMLE(FastPairwise):
    """Maximum-likelihood Bradley–Terry (see the module docstring). ``max_iter`` steps at most; stops
    when no log-strength moves by more than ``tol``. ``strengths_``: the strengths on the reference
    item's scale (1); ``scores_``: their logs, centred."""

    iterations: ClassVar[str | None] = "max_iter"

    strengths_: FloatArray

    def __init__(
        self, max_iter: Iterations = 10_000, tol: Tolerance = 1e-8, prior: NonNegative = 1.0
    ) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.prior = prior

    def fit_coded(self, coded: CodedPairs) -> BradleyTerryMLE:
        decided = coded.decided()
        self.item_names_ = coded.item_names
        n = coded.n_items
        present = np.zeros(n, dtype=bool)
        present[decided.left] = present[decided.right] = True
        low, high, counts, low_wins = pair_counts(decided)
        high_wins = counts - low_wins
        p: FloatArray = np.ones(n)
        self.converged_, self.n_iter_ = False, 0
        for step in range(1, self.max_iter + 1):
            # Newman (2023): p_i ← Σ_j w_ij p_j / (p_i + p_j) ÷ Σ_j w_ji / (p_i + p_j), with the
            # reference item (strength 1) won against and lost to `prior` times by every item.
            total = p[low] + p[high]
            gained = np.bincount(low, low_wins * p[high] / total, n) + np.bincount(
                high, high_wins * p[low] / total, n
            )
            lost = np.bincount(low, high_wins / total, n) + np.bincount(high, low_wins / total, n)
            reference = self.prior / (p + 1.0)
            updated: FloatArray = (gained + reference) / (lost + reference)
            change = float(np.max(np.abs(np.log(updated) - np.log(p))))
            p = updated
            self.n_iter_ = step
            if change < self.tol:
                self.converged_ = True
                break
        self.strengths_ = p
        logs = np.log(p)
        scores = np.full(n, np.nan)
        scores[present] = logs[present] - logs[present].mean()
        self.scores_ = scores
        return self
