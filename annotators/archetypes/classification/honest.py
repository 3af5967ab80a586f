"""Honest worker: answers correctly with its own skill, less on hard tasks; mistakes are structured."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import ArchetypeParameters, Probability, SkillLike, StochasticMatrix, toml_default
from annotators.sampling import (
    confused_class,
    correct_or_mistake,
    effective_skill,
    task_mistakes,
    uniform_other_class,
)
from foundation.errors import SandboxError


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


def class_skill(skill: NDArray[Any], class_accuracy: NDArray[Any], mean_skill: float) -> NDArray[Any]:
    """Each worker's P(correct) per true class (n_workers × K): the class's accuracy for an average
    worker, shifted on the log-odds scale by how far the worker's skill is from the mean skill."""
    shift = _logit(skill) - _logit(np.asarray(mean_skill))
    out: NDArray[Any] = 1.0 / (1.0 + np.exp(-(_logit(class_accuracy)[None, :] + shift[:, None])))
    return out


def _logit(p: NDArray[Any]) -> NDArray[Any]:
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    out: NDArray[Any] = np.log(clipped / (1 - clipped))
    return out


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
    class_accuracy: Annotated[list[Probability], Field(min_length=2)] | None = Field(
        None,
        description="P(correct) of an average worker per true class (K values): class-conditional skill; "
        "each worker's skill shifts it on the log-odds scale",
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
        skill = self.distribution("skill").draw(n_workers, rng)
        by_class = self.params["class_accuracy"]
        if by_class is None:
            return WorkerTraits(skill=skill, target=no_target(n_workers))
        if len(by_class) != n_classes:
            raise SandboxError(
                f"honest.class_accuracy has {len(by_class)} values but the dataset has {n_classes} classes"
            )
        class_ability = class_skill(skill, np.asarray(by_class, dtype=float), self.distribution("skill").mean)
        return WorkerTraits(
            skill=class_ability @ class_prior, target=no_target(n_workers), class_ability=class_ability
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        mistakes = honest_mistakes(batch, self.params["mistakes"], self.params["confusion"], rng)
        p_correct = effective_skill(batch.ability, batch.difficulty, batch.n_classes)
        return correct_or_mistake(batch.truth, p_correct, mistakes, rng)
