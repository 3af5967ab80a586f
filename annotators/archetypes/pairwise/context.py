"""What a pairwise rater sees of each pair: the two items' true quality and nuisance, and which items
they are. The pairwise dataset builds one :class:`PairContext` per dataset (one entry per pair, in
dataset row order); the campaign hands it to the archetypes through ``AnswerBatch.context``.

Answers are class codes: :data:`LEFT` (the left/first item is better), :data:`RIGHT`, and
:data:`TIE` when the interface offers a tie button (then the dataset has three classes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.base import AnswerBatch
from foundation.errors import SandboxError

LEFT, RIGHT, TIE = 0, 1, 2
SIDES = ("left", "right", "tie")


@dataclass(frozen=True)
class PairContext:
    """Per pair (dataset row): ``left_quality``/``right_quality`` (true quality in standard deviations
    of the items' quality), ``left_nuisance``/``right_nuisance`` (the standardised nuisance, e.g. log
    length; ``None`` when the dataset has none), ``left_item``/``right_item`` (item positions).
    Per dataset: ``items_by_rank`` (item positions, best first) and ``tie_margin`` (pairs closer than
    this, in standard deviations, are ties). ``features``: every numeric item feature a rater may be
    swayed by, by name, as (left, right) per pair, standardised like the nuisance."""

    left_quality: NDArray[Any]
    right_quality: NDArray[Any]
    left_nuisance: NDArray[Any] | None
    right_nuisance: NDArray[Any] | None
    left_item: NDArray[Any]
    right_item: NDArray[Any]
    items_by_rank: NDArray[Any]
    tie_margin: float = 0.0
    features: Mapping[str, tuple[NDArray[Any], NDArray[Any]]] = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items_by_rank)


def pair_context(batch: AnswerBatch, archetype: str) -> PairContext:
    """The batch's pair context; SandboxError when the dataset is not a pairwise one."""
    if not isinstance(batch.context, PairContext):
        raise SandboxError(f"{archetype} rates pairs of items; the dataset is not a pairwise dataset")
    return batch.context


def promoted_position(rank: int, n_items: int) -> int:
    """The 0-based true-rank position of a promoted item: ``rank`` (0 = best) when it is >= 0, the
    middle item (``n_items // 2``) when it is -1 (no rank given); SandboxError past the last item."""
    if rank < 0:
        return n_items // 2
    if rank >= n_items:
        raise SandboxError(f"promoting_ring.target_rank = {rank + 1} but the dataset has {n_items} items")
    return rank


def quality_difference(batch: AnswerBatch, context: PairContext) -> NDArray[Any]:
    """Right minus left true quality of each answer's pair (standard deviations)."""
    return np.asarray(context.right_quality[batch.task] - context.left_quality[batch.task], dtype=float)


def choose(perceived: NDArray[Any], margin: NDArray[Any] | float, ties: bool) -> NDArray[Any]:
    """RIGHT where ``perceived`` (right minus left, as the rater sees it) is positive, else LEFT; with
    ``ties``, TIE where ``|perceived| < margin``."""
    codes = np.where(perceived > 0, RIGHT, LEFT).astype(np.int64)
    if ties:
        codes[np.abs(perceived) < margin] = TIE
    return codes
