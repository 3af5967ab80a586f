"""A rating scale, as declared: the integer points ``low .. high`` (``1-5``: a five-point scale) or a
continuous range (``continuous:0-100``: a slider). One definition for the archetypes that answer on it,
the datasets that hold it and the readers that check ratings against it.

Answers on an integer scale are its points; on a continuous scale any number in the range. The
*grid* is what truth is coded on: the points of an integer scale, or :data:`CONTINUOUS_GRID` evenly
spaced values of a continuous one (a true score is coded as its nearest grid value).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from foundation.errors import SandboxError

#: Grid values a continuous scale's true scores are coded on (steps of 1 % of the range).
CONTINUOUS_GRID = 101
#: The most points an integer scale may have (a 0–1000 scale; more is a continuous range).
MAX_POINTS = 1001
CONTINUOUS_PREFIX = "continuous:"
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*(?:-|\.\.)\s*({_NUMBER})\s*")
SCALE_HELP = (
    "integer points MIN-MAX (e.g. 1-5) or a continuous range continuous:MIN-MAX (e.g. continuous:0-100)"
)


@dataclass(frozen=True)
class Scale:
    """``low`` and ``high`` (``low < high``); ``integer``: the answers are the integer points
    ``low .. high`` (else any number in the range)."""

    low: float
    high: float
    integer: bool = True

    @classmethod
    def parse(cls, text: str) -> Scale:
        """``"1-5"`` (or ``"1..5"``) → the integer points 1..5; ``"continuous:0-100"`` → the range
        [0, 100]. SandboxError naming what is allowed otherwise."""
        if not isinstance(text, str):
            raise SandboxError(f"scale {text!r} is not one of: {SCALE_HELP}")
        body = text.strip()
        continuous = body.lower().startswith(CONTINUOUS_PREFIX)
        if continuous:
            body = body[len(CONTINUOUS_PREFIX) :]
        match = _RANGE.fullmatch(body)
        if match is None:
            raise SandboxError(f"scale {text!r} is not one of: {SCALE_HELP}")
        low, high = float(match.group(1)), float(match.group(2))
        return cls.checked(low, high, not continuous, text)

    @classmethod
    def checked(cls, low: float, high: float, integer: bool, text: str = "") -> Scale:
        """The scale ``low .. high``; SandboxError when it is empty, not finite, or (integer) has
        ends that are not integers or more than :data:`MAX_POINTS` points."""
        shown = text or f"{low:g}-{high:g}"
        if not (math.isfinite(low) and math.isfinite(high)) or abs(low) > 1e12 or abs(high) > 1e12:
            raise SandboxError(f"scale {shown!r}: its ends must be finite numbers within ±1e12")
        if not low < high:
            raise SandboxError(f"scale {shown!r}: the low end must be below the high end")
        if integer:
            if not (float(low).is_integer() and float(high).is_integer()):
                raise SandboxError(
                    f"scale {shown!r}: integer points need integer ends (for a range write "
                    f"{CONTINUOUS_PREFIX}{low:g}-{high:g})"
                )
            if high - low + 1 > MAX_POINTS:
                raise SandboxError(
                    f"scale {shown!r} has {int(high - low + 1)} points, more than {MAX_POINTS}; "
                    f"write it as a range ({CONTINUOUS_PREFIX}{low:g}-{high:g})"
                )
        return cls(float(low), float(high), integer)

    @property
    def span(self) -> float:
        """``high - low``."""
        return self.high - self.low

    @property
    def middle(self) -> float:
        """The middle of the range."""
        return (self.low + self.high) / 2

    @property
    def step(self) -> float:
        """The distance between neighbouring grid values (1 on an integer scale)."""
        return 1.0 if self.integer else self.span / (CONTINUOUS_GRID - 1)

    def grid(self) -> NDArray[np.float64]:
        """The values truth is coded on: the points, or :data:`CONTINUOUS_GRID` values of the range."""
        if self.integer:
            return np.arange(self.low, self.high + 1.0, dtype=np.float64)
        return np.linspace(self.low, self.high, CONTINUOUS_GRID, dtype=np.float64)

    @property
    def n_grid(self) -> int:
        """Number of grid values."""
        return int(self.high - self.low + 1) if self.integer else CONTINUOUS_GRID

    def grid_code(self, values: Any) -> NDArray[np.int64]:
        """Each value's nearest grid value, as its position in :meth:`grid` (clipped to the scale)."""
        unit = np.clip((np.asarray(values, dtype=float) - self.low) / self.step, 0, self.n_grid - 1)
        return np.floor(unit + 0.5).astype(np.int64)

    def snap(self, values: Any) -> NDArray[np.float64]:
        """Values as answers on this scale: clipped to the range, and rounded to the nearest point on
        an integer scale (halves round up)."""
        clipped = np.clip(np.asarray(values, dtype=float), self.low, self.high)
        return np.floor(clipped + 0.5) if self.integer else clipped

    def to_unit(self, values: Any) -> NDArray[np.float64]:
        """Values as positions on the range: 0 at ``low``, 1 at ``high``."""
        return (np.asarray(values, dtype=float) - self.low) / self.span

    def from_unit(self, positions: Any) -> NDArray[np.float64]:
        """Positions on the range (0 = ``low``, 1 = ``high``) as answers: clipped and snapped."""
        return self.snap(self.low + np.asarray(positions, dtype=float) * self.span)

    def uniform(self, size: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """``size`` answers drawn uniformly: each point alike, or uniform on the range."""
        if self.integer:
            return rng.integers(int(self.low), int(self.high) + 1, size=size).astype(float)
        return rng.uniform(self.low, self.high, size=size)

    def contains(self, values: Any) -> NDArray[np.bool_]:
        """Per value: on the scale (within the range and, on an integer scale, an integer)."""
        values = np.asarray(values, dtype=float)
        inside = (values >= self.low) & (values <= self.high)
        return inside & (values == np.floor(values)) if self.integer else inside

    def __str__(self) -> str:
        text = f"{self.low:g}-{self.high:g}"
        return text if self.integer else CONTINUOUS_PREFIX + text
