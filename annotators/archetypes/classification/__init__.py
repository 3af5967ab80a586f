"""Archetypes of classification workers (the default kind): who chooses the class of an item and how."""

from __future__ import annotations

from annotators.archetypes.base import family
from annotators.archetypes.classification.adversary import Adversary
from annotators.archetypes.classification.colluding_ring import ColludingRing
from annotators.archetypes.classification.copier import Copier
from annotators.archetypes.classification.fatigue import Fatigue
from annotators.archetypes.classification.gold_aware import GoldAwareCheater
from annotators.archetypes.classification.honest import Honest
from annotators.archetypes.classification.llm import LLMAssisted, ModelAnnotator
from annotators.archetypes.classification.spammers import FixedSpammer, MajorityClassGuesser, UniformSpammer

FAMILY = family(
    "classification",
    (
        Honest,
        UniformSpammer,
        FixedSpammer,
        Adversary,
        GoldAwareCheater,
        ColludingRing,
        MajorityClassGuesser,
        Fatigue,
        Copier,
        LLMAssisted,
        ModelAnnotator,
    ),
    default=True,
)
#: name → class, in listing order.
ARCHETYPES = FAMILY.archetypes

__all__ = ["ARCHETYPES", "FAMILY"]
