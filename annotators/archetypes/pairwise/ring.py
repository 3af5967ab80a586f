"""A colluding ring promoting one item: members vote for it whenever it is in the pair, and compare
honestly otherwise (so they pass gold questions and look like good raters). The vote-stuffing of
leaderboards built from votes."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits
from annotators.archetypes.pairwise.context import LEFT, RIGHT, pair_context, promoted_position
from annotators.archetypes.pairwise.honest import ComparingParameters, comparing_traits, perceive
from annotators.parameters import ArchetypeParameters
from foundation.config import Allowed

Rank = Annotated[int, Field(ge=1), Allowed("a rank (integer >= 1; 1 = the best item)")]


class PromotingRingParameters(ComparingParameters):
    """``[archetypes.promoting_ring]``."""

    target_rank: Rank | None = Field(
        None, description="true rank of the promoted item (1 = best; default: the middle item)"
    )


class PromotingRing(Archetype):
    """Votes for the promoted item whenever it appears; honest otherwise. The ``label`` trait holds
    the promoted item's 0-based true rank (-1: the middle item), for scoring the rank it gained."""

    name: ClassVar[str] = "promoting_ring"
    summary: ClassVar[str] = "votes for one target item whenever it appears, honest otherwise"
    parameters: ClassVar[type[ArchetypeParameters]] = PromotingRingParameters

    def draw_workers(
        self, n_workers: int, n_classes: int, class_prior: NDArray[Any], rng: np.random.Generator
    ) -> WorkerTraits:
        rank = self.params["target_rank"]
        skill = self.distribution("skill").draw(n_workers, rng)
        return WorkerTraits(
            skill=skill,
            target=np.full(n_workers, -1 if rank is None else rank - 1, dtype=np.int64),
            traits=comparing_traits(self.params, n_workers, rng),
        )

    def answer(self, batch: AnswerBatch, rng: np.random.Generator) -> NDArray[Any]:
        context = pair_context(batch, self.name)
        compared = perceive(
            batch, context, batch.ability, self.params["link"], rng, feature=self.params["feature"]
        )
        rank = int(batch.target[0]) if len(batch.target) else -1
        target = context.items_by_rank[promoted_position(rank, context.n_items)]
        on_left = context.left_item[batch.task] == target
        on_right = context.right_item[batch.task] == target
        return np.where(on_left, LEFT, np.where(on_right, RIGHT, compared))
