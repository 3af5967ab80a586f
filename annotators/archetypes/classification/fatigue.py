"""Fatigue / drift: a worker who starts well and gets sloppier with every task done."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.classification.honest import honest_mistakes
from annotators.parameters import ArchetypeParameters, Positive, SkillLike, toml_default
from annotators.sampling import correct_or_mistake, effective_skill


class FatigueParameters(ArchetypeParameters):
    """``[archetypes.fatigue]``."""

    skill: SkillLike = Field(toml_default({"alpha": 8.0, "beta": 2.0}), description="P(correct) when fresh")
    half_life: Positive = Field(50.0, description="items after which the skill above chance halves")


class Fatigue(Archetype):
    """P(correct) after n items = chance + (skill - chance) × 0.5 ** (n / half_life), then lowered by
    task difficulty like an honest worker's; mistakes fall like an honest worker's.

    The reported skill is the fresh (initial) skill.
    """

    name: ClassVar[str] = "fatigue"
    summary: ClassVar[str] = "honest at first; accuracy decays to chance with tasks done (half_life)"
    honest: ClassVar[bool] = True
    parameters: ClassVar[type[ArchetypeParameters]] = FatigueParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(
            skill=self.distribution("skill").draw(n_workers, rng), target=no_target(n_workers)
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        chance = 1.0 / batch.n_classes
        tired = chance + (batch.ability - chance) * 0.5 ** (batch.position / self.params["half_life"])
        p_correct = effective_skill(tired, batch.difficulty, batch.n_classes)
        mistakes = honest_mistakes(batch, "auto", None, rng)
        return correct_or_mistake(batch.truth, p_correct, mistakes, rng)
