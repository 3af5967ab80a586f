"""What every fast method shares, whatever the task kind: hyperparameters as ``__init__`` keywords
(:mod:`sandbox.aggregation.hyperparameters`), ``fit_coded`` on integer-coded answers, and how many
passes over the data a fit makes at most (what work estimates are made from)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from sandbox.aggregation.hyperparameters import Hyperparameter, hyperparameters


class FastModel:
    """Base of the fast engine's methods. ``iterations``: the name of the hyperparameter that limits
    the iterations (``None``: the method makes a fixed number of passes, ``fixed_passes``)."""

    iterations: ClassVar[str | None] = "n_iter"
    fixed_passes: ClassVar[int] = 1

    n_iter_: int
    converged_: bool

    @classmethod
    def hyperparameters(cls) -> dict[str, Hyperparameter]:
        """The declared hyperparameters (``__init__``'s keywords)."""
        return hyperparameters(cls)

    @classmethod
    def passes(cls, params: Mapping[str, Any]) -> int:
        """The most passes a fit with ``params`` makes over the task × label posteriors."""
        if cls.iterations is None:
            return cls.fixed_passes
        default = cls.hyperparameters()[cls.iterations].default
        return int(params.get(cls.iterations, default)) * cls.fixed_passes

    def get_params(self) -> dict[str, Any]:
        """The hyperparameters' values (scikit-learn's ``get_params``)."""
        return {name: getattr(self, name) for name in self.hyperparameters()}
