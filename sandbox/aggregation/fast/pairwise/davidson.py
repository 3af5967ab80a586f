"""Bradley–Terry with ties: Davidson's (1970) model, fitted by a fixed-point iteration on the sparse
comparison counts.

Items have strengths π_i; a tie parameter ν >= 0 says how often close items are called equal:

    P(i beats j) = π_i / D,   P(j beats i) = π_j / D,   P(tie) = ν √(π_i π_j) / D,
    D = π_i + π_j + ν √(π_i π_j).

Two equal items tie with probability ν / (2 + ν); ν = 0 is Bradley–Terry. Unlike Bradley–Terry, a tie
answer is evidence here: it says the two items are close (half a win each in the strengths' equations)
and it sets ν.

Fit: the likelihood's stationary equations written as Newman's (2023) fixed point for Bradley–Terry,
generalised to ties. With W_ij = wins of i over j + half their ties, A_ij = π_i + ν s_ij / 2,
B_ij = π_j + ν s_ij / 2 and s_ij = √(π_i π_j), the gradient in π_i vanishes where

    π_i = Σ_j W_ij B_ij / D_ij  ÷  Σ_j W_ji (A_ij / π_i) / D_ij,

and the one in ν where ν = T / Σ_ij n_ij s_ij / D_ij (T: all ties, n_ij: comparisons of the pair). The
two updates alternate until no log-strength and not log ν moves by more than ``tol``. As in
``bt_mle``, every item also gets ``prior`` pseudo-wins and pseudo-losses against a reference item of
strength 1 (so that an item that never lost still has a finite strength and the comparison graph is
connected); ``prior = 0`` is the plain maximum likelihood, which exists when every item has won and
lost and the graph is connected. Validated against leaderbot's Davidson model and a direct
scipy.optimize maximum-likelihood fit in ``tests/fast``.

``scores_``: log-strengths centred at 0; ``tie_``: ν; :meth:`outcome_probabilities` gives P(left wins),
P(right wins) and P(tie) for any pairs of items.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import LEFT, TIE, CodedPairs
from sandbox.aggregation.hyperparameters import Iterations, NonNegative, Tolerance

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def tie_counts(coded: CodedPairs) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Distinct unordered pairs ``(i, j)`` (i < j) of every answer, with the wins of i over j, the
    wins of j over i and the ties of the pair."""
    low, high = np.minimum(coded.left, coded.right), np.maximum(coded.left, coded.right)
    key = low.astype(np.int64) * coded.n_items + high
    unique, inverse = np.unique(key, return_inverse=True)
    size = len(unique)
    winner = np.where(coded.label == LEFT, coded.left, coded.right)
    decided = coded.label != TIE
    low_wins = np.asarray(np.bincount(inverse, decided & (winner == low), size), dtype=np.float64)
    high_wins = np.asarray(np.bincount(inverse, decided & (winner == high), size), dtype=np.float64)
    ties = np.asarray(np.bincount(inverse, ~decided, size), dtype=np.float64)
    low_items: IntArray = (unique // coded.n_items).astype(np.intp)
    high_items: IntArray = (unique % coded.n_items).astype(np.intp)
    return low_items, high_items, low_wins, high_wins, ties


def davidson_probabilities(
    strength_left: FloatArray, strength_right: FloatArray, tie: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(P(left wins), P(right wins), P(tie)) of pairs with the given strengths and tie parameter."""
    middle = tie * np.sqrt(strength_left * strength_right)
    total = strength_left + strength_right + middle
    return strength_left / total, strength_right / total, middle / total


class Davidson(FastPairwise):
    """Davidson's Bradley–Terry model with ties (see the module docstring). ``max_iter`` rounds at
    most; ``prior``: pseudo-comparisons of every item with a reference item of strength 1.

    ``strengths_``: π on the reference item's scale; ``scores_``: log π centred over the items met;
    ``tie_``: ν; ``n_iter_``, ``converged_``."""

    iterations: ClassVar[str | None] = "max_iter"

    strengths_: FloatArray
    tie_: float

    def __init__(
        self, max_iter: Iterations = 10_000, tol: Tolerance = 1e-8, prior: NonNegative = 1.0
    ) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.prior = prior

    def fit_coded(self, coded: CodedPairs) -> Davidson:
        self.item_names_ = coded.item_names
        n = coded.n_items
        present = np.zeros(n, dtype=bool)
        present[coded.left] = present[coded.right] = True
        low, high, low_wins, high_wins, ties = tie_counts(coded)
        low_share, high_share = low_wins + ties / 2, high_wins + ties / 2
        comparisons = low_wins + high_wins + ties
        total_ties = float(ties.sum())
        p: FloatArray = np.ones(n)
        nu = 1.0 if total_ties > 0 else 0.0
        self.converged_, self.n_iter_ = False, 0
        for step in range(1, self.max_iter + 1):
            root = np.sqrt(p[low] * p[high])
            low_side, high_side = p[low] + nu * root / 2, p[high] + nu * root / 2
            total = low_side + high_side
            gained = np.bincount(low, low_share * high_side / total, n) + np.bincount(
                high, high_share * low_side / total, n
            )
            lost = np.bincount(low, high_share * (low_side / p[low]) / total, n) + np.bincount(
                high, low_share * (high_side / p[high]) / total, n
            )
            reference = self.prior / (p + 1.0)
            updated: FloatArray = np.where(present, (gained + reference) / (lost + reference), 1.0)
            change = float(np.max(np.abs(np.log(updated) - np.log(p))))
            p = updated
            if total_ties > 0:
                root = np.sqrt(p[low] * p[high])
                fresh = total_ties / float(np.sum(comparisons * root / (p[low] + p[high] + nu * root)))
                change = max(change, abs(np.log(fresh) - np.log(nu)))
                nu = fresh
            self.n_iter_ = step
            if change < self.tol:
                self.converged_ = True
                break
        self.strengths_ = p
        self.tie_ = float(nu)
        logs = np.log(p)
        scores = np.full(n, np.nan)
        scores[present] = logs[present] - logs[present].mean()
        self.scores_ = scores
        return self

    def outcome_probabilities(
        self, left: NDArray[np.intp], right: NDArray[np.intp]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(P(left wins), P(right wins), P(tie)) of the item-code pairs ``left``, ``right``."""
        return davidson_probabilities(self.strengths_[left], self.strengths_[right], self.tie_)
