"""Adversary: knows the right answer and deliberately gives a wrong one."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import ArchetypeParameters, SkillLike, toml_default
from annotators.sampling import correct_or_mistake, uniform_other_class


class AdversaryParameters(ArchetypeParameters):
    """``[archetypes.adversary]``."""

    malice: SkillLike = Field(toml_default(1.0), description="P(deliberately wrong) per worker")


class Adversary(Archetype):
    """Answers wrong (uniform over the other classes) with probability ``malice``, else right.

    Its skill (P(correct)) is ``1 - malice``: below chance, which skill-aware aggregators can exploit.
    """

    name: ClassVar[str] = "adversary"
    summary: ClassVar[str] = "deliberately wrong with probability `malice` (default 1)"
    parameters: ClassVar[type[ArchetypeParameters]] = AdversaryParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        malice = self.distribution("malice").draw(n_workers, rng)
        return WorkerTraits(skill=1.0 - malice, target=no_target(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        wrong = uniform_other_class(batch.truth, batch.n_classes, rng)
        return correct_or_mistake(batch.truth, batch.ability, wrong, rng)
