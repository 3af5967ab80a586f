"""Hyperparameters declared on the class, read and checked from there.

An aggregator's hyperparameters are the keyword parameters of its class's ``__init__`` (as in
scikit-learn and crowd-kit): their names, defaults and annotated types are the one declaration.
A type may carry its allowed range as pydantic metadata (:data:`Iterations`, :data:`Tolerance`,
:data:`Seed`), so that a value from the command line or a sweep is validated like any other
configuration key (:func:`check_hyperparameters`).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from foundation.config import describe, validate_value
from foundation.errors import SandboxError

#: An iteration limit: a positive count, at most a hundred thousand.
Iterations = Annotated[int, Field(ge=1, le=100_000)]
#: A convergence tolerance: a number in [0, 1).
Tolerance = Annotated[float, Field(ge=0.0, lt=1.0)]
#: A random seed.
Seed = Annotated[int, Field(ge=0, lt=2**32)]
#: A probability, in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: A number above 0 (a rate, a prior's strength, a scale).
Positive = Annotated[float, Field(gt=0.0, le=1e12)]
#: A number of 0 or more (a smoothing, a penalty).
NonNegative = Annotated[float, Field(ge=0.0, le=1e12)]
#: A number of steps or restarts: a positive count, at most a thousand.
Steps = Annotated[int, Field(ge=1, le=1_000)]


@dataclass(frozen=True)
class Hyperparameter:
    """One declared hyperparameter: its ``name``, ``annotation`` (the allowed values) and ``default``."""

    name: str
    annotation: Any
    default: Any

    @property
    def allowed(self) -> str:
        """What values are allowed, in words."""
        return describe(self.annotation)


def hyperparameters(cls: type) -> dict[str, Hyperparameter]:
    """The keyword parameters of ``cls.__init__`` with a default (its hyperparameters), in order."""
    init = cls.__init__  # type: ignore[misc]
    hints = typing.get_type_hints(init, include_extras=True)
    found: dict[str, Hyperparameter] = {}
    for name, parameter in inspect.signature(init).parameters.items():
        if name == "self" or parameter.default is inspect.Parameter.empty:
            continue
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        found[name] = Hyperparameter(name, hints.get(name, Any), parameter.default)
    return found


def check_hyperparameters(
    declared: Mapping[str, Hyperparameter], values: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """``values`` validated against the ``declared`` hyperparameters; SandboxError naming ``where``,
    the key and what is allowed, for an unknown name or a value out of range."""
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name not in declared:
            allowed = ", ".join(declared) or "none"
            raise SandboxError(f"{where}: unknown hyperparameter {name!r}; allowed: {allowed}")
        checked[name] = validate_value(declared[name].annotation, value, f"{where}.{name}")
    return checked
