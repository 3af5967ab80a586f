"""Copier: copies an answer someone else already gave on the same task (when there is one)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target


class Copier(Archetype):
    """Answers with a uniformly chosen earlier answer on the same task by a non-copier (this round or
    before); on a task nobody has answered yet, answers uniformly at random.

    It adds no information but a duplicated vote. Its skill is undefined (NaN): it is as good as the
    answers it copies.
    """

    name: ClassVar[str] = "copier"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "copies an answer already given on the task (random if none)"
    answers_last: ClassVar[bool] = True

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        return WorkerTraits(skill=np.full(n_workers, np.nan), target=no_target(n_workers))

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        guess = rng.integers(0, batch.n_classes, size=len(batch.truth))
        earlier = batch.earlier
        if earlier is None or len(earlier.task) == 0:
            return guess
        first = np.searchsorted(earlier.task, batch.task, side="left")
        count = np.searchsorted(earlier.task, batch.task, side="right") - first
        pick = first + np.floor(rng.random(len(batch.task)) * np.maximum(count, 1)).astype(np.int64)
        copied = earlier.label[np.minimum(pick, len(earlier.label) - 1)]
        return np.where(count > 0, copied, guess)
