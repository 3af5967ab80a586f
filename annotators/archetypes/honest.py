"""Honest worker: answers correctly with its own skill; mistakes are uniform or follow a confusion."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_label
from annotators.parameters import Parameter, choice, distribution, stochastic_matrix
from annotators.sampling import confused_class, correct_or_mistake, uniform_other_class
from sandbox.errors import SandboxError


class Honest(Archetype):
    """A worker who tries: P(correct) = skill, drawn per worker.

    ``mistakes = "uniform"``: a wrong answer is uniform over the other classes.
    ``mistakes = "confusion"``: a wrong answer follows the off-diagonal of ``confusion[true class]``
    (a K×K row-stochastic matrix given in the population file, or else the dataset's own).
    """

    name: ClassVar[str] = "honest"
    summary: ClassVar[str] = "tries to answer right; skill ~ Beta or fixed; uniform or confused mistakes"
    honest: ClassVar[bool] = True
    parameters: ClassVar[dict[str, Parameter]] = {
        "skill": Parameter(
            {"alpha": 8.0, "beta": 2.0},
            distribution,
            "P(correct): number, {alpha, beta} or {values}",
        ),
        "mistakes": Parameter("uniform", choice("uniform", "confusion"), "how wrong answers fall"),
        "confusion": Parameter(None, stochastic_matrix, "K×K row-stochastic confusion of mistakes"),
    }

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(skill=self.distribution("skill").draw(n_workers, rng), label=no_label(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        mistakes = self._mistakes(batch, rng)
        return correct_or_mistake(batch.truth, batch.skill, mistakes, rng)

    def _mistakes(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        if self.params["mistakes"] == "uniform":
            return uniform_other_class(batch.truth, batch.n_classes, rng)
        confusion = self.params["confusion"]
        if confusion is None:
            confusion = batch.confusion
        if confusion is None:
            raise SandboxError(
                "honest.mistakes = 'confusion' needs a `confusion` matrix in the population "
                "(this dataset provides none); use mistakes = 'uniform' or add the matrix"
            )
        if confusion.shape[0] != batch.n_classes:
            raise SandboxError(
                f"honest.confusion is {confusion.shape[0]}×{confusion.shape[0]} but the dataset has "
                f"{batch.n_classes} classes; the matrix must be {batch.n_classes}×{batch.n_classes}"
            )
        return confused_class(batch.truth, confusion, rng)
