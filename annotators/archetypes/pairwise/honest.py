"""Honest pairwise rater: sees the quality difference through noise (Bradley–Terry or Thurstone link).

A rater of skill p answers a pair whose items are d standard deviations of quality apart by comparing
``a·d + ε`` with 0, where ``ε`` is standard logistic noise (Bradley–Terry: P(right) = σ(a·d)) or
standard normal noise (Thurstone: P(right) = Φ(a·d)), and ``a`` is set so that a pair one standard
deviation apart is answered right with probability p (a = logit(p), or Φ⁻¹(p)). Close pairs are hard,
distant ones easy; p = 0.5 is a coin. When the interface has a tie button, the rater says "tie" when
``|a·d + ε| < τ``: with a tie propensity ``ties`` = q (P(tie) on two equal items, drawn per rater),
τ is set so that P(|ε| < τ) = q; without one, τ = a·δ (δ the dataset's tie margin), so a perfect
rater reproduces the true ties.

Every comparing rater (honest, biased, ring members, adversaries) also has, per rater:

- a position lean ``left`` = P(left) on two equal items (0.5: none; either side): it adds
  β = −F⁻¹(left) to what they perceive (F the noise's distribution function);
- a feature weight ``weight`` (either sign) on the standardised difference of one numeric item
  ``feature`` (default ``length``, standardised log length): w > 0 leans towards the longer (larger)
  item, w < 0 towards the shorter; no effect on items without that feature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field
from scipy.special import logit, ndtri

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.pairwise.context import (
    PairContext,
    choose,
    pair_context,
    quality_difference,
)
from annotators.parameters import ArchetypeParameters, RealLike, SkillLike, toml_default
from foundation.config import Allowed

Link = Literal["bt", "thurstone"]
#: Skills are clipped this far from 0 and 1 so that the discrimination stays finite.
SKILL_EPSILON = 1e-6

SKILL_TEXT = "P(right) on a pair one standard deviation of quality apart"
LINK_TEXT = "noise model: bt (logistic, Bradley–Terry) or thurstone (normal)"
#: The per-rater traits of a comparing rater (``WorkerTraits.traits``): tie propensity, position
#: lean, feature weight.
TRAITS = ("tie", "left", "weight")
FeatureName = Annotated[str, Field(min_length=1, max_length=200), Allowed("a numeric item column's name")]


def discrimination(skill: NDArray[Any], link: str) -> NDArray[Any]:
    """``a`` per answer: the slope that gives P(right) = ``skill`` one standard deviation apart."""
    p = np.clip(np.asarray(skill, dtype=float), SKILL_EPSILON, 1.0 - SKILL_EPSILON)
    return np.asarray(logit(p) if link == "bt" else ndtri(p), dtype=float)


def quantile(p: NDArray[Any], link: str) -> NDArray[Any]:
    """F⁻¹(p) of the noise (logistic or standard normal), p clipped away from 0 and 1."""
    return discrimination(p, link)


def tie_threshold(propensity: NDArray[Any], link: str) -> NDArray[Any]:
    """τ such that P(|ε| < τ) = ``propensity`` (P(tie) on two equal items)."""
    return quantile((1.0 + np.asarray(propensity, dtype=float)) / 2.0, link)


def perceive(
    batch: AnswerBatch,
    context: PairContext,
    skill: NDArray[Any],
    link: str,
    rng: np.random.Generator,
    shift: NDArray[Any] | float = 0.0,
    feature: str = "length",
) -> NDArray[Any]:
    """Answers of raters who compare ``a·d + shift + β + w·Δx + ε`` with 0 (and with their tie
    threshold), β and w from the batch's ``left`` and ``weight`` traits (see the module docstring)."""
    a = discrimination(skill, link)
    size = len(batch.task)
    noise = rng.logistic(size=size) if link == "bt" else rng.standard_normal(size)
    lean = _lean(batch.traits, link)
    leaning = _feature_shift(batch, context, feature)
    perceived = a * quality_difference(batch, context) + shift + lean + leaning + noise
    margin: NDArray[Any] | float = np.abs(a) * context.tie_margin
    propensity = batch.traits.get("tie")
    if propensity is not None and not np.isnan(propensity).all():
        margin = np.where(np.isnan(propensity), margin, tie_threshold(np.nan_to_num(propensity), link))
    return choose(perceived, margin, batch.n_classes == 3)


def _lean(traits: Mapping[str, NDArray[Any]], link: str) -> NDArray[Any] | float:
    """β = −F⁻¹(left) per answer (0 where there is no lean)."""
    left = traits.get("left")
    if left is None or np.all(np.isnan(left) | (left == 0.5)):
        return 0.0
    return np.where(np.isnan(left), 0.0, -quantile(np.nan_to_num(left, nan=0.5), link))


def _feature_shift(batch: AnswerBatch, context: PairContext, feature: str) -> NDArray[Any] | float:
    """w × (right − left standardised ``feature``) per answer (0 without a weight or the feature)."""
    weight = batch.traits.get("weight")
    if weight is None or feature not in context.features or np.all(np.nan_to_num(weight) == 0):
        return 0.0
    left, right = context.features[feature]
    return np.nan_to_num(weight) * (right[batch.task] - left[batch.task])


def comparing_traits(
    params: Mapping[str, Any], n_workers: int, rng: np.random.Generator
) -> dict[str, NDArray[Any]]:
    """Per rater: tie propensity (NaN without ``ties``: the dataset's margin), position lean and
    feature weight drawn from the archetype's parameters (fixed values draw nothing)."""
    ties = params.get("ties")
    return {
        "tie": np.full(n_workers, np.nan) if ties is None else ties.draw(n_workers, rng),
        "left": params["left"].draw(n_workers, rng),
        "weight": params["weight"].draw(n_workers, rng),
    }


class ComparingParameters(ArchetypeParameters):
    """The parameters of a rater who compares (``[archetypes.honest]`` of a pairwise population, and
    the honest part of the biased raters)."""

    skill: SkillLike = Field(toml_default({"alpha": 8.0, "beta": 2.0}), description=SKILL_TEXT)
    link: Link = Field("bt", description=LINK_TEXT)
    ties: SkillLike | None = Field(
        None,
        description="tie propensity: P(tie) on two equal items, per rater (default: the dataset's margin)",
    )
    left: SkillLike = Field(
        toml_default(0.5), description="position lean: P(left) on two equal items, per rater (0.5: none)"
    )
    weight: RealLike = Field(
        toml_default(0.0),
        description="weight of the feature difference (standardised), per rater: > 0 prefers the larger",
    )
    feature: FeatureName = Field("length", description="the numeric item column the weight applies to")


HonestRaterParameters = ComparingParameters


class HonestRater(Archetype):
    """Compares the two items through noise scaled by skill (see the module docstring)."""

    name: ClassVar[str] = "honest"
    summary: ClassVar[str] = "compares through noise: P(right) = σ(a·d), a from skill (Bradley–Terry)"
    honest: ClassVar[bool] = True
    parameters: ClassVar[type[ArchetypeParameters]] = HonestRaterParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        skill = self.distribution("skill").draw(n_workers, rng)
        traits = comparing_traits(self.params, n_workers, rng)
        return WorkerTraits(skill=skill, target=no_target(n_workers), traits=traits)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        return perceive(
            batch, context, batch.ability, self.params["link"], rng, feature=self.params["feature"]
        )
