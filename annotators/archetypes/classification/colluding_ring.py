"""Colluding ring (Sybils): members give one shared answer per task — correlated errors.

Every aggregator assumes workers err independently; a ring breaks that assumption, so its members
reinforce each other and can outvote honest workers.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import ArchetypeParameters, ClassIndex
from foundation.errors import SandboxError

#: Salt mixed into the campaign key so the ring's answer table is its own random stream.
RING_STREAM = 0x51B11


class ColludingRingParameters(ArchetypeParameters):
    """``[archetypes.colluding_ring]``."""

    strategy: Literal["wrong", "random", "fixed"] = Field(
        "wrong", description="how the shared answer is drawn"
    )
    rings: Annotated[int, Field(ge=1)] = Field(1, description="number of separate rings")
    label: ClassIndex | None = Field(None, description="the class of strategy = 'fixed'")


class ColludingRing(Archetype):
    """Members of ring r answer task t with the ring's shared answer ``A[r, t]``.

    ``strategy`` draws the shared answers: ``"wrong"`` (a wrong class per task, uniform over the
    others: an attack), ``"random"`` (uniform per task: a lazy ring sharing one click), ``"fixed"``
    (always class ``label``). ``rings`` splits the members evenly into that many rings.
    """

    name: ClassVar[str] = "colluding_ring"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "ring members share one answer per task (wrong, random or fixed)"
    parameters: ClassVar[type[ArchetypeParameters]] = ColludingRingParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        strategy, label = self.params["strategy"], self.params["label"]
        if strategy == "fixed" and (label is None or label >= n_classes):
            raise SandboxError(
                f"colluding_ring.strategy = 'fixed' needs label = a class index 0..{n_classes - 1}"
            )
        skill = {"wrong": 0.0, "random": 1.0 / n_classes}.get(strategy)
        if skill is None:
            skill = float(class_prior[label])
        group = np.arange(n_workers, dtype=np.int64) % self.params["rings"]
        return WorkerTraits(skill=np.full(n_workers, skill), target=no_target(n_workers), group=group)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        shared = self.shared_answers(batch)
        return shared[batch.group, batch.task]

    def shared_answers(self, batch: AnswerBatch) -> NDArray[Any]:
        """The (rings × tasks) answer table of the rings the batch's members belong to, the same in
        every round of one campaign (ring r's row is the r-th row drawn, however many rows are
        drawn): never more rows than members, whatever ``rings`` says."""
        stream = np.random.default_rng([batch.campaign_key, RING_STREAM])
        shape = (int(batch.group.max()) + 1 if len(batch.group) else 0, batch.n_tasks)
        strategy = self.params["strategy"]
        if strategy == "fixed":
            return np.full(shape, self.params["label"], dtype=np.int64)
        if strategy == "random":
            return stream.integers(0, batch.n_classes, size=shape)
        truth_by_task = np.zeros(batch.n_tasks, dtype=np.int64)
        truth_by_task[batch.task] = batch.truth
        shift = stream.integers(1, batch.n_classes, size=shape)
        return (truth_by_task[None, :] + shift) % batch.n_classes
