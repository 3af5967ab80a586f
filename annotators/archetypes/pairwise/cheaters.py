"""Pairwise raters who do not compare in good faith: random clickers, adversaries, tie clickers."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.pairwise.context import TIE, pair_context
from annotators.archetypes.pairwise.honest import LINK_TEXT, Link, perceive
from annotators.parameters import ArchetypeParameters, SkillLike, toml_default
from foundation.errors import SandboxError


class RandomClicker(Archetype):
    """Clicks one of the buttons (left, right, and tie when there is one) uniformly at random."""

    name: ClassVar[str] = "random_clicker"
    summary: ClassVar[str] = "clicks a button uniformly at random (left, right, tie if offered)"

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(skill=np.full(n_workers, 1.0 / n_classes), target=no_target(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        pair_context(batch, self.name)
        return rng.integers(0, batch.n_classes, size=len(batch.task))


class PairAdversaryParameters(ArchetypeParameters):
    """``[archetypes.adversary]`` of a pairwise population."""

    skill: SkillLike = Field(
        toml_default({"alpha": 8.0, "beta": 2.0}), description="how well it sees which item is worse"
    )
    link: Link = Field("bt", description=LINK_TEXT)


class PairAdversary(Archetype):
    """Prefers the worse item: an honest comparison of skill p, reversed (P(right) = 1 − p one
    standard deviation apart)."""

    name: ClassVar[str] = "adversary"
    summary: ClassVar[str] = "prefers the worse item (an honest comparison, reversed)"
    parameters: ClassVar[type[ArchetypeParameters]] = PairAdversaryParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        seeing = self.distribution("skill").draw(n_workers, rng)
        return WorkerTraits(skill=1.0 - seeing, target=no_target(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        return perceive(batch, context, batch.ability, self.params["link"], rng)


class TieClicker(Archetype):
    """Always clicks "tie" (the cheapest way through a task that offers one)."""

    name: ClassVar[str] = "tie_clicker"
    summary: ClassVar[str] = "always clicks tie (needs a dataset with ties allowed)"

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        if n_workers and n_classes < 3:
            raise SandboxError(
                "tie_clicker needs a dataset whose pairs may be ties (e.g. synthetic-pairs:ties=0.2); "
                "this one offers left and right only"
            )
        share_of_ties = float(class_prior[TIE]) if n_classes > TIE else 0.0
        return WorkerTraits(skill=np.full(n_workers, share_of_ties), target=no_target(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        pair_context(batch, self.name)
        return np.full(len(batch.task), TIE, dtype=np.int64)
