"""Registries of annotator archetypes, per task kind: name → class. The single source for the CLI,
the dashboard and the tests. A population's ``kind`` picks the registry its archetypes come from."""

from __future__ import annotations

from annotators.archetypes.adversary import Adversary
from annotators.archetypes.base import AnswerBatch, Archetype, EarlierAnswers, WorkerTraits
from annotators.archetypes.colluding_ring import ColludingRing
from annotators.archetypes.copier import Copier
from annotators.archetypes.fatigue import Fatigue
from annotators.archetypes.gold_aware import GoldAwareCheater
from annotators.archetypes.honest import Honest
from annotators.archetypes.pairwise import PAIRWISE_ARCHETYPES
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

#: Archetype registries by task kind; a new kind adds its registry here.
ARCHETYPES_BY_KIND: dict[str, dict[str, type[Archetype]]] = {
    "classification": ARCHETYPES,
    "pairwise": PAIRWISE_ARCHETYPES,
}

__all__ = ["ARCHETYPES", "ARCHETYPES_BY_KIND", "AnswerBatch", "Archetype", "EarlierAnswers", "WorkerTraits"]
