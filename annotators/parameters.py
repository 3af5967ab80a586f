"""Typed parameters of archetypes: the value types an archetype's parameter table is made of.

An archetype declares its parameters as an :class:`ArchetypeParameters` model (defaults and one-line
descriptions; see ``annotators.archetypes``). A *skill-like* value (:data:`SkillLike`) describes a
probability per worker and takes one of three forms:

- a number in [0, 1] (every worker the same),
- ``{ alpha = A, beta = B }`` (each worker draws from Beta(A, B)),
- ``{ values = [...] }`` (each worker draws one of the listed values, e.g. fitted on real data).

A *real-valued* trait (:data:`RealLike`, e.g. a weight that may be negative) takes a number,
``{ mean = M, sd = S }`` (each worker draws from a normal distribution) or ``{ values = [...] }``.
Every archetype may also say how long its workers take per answer (:class:`AnswerTime`, the ``time``
key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union

import numpy as np
from numpy.typing import NDArray
from pydantic import Discriminator, Field, Tag

from foundation.config import Allowed, ConfigModel, ParsedFrom

#: A probability: a number in [0, 1].
Probability = Annotated[float, Field(ge=0, le=1), Allowed("a number between 0 and 1")]
#: A number > 0.
Positive = Annotated[float, Field(gt=0), Allowed("> 0")]
#: One positive number for every class, or one per class (K values).
PositiveOrList = Annotated[
    Positive | Annotated[list[Positive], Field(min_length=2)],
    Allowed("a number > 0, or a list of K numbers > 0 (one per class)"),
]
#: A class index (the dataset's classes are coded 0..K-1).
ClassIndex = Annotated[int, Field(ge=0), Allowed("a class index (integer >= 0)")]


class AnswerTime(ConfigModel):
    """``time = { median = ..., workers = ..., answers = ..., per_item = ... }``: how long an
    archetype's workers take per answer. A worker's median time on an item of average work is drawn
    log-normal around ``median`` (sd ``workers`` of log seconds between workers); each answer takes
    that median × (the item's work relative to the average) ** ``per_item`` × a log-normal factor
    (sd ``answers``): honest work takes time in proportion to the item (``per_item`` = 1), a worker
    who does not look at the item does not (``per_item`` = 0)."""

    median: Annotated[float, Field(gt=0, le=86_400)] = Field(
        description="seconds the median worker takes on an item of average work"
    )
    workers: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5, description="sd of log median seconds between workers (0: all alike)"
    )
    answers: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5, description="sd of log seconds between one worker's answers"
    )
    per_item: Annotated[float, Field(ge=0, le=2)] = Field(
        1.0, description="how time grows with the item's work: 1 in proportion, 0 not at all"
    )


class ArchetypeParameters(ConfigModel):
    """The parameters of an archetype. Every archetype has ``time`` (how long its workers take per
    answer; default: the archetype's own, see ``Archetype.default_time``); subclasses declare one
    field per other key."""

    time: AnswerTime | None = Field(
        None,
        description="seconds per answer: { median, workers, answers, per_item } (default: the archetype's)",
    )


def toml_default(value: float | dict[str, Any]) -> Any:
    """A parameter default written as in a population file; validated into the field's type (e.g. a
    :class:`Distribution`) like a value read from a file, and shown as written in docs and schemas."""
    return value


@dataclass(frozen=True)
class Distribution:
    """A per-worker probability distribution (fixed, Beta or empirical)."""

    fixed: float | None = None
    alpha: float | None = None
    beta: float | None = None
    values: tuple[float, ...] = ()
    normal_mean: float | None = None
    normal_sd: float | None = None

    def draw(self, n: int, rng: np.random.Generator) -> NDArray[Any]:
        """Return ``n`` independent draws as a float array."""
        if self.fixed is not None:
            return np.full(n, self.fixed, dtype=float)
        if self.values:
            return rng.choice(np.asarray(self.values, dtype=float), size=n, replace=True)
        if self.normal_mean is not None and self.normal_sd is not None:
            return rng.normal(self.normal_mean, self.normal_sd, size=n)
        assert self.alpha is not None and self.beta is not None  # guaranteed by the parser
        return rng.beta(self.alpha, self.beta, size=n)

    @property
    def mean(self) -> float:
        """Expected value of one draw."""
        if self.fixed is not None:
            return self.fixed
        if self.values:
            return float(np.mean(self.values))
        if self.normal_mean is not None:
            return self.normal_mean
        assert self.alpha is not None and self.beta is not None
        return self.alpha / (self.alpha + self.beta)

    def to_toml(self) -> float | dict[str, Any]:
        """The TOML form this distribution was parsed from."""
        if self.fixed is not None:
            return self.fixed
        if self.values:
            return {"values": list(self.values)}
        if self.normal_mean is not None:
            return {"mean": self.normal_mean, "sd": self.normal_sd}
        return {"alpha": self.alpha, "beta": self.beta}


class BetaForm(ConfigModel):
    """{ alpha = A, beta = B }: each worker draws from Beta(A, B) (mean A / (A + B))."""

    alpha: Positive = Field(description="Beta shape α (pseudo-count of right answers)")
    beta: Positive = Field(description="Beta shape β (pseudo-count of wrong answers)")


class EmpiricalForm(ConfigModel):
    """{ values = [p1, p2, ...] }: each worker draws one of the values (e.g. fitted on real data)."""

    values: Annotated[list[Probability], Field(min_length=1)] = Field(description="the values drawn from")


def _form(value: Any) -> str | None:
    """Which form a skill-like value is written in (None: none of them)."""
    if not isinstance(value, Mapping):
        return "fixed"
    return {frozenset({"alpha", "beta"}): "beta", frozenset({"values"}): "values"}.get(frozenset(value))


def _to_distribution(form: float | BetaForm | EmpiricalForm) -> Distribution:
    if isinstance(form, BetaForm):
        return Distribution(alpha=form.alpha, beta=form.beta)
    if isinstance(form, EmpiricalForm):
        return Distribution(values=tuple(form.values))
    return Distribution(fixed=form)


def _distribution_toml(value: Any) -> Any:
    return value.to_toml() if isinstance(value, Distribution) else value


SkillForm = Annotated[
    Union[  # noqa: UP007 (the tags need the members spelled out)
        Annotated[Probability, Tag("fixed")],
        Annotated[BetaForm, Tag("beta")],
        Annotated[EmpiricalForm, Tag("values")],
    ],
    Discriminator(_form),
]

#: A per-worker probability: a number, ``{ alpha, beta }`` or ``{ values }`` → :class:`Distribution`.
SkillLike = Annotated[
    Distribution,
    ParsedFrom(SkillForm, _to_distribution, _distribution_toml),
    Allowed("a number in [0, 1], { alpha = A, beta = B } or { values = [p1, p2, ...] } (non-empty)"),
]


class NormalForm(ConfigModel):
    """{ mean = M, sd = S }: each worker draws from a normal distribution N(M, S²)."""

    mean: float = Field(description="mean of the workers' values")
    sd: Annotated[float, Field(ge=0)] = Field(description="standard deviation between workers (>= 0)")


class RealValuesForm(ConfigModel):
    """{ values = [v1, v2, ...] }: each worker draws one of the values (e.g. fitted on real data)."""

    values: Annotated[list[float], Field(min_length=1)] = Field(description="the values drawn from")


def _real_form(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "fixed"
    return {frozenset({"mean", "sd"}): "normal", frozenset({"values"}): "values"}.get(frozenset(value))


def _real_distribution(form: float | NormalForm | RealValuesForm) -> Distribution:
    if isinstance(form, NormalForm):
        return Distribution(normal_mean=form.mean, normal_sd=form.sd)
    if isinstance(form, RealValuesForm):
        return Distribution(values=tuple(form.values))
    return Distribution(fixed=float(form))


RealForm = Annotated[
    Union[  # noqa: UP007 (the tags need the members spelled out)
        Annotated[float, Tag("fixed")],
        Annotated[NormalForm, Tag("normal")],
        Annotated[RealValuesForm, Tag("values")],
    ],
    Discriminator(_real_form),
]

#: A real-valued per-worker trait: a number, ``{ mean, sd }`` or ``{ values }`` → :class:`Distribution`.
RealLike = Annotated[
    Distribution,
    ParsedFrom(RealForm, _real_distribution, _distribution_toml),
    Allowed("a number, { mean = M, sd = S } or { values = [v1, v2, ...] } (non-empty)"),
]


def _to_matrix(rows: list[list[float]]) -> NDArray[Any]:
    if len(rows) < 2 or any(len(row) != len(rows) for row in rows):
        lengths = [len(row) for row in rows]
        raise ValueError(f"must be a square K×K matrix (K >= 2), got {len(rows)} rows of lengths {lengths}")
    matrix = np.asarray(rows, dtype=float)
    if not np.allclose(matrix.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("rows must be non-negative and sum to 1")
    return matrix


def _matrix_toml(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


#: A square row-stochastic matrix (K×K, K >= 2, rows non-negative and summing to 1) → ndarray.
StochasticMatrix = Annotated[
    NDArray[np.float64],
    ParsedFrom(list[list[Annotated[float, Field(ge=0)]]], _to_matrix, _matrix_toml),
    Allowed("a square K×K matrix (K >= 2) of numbers whose rows are non-negative and sum to 1"),
]
