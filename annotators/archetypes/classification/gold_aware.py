"""Gold-aware cheater: recognises known-answer (gold) questions and answers them well, spams the rest.

The one cheater that gold-based quality control cannot see: its gold accuracy is excellent.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import ArchetypeParameters, SkillLike, toml_default
from annotators.sampling import correct_or_mistake, uniform_other_class


class GoldAwareParameters(ArchetypeParameters):
    """``[archetypes.gold_aware_cheater]``."""

    gold_skill: SkillLike = Field(
        toml_default({"alpha": 50.0, "beta": 1.0}), description="P(correct) on gold questions"
    )


class GoldAwareCheater(Archetype):
    """On gold questions: correct with probability ``gold_skill``; on real tasks: uniform at random.

    Its true skill on real tasks is chance (1/K); ``gold_skill`` is its ability on gold.
    """

    name: ClassVar[str] = "gold_aware_cheater"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "answers gold questions well (gold_skill), spams real tasks at random"
    parameters: ClassVar[type[ArchetypeParameters]] = GoldAwareParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(
            skill=np.full(n_workers, 1.0 / n_classes),
            target=no_target(n_workers),
            ability=self.distribution("gold_skill").draw(n_workers, rng),
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        spam = rng.integers(0, batch.n_classes, size=len(batch.truth))
        wrong = uniform_other_class(batch.truth, batch.n_classes, rng)
        on_gold = correct_or_mistake(batch.truth, batch.ability, wrong, rng)
        return np.where(batch.is_gold, on_gold, spam)
