"""Pairwise raters who do not compare in good faith: random clickers, adversaries, tie clickers."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits, no_target
from annotators.archetypes.pairwise.context import LEFT, RIGHT, TIE, pair_context
from annotators.archetypes.pairwise.honest import ComparingParameters, comparing_traits, perceive
from annotators.parameters import ArchetypeParameters, Probability, SkillLike, toml_default
from foundation.config import Allowed
from foundation.errors import SandboxError

Shares = Annotated[
    list[Probability],
    Field(min_length=2, max_length=3),
    Allowed("2 or 3 shares (left, right[, tie]) summing to 1"),
]


class RandomClickerParameters(ArchetypeParameters):
    """``[archetypes.random_clicker]``."""

    preference: Shares | None = Field(
        None, description="how often each button is clicked: left, right[, tie] (default: uniform)"
    )


class RandomClicker(Archetype):
    """Clicks one of the buttons (left, right, and tie when there is one) at random: uniformly, or
    with its ``preference`` (a worker fitted on real answers keeps their own shares)."""

    name: ClassVar[str] = "random_clicker"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "clicks a button at random (left, right, tie if offered), uniformly or by preference"
    )
    parameters: ClassVar[type[ArchetypeParameters]] = RandomClickerParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        preference = button_shares(self.params["preference"], n_classes)
        return WorkerTraits(
            skill=np.full(n_workers, 1.0 / n_classes),
            target=no_target(n_workers),
            preference=np.tile(preference, (n_workers, 1)),
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        pair_context(batch, self.name)
        shares = None if batch.worker_preference is None else batch.worker_preference[batch.worker]
        if shares is None or np.allclose(shares, 1.0 / batch.n_classes):
            return rng.integers(0, batch.n_classes, size=len(batch.task))
        cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
        draws = rng.random(len(batch.task))[:, None]
        return np.minimum((draws >= cumulative).sum(axis=1), batch.n_classes - 1).astype(np.int64)


def button_shares(preference: list[float] | None, n_classes: int) -> NDArray[np.float64]:
    """The shares of the ``n_classes`` buttons: ``preference`` (renormalised without a tie button),
    or uniform; SandboxError when they do not fit the interface."""
    if preference is None:
        return np.full(n_classes, 1.0 / n_classes)
    shares = np.asarray(preference, dtype=float)
    if abs(shares.sum() - 1.0) > 1e-6:
        raise SandboxError(f"random_clicker.preference must sum to 1, got {shares.sum():g}")
    if len(shares) == 3 and n_classes == 2:
        shares = shares[:2]
    if len(shares) != n_classes or shares.sum() <= 0:
        raise SandboxError(
            f"random_clicker.preference gives {len(preference)} shares; the dataset has {n_classes} buttons"
        )
    result: NDArray[np.float64] = shares / shares.sum()
    return result


class PairAdversaryParameters(ComparingParameters):
    """``[archetypes.adversary]`` of a pairwise population."""

    skill: SkillLike = Field(
        toml_default({"alpha": 8.0, "beta": 2.0}), description="how well it sees which item is worse"
    )


class PairAdversary(Archetype):
    """Prefers the worse item: an honest comparison of skill p, reversed (P(right) = 1 − p one
    standard deviation apart), with the ties, position lean and feature weight of a comparing rater."""

    name: ClassVar[str] = "adversary"
    summary: ClassVar[str] = "prefers the worse item (an honest comparison, reversed)"
    parameters: ClassVar[type[ArchetypeParameters]] = PairAdversaryParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        seeing = self.distribution("skill").draw(n_workers, rng)
        traits = comparing_traits(self.params, n_workers, rng)
        return WorkerTraits(skill=1.0 - seeing, target=no_target(n_workers), traits=traits)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        return perceive(
            batch, context, batch.ability, self.params["link"], rng, feature=self.params["feature"]
        )


class TieClickerParameters(ArchetypeParameters):
    """``[archetypes.tie_clicker]``."""

    rate: Probability = Field(1.0, description="P(clicking tie); otherwise left or right at random")


class TieClicker(Archetype):
    """Clicks "tie" (the cheapest way through a task that offers one) with probability ``rate`` (a
    per-worker trait ``tie_rate``: a twin keeps their own), else left or right at random."""

    name: ClassVar[str] = "tie_clicker"
    looks: ClassVar[bool] = False
    summary: ClassVar[str] = "clicks tie (with probability rate, else a side at random); needs ties allowed"
    parameters: ClassVar[type[ArchetypeParameters]] = TieClickerParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        if n_workers and n_classes < 3:
            raise SandboxError(
                "tie_clicker needs a dataset whose pairs may be ties (e.g. synthetic-pairs:ties=0.2); "
                "this one offers left and right only"
            )
        share_of_ties = float(class_prior[TIE]) if n_classes > TIE else 0.0
        rate = np.full(n_workers, float(self.params["rate"]))
        return WorkerTraits(
            skill=np.full(n_workers, share_of_ties), target=no_target(n_workers), traits={"tie_rate": rate}
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        pair_context(batch, self.name)
        rate = batch.traits.get("tie_rate", np.full(len(batch.task), float(self.params["rate"])))
        ties = np.full(len(batch.task), TIE, dtype=np.int64)
        if np.all(rate >= 1.0):
            return ties
        sides = np.where(rng.random(len(batch.task)) < 0.5, LEFT, RIGHT)
        return np.where(rng.random(len(batch.task)) < rate, ties, sides)
