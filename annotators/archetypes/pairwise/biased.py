"""Biased pairwise raters: they look, but something besides quality decides.

- ``position_biased``: with probability ``bias`` clicks the left (first) item without comparing,
  otherwise answers like an honest rater. Real interfaces show the first response first; with sides
  shuffled, a rater with bias 1 carries no information.
- ``length_biased``: adds ``weight`` × (right minus left standardised nuisance, e.g. log length) to
  what they perceive: with weight w, a longer answer one standard deviation longer counts like w/a
  standard deviations of quality. This is the verbosity bias of reward-model and leaderboard data.
  On items without a length (a dataset without the nuisance column) it compares like an honest rater.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.pairwise.context import LEFT, pair_context
from annotators.archetypes.pairwise.honest import ComparingParameters, perceive
from annotators.parameters import ArchetypeParameters, Probability
from foundation.config import Allowed


class PositionBiasedParameters(ComparingParameters):
    """``[archetypes.position_biased]``."""

    bias: Probability = Field(1.0, description="P(clicking the left item without comparing)")


class PositionBiased(Archetype):
    """Clicks left with probability ``bias``; otherwise compares like an honest rater."""

    name: ClassVar[str] = "position_biased"
    summary: ClassVar[str] = "clicks the left item with probability bias, else compares honestly"
    parameters: ClassVar[type[ArchetypeParameters]] = PositionBiasedParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        bias = float(self.params["bias"])
        skill = self.distribution("skill").draw(n_workers, rng)
        # P(right) one SD apart with random sides: a click on the left is right half the time
        return WorkerTraits(
            skill=bias * 0.5 + (1.0 - bias) * skill, target=no_target(n_workers), ability=skill
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        compared = perceive(batch, context, batch.ability, self.params["link"], rng)
        clicks_left = rng.random(len(batch.task)) < float(self.params["bias"])
        return np.where(clicks_left, LEFT, compared)


Weight = Annotated[float, Field(ge=0), Allowed("a number >= 0")]


class LengthBiasedParameters(ComparingParameters):
    """``[archetypes.length_biased]``."""

    weight: Weight = Field(2.0, description="weight of the nuisance difference (standardised) in the choice")


class LengthBiased(Archetype):
    """Compares quality plus ``weight`` × the nuisance difference (prefers the longer answer)."""

    name: ClassVar[str] = "length_biased"
    summary: ClassVar[str] = "compares quality + weight × length difference: prefers the longer item"
    parameters: ClassVar[type[ArchetypeParameters]] = LengthBiasedParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(
            skill=self.distribution("skill").draw(n_workers, rng), target=no_target(n_workers)
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        if context.left_nuisance is None or context.right_nuisance is None:  # no length to be swayed by
            return perceive(batch, context, batch.ability, self.params["link"], rng)
        shift = self.params["weight"] * (
            context.right_nuisance[batch.task] - context.left_nuisance[batch.task]
        )
        return perceive(batch, context, batch.ability, self.params["link"], rng, shift)
