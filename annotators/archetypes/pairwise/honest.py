"""Honest pairwise rater: sees the quality difference through noise (Bradley–Terry or Thurstone link).

A rater of skill p answers a pair whose items are d standard deviations of quality apart by comparing
``a·d + ε`` with 0, where ``ε`` is standard logistic noise (Bradley–Terry: P(right) = σ(a·d)) or
standard normal noise (Thurstone: P(right) = Φ(a·d)), and ``a`` is set so that a pair one standard
deviation apart is answered right with probability p (a = logit(p), or Φ⁻¹(p)). Close pairs are hard,
distant ones easy; p = 0.5 is a coin. When the interface has a tie button, the rater says "tie" when
``|a·d + ε| < a·δ`` (δ the dataset's tie margin), so a perfect rater reproduces the true ties.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

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
from annotators.parameters import ArchetypeParameters, SkillLike, toml_default

Link = Literal["bt", "thurstone"]
#: Skills are clipped this far from 0 and 1 so that the discrimination stays finite.
SKILL_EPSILON = 1e-6

SKILL_TEXT = "P(right) on a pair one standard deviation of quality apart"
LINK_TEXT = "noise model: bt (logistic, Bradley–Terry) or thurstone (normal)"


def discrimination(skill: NDArray[Any], link: str) -> NDArray[Any]:
    """``a`` per answer: the slope that gives P(right) = ``skill`` one standard deviation apart."""
    p = np.clip(np.asarray(skill, dtype=float), SKILL_EPSILON, 1.0 - SKILL_EPSILON)
    return np.asarray(logit(p) if link == "bt" else ndtri(p), dtype=float)


def perceive(
    batch: AnswerBatch,
    context: PairContext,
    skill: NDArray[Any],
    link: str,
    rng: np.random.Generator,
    shift: NDArray[Any] | float = 0.0,
) -> NDArray[Any]:
    """Answers of raters who compare ``a·d + shift + ε`` with 0 (and with the tie margin)."""
    a = discrimination(skill, link)
    size = len(batch.task)
    noise = rng.logistic(size=size) if link == "bt" else rng.standard_normal(size)
    perceived = a * quality_difference(batch, context) + shift + noise
    return choose(perceived, np.abs(a) * context.tie_margin, batch.n_classes == 3)


class ComparingParameters(ArchetypeParameters):
    """The parameters of a rater who compares (``[archetypes.honest]`` of a pairwise population, and
    the honest part of the biased raters)."""

    skill: SkillLike = Field(toml_default({"alpha": 8.0, "beta": 2.0}), description=SKILL_TEXT)
    link: Link = Field("bt", description=LINK_TEXT)


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
        return WorkerTraits(
            skill=self.distribution("skill").draw(n_workers, rng), target=no_target(n_workers)
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        return perceive(batch, context, batch.ability, self.params["link"], rng)
