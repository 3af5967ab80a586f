"""One skeleton to run any registered method on any kind's answers: :func:`run_aggregation`.

The steps are the same for every task kind: the method's spec, the engine that runs it, the answers
coded once, checks before any work, the model built with its hyperparameters, the fit timed with
crowd-kit kept quiet (the fast engine on the codes, crowd-kit on its own frame), and what it
estimated decoded back to the answers' own ids. What differs between kinds — how answers are coded,
how each engine is fitted, what the result holds — is the kind's :class:`Codec`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
import pandas as pd

from foundation.errors import describe_error
from sandbox.aggregation.crowdkit_adapter import AggregationFailed, quiet_crowdkit
from sandbox.aggregation.fast.base import FastModel
from sandbox.aggregation.registry import AggregatorSpec, Engine, Implementation, check_engine

Coded = TypeVar("Coded")
Fitted = TypeVar("Fitted")
Result = TypeVar("Result", bound="Aggregation", covariant=True)


@dataclass(frozen=True)
class Aggregation:
    """Result of one aggregator on one answers table.

    ``labels``: Series indexed by ``task`` (label values as in the answers).
    ``probas``: task × label posterior DataFrame, when the method gives one.
    ``skills``: Series indexed by ``worker`` (higher = better), when the method estimates it.
    ``confusion``: Dawid–Skene's P(answered label | true label), index ``(worker, label)`` with the
    answered label, one column per true label (methods that estimate confusions); ``priors``: their
    class priors, a Series by label. ``n_tied``: how many tasks were tied (several labels share the
    highest posterior) and labelled by the tie rule (:mod:`sandbox.aggregation.ties`).
    """

    aggregator: str
    labels: pd.Series
    probas: pd.DataFrame | None
    skills: pd.Series | None
    seconds: float
    engine: Engine = "crowdkit"
    confusion: pd.DataFrame | None = None
    priors: pd.Series | None = None
    n_tied: int = 0


@dataclass(frozen=True)
class Fit(Generic[Coded]):
    """What a codec decodes: the method, the engine that ran and its implementation, the fitted
    model, what the fit returned, the coded answers and the seconds the fit took."""

    spec: AggregatorSpec
    engine: Engine
    implementation: Implementation
    model: Any
    fitted: Any
    coded: Coded
    seconds: float


class Codec(Protocol[Coded, Result]):
    """A task kind's side of aggregation (see the module docstring)."""

    def encode(self, answers: pd.DataFrame) -> Coded:
        """The answers as integer codes."""
        ...

    def check(self, spec: AggregatorSpec, coded: Coded, params: Mapping[str, Any]) -> None:
        """SandboxError when the method cannot (or must not) run on these answers."""
        ...

    def fit_fast(self, model: Any, coded: Coded) -> Any:
        """Fit a fast-engine model on the codes; returns what :meth:`decode` needs of the fit."""
        ...

    def fit_crowdkit(self, model: Any, coded: Coded) -> Any:
        """Fit a crowd-kit model on its own frame; returns what :meth:`decode` needs of the fit."""
        ...

    def decode(self, fit: Fit[Coded], answers: pd.DataFrame) -> Result:
        """The kind's aggregation result, in the answers' own ids."""
        ...


#: Errors crowd-kit 1.4.2 raises on some small or degenerate crowds (KOS on one worker, …).
CROWDKIT_FAILURES = (ArithmeticError, IndexError, KeyError, ValueError, np.linalg.LinAlgError)


def run_aggregation(
    spec: AggregatorSpec,
    answers: pd.DataFrame,
    engine: str,
    codec: Codec[Coded, Result],
    params: Mapping[str, Any] | None = None,
) -> Result:
    """Run ``spec``'s method on ``answers`` with ``engine`` (``fast`` where a fast implementation
    exists, else crowd-kit; or ``crowdkit`` throughout) and hyperparameters ``params`` (validated
    by :meth:`AggregatorSpec.check_params`), coded and decoded by the kind's ``codec``.

    Raises SandboxError for a method that cannot handle the data, AggregationFailed when it fails.
    """
    params = params or {}
    used, implementation = spec.implementation(check_engine(engine))
    coded = codec.encode(answers)
    codec.check(spec, coded, params)
    model = implementation.build(params)
    start = time.perf_counter()
    with quiet_crowdkit():
        if isinstance(model, FastModel):
            fitted = codec.fit_fast(model, coded)
        else:
            try:
                fitted = codec.fit_crowdkit(model, coded)
            except CROWDKIT_FAILURES as error:
                raise AggregationFailed(
                    f"{spec.name} (crowd-kit) failed on these answers ({describe_error(error)}); "
                    "try another aggregator or --engine fast"
                ) from None
    seconds = time.perf_counter() - start
    return codec.decode(Fit(spec, used, implementation, model, fitted, coded, seconds), answers)
