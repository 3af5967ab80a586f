"""Registry of annotator archetypes: name → class. The single source for CLI, dashboard and tests."""

from __future__ import annotations

from annotators.archetypes.adversary import Adversary
from annotators.archetypes.base import AnswerBatch, Archetype, EarlierAnswers, WorkerTraits
from annotators.archetypes.colluding_ring import ColludingRing
from annotators.archetypes.copier import Copier
from annotators.archetypes.fatigue import Fatigue
from annotators.archetypes.gold_aware import GoldAwareCheater
from annotators.archetypes.honest import Honest
from annotators.archetypes.spammers import FixedSpammer, MajorityClassGuesser, UniformSpammer

ARCHETYPES: dict[str, type[Archetype]] = {
    cls.name: cls
    for cls in (
        Honest,
        UniformSpammer,
        FixedSpammer,
        Adversary,
        GoldAwareCheater,
        ColludingRing,
        MajorityClassGuesser,
        Fatigue,
        Copier,
    )
}

__all__ = ["ARCHETYPES", "AnswerBatch", "Archetype", "EarlierAnswers", "WorkerTraits"]
