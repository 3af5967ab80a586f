"""Honest worker: answers correctly with its own skill, less on hard tasks; mistakes are structured."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_label
from annotators.errors import SandboxError
from annotators.parameters import ArchetypeParameters, SkillLike, StochasticMatrix, toml_default
from annotators.sampling import (
    confused_class,
    correct_or_mistake,
    effective_skill,
    task_mistakes,
    uniform_other_class,
)


def honest_mistakes(
    batch: AnswerBatch, mode: str, confusion: NDArray[Any] | None, rng: np.random.Generator
) -> NDArray[Any]:
    """Wrong answers of a worker who tries, by ``mode``.

    ``"auto"``: the dataset's per-task confusions when it has them (a classifier's out-of-fold
    probabilities: a "4" is mistaken for a "9"), else uniform. ``"uniform"``: uniform over the other
    classes. ``"confusion"``: the off-diagonal of ``confusion[true class]`` (a K×K matrix).
    """
    if mode == "auto":
        if batch.task_confusion is None:
            return uniform_other_class(batch.truth, batch.n_classes, rng)
        return task_mistakes(batch.truth, batch.task, batch.task_confusion, rng)
    if mode == "uniform":
        return uniform_other_class(batch.truth, batch.n_classes, rng)
    if confusion is None:
        raise SandboxError("honest.mistakes = 'confusion' needs a `confusion` matrix (K×K) in the population")
    if confusion.shape[0] != batch.n_classes:
        raise SandboxError(
            f"honest.confusion is {confusion.shape[0]}×{confusion.shape[0]} but the dataset has "
            f"{batch.n_classes} classes; the matrix must be {batch.n_classes}×{batch.n_classes}"
        )
    return confused_class(batch.truth, confusion, rng)


class HonestParameters(ArchetypeParameters):
    """``[archetypes.honest]``."""

    skill: SkillLike = Field(
        toml_default({"alpha": 8.0, "beta": 2.0}), description="P(correct) on an easy task"
    )
    mistakes: Literal["auto", "uniform", "confusion"] = Field(
        "auto", description="how wrong answers fall: the dataset's confusions, uniform, or `confusion`"
    )
    confusion: StochasticMatrix | None = Field(
        None, description="K×K row-stochastic confusion of mistakes (for mistakes = 'confusion')"
    )


class Honest(Archetype):
    """A worker who tries: P(correct) = skill on an easy task, falling to chance as difficulty rises.

    ``skill`` is drawn per worker; ``mistakes`` picks how wrong answers fall (see ``honest_mistakes``).
    """

    name: ClassVar[str] = "honest"
    summary: ClassVar[str] = "tries to answer right; skill ~ Beta or fixed; lower on hard tasks"
    honest: ClassVar[bool] = True
    parameters: ClassVar[type[ArchetypeParameters]] = HonestParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(skill=self.distribution("skill").draw(n_workers, rng), label=no_label(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        mistakes = honest_mistakes(batch, self.params["mistakes"], self.params["confusion"], rng)
        p_correct = effective_skill(batch.ability, batch.difficulty, batch.n_classes)
        return correct_or_mistake(batch.truth, p_correct, mistakes, rng)
