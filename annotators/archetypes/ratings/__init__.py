"""Archetypes of raters on a scale (``kind = "ratings"`` populations): who rates an item and how.

Every archetype reads the item from ``AnswerBatch.context`` (a :class:`RatingContext`: the item's
true score as a position on the range, and the :class:`Scale`) and answers on the scale: a point of
an integer scale, or a number in a continuous range.
"""

from __future__ import annotations

from annotators.archetypes.base import family
from annotators.archetypes.ratings.cheaters import ColludingRing, RandomRater, StraightLiner, pushed_rows
from annotators.archetypes.ratings.context import ITEM_NOISE, RatingContext
from annotators.archetypes.ratings.raters import (
    AnchoringRater,
    CentralTendencyRater,
    ExtremeRater,
    HarshRater,
    HonestRater,
    LenientRater,
    Speeder,
)
from annotators.archetypes.ratings.scale import Scale

FAMILY = family(
    "ratings",
    (
        HonestRater,
        LenientRater,
        HarshRater,
        CentralTendencyRater,
        ExtremeRater,
        StraightLiner,
        AnchoringRater,
        RandomRater,
        Speeder,
        ColludingRing,
    ),
)
#: name → class, in listing order.
ARCHETYPES = FAMILY.archetypes

__all__ = ["ARCHETYPES", "FAMILY", "ITEM_NOISE", "RatingContext", "Scale", "pushed_rows"]
