"""Parameters of rating archetypes that are not probabilities: a rater's offset and slope.

An *amount* (:data:`OffsetLike`, :data:`SlopeLike`) describes a number per rater and takes one of
three forms:

- a number (every rater the same),
- ``{ mean = M, sd = S }`` (each rater draws from a normal distribution, clipped to the allowed range),
- ``{ values = [...] }`` (each rater draws one of the listed values, e.g. fitted on real data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union

import numpy as np
from numpy.typing import NDArray
from pydantic import Discriminator, Field, Tag, create_model

from foundation.config import Allowed, ConfigModel, ParsedFrom

#: Offsets are shares of the range: a whole range up or down at most.
OFFSET_LIMIT = 1.0
#: Slopes: 0 (rates everything alike) to this (everything at the ends).
SLOPE_LIMIT = 10.0

FORMS = "a number, { mean = M, sd = S } or { values = [v1, v2, ...] } (non-empty)"


@dataclass(frozen=True)
class Amount:
    """A per-rater number: ``fixed``, normal (``mean``, ``sd``) or one of ``values``; draws are
    clipped to ``[low, high]``."""

    low: float
    high: float
    fixed: float | None = None
    mean: float | None = None
    sd: float | None = None
    values: tuple[float, ...] = ()

    def draw(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """``n`` independent draws (clipped to the allowed range)."""
        drawn: NDArray[np.float64]
        if self.fixed is not None:
            drawn = np.full(n, self.fixed, dtype=float)
        elif self.values:
            drawn = rng.choice(np.asarray(self.values, dtype=float), size=n, replace=True)
        else:
            assert self.mean is not None and self.sd is not None  # guaranteed by the parser
            drawn = rng.normal(self.mean, self.sd, size=n)
        return np.clip(drawn, self.low, self.high)

    def to_toml(self) -> float | dict[str, Any]:
        """The TOML form this amount was parsed from."""
        if self.fixed is not None:
            return self.fixed
        if self.values:
            return {"values": list(self.values)}
        return {"mean": self.mean, "sd": self.sd}


def _form(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "fixed"
    return {frozenset({"mean", "sd"}): "normal", frozenset({"values"}): "values"}.get(frozenset(value))


def _amount(name: str, low: float, high: float, description: str) -> Any:
    """The annotation of an amount called ``name`` (its table models are ``<name>Normal`` and
    ``<name>Values``) whose values lie in ``[low, high]``."""
    bounded = Annotated[float, Field(ge=low, le=high), Allowed(f"a number in [{low:g}, {high:g}]")]
    normal_form: Any = create_model(
        f"{name}Normal",
        __base__=ConfigModel,
        __doc__="{ mean = M, sd = S }: each rater draws from Normal(M, S), clipped to the allowed range.",
        mean=(bounded, Field(description=f"mean {description}")),
        sd=(
            Annotated[float, Field(ge=0, le=high - low)],
            Field(description="standard deviation across raters"),
        ),
    )
    values_form: Any = create_model(
        f"{name}Values",
        __base__=ConfigModel,
        __doc__="{ values = [v1, v2, ...] }: each rater draws one of the values (e.g. fitted on real data).",
        values=(Annotated[list[bounded], Field(min_length=1)], Field(description="the values drawn from")),
    )

    def convert(form: Any) -> Amount:
        table: dict[str, Any] = dict(form) if isinstance(form, normal_form | values_form) else {}
        if isinstance(form, normal_form):
            return Amount(low, high, mean=table["mean"], sd=table["sd"])
        if isinstance(form, values_form):
            return Amount(low, high, values=tuple(table["values"]))
        return Amount(low, high, fixed=float(form))

    def dump(value: Any) -> Any:
        return value.to_toml() if isinstance(value, Amount) else value

    shape = Annotated[
        Union[  # noqa: UP007 (the tags need the members spelled out)
            Annotated[bounded, Tag("fixed")],
            Annotated[normal_form, Tag("normal")],
            Annotated[values_form, Tag("values")],
        ],
        Discriminator(_form),
    ]
    return Annotated[
        Amount, ParsedFrom(shape, convert, dump), Allowed(f"{FORMS}, within [{low:g}, {high:g}]")
    ]


#: A rater's offset in shares of the range (> 0 lenient, < 0 harsh).
OffsetLike = _amount("Offset", -OFFSET_LIMIT, OFFSET_LIMIT, "offset (share of the range)")
#: A rater's slope: how far apart they put items (1 = as far as they are; < 1 compressed, > 1 expanded).
SlopeLike = _amount("Slope", 0.0, SLOPE_LIMIT, "slope")
