"""Biased pairwise raters: they look, but something besides quality decides.

- ``position_biased``: with probability ``bias`` clicks one ``side`` (the left, first item by
  default; or the right) without comparing, otherwise answers like an honest rater. Real interfaces
  show the first response first; with sides shuffled, a rater with bias 1 carries no information.
- ``length_biased``: adds ``weight`` × (right minus left standardised ``feature``, e.g. log length) to
  what they perceive: with weight w, an answer one standard deviation longer counts like w/a standard
  deviations of quality (w < 0: the shorter answer is preferred). This is the verbosity bias of
  reward-model and leaderboard data. On items without the feature it compares like an honest rater.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.pairwise.context import LEFT, RIGHT, pair_context
from annotators.archetypes.pairwise.honest import ComparingParameters, comparing_traits, perceive
from annotators.parameters import ArchetypeParameters, Probability, RealLike, toml_default


class PositionBiasedParameters(ComparingParameters):
    """``[archetypes.position_biased]``."""

    bias: Probability = Field(1.0, description="P(clicking the side without comparing)")
    side: Literal["left", "right"] = Field("left", description="the side clicked without comparing")


class PositionBiased(Archetype):
    """Clicks ``side`` with probability ``bias``; otherwise compares like an honest rater."""

    name: ClassVar[str] = "position_biased"
    summary: ClassVar[str] = "clicks one side (the left by default) with probability bias, else compares"
    parameters: ClassVar[type[ArchetypeParameters]] = PositionBiasedParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        bias = float(self.params["bias"])
        skill = self.distribution("skill").draw(n_workers, rng)
        traits = comparing_traits(self.params, n_workers, rng)
        # P(right) one SD apart with random sides: a click on one side is right half the time
        return WorkerTraits(
            skill=bias * 0.5 + (1.0 - bias) * skill, target=no_target(n_workers), ability=skill, traits=traits
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        link, feature = self.params["link"], self.params["feature"]
        compared = perceive(batch, context, batch.ability, link, rng, feature=feature)
        clicks = rng.random(len(batch.task)) < float(self.params["bias"])
        return np.where(clicks, LEFT if self.params["side"] == "left" else RIGHT, compared)


class LengthBiasedParameters(ComparingParameters):
    """``[archetypes.length_biased]``."""

    weight: RealLike = Field(
        toml_default(2.0),
        description="weight of the feature difference (standardised) in the choice: > 0 prefers the "
        "longer (larger), < 0 the shorter",
    )


class LengthBiased(Archetype):
    """Compares quality plus ``weight`` × the feature difference (prefers the longer answer)."""

    name: ClassVar[str] = "length_biased"
    summary: ClassVar[str] = (
        "compares quality + weight × length difference: prefers the longer (or shorter) item"
    )
    parameters: ClassVar[type[ArchetypeParameters]] = LengthBiasedParameters

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
