"""The base of rating archetypes: parameters may be amounts (an offset, a slope), written back to
TOML in the form they were read in, like the probability distributions of every archetype."""

from __future__ import annotations

from typing import Any

import numpy as np

from annotators.archetypes.base import Archetype
from annotators.archetypes.ratings.parameters import Amount
from annotators.parameters import Distribution


class RatingArchetype(Archetype):
    """An :class:`Archetype` whose parameters may hold :class:`Amount` values."""

    def to_toml(self) -> dict[str, Any]:
        """The parameters in TOML form (distributions and amounts as written)."""
        out: dict[str, Any] = {}
        for key, value in self.params.items():
            if value is None:
                continue
            if isinstance(value, Distribution | Amount):
                out[key] = value.to_toml()
            elif isinstance(value, np.ndarray):
                out[key] = value.tolist()
            else:
                out[key] = value
        return out
