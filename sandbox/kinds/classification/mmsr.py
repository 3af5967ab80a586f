"""crowd-kit's MMSR, which only crowd-kit runs: the hyperparameters users may set, declared as the
fast engine's classes declare theirs (``__init__`` keywords with their allowed ranges)."""

from __future__ import annotations

from sandbox.aggregation.hyperparameters import Iterations, Seed, Tolerance


class MMSRHyperparameters:
    """The hyperparameters of crowd-kit's MMSR that users may set (its defaults)."""

    def __init__(self, n_iter: Iterations = 10_000, tol: Tolerance = 1e-10, random_state: Seed = 0) -> None:
        self.n_iter, self.tol, self.random_state = n_iter, tol, random_state
