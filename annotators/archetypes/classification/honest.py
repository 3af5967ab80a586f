"""Honest worker: answers correctly with its own skill, less on hard tasks; mistakes are structured."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import (
    ArchetypeParameters,
    PositiveOrList,
    Probability,
    SkillLike,
    StochasticMatrix,
    toml_default,
)
from annotators.sampling import (
    confused_class,
    correct_or_mistake,
    effective_skill,
    off_diagonal_draw,
    task_mistakes,
    uniform_other_class,
)
from foundation.errors import SandboxError

#: Smallest Dirichlet parameter drawn with (numpy's sampler is exact above it; a row entry this
#: small is as good as absent).
DIRICHLET_FLOOR = 1e-3


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


def own_mistake_rows(
    center: NDArray[Any], concentration: NDArray[Any], n_workers: int, rng: np.random.Generator
) -> NDArray[Any]:
    """n_workers × K × K: per worker and true class c, a row drawn from Dirichlet(κ_c × ``center[c]``
    off the diagonal (0 on it; entries 0 in ``center`` stay 0)."""
    k = center.shape[0]
    out = np.zeros((n_workers, k, k))
    for c in range(k):
        row = np.asarray(center[c], dtype=float).copy()
        row[c] = 0.0
        active = row > 0
        if active.sum() == 0:
            row[:] = 1.0
            row[c] = 0.0
            active = row > 0
        alpha = np.maximum(concentration[c] * row[active] / row[active].sum(), DIRICHLET_FLOOR)
        out[:, c, active] = rng.dirichlet(alpha, size=n_workers)
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
    mistake_concentration: PositiveOrList | None = Field(
        None,
        description="workers' own mistakes: each worker's row of true class c is drawn from "
        "Dirichlet(κ_c × the row of `confusion`, or of uniform for mistakes = 'uniform'); one κ for "
        "every class or K values; large κ: everyone errs alike; absent: everyone shares the row",
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
        own = self._own_mistakes(n_workers, n_classes, rng)
        if by_class is None:
            return WorkerTraits(skill=skill, target=no_target(n_workers), mistakes=own)
        if len(by_class) != n_classes:
            raise SandboxError(
                f"honest.class_accuracy has {len(by_class)} values but the dataset has {n_classes} classes"
            )
        class_ability = class_skill(skill, np.asarray(by_class, dtype=float), self.distribution("skill").mean)
        return WorkerTraits(
            skill=class_ability @ class_prior,
            target=no_target(n_workers),
            class_ability=class_ability,
            mistakes=own,
        )

    def _own_mistakes(self, n_workers: int, n_classes: int, rng: np.random.Generator) -> NDArray[Any] | None:
        """Each worker's mistakes drawn around the shared rows (``mistake_concentration``), or None."""
        kappa = self.params["mistake_concentration"]
        if kappa is None:
            return None
        mode, confusion = self.params["mistakes"], self.params["confusion"]
        if mode == "auto":
            raise SandboxError(
                "honest.mistake_concentration needs mistakes = 'confusion' or 'uniform' "
                "(the rows it draws each worker's around)"
            )
        center = np.ones((n_classes, n_classes)) if mode == "uniform" else confusion
        if center is None or center.shape[0] != n_classes:
            raise SandboxError(
                f"honest.mistake_concentration draws around a {n_classes}×{n_classes} `confusion`; give one"
            )
        kappas = np.asarray(kappa, dtype=float)
        kappas = np.full(n_classes, float(kappas)) if kappas.ndim == 0 else kappas
        if len(kappas) != n_classes:
            raise SandboxError(
                f"honest.mistake_concentration has {len(kappas)} values but the dataset has "
                f"{n_classes} classes; give one per class, or one for all"
            )
        return own_mistake_rows(center, kappas, n_workers, rng)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        mistakes = honest_mistakes(batch, self.params["mistakes"], self.params["confusion"], rng)
        if batch.worker_mistakes is not None:  # workers with their own mistakes use them
            rows = batch.worker_mistakes[batch.worker, batch.truth]
            own = ~np.isnan(rows).any(axis=1)
            if own.any():
                mistakes = mistakes.copy()
                mistakes[own] = off_diagonal_draw(rows[own], batch.truth[own], rng)
        p_correct = effective_skill(batch.ability, batch.difficulty, batch.n_classes)
        return correct_or_mistake(batch.truth, p_correct, mistakes, rng)
