"""Spammers: workers who do not look at the task (uniform random, or always the same answer)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.parameters import ArchetypeParameters, ClassIndex, Probability
from annotators.sampling import sample_categorical
from foundation.errors import SandboxError


class UniformSpammerParameters(ArchetypeParameters):
    """``[archetypes.uniform_spammer]``."""

    preference: Annotated[list[Probability], Field(min_length=2)] | None = Field(
        None, description="how often each class is given (K shares summing to 1; default uniform)"
    )


class UniformSpammer(Archetype):
    """Clicks a random class on every task, ignoring it: uniformly (accuracy 1/K), or with fixed shares
    (``preference``; real no-signal workers often favour one button)."""

    name: ClassVar[str] = "uniform_spammer"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "answers at random, ignoring the item (uniform, or `preference` shares)"
    parameters: ClassVar[type[ArchetypeParameters]] = UniformSpammerParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        shares = self.params["preference"]
        if shares is None:
            return WorkerTraits(skill=np.full(n_workers, 1.0 / n_classes), target=no_target(n_workers))
        if len(shares) != n_classes or abs(sum(shares) - 1.0) > 1e-6:
            raise SandboxError(
                f"uniform_spammer.preference must be {n_classes} shares summing to 1, got {shares}"
            )
        preference = np.tile(np.asarray(shares, dtype=float), (n_workers, 1))
        return WorkerTraits(
            skill=np.full(n_workers, float(np.dot(shares, class_prior))),
            target=no_target(n_workers),
            preference=preference,
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        rows = None if batch.worker_preference is None else batch.worker_preference[batch.worker]
        if rows is None or np.all(rows == 1.0 / batch.n_classes):
            return rng.integers(0, batch.n_classes, size=len(batch.truth))
        return sample_categorical(rows, rng)


class FixedSpammerParameters(ArchetypeParameters):
    """``[archetypes.fixed_spammer]``."""

    label: ClassIndex | None = Field(None, description="class index every spammer gives (default: random)")


class FixedSpammer(Archetype):
    """Gives the same class to every task (the most common real spammer).

    ``label`` fixes the class for all of them; by default each spammer picks one class at random.
    Its expected accuracy is the share of its class in the truth.
    """

    name: ClassVar[str] = "fixed_spammer"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "always gives the same class (its own, or `label`)"
    parameters: ClassVar[type[ArchetypeParameters]] = FixedSpammerParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        fixed = self.params["label"]
        if fixed is not None and fixed >= n_classes:
            raise SandboxError(
                f"fixed_spammer.label = {fixed} but the dataset has {n_classes} classes "
                f"(allowed: 0..{n_classes - 1})"
            )
        labels = (
            np.full(n_workers, fixed, dtype=np.int64)
            if fixed is not None
            else rng.integers(0, n_classes, size=n_workers)
        )
        return WorkerTraits(skill=class_prior[labels].astype(float), target=labels)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        return batch.target.copy()


class MajorityClassGuesser(Archetype):
    """Always gives the dataset's most common class.

    On skewed data this looks accurate (its accuracy is the majority share) and agrees with most
    honest answers, so naive agreement checks miss it; it carries no information.
    """

    name: ClassVar[str] = "majority_guesser"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "always the most common class (looks fine on skewed data)"

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        majority = int(np.argmax(class_prior))
        return WorkerTraits(
            skill=np.full(n_workers, float(class_prior[majority])),
            target=np.full(n_workers, majority, dtype=np.int64),
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        return batch.target.copy()
