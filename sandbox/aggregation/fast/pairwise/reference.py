"""Two reference rankings without a model of the raters: win rate and online Elo.

- :class:`WinRate`: an item's share of its comparisons won, a tie counting half a win for each side.
- :class:`Elo`: online Elo in the order the answers are given, as evalica computes it (its defaults:
  everyone starts at 1000, K = 4; with ``q_i = 10^(r_i / 400)`` the expected score of i against j
  is ``q_i / (q_i + q_j)``; after each comparison each side's rating moves by ``k`` × (its actual −
  its expected score), a tie scoring 1/2). The order matters: that is Elo's known weakness for
  leaderboards built from votes, and why Bradley–Terry replaced it there. ``tests/fast`` holds the
  ratings to evalica's ``elo`` to 1e-9.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from sandbox.aggregation.fast.pairwise.base import FastPairwise
from sandbox.aggregation.fast.pairwise.coding import LEFT, TIE, CodedPairs
from sandbox.aggregation.hyperparameters import NonNegative, Positive


class WinRate(FastPairwise):
    """Share of comparisons won (ties: half a win). ``scores_`` in [0, 1]."""

    iterations: ClassVar[str | None] = None

    def fit_coded(self, coded: CodedPairs) -> WinRate:
        n = coded.n_items
        left_points = np.where(coded.label == LEFT, 1.0, np.where(coded.label == TIE, 0.5, 0.0))
        points = np.bincount(coded.left, left_points, n) + np.bincount(coded.right, 1.0 - left_points, n)
        played = np.bincount(coded.left, minlength=n) + np.bincount(coded.right, minlength=n)
        self.scores_ = np.divide(points, played, out=np.full(n, np.nan), where=played > 0)
        self.item_names_ = coded.item_names
        self.n_iter_, self.converged_ = 1, True
        return self


class Elo(FastPairwise):
    """Online Elo (see the module docstring). ``scores_``: final ratings (NaN for items not met)."""

    iterations: ClassVar[str | None] = None

    def __init__(
        self, k: Positive = 4.0, initial: NonNegative = 1000.0, base: Positive = 10.0, scale: Positive = 400.0
    ) -> None:
        self.k = k
        self.initial = initial
        self.base = base
        self.scale = scale

    def fit_coded(self, coded: CodedPairs) -> Elo:
        ratings = [self.initial] * coded.n_items
        k, base, scale = self.k, self.base, self.scale
        left_points = np.where(coded.label == LEFT, 1.0, np.where(coded.label == TIE, 0.5, 0.0))
        for i, j, actual in zip(coded.left.tolist(), coded.right.tolist(), left_points.tolist(), strict=True):
            q_i, q_j = base ** (ratings[i] / scale), base ** (ratings[j] / scale)
            total = q_i + q_j
            ratings[i] += k * (actual - q_i / total)
            ratings[j] += k * ((1.0 - actual) - q_j / total)
        played = np.bincount(coded.left, minlength=coded.n_items) + np.bincount(
            coded.right, minlength=coded.n_items
        )
        self.scores_ = np.where(played > 0, np.asarray(ratings, dtype=float), np.nan)
        self.item_names_ = coded.item_names
        self.n_iter_, self.converged_ = 1, True
        return self
