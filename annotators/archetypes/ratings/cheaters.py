"""Raters who do not look at the item: straight-liners, random raters, and colluding rings that push
chosen items up (and rate honestly otherwise, so that they look like good raters)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, WorkerTraits, no_target
from annotators.archetypes.ratings.base import RatingArchetype
from annotators.archetypes.ratings.context import perceive, rating_context, trait
from annotators.archetypes.ratings.raters import HONEST_NOISE, NOISE_TEXT
from annotators.parameters import ArchetypeParameters, Probability, SkillLike, toml_default
from foundation.config import Allowed


class StraightLinerParameters(ArchetypeParameters):
    """``[archetypes.straight_liner]``."""

    point: SkillLike = Field(
        toml_default({"alpha": 1.0, "beta": 1.0}),
        description="where on the range each straight-liner's one answer lies (0 the low end, 1 the high)",
    )


class StraightLiner(RatingArchetype):
    """Gives every item the same rating (its own ``point`` on the range)."""

    name: ClassVar[str] = "straight_liner"
    summary: ClassVar[str] = "gives every item the same rating (its own point on the scale)"
    parameters: ClassVar[type[ArchetypeParameters]] = StraightLinerParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        point = self.distribution("point").draw(n_workers, rng)
        return WorkerTraits(skill=np.zeros(n_workers), target=no_target(n_workers), traits={"point": point})

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = rating_context(batch, self.name)
        return context.scale.from_unit(trait(batch, "point", 0.5))


class RandomRaterParameters(ArchetypeParameters):
    """``[archetypes.random]``."""

    point: SkillLike | None = Field(
        None,
        description="where each random rater's ratings centre (share of the range); not set: uniform "
        "over the whole scale",
    )
    noise: SkillLike = Field(
        toml_default(0.1), description="sd of the ratings around that point (share of the range), with point"
    )


class RandomRater(RatingArchetype):
    """Rates without looking at the item: uniformly over the scale, or (``point`` set) scattered around
    a level of their own (``point + noise · ε``), as real careless raters mostly do."""

    name: ClassVar[str] = "random"
    summary: ClassVar[str] = "rates without looking: uniform over the scale, or scattered around a point"
    parameters: ClassVar[type[ArchetypeParameters]] = RandomRaterParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        extra = {}
        if self.params["point"] is not None:
            extra = {
                "point": self.distribution("point").draw(n_workers, rng),
                "noise": self.distribution("noise").draw(n_workers, rng),
            }
        return WorkerTraits(skill=np.zeros(n_workers), target=no_target(n_workers), traits=extra)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        scale = rating_context(batch, self.name).scale
        point = trait(batch, "point", np.nan)
        uniform = scale.uniform(len(batch.task), rng)
        scattered = scale.from_unit(point + trait(batch, "noise", 0.0) * rng.standard_normal(len(batch.task)))
        return np.where(np.isnan(point), uniform, scattered)


Rings = Annotated[int, Field(ge=1, le=1000), Allowed("an integer in [1, 1000]")]
#: Item keys of a ring's choice: ``(row · MULTIPLIER + key) mod 2^32`` below ``share · 2^32``.
MULTIPLIER = 0x9E3779B1
KEY_SPACE = 2**32


def pushed_rows(rows: NDArray[Any], key: float, share: float) -> NDArray[np.bool_]:
    """Whether the ring with ``key`` pushes each dataset row (a share ``share`` of the rows, the same
    for every member of the ring, chosen by a hash of the row and the key)."""
    hashed = (np.asarray(rows, dtype=np.int64) * MULTIPLIER + int(key)) % KEY_SPACE
    return np.asarray(hashed < share * KEY_SPACE, dtype=bool)


class RingParameters(ArchetypeParameters):
    """``[archetypes.colluding_ring]``."""

    rings: Rings = Field(1, description="number of separate rings (each pushes its own items)")
    items: Probability = Field(0.1, description="share of the items each ring pushes")
    push: Probability = Field(
        1.0, description="where pushed items are rated, as a share of the range (1: the top)"
    )
    noise: SkillLike = Field(toml_default(HONEST_NOISE), description=f"{NOISE_TEXT}, on the other items")


class ColludingRing(RatingArchetype):
    """Members of a ring rate the ring's chosen items at ``push`` (the top by default) and rate every
    other item honestly. Named traits: ``ring_key`` (which items, :func:`pushed_rows`),
    ``ring_items`` (their share) and ``noise``."""

    name: ClassVar[str] = "colluding_ring"
    summary: ClassVar[str] = "pushes the ring's chosen items to the top, rates the others honestly"
    parameters: ClassVar[type[ArchetypeParameters]] = RingParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        rings = int(self.params["rings"])
        keys = rng.integers(0, KEY_SPACE, size=rings).astype(float)
        group = np.arange(n_workers, dtype=np.int64) % rings
        noise = self.distribution("noise").draw(n_workers, rng)
        extra = {
            "noise": noise,
            "ring_key": keys[group],
            "ring_items": np.full(n_workers, float(self.params["items"])),
        }
        return WorkerTraits(skill=1.0 - noise, target=no_target(n_workers), group=group, traits=extra)

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = rating_context(batch, self.name)
        honest = perceive(batch, context, rng)
        keys, share = trait(batch, "ring_key", 0.0), trait(batch, "ring_items", 0.0)
        pushed = np.zeros(len(batch.task), dtype=bool)
        for key in np.unique(keys):
            mine = keys == key
            pushed[mine] = pushed_rows(batch.task[mine], key, float(share[mine][0]))
        return context.scale.from_unit(np.where(pushed, float(self.params["push"]), honest))
