"""Archetypes of pairwise raters (``kind = "pairwise"`` populations): who compares two items and how.

Every archetype reads the pair from ``AnswerBatch.context`` (a :class:`PairContext`) and answers
:data:`LEFT`, :data:`RIGHT` or, when the dataset allows ties, :data:`TIE`.
"""

from __future__ import annotations

from annotators.archetypes.base import family
from annotators.archetypes.pairwise.biased import LengthBiased, PositionBiased
from annotators.archetypes.pairwise.cheaters import PairAdversary, RandomClicker, TieClicker
from annotators.archetypes.pairwise.context import LEFT, RIGHT, SIDES, TIE, PairContext, promoted_position
from annotators.archetypes.pairwise.honest import HonestRater
from annotators.archetypes.pairwise.llm import LLMAssistedRater, ModelJudge
from annotators.archetypes.pairwise.ring import PromotingRing

FAMILY = family(
    "pairwise",
    (
        HonestRater,
        PositionBiased,
        LengthBiased,
        RandomClicker,
        PairAdversary,
        PromotingRing,
        TieClicker,
        LLMAssistedRater,
        ModelJudge,
    ),
)
#: name → class, in listing order.
ARCHETYPES = FAMILY.archetypes

__all__ = [
    "ARCHETYPES",
    "FAMILY",
    "LEFT",
    "RIGHT",
    "SIDES",
    "TIE",
    "PairContext",
    "promoted_position",
]
