"""What a rater sees of each item, and how a rater who tries turns it into a rating.

The ratings dataset builds one :class:`RatingContext` per dataset (one entry per item, in dataset row
order): the item's true score as a position on the scale's range (0 = the low end, 1 = the high
end), its measured ambiguity, and the scale. Archetypes work on positions and answer on the scale.

A rater who tries (:func:`perceive`) sees an item at true position ``u`` as

    v = 0.5 + slope · (u − 0.5) + offset + noise · ε + ITEM_NOISE · d · ε′

(ε, ε′ standard normal; ``d`` the item's difficulty in [0, 1]), clipped to the range and, on an
integer scale, rounded to the nearest point. ``offset`` > 0 is a lenient rater, < 0 a harsh one;
``slope`` < 1 uses the middle of the scale (central tendency), > 1 its ends (extreme responding);
``noise`` is the rater's own error, in shares of the range. Every number is in shares of the range,
so a population means the same on a 1–5 scale as on a 0–100 slider.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotators.archetypes.base import AnswerBatch
from annotators.archetypes.ratings.scale import Scale
from foundation.errors import SandboxError

#: Error sd (shares of the range) of an honest rater on an item of difficulty 1: half the range, so
#: that a hopeless item is rated all over the scale.
ITEM_NOISE = 0.5


@dataclass(frozen=True)
class RatingContext:
    """Per item (dataset row): ``quality``, the true score as a position on the range (0..1).
    Per dataset: the ``scale``."""

    quality: NDArray[Any]
    scale: Scale


def rating_context(batch: AnswerBatch, archetype: str) -> RatingContext:
    """The batch's rating context; SandboxError when the dataset is not a ratings one."""
    if not isinstance(batch.context, RatingContext):
        raise SandboxError(f"{archetype} rates items on a scale; the dataset is not a ratings dataset")
    return batch.context


def trait(batch: AnswerBatch, name: str, default: float) -> NDArray[np.float64]:
    """The named worker trait of each answer (``default`` where the worker has none)."""
    values = batch.traits.get(name)
    if values is None:
        return np.full(len(batch.task), default)
    values = np.asarray(values, dtype=float)
    return np.where(np.isnan(values), default, values)


def perceive(batch: AnswerBatch, context: RatingContext, rng: np.random.Generator) -> NDArray[np.float64]:
    """The unclipped positions raters who try see (module docstring), from their ``offset``,
    ``slope`` and ``noise`` traits and the items' difficulty."""
    size = len(batch.task)
    quality = np.asarray(context.quality, dtype=float)[batch.task]
    slope, offset, noise = trait(batch, "slope", 1.0), trait(batch, "offset", 0.0), trait(batch, "noise", 0.0)
    item_noise = ITEM_NOISE * np.asarray(batch.difficulty, dtype=float)
    errors = noise * rng.standard_normal(size) + item_noise * rng.standard_normal(size)
    positions: NDArray[np.float64] = 0.5 + slope * (quality - 0.5) + offset + errors
    return positions


def in_worker_order(batch: AnswerBatch) -> NDArray[np.intp]:
    """Positions of the batch's answers ordered by worker, then by the items the worker had done."""
    return np.lexsort((np.asarray(batch.position), np.asarray(batch.worker)))


def anchored(
    batch: AnswerBatch, positions: NDArray[np.float64], weight: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each rater's positions pulled toward their previous rating: ``r_t = (1 − w) · p_t + w · r_{t−1}``
    over the worker's answers in the order they gave them (``r_0 = p_0``; the previous rating is the
    previous item of the same round). Vectorised over workers, one step per item of the busiest."""
    order = in_worker_order(batch)
    workers = np.asarray(batch.worker)[order]
    start = np.r_[True, workers[1:] != workers[:-1]] if len(order) else np.zeros(0, dtype=bool)
    first = np.flatnonzero(start)
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    pulled = positions[order].copy()
    pull = weight[order]
    by_rank = np.argsort(rank, kind="stable")  # the answers of step 1, then of step 2, ...
    bounds = np.searchsorted(rank[by_rank], np.arange(1, int(rank.max()) + 2 if len(rank) else 1))
    for low, high in itertools.pairwise(bounds):
        at = by_rank[low:high]
        previous = np.clip(pulled[at - 1], 0.0, 1.0)  # the rating given: on the range
        pulled[at] = (1 - pull[at]) * pulled[at] + pull[at] * previous
    out = np.empty_like(positions)
    out[order] = pulled
    return out
