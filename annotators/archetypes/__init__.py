"""Registry of annotator archetypes: name → class. The single source for CLI, dashboard and tests."""

from __future__ import annotations

from annotators.archetypes.adversary import Adversary
from annotators.archetypes.base import AnswerBatch, Archetype, WorkerTraits
from annotators.archetypes.honest import Honest
from annotators.archetypes.spammers import FixedSpammer, UniformSpammer

ARCHETYPES: dict[str, type[Archetype]] = {
    cls.name: cls for cls in (Honest, UniformSpammer, FixedSpammer, Adversary)
}

__all__ = ["ARCHETYPES", "AnswerBatch", "Archetype", "WorkerTraits"]
