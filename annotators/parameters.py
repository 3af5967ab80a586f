"""Typed parameters of archetypes: how a TOML value is checked and turned into per-worker draws.

A *skill-like* value describes a probability per worker and takes one of three forms:

- a number in [0, 1] (every worker the same),
- ``{ alpha = A, beta = B }`` (each worker draws from Beta(A, B)),
- ``{ values = [...] }`` (each worker draws one of the listed values, e.g. fitted on real data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.errors import SandboxError

Validator = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Parameter:
    """One allowed key of an archetype: its default, a checker and a one-line help text."""

    default: Any
    check: Validator
    help: str


@dataclass(frozen=True)
class Distribution:
    """A per-worker probability distribution (fixed, Beta or empirical)."""

    fixed: float | None = None
    alpha: float | None = None
    beta: float | None = None
    values: tuple[float, ...] = ()

    def draw(self, n: int, rng: np.random.Generator) -> NDArray[Any]:
        """Return ``n`` independent draws as a float array."""
        if self.fixed is not None:
            return np.full(n, self.fixed, dtype=float)
        if self.values:
            return rng.choice(np.asarray(self.values, dtype=float), size=n, replace=True)
        assert self.alpha is not None and self.beta is not None  # guaranteed by the parser
        return rng.beta(self.alpha, self.beta, size=n)

    @property
    def mean(self) -> float:
        """Expected value of one draw."""
        if self.fixed is not None:
            return self.fixed
        if self.values:
            return float(np.mean(self.values))
        assert self.alpha is not None and self.beta is not None
        return self.alpha / (self.alpha + self.beta)

    def to_toml(self) -> float | dict[str, Any]:
        """The TOML form this distribution was parsed from."""
        if self.fixed is not None:
            return self.fixed
        if self.values:
            return {"values": list(self.values)}
        return {"alpha": self.alpha, "beta": self.beta}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SandboxError(f"{where} must be a number, got {value!r}")
    return float(value)


def probability(value: Any, where: str) -> float:
    """Check a number in [0, 1]."""
    number = _number(value, where)
    if not 0.0 <= number <= 1.0:
        raise SandboxError(f"{where} must be between 0 and 1, got {value!r}")
    return number


def positive(value: Any, where: str) -> float:
    """Check a number > 0."""
    number = _number(value, where)
    if number <= 0:
        raise SandboxError(f"{where} must be > 0, got {value!r}")
    return number


def distribution(value: Any, where: str) -> Distribution:
    """Parse a skill-like value (number, ``{alpha, beta}`` or ``{values}``)."""
    if isinstance(value, Mapping):
        keys = set(value)
        if keys == {"alpha", "beta"}:
            return Distribution(
                alpha=positive(value["alpha"], f"{where}.alpha"),
                beta=positive(value["beta"], f"{where}.beta"),
            )
        if keys == {"values"} and isinstance(value["values"], Sequence) and value["values"]:
            items = value["values"]
            return Distribution(
                values=tuple(probability(v, f"{where}.values[{i}]") for i, v in enumerate(items))
            )
        raise SandboxError(
            f"{where} must be a number in [0, 1], {{ alpha = A, beta = B }} or "
            f"{{ values = [p1, p2, ...] }} (non-empty), got {dict(value)!r}"
        )
    return Distribution(fixed=probability(value, where))


def choice(*allowed: str) -> Validator:
    """A checker accepting one of ``allowed`` strings."""

    def check(value: Any, where: str) -> str:
        if value not in allowed:
            raise SandboxError(f"{where} must be one of {', '.join(allowed)}; got {value!r}")
        return str(value)

    return check


def class_index(value: Any, where: str) -> int | None:
    """Check an optional class index (int >= 0); ``None`` means 'drawn per worker'."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SandboxError(f"{where} must be a class index (integer >= 0), got {value!r}")
    return int(value)


def stochastic_matrix(value: Any, where: str) -> NDArray[Any] | None:
    """Check an optional square row-stochastic matrix (rows sum to 1)."""
    if value is None:
        return None
    try:
        matrix = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SandboxError(f"{where} must be a square matrix of numbers, got {value!r}") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
        raise SandboxError(f"{where} must be a square K×K matrix (K >= 2), got shape {matrix.shape}")
    if (matrix < 0).any() or not np.allclose(matrix.sum(axis=1), 1.0, atol=1e-6):
        raise SandboxError(f"{where} rows must be non-negative and sum to 1")
    return matrix
